"""The shared Keras loop and plots, on a tiny model (seconds, CPU)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plots  # noqa: E402
from course_utils.training import fit  # noqa: E402


def test_fit_returns_history_with_epoch_seconds():
    from course_utils.config import import_keras

    keras = import_keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = fit(model, x, y, epochs=3, batch_size=16, validation_data=(x, y), verbose=0)
    assert len(history["epoch_seconds"]) == 3 and min(history["epoch_seconds"]) > 0
    assert history["loss"][-1] < history["loss"][0]
    assert set(history) >= {"accuracy", "val_loss", "val_accuracy"}
    with pytest.raises(ValueError, match="epochs=0"):
        fit(model, x, y, epochs=0, batch_size=16)


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
