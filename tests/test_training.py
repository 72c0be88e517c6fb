"""The shared Keras loop and its callbacks, on a tiny model (seconds, CPU)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import training  # noqa: E402
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


def test_epochs_to_reach():
    assert training.epochs_to_reach([0.5, 0.8, 0.97, 0.99], 0.97) == 3
    assert training.epochs_to_reach([0.5, 0.8], 0.97) is None


@pytest.mark.parametrize(("target", "epochs_run"), [(0.4, 1), (0.5, 1), (0.6, 5)])
def test_stop_at_stops_once_the_target_is_reached(target, epochs_run):
    from course_utils.config import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(2, activation="softmax")])
    # A learning rate of 0 keeps the accuracy at exactly 0.5: every input is 0, so every logit
    # is equal and every prediction is class 0, right on half of the labels.
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.zeros((8, 3), "float32"), np.array([0, 1] * 4)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[training.stop_at("accuracy", target)])
    assert history.history["accuracy"] == [0.5] * epochs_run


def test_stop_at_names_a_missing_metric():
    from course_utils.config import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    with pytest.raises(KeyError, match="'accuracy' not in the logs"):
        model.fit(np.zeros((8, 3), "float32"), np.zeros(8, int), epochs=1, verbose=0,
                  callbacks=[training.stop_at("accuracy", 0.5)])


def test_error_tracker_logs_percent_error():
    import keras

    model = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.zeros((20, 32, 32, 1), "float32")
    y = np.array([0] * 5 + [3] * 15)
    logs = {}
    tracker = training.error_tracker(x, y)
    tracker.set_model(model)
    tracker.on_epoch_end(0, logs)
    assert logs["test_error"] == 75.0   # all-zero logits: argmax is class 0
    with pytest.raises(ValueError, match="20 inputs but 3 labels"):
        training.error_tracker(x, y[:3])
