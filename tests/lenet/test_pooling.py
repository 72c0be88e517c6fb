"""Pooling and the shift measure against brute force; the pooling figure and explorer."""

import numpy as np
import pytest

from course_utils.lenet import pooling


def test_pool2d_brute_force():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 9))
    for kind, f in (("max", np.max), ("avg", np.mean), ("l2", lambda w: np.sqrt((w ** 2).sum()))):
        got = pooling.pool2d(x, size=3, stride=2, kind=kind)
        want = np.array([[f(x[r:r + 3, c:c + 3]) for c in range(0, 7, 2)] for r in range(0, 5, 2)])
        np.testing.assert_allclose(got, want)
    with pytest.raises(ValueError, match="kind"):
        pooling.pool2d(x, kind="median")


def test_lecture_max_pool_example():
    c = np.array([[11, -5, 1, -2, 0], [1, 3, 0, 0, 5], [8, 4, 15, -10, 4],
                  [8, 6, 5, 3, 7], [3, 0, -2, 9, 3]])
    assert pooling.pool2d(c[1:4, 1:4], 3)[0, 0] == 15


def test_pool_across_maps():
    rng = np.random.default_rng(1)
    maps = rng.normal(size=(4, 5, 6))
    got = pooling.pool_across_maps(maps, 3)
    np.testing.assert_allclose(got[..., 1], np.linalg.norm(maps[..., 3:6], axis=2))
    with pytest.raises(ValueError, match="groups"):
        pooling.pool_across_maps(maps, 4)


def test_shift_change_counts_only_non_background_values():
    bar = np.zeros((6, 6))
    bar[2, 1:4] = 1.0                                 # a 3-pixel horizontal stroke
    moved = np.roll(bar, 1, axis=1)                   # the stroke one pixel right
    changed, distance = pooling.shift_change(bar, moved)
    assert changed == 0.5                             # 4 pixels seen (ink before or after), 2 differ
    assert distance == np.sqrt(2) / np.sqrt(3)        # ||a - b|| / ||a||
    assert changed != np.mean(bar != moved)           # not the share of all 36 pixels (2/36)
    assert pooling.shift_change(bar - 0.1, moved - 0.1, background=-0.1)[0] == 0.5
    assert pooling.shift_change(np.zeros((2, 2)), np.zeros((2, 2))) == (0.0, 0.0)
    with pytest.raises(ValueError, match=r"\(6, 6\).*\(3, 3\)"):
        pooling.shift_change(bar, bar[:3, :3])


def test_pooling_figure_shows_the_shifted_input_and_explorer_builds():
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    img = np.zeros((8, 8))
    img[2:5, 2:5] = 1
    fig = pooling.pooling_figure(img, dx=2, dy=0, size=2, kind="avg")
    assert fig.axes[0].get_title() == "input shifted by (2, 0)" and "avg pool 2x2" in fig.axes[1].get_title()
    want = np.zeros((8, 8))
    want[2:5, 4:7] = 1                                # two pixels right, background 0
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), want)
    fig = pooling.pooling_figure(img - 0.5, dx=-1, dy=1)
    want = np.full((8, 8), -0.5)
    want[3:6, 1:4] = 0.5                              # one left, one down, filled with the minimum
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), want)
    with pytest.raises(ValueError, match=r"2-D image, got shape \(2, 8, 8\)"):
        pooling.pooling_figure(np.zeros((2, 8, 8)))
    explorer = pooling.pooling_explorer(np.random.default_rng(2).uniform(size=(12, 12)))
    assert len(explorer.widget.children) >= 3
    preview, live = explorer.bundles()
    assert preview["image/png"] and "explorer: run this cell" in live["text/plain"]
    plt.close("all")
