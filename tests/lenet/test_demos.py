"""Pooling and shift measures against brute force; the figures and explorers build."""

import numpy as np
import pytest

from course_utils.lenet import demos as cd


def test_pool2d_brute_force():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 9))
    for kind, f in (("max", np.max), ("avg", np.mean), ("l2", lambda w: np.sqrt((w ** 2).sum()))):
        got = cd.pool2d(x, size=3, stride=2, kind=kind)
        want = np.array([[f(x[r:r + 3, c:c + 3]) for c in range(0, 7, 2)] for r in range(0, 5, 2)])
        np.testing.assert_allclose(got, want)
    with pytest.raises(ValueError, match="kind"):
        cd.pool2d(x, kind="median")


def test_lecture_max_pool_example():
    c = np.array([[11, -5, 1, -2, 0], [1, 3, 0, 0, 5], [8, 4, 15, -10, 4],
                  [8, 6, 5, 3, 7], [3, 0, -2, 9, 3]])
    assert cd.pool2d(c[1:4, 1:4], 3)[0, 0] == 15


def test_pool_across_maps():
    rng = np.random.default_rng(1)
    maps = rng.normal(size=(4, 5, 6))
    got = cd.pool_across_maps(maps, 3)
    np.testing.assert_allclose(got[..., 1], np.linalg.norm(maps[..., 3:6], axis=2))
    with pytest.raises(ValueError, match="groups"):
        cd.pool_across_maps(maps, 4)


def test_shift_change_counts_only_non_background_values():
    bar = np.zeros((6, 6))
    bar[2, 1:4] = 1.0                                 # a 3-pixel horizontal stroke
    moved = np.roll(bar, 1, axis=1)                   # the stroke one pixel right
    changed, distance = cd.shift_change(bar, moved)
    assert changed == 0.5                             # 4 pixels seen (ink before or after), 2 differ
    assert distance == np.sqrt(2) / np.sqrt(3)        # ||a - b|| / ||a||
    assert changed != np.mean(bar != moved)           # not the share of all 36 pixels (2/36)
    assert cd.shift_change(bar - 0.1, moved - 0.1, background=-0.1)[0] == 0.5
    assert cd.shift_change(np.zeros((2, 2)), np.zeros((2, 2))) == (0.0, 0.0)
    with pytest.raises(ValueError, match=r"\(6, 6\).*\(3, 3\)"):
        cd.shift_change(bar, bar[:3, :3])


def test_parse_kernel_and_explorers_build():
    assert cd.parse_kernel("0 1 0; 1 -4 1; 0,1,0")[1, 1] == -4
    with pytest.raises(ValueError, match="9 numbers"):
        cd.parse_kernel("1 2 3")
    import matplotlib

    matplotlib.use("Agg")
    img = np.random.default_rng(2).uniform(size=(12, 12))
    digits = np.full((3, 32, 32, 1), -0.1, dtype="float32")
    digits[:, 10:20, 12:16] = 1.0
    for explorer in (cd.pooling_explorer(img), cd.convolution_explorer(img), cd.distortion_explorer(digits)):
        assert len(explorer.widget.children) >= 3
        preview, live = explorer.bundles()
        assert preview["image/png"] and "explorer: run this cell" in live["text/plain"]


def test_explorer_figures_follow_their_arguments(capsys):
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    img = np.zeros((8, 8))
    img[2:5, 2:5] = 1
    fig = cd.pooling_figure(img, dx=2, dy=0, size=2, kind="avg")
    assert fig.axes[0].get_title() == "input shifted by (2, 0)" and "avg pool 2x2" in fig.axes[1].get_title()
    want = np.zeros((8, 8))
    want[2:5, 4:7] = 1                                # two pixels right, background 0
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), want)
    fig = cd.pooling_figure(img - 0.5, dx=-1, dy=1)
    want = np.full((8, 8), -0.5)
    want[3:6, 1:4] = 0.5                              # one left, one down, filled with the minimum
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), want)
    with pytest.raises(ValueError, match=r"2-D image, got shape \(2, 8, 8\)"):
        cd.pooling_figure(np.zeros((2, 8, 8)))
    fig2 = cd.convolution_figure(img, preset="box blur")
    assert fig2.axes[1].get_title() == "kernel: box blur"
    assert cd.convolution_figure(img, typed="1 2").__class__ is type(None)
    assert "need 9 numbers" in capsys.readouterr().out
    digits = np.full((2, 32, 32, 1), -0.1, dtype="float32")
    fig3 = cd.distortion_figure(digits, shift_x=1.5)
    assert "shift (+1.5, +0.0) px" in fig3.texts[0].get_text()
    plt.close("all")


def test_confusion_figure_colours_the_errors_and_writes_every_count():
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    cm = np.array([[50, 2, 0], [1, 40, 7], [0, 3, 60]])
    fig = cd.confusion_figure(cm, "three classes", labels=["a", "b", "c"])
    ax = fig.axes[0]
    assert len(fig.axes) == 1                                     # no colour bar
    np.testing.assert_array_equal(ax.images[0].get_array(), cm - np.diag(np.diag(cm)))
    assert ax.images[0].get_clim() == (0, 7)                      # scaled to the errors only
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert {k: int(t.get_text()) for k, t in texts.items()} == {(r, c): cm[r, c] for r in range(3)
                                                                for c in range(3)}
    assert texts[(1, 1)].get_color() == "gray" and texts[(1, 2)].get_color() == "black"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("three classes", "predicted class",
                                                                  "true class")
    with pytest.raises(ValueError, match=r"square matrix, got shape \(2, 3\)"):
        cd.confusion_figure(np.zeros((2, 3), int), "t")
    with pytest.raises(ValueError, match="2 labels"):
        cd.confusion_figure(cm, "t", labels=["a", "b"])
    plt.close("all")
