"""The model cache behind training.fit, on a tiny model (seconds, CPU, offline)."""

import json
import os
import shutil

import numpy as np
import pytest

from course_utils import model_cache
from course_utils.config import import_keras
from course_utils.training import fit

keras = import_keras()
RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("int32")
HIT = "loaded from cache"

# A student's layer, as typed in a notebook cell (module __main__: no source file to read).
STUDENT_LAYER = '''
class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.w{edit}
'''


def student_layer(edit=""):
    namespace = {"keras": keras, "__name__": "__main__"}
    exec(STUDENT_LAYER.format(edit=edit), namespace)  # noqa: S102 - the test's own text
    return namespace["Scale"]


def make_model(units=4, lr=0.1, seed=0, activation="tanh", extra=None):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((3,)), keras.layers.Dense(units, activation=activation)]
    layers += [extra()] if extra else []
    model = keras.Sequential([*layers, keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(lr, momentum=0.5), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train(capsys, model=None, x=X, y=Y, **kwargs):
    """(model, history, printed text) of one fit."""
    model = model or make_model()
    args = {"epochs": 2, "batch_size": 16, "verbose": 0, "validation_data": (X[:16], Y[:16])}
    args.update(kwargs)
    history = fit(model, x, y, **args)
    return model, history, capsys.readouterr().out


def weights(model):
    return [keras.ops.convert_to_numpy(v) for v in model.variables]


def test_a_second_identical_fit_loads_the_same_weights_history_and_state(models_dir, capsys):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    first, history, out = train(capsys, callbacks=[stop])
    assert HIT not in out and len(list(models_dir.glob("*.npz"))) == 1
    after_first = (np.random.rand(), keras.random.uniform((2,)).numpy())
    stop2 = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    second, history2, out = train(capsys, callbacks=[stop2])
    assert HIT in out and "COURSE_RETRAIN=1" in out and len(out.strip().splitlines()) == 1
    assert history2 == history and history2["loss"][-1] < history2["loss"][0]
    for a, b in zip(weights(first), weights(second), strict=True):
        np.testing.assert_array_equal(a, b)
    # Optimizer state, a callback's attributes and the random generators as training left them.
    assert int(second.optimizer.iterations) == int(first.optimizer.iterations) == 8
    for a, b in zip(first.optimizer.variables, second.optimizer.variables, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    assert stop2.best_epoch == stop.best_epoch and stop2.best == stop.best
    after_second = (np.random.rand(), keras.random.uniform((2,)).numpy())
    assert after_second[0] == after_first[0]
    np.testing.assert_array_equal(after_second[1], after_first[1])
    assert len(list(models_dir.glob("*.npz"))) == 1


CHANGES = {
    "another layer": lambda: {"model": make_model(extra=lambda: keras.layers.Dense(4))},
    "more units": lambda: {"model": make_model(units=5)},
    "another activation": lambda: {"model": make_model(activation="relu")},
    "learning rate": lambda: {"model": make_model(lr=0.05)},
    "initial weights": lambda: {"model": make_model(seed=1)},
    "one data value": lambda: {"x": np.where(np.arange(X.size).reshape(X.shape) == 5, 0.0, X)
                               .astype("float32")},
    "labels": lambda: {"y": 1 - Y},
    "data dtype": lambda: {"x": X.astype("float64")},
    "epochs": lambda: {"epochs": 3},
    "batch size": lambda: {"batch_size": 8},
    "fit seed": lambda: {"seed": 1},
    "shuffle": lambda: {"shuffle": False},
    "validation data": lambda: {"validation_data": (X[16:32], Y[16:32])},
    "a callback's setting": lambda: {"callbacks": [keras.callbacks.EarlyStopping(patience=1)]},
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_anything_different_trains_again(models_dir, capsys, change):
    train(capsys)
    assert HIT in train(capsys)[2]
    kwargs = CHANGES[change]()
    _, _, out = train(capsys, **kwargs)
    assert HIT not in out, change
    assert len(list(models_dir.glob("*.npz"))) == 2
    assert HIT in train(capsys, **CHANGES[change]())[2]  # and that run is cached in turn


def test_editing_a_student_layer_class_trains_again(models_dir, capsys):
    assert HIT not in train(capsys, model=make_model(extra=student_layer()))[2]
    # The same cell run again (a new class object, same code): loaded.
    assert HIT in train(capsys, model=make_model(extra=student_layer()))[2]
    assert HIT in train(capsys, model=make_model(extra=student_layer("  # a comment")))[2]
    # The body edited: trained again.
    assert HIT not in train(capsys, model=make_model(extra=student_layer(" * 2.0")))[2]
    assert HIT not in train(capsys, model=make_model(extra=student_layer(" + 0.0")))[2]


def test_an_unseeded_fit_keys_on_the_random_state(models_dir, capsys):
    def unseeded(state):
        model = make_model()  # seeds everything itself
        np.random.seed(state)
        return train(capsys, model=model, seed=None)[2]

    assert HIT not in unseeded(5)
    assert HIT in unseeded(5)
    assert HIT not in unseeded(6)


def test_fast_and_full_mode_never_share(models_dir, capsys, monkeypatch):
    train(capsys)
    monkeypatch.setenv("COURSE_FAST", "1")
    assert HIT not in train(capsys)[2]
    assert HIT in train(capsys)[2]
    monkeypatch.setenv("COURSE_FAST", "0")
    assert HIT in train(capsys)[2]
    assert len(list(models_dir.glob("*.npz"))) == 2


def test_fine_tuning_chains_are_cached_link_by_link(models_dir, capsys):
    def chain():
        model = make_model()
        outs = [train(capsys, model=model)[2], train(capsys, model=model, epochs=1)[2]]
        return model, outs

    first, outs = chain()
    assert not any(HIT in o for o in outs)
    second, outs = chain()
    assert all(HIT in o for o in outs)
    for a, b in zip(weights(first), weights(second), strict=True):
        np.testing.assert_array_equal(a, b)


def rewrite_entry(path, meta=None, **arrays):
    with np.load(path) as npz:
        stored = {k: npz[k] for k in npz.files}
    if meta is not None:
        stored["meta"] = np.frombuffer(meta, dtype=np.uint8)
    stored.update(arrays)
    np.savez(path, **stored)


@pytest.mark.parametrize("damage", ["truncated", "bad JSON", "another key", "wrong shapes"])
def test_a_damaged_entry_is_reported_and_trained_again(models_dir, capsys, damage):
    reference, history, _ = train(capsys)
    (path,) = models_dir.glob("*.npz")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "bad JSON":
        rewrite_entry(path, meta=b'{"format": 1, "key": ')
    elif damage == "another key":
        meta = json.loads(np.load(path)["meta"].tobytes())
        rewrite_entry(path, meta=json.dumps({**meta, "key": "0" * 40}).encode())
    else:
        rewrite_entry(path, **{"w/0000": np.zeros((5, 4), "float32")})
    model, history2, out = train(capsys)
    assert HIT not in out
    assert ("does not fit this model" if damage == "wrong shapes" else "is unreadable") in out
    assert str(path.name)[:12] in out
    assert history2["loss"] == history["loss"] and history2["val_accuracy"] == history["val_accuracy"]
    for a, b in zip(weights(reference), weights(model), strict=True):
        np.testing.assert_array_equal(a, b)
    assert HIT in train(capsys)[2]  # the entry was written again


def test_the_data_pack_models_folder_is_read_and_never_written(models_dir, capsys, tmp_path, monkeypatch):
    reference, history, _ = train(capsys)
    pack = tmp_path / "pack"
    shutil.copytree(models_dir, pack / "models")
    shutil.rmtree(models_dir)
    before = {p.name: p.read_bytes() for p in (pack / "models").iterdir()}
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    model, history2, out = train(capsys)
    assert HIT in out and history2 == history
    np.testing.assert_array_equal(weights(model)[0], weights(reference)[0])
    assert not models_dir.exists()
    # Something new trains and goes to the writable cache, not to the pack.
    assert HIT not in train(capsys, epochs=3)[2]
    assert {p.name: p.read_bytes() for p in (pack / "models").iterdir()} == before
    assert len(list(models_dir.glob("*.npz"))) == 1
    # A damaged pack entry is reported, trained, and the result goes to the writable cache.
    (name,) = before
    (pack / "models" / name).write_bytes(b"not a zip file")
    out = train(capsys)[2]
    assert "is unreadable" in out and HIT not in out
    assert (models_dir / name).is_file() and (pack / "models" / name).read_bytes() == b"not a zip file"


def test_course_retrain_trains_and_overwrites(models_dir, capsys, monkeypatch):
    train(capsys)
    (path,) = models_dir.glob("*.npz")
    stamp = json.loads(np.load(path)["meta"].tobytes())["seconds"]
    monkeypatch.setenv("COURSE_RETRAIN", "1")
    assert HIT not in train(capsys)[2]
    assert json.loads(np.load(path)["meta"].tobytes())["seconds"] != stamp
    monkeypatch.setenv("COURSE_RETRAIN", "maybe")
    with pytest.raises(ValueError, match="COURSE_RETRAIN='maybe'"):
        train(capsys)
    monkeypatch.delenv("COURSE_RETRAIN")
    assert HIT in train(capsys)[2]


def test_cache_off_trains_and_writes_nothing(models_dir, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")
    assert HIT not in train(capsys)[2]
    assert HIT not in train(capsys)[2]
    assert not models_dir.exists()
    assert models_dir.parent.exists() is False or not any(models_dir.parent.iterdir())


def test_data_that_cannot_be_fingerprinted_is_not_cached(models_dir):
    model = make_model()
    dataset = iter([(X, Y)])
    assert models_dir.exists() is False
    assert model_cache_key(model, dataset, None) is None
    assert model_cache_key(model, X, Y) is not None
    assert model_cache_key(keras.Sequential([keras.layers.Dense(2)]), X, Y) is None  # not built


def model_cache_key(model, x, y):
    return model_cache.fit_key(model, x, y, {"epochs": 1}, [])


def test_an_unwritable_cache_is_reported_and_training_goes_on(models_dir, capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(blocker))
    model, history, out = train(capsys)
    assert "could not write the model cache" in out and history["loss"][-1] < history["loss"][0]


def embed(x, scale=1.0):
    if os.environ.get("TEST_EMBED_FORBIDDEN"):
        raise AssertionError("embed computed again")
    return x[:, :2] * scale, x.sum(axis=1)


def test_cached_call_computes_once(models_dir, capsys, monkeypatch):
    a = model_cache.cached_call(embed, X, scale=2.0)
    assert capsys.readouterr().out == ""
    monkeypatch.setenv("TEST_EMBED_FORBIDDEN", "1")
    b = model_cache.cached_call(embed, X, scale=2.0)
    assert "embed: loaded from cache" in capsys.readouterr().out
    assert isinstance(b, tuple) and all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    for args, kwargs in (((X,), {"scale": 3.0}), ((X[:10],), {"scale": 2.0})):
        with pytest.raises(AssertionError, match="computed again"):
            model_cache.cached_call(embed, *args, **kwargs)
    monkeypatch.delenv("TEST_EMBED_FORBIDDEN")
    with pytest.raises(TypeError, match="only arrays, numbers or a tuple of them"):
        model_cache.cached_call(lambda x: str(x.sum()), X)


def score(x, k):
    """A number, drawn from numpy's global generator (as a model's initialisation would be)."""
    return float(x.sum() * k + np.random.rand()), np.float32(k)


def test_cached_call_numbers_and_random_state(models_dir, capsys):
    np.random.seed(1)
    first = model_cache.cached_call(score, X, 2)
    after_first = np.random.rand()
    np.random.seed(1)
    second = model_cache.cached_call(score, X, 2)
    assert "score: loaded from cache" in capsys.readouterr().out
    assert second == first and type(second[0]) is float and type(second[1]) is np.float32
    assert np.random.rand() == after_first  # the generator is left as the call left it
    np.random.seed(2)  # another random state: another result, computed
    third = model_cache.cached_call(score, X, 2)
    assert "loaded" not in capsys.readouterr().out and third != first


def test_cached_call_follows_the_globals_a_function_reads(models_dir, capsys):
    namespace = {"__name__": "__main__", "np": np, "SETTINGS": {"k": 1}, "W": np.ones(3)}
    exec("def f(x):\n    return x @ W * SETTINGS['k']\n", namespace)  # noqa: S102
    f = namespace["f"]
    model_cache.cached_call(f, X)
    namespace["SETTINGS"]["k"] = 2
    model_cache.cached_call(f, X)
    namespace["W"] = np.zeros(3)
    model_cache.cached_call(f, X)
    assert "loaded" not in capsys.readouterr().out
    namespace["SETTINGS"]["k"] = 1
    namespace["W"] = np.ones(3)
    np.testing.assert_array_equal(model_cache.cached_call(f, X), X @ np.ones(3))
    assert "f: loaded from cache" in capsys.readouterr().out


def test_cached_call_follows_a_keras_model_it_reads(models_dir, capsys):
    model = make_model()
    namespace = {"__name__": "__main__", "model": model}
    exec("def predict(x):\n    return model.predict(x, verbose=0)\n", namespace)  # noqa: S102
    first = model_cache.cached_call(namespace["predict"], X)
    assert HIT in (model_cache.cached_call(namespace["predict"], X), capsys.readouterr().out)[1]
    model.layers[0].kernel.assign(np.zeros((3, 4), "float32"))  # other weights: computed again
    second = model_cache.cached_call(namespace["predict"], X)
    assert HIT not in capsys.readouterr().out and not np.array_equal(first, second)
