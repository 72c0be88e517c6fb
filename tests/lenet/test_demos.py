"""The convolution, distortion and confusion figures follow their arguments; the explorers build."""

import numpy as np
import pytest

from course_utils.lenet import demos as cd


def test_parse_kernel_and_explorers_build():
    assert cd.parse_kernel("0 1 0; 1 -4 1; 0,1,0")[1, 1] == -4
    with pytest.raises(ValueError, match="9 numbers"):
        cd.parse_kernel("1 2 3")
    import matplotlib

    matplotlib.use("Agg")
    img = np.random.default_rng(2).uniform(size=(12, 12))
    digits = np.full((3, 32, 32, 1), -0.1, dtype="float32")
    digits[:, 10:20, 12:16] = 1.0
    for explorer in (cd.convolution_explorer(img), cd.distortion_explorer(digits)):
        assert len(explorer.widget.children) >= 3
        preview, live = explorer.bundles()
        assert preview["image/png"] and "explorer: run this cell" in live["text/plain"]


def test_explorer_figures_follow_their_arguments(capsys):
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    img = np.zeros((8, 8))
    img[2:5, 2:5] = 1
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
