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


def _tiny(name="tiny"):
    from course_utils.config import import_keras

    keras = import_keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")], name=name)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return keras, model, x, y


def test_fit_prints_one_summary_line_and_no_keras_log(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")
    keras, model, x, y = _tiny("small_net")
    history = fit(model, x, y, epochs=3, batch_size=16, validation_data=(x, y))
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Epoch" not in out and "step" not in out
    assert out.startswith("small_net: 3 epochs in ")
    assert out.rstrip().endswith(f"val_accuracy {history['val_accuracy'][-1]:.4g}")
    fit(model, x, y, epochs=2, batch_size=16, verbose=0)
    assert capsys.readouterr().out == ""
    fit(model, x, y, epochs=2, batch_size=16, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[:2]] == ["small_net: epoch 1/2", "small_net: epoch 2/2"]
    assert len(lines) == 3 and lines[2].startswith("small_net: 2 epochs in ")
    with pytest.raises(ValueError, match="verbose=3"):
        fit(model, x, y, epochs=1, batch_size=16, verbose=3)


def test_fit_summary_names_the_restored_epoch(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")
    keras, model, x, y = _tiny()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    rng = np.random.default_rng(1)
    x_val, y_val = rng.normal(size=(32, 3)).astype("float32"), rng.integers(0, 2, 32)  # labels: noise
    history = fit(model, x, y, epochs=20, batch_size=16, validation_data=(x_val, y_val), callbacks=[stop])
    out = capsys.readouterr().out.strip()
    run = len(history["loss"])
    best = int(np.argmin(history["val_loss"])) + 1
    assert run < 20 and best < run
    assert out.startswith(f"tiny: {run} of 20 epochs in ")
    assert out.endswith(f"; kept epoch {best}: loss {history['loss'][best - 1]:.4g}, "
                        f"val_accuracy {history['val_accuracy'][best - 1]:.4g}")


def test_a_failing_fit_leaves_a_readable_line(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")
    keras, model, x, y = _tiny()

    class Explode(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise FloatingPointError("loss is nan")

    with pytest.raises(FloatingPointError):
        fit(model, x, y, epochs=5, batch_size=16, callbacks=[Explode()])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("tiny: stopped in epoch 2/5 after ") and "(FloatingPointError: loss is nan)" in out


def test_fit_updates_one_notebook_display(monkeypatch):
    import sys
    import types

    from course_utils import progress

    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")
    shown = []

    class Handle:
        def update(self, data, raw=False):
            shown.append(data["text/plain"])

    def display(data, raw=False, display_id=None):
        shown.append(data["text/plain"])
        return Handle()

    monkeypatch.setitem(sys.modules, "IPython.display", types.SimpleNamespace(display=display))
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    keras, model, x, y = _tiny()
    fit(model, x, y, epochs=3, batch_size=16)
    assert shown[0] == "tiny: epoch 0/3, 0.0 s" and shown[-1].startswith("tiny: 3 epochs in ")
    assert len(shown) == 5 and [s.split(",")[0] for s in shown[1:4]] == [
        "tiny: epoch 1/3", "tiny: epoch 2/3", "tiny: epoch 3/3"]
