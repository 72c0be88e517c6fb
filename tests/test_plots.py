"""The shared figures are legible on a slide: at most 13 inches wide, no text under 11 points."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from course_utils import plots
from course_utils.backprop import schedules
from course_utils.lenet import demos as convnet_demos
from course_utils.manifold import untangling as manifold
from course_utils.text import charlm
from course_utils.transfer import budget  # noqa: E402


def smallest_font(fig):
    """Smallest font (points) among the texts a drawn figure shows, and that text."""
    fig.canvas.draw()   # tick labels exist once drawn
    shown = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min((t.get_fontsize(), t.get_text()) for t in shown)


def assert_legible(fig):
    size, text = smallest_font(fig)
    assert size >= plots.MIN_FONT, f"{text!r} at {size} pt"
    assert fig.get_size_inches()[0] <= plots.MAX_WIDTH + 1e-9
    plt.close(fig)


def test_legible_raises_small_text_and_keeps_larger():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], label="curve")
    ax.set_title("t", fontsize=6)
    ax.legend(fontsize=5)
    ax.text(1, 1, "note", fontsize=4)
    big = ax.text(2, 2, "big", fontsize=20)
    ax.tick_params(labelsize=3)
    assert smallest_font(fig)[0] == 3
    plots.legible(fig)
    assert_legible(fig)
    assert ax.title.get_fontsize() == plots.TITLE_FONT and big.get_fontsize() == 20


def test_a_figure_left_alone_fails_the_check():   # the check can fail
    fig, ax = plt.subplots(figsize=(16, 3))
    ax.set_title("x")
    ax.legend(handles=ax.plot([1, 2], label="a"), fontsize=7)
    with pytest.raises(AssertionError, match="7"):
        assert_legible(fig)


@pytest.mark.parametrize("make", [
    lambda: plots.image_grid(np.zeros((40, 28, 28)), labels=[f"{i}->{i + 1}" for i in range(40)],
                             ncols=20, title="many"),
    lambda: plots.plot_curves({"train": [3, 2, 1], "test": [3, 2.5, 2]}, title="loss").figure,
    lambda: plots.plot_history({"loss": [2, 1], "val_loss": [2, 1.5], "accuracy": [0.5, 0.7],
                                "val_accuracy": [0.5, 0.6], "test_error": [3, 2]},
                               metrics=("loss", "accuracy", "test_error"), title="h"),
    lambda: manifold.plot_separability(np.random.default_rng(0).normal(size=(200, 2)),
                                       np.arange(200) % 10, title="separability").figure,
    lambda: schedules.plot_schedules().figure,
    lambda: plots.plot_decision_boundary(lambda p: (p[:, 0] > 0).astype(int),
                                         np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]]),
                                         np.array([0, 1, 0]), title="xor", resolution=20).figure,
    lambda: budget.plot_budget_curves({"logistic": {1: [0.5, 0.6], 10: [0.8, 0.85]}},
                                      title="budget").figure,
    lambda: convnet_demos.confusion_figure(np.arange(100).reshape(10, 10) * 37, "confusion"),
    lambda: charlm.plot_char_embedding(np.random.default_rng(0).normal(size=(5, 2)), list("abcde"),
                                       np.arange(5), title="chars"),
], ids=["image_grid", "plot_curves", "plot_history", "plot_separability", "plot_schedules",
        "plot_decision_boundary", "plot_budget_curves", "confusion_figure", "plot_char_embedding"])
def test_every_shared_figure_is_legible_on_a_slide(make):
    assert_legible(make())


def test_plot_decision_boundary_titles_legend_and_errors():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plots.plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, np.array([0, 1]), title="t")
    assert ax.get_title() == "t" and ax.get_xlabel() == "x_1" and ax.get_legend() is None
    ax = plots.plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, np.array([0, 1]), title="t",
                                      class_names=["XOR = 0", "XOR = 1"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["XOR = 0", "XOR = 1"]
    with pytest.raises(ValueError, match="1 class_names for 2 classes"):
        plots.plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, np.array([0, 1]), title="t",
                                     class_names=["one"])
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plots.plot_decision_boundary(lambda P: P, np.zeros((3, 3)), np.zeros(3), title="t")


def test_image_grid_and_curves():
    fig = plots.image_grid(np.zeros((12, 784)), labels=list(range(12)), ncols=5, title="t")
    assert len(fig.axes) == 15 and fig.axes[0].get_title() == "0"
    with pytest.raises(ValueError, match="12 images but 3 labels"):
        plots.image_grid(np.zeros((12, 28, 28)), labels=[1, 2, 3])
    with pytest.raises(ValueError, match="square"):
        plots.image_grid(np.zeros((2, 10)))
    ax = plots.plot_curves({"train": [3, 2, 1], "test": [3, 2.5, 2]}, title="loss", ylabel="nats")
    assert ax.get_title() == "loss" and len(ax.lines) == 2
    fig = plots.plot_history({"loss": [2, 1], "val_loss": [2, 1.5], "accuracy": [0.5, 0.7]},
                             title="h")
    assert len(fig.axes) == 2


def test_plot_history_scales_labels_and_marks_the_best_epoch():
    history = {"loss": [2.0, 1.0, 0.5], "val_loss": [2.0, 1.2, 1.4]}
    fig = plots.plot_history(history, title="h", scale={"loss": 0.5}, ylabels={"loss": "bits"},
                             mark_best="loss")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "bits"
    train, val, best = ax.lines
    assert list(train.get_ydata()) == [1.0, 0.5, 0.25] and list(val.get_ydata()) == [1.0, 0.6, 0.7]
    assert list(best.get_xdata()) == [2, 2]   # epoch 2 has the lowest validation loss
    with pytest.raises(ValueError, match="val_accuracy"):
        plots.plot_history(history, title="h", mark_best="accuracy")


def test_plot_history_reads_other_key_spellings():
    history = {"train_loss": [2.0, 1.0], "eval_loss": [2.5, 1.5], "train_acc": [0.5, 0.8],
               "eval_acc": [0.4, 0.7], "epoch_seconds": [1.0, 1.0]}
    fig = plots.plot_history(history, title="numpy loop", metrics=("loss", "acc"),
                             keys=("train_{}", "eval_{}"), labels=("train", "test"),
                             titles={"acc": "accuracy"}, logy=("loss",))
    loss, acc = fig.axes
    assert [t.get_text() for t in loss.get_legend().get_texts()] == ["train", "test"]
    assert list(loss.lines[1].get_ydata()) == [2.5, 1.5] and list(acc.lines[0].get_ydata()) == [0.5, 0.8]
    assert (loss.get_title(), acc.get_title()) == ("loss", "accuracy")
    assert loss.get_yscale() == "log" and acc.get_yscale() == "linear"
    with pytest.raises(ValueError, match="none of the metrics"):
        plots.plot_history(history, title="h")             # Keras spelling: no "loss" key here
    assert_legible(fig)
