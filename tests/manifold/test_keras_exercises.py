"""Notebook 2's Keras checkers against the references and a catalogue of plausible student mistakes.

Every catalogued mistake must stop its checker (a mistake that passes is a failing test), and
the catalogue records the words the message must contain when the checker names the mistake.
Models are built, never trained: a checker compares models, it needs no accuracy.
"""

import numpy as np
import pytest
from conftest import assert_caught

from course_utils.config import import_keras
from course_utils.manifold import keras_exercises as kx
from course_utils.manifold import keras_references as kref

keras = import_keras()
L = keras.layers



# --- Exercise 0: the gradient by hand -----------------------------------------------------------
@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    X = rng.random((20, 30)).astype("float32")
    W = rng.normal(0, 0.1, (30, 10)).astype("float32")
    b = rng.normal(0, 0.1, 10).astype("float32")
    Y = np.eye(10, dtype="float32")[rng.integers(0, 10, 20)]
    return X, Y, W, b


def _softmax(S, axis=1):
    E = np.exp(S - S.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _grads(P_of):
    def grads(X, Y, W, b):
        D = P_of(X, W, b) - Y
        return X.T @ D / len(X), D.mean(axis=0)
    return grads


GRADIENT_MISTAKES = {
    "no 1/N": (lambda X, Y, W, b: tuple(g * len(X) for g in kref.logistic_gradients(X, Y, W, b)),
               "20 times too large"),
    "sign": (lambda X, Y, W, b: tuple(-g for g in kref.logistic_gradients(X, Y, W, b)), "wrong sign"),
    "dW transposed": (lambda X, Y, W, b: (kref.logistic_gradients(X, Y, W, b)[0].T,
                                          kref.logistic_gradients(X, Y, W, b)[1]), "transposed"),
    "Y_hat is the scores": (_grads(lambda X, W, b: X @ W + b), "apply the softmax"),
    "b ignored": (_grads(lambda X, W, b: _softmax(X @ W)), "b is ignored"),
    "softmax over the columns": (_grads(lambda X, W, b: _softmax(X @ W + b, axis=0)), "over the columns"),
    "db a mean over the wrong axis": (lambda X, Y, W, b: (kref.logistic_gradients(X, Y, W, b)[0],
                                                          (_softmax(X @ W + b) - Y).mean(axis=1)), None),
}


@pytest.mark.parametrize("case", GRADIENT_MISTAKES)
def test_gradient_catalogue(case, batch, capsys):
    grads, words = GRADIENT_MISTAKES[case]
    gW, gb = grads(*batch)
    assert_caught(lambda: kx.check_gradients_by_hand(gW, gb, *batch), words)


def test_gradients_right_and_keras_own(batch, capsys):
    X, Y, W, b = batch
    kx.check_gradients_by_hand(*kref.logistic_gradients(X, Y, W, b), *batch)
    # Another correct spelling, in float32 as in the notebook.
    P = _softmax(X @ W + b)
    kx.check_gradients_by_hand(np.einsum("nd,nk->dk", X, P - Y) / X.shape[0], np.sum(P - Y, 0) / len(X),
                               *batch)
    keras_grads = kref.logistic_gradients(X, Y, W, b)
    assert_caught(lambda: kx.check_gradients_by_hand(*keras_grads, *batch, keras_grads=keras_grads),
                   "Keras's own gradients")


# --- Exercise 1: lr_model -----------------------------------------------------------------------
def _seq(*layers, shape=(784,)):
    return keras.Sequential([keras.Input(shape), *layers])


def _functional_lr():
    x = keras.Input((784,))
    return keras.Model(x, L.Dense(10, activation="softmax", name="output")(x))


LR_MISTAKES = {
    "relu output": (lambda: _seq(L.Dense(10, activation="relu", name="output")), "activation 'relu'"),
    "no activation": (lambda: _seq(L.Dense(10, name="output")), "activation 'linear'"),
    "not named": (lambda: _seq(L.Dense(10, activation="softmax")), "no layer named 'output'"),
    "wrong units": (lambda: _seq(L.Dense(100, activation="softmax", name="output")), "100 units"),
    "a hidden layer too many": (lambda: _seq(L.Dense(100, activation="relu"),
                                             L.Dense(10, activation="softmax", name="output")),
                                "one layer too many"),
    "functional, not Sequential": (_functional_lr, "expected keras.Sequential"),
    "images, not 784-vectors": (lambda: _seq(L.Flatten(), L.Dense(10, activation="softmax", name="output"),
                                             shape=(28, 28)), "input shape"),
    "None": (lambda: None, "got None"),
    "no keras.Input": (lambda: keras.Sequential([L.Dense(10, activation="softmax", name="output")]),
                       "keras.Input((784,))"),
}


@pytest.mark.parametrize("case", LR_MISTAKES)
def test_lr_model_catalogue(case, capsys):
    make, words = LR_MISTAKES[case]
    model = make()
    assert_caught(lambda: kx.check_lr_model(model), words)


def test_lr_model_right(capsys):
    kx.check_lr_model(kref.make_lr_model(seed=0))
    other = keras.Sequential(name="another_way")
    other.add(keras.Input(shape=(784,)))
    other.add(L.Dense(units=10, activation=keras.activations.softmax, name="output"))
    kx.check_lr_model(other)


# --- Exercise 2a: make_mlp ----------------------------------------------------------------------
def _mlp(hidden=("sigmoid", 100, "hidden"), output=("softmax", 10, "output")):
    layers = [L.Dense(hidden[1], activation=hidden[0], name=hidden[2])]
    if output:
        layers.append(L.Dense(output[1], activation=output[0], name=output[2]))
    return _seq(*layers)


_SHARED = kref.make_mlp(seed=0)

MLP_MISTAKES = {
    "relu hidden": (lambda: _mlp(hidden=("relu", 100, "hidden")), "activation 'relu'"),
    "no softmax": (lambda: _mlp(output=(None, 10, "output")), "layer 'output' has activation 'linear'"),
    "10 hidden units": (lambda: _mlp(hidden=("sigmoid", 10, "hidden")), "10 units"),
    "hidden not named": (lambda: _mlp(hidden=("sigmoid", 100, None)), "no layer named 'hidden'"),
    "output layer missing": (lambda: _mlp(output=None), "no layer named 'output'"),
    "one model for every call": (lambda: _SHARED, "two new models"),
    "no return": (lambda: None, "got None"),
}


@pytest.mark.parametrize("case", MLP_MISTAKES)
def test_make_mlp_catalogue(case, capsys):
    make, words = MLP_MISTAKES[case]
    assert_caught(lambda: kx.check_make_mlp(make), words)


def test_make_mlp_right(capsys):
    kx.check_make_mlp(kref.make_mlp)

    def make_mlp():
        model = keras.Sequential()
        model.add(keras.Input((784,)))
        model.add(L.Dense(units=100, activation=keras.activations.sigmoid, name="hidden"))
        model.add(L.Dense(units=10, activation="softmax", name="output"))
        return model

    kx.check_make_mlp(make_mlp)
    assert_caught(lambda: kx.check_make_mlp(_SHARED), "expected a function")


# --- Exercise 2b: save and reload ---------------------------------------------------------------
def _save_load(model, path):
    model.save(path)
    return keras.models.load_model(path)


RELOAD_MISTAKES = {
    "mlp_loaded = mlp": (lambda mlp, p: (mlp.save(p), mlp)[1], "is mlp itself"),
    "not saved, a clone": (lambda mlp, p: keras.models.clone_model(mlp), "missing"),
    "saved to another name": (lambda mlp, p: _save_load(mlp, p.with_name("model.keras")), "missing"),
    "lr_model saved": (lambda mlp, p: _save_load(kref.make_lr_model(), p), "lr_model?"),
    "an untrained MLP saved": (lambda mlp, p: _save_load(kref.make_mlp(seed=1), p), "untrained"),
    "a model sharing mlp's weights": (lambda mlp, p: (mlp.save(p), keras.Model(mlp.inputs, mlp.outputs))[1],
                                      "shares"),
    "another file reloaded": (lambda mlp, p: (mlp.save(p), _save_load(kref.make_mlp(seed=1),
                                                                      p.with_name("old.keras")))[1],
                              "not the model of the file"),
}


@pytest.fixture(scope="module")
def trained_mlp():
    model = kref.make_mlp(seed=0)
    rng = np.random.default_rng(1)
    model.set_weights([w + rng.normal(0, 0.05, w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("case", RELOAD_MISTAKES)
def test_reload_catalogue(case, trained_mlp, tmp_path, capsys):
    do, words = RELOAD_MISTAKES[case]
    path = tmp_path / "mlp.keras"
    loaded = do(trained_mlp, path)
    assert_caught(lambda: kx.check_reloaded(loaded, trained_mlp, path), words)


def test_reload_right(trained_mlp, tmp_path, capsys):
    path = tmp_path / "mlp.keras"
    kx.check_reloaded(kref.save_and_reload(trained_mlp, path), trained_mlp, path)
    keras.saving.save_model(trained_mlp, str(path))
    kx.check_reloaded(keras.saving.load_model(str(path)), trained_mlp, path)


# --- Exercise 3: the functional ConvNet ---------------------------------------------------------
def _cnn(conv1=(16, 5, "relu", "valid"), conv2=(32, 5, "relu", "valid"), pools=2, flatten=True,
         hidden=("sigmoid", "hidden"), out="softmax"):
    x = inputs = keras.Input((28, 28, 1))
    for i, (f, k, act, pad) in enumerate((conv1, conv2)):
        x = L.Conv2D(f, k, activation=act, padding=pad)(x)
        if i < pools:
            x = L.MaxPooling2D(2)(x)
    x = L.Flatten()(x) if flatten else x
    x = L.Dense(100, activation=hidden[0], name=hidden[1])(x)
    return keras.Model(inputs, L.Dense(10, activation=out)(x))


def _sequential_cnn():
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(16, 5, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(32, 5, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                             L.Dense(100, activation="sigmoid", name="hidden"),
                             L.Dense(10, activation="softmax")])


CNN_MISTAKES = {
    "Sequential": (_sequential_cnn, "expected the functional API"),
    "padding same": (lambda: _cnn(conv1=(16, 5, "relu", "same"), conv2=(32, 5, "relu", "same")),
                     "padding='same'"),
    "a pooling missing": (lambda: _cnn(pools=1), "max-pooling sizes"),
    "no Flatten": (lambda: _cnn(flatten=False), "no Flatten"),
    "relu hidden": (lambda: _cnn(hidden=("relu", "hidden")), "activation 'relu'"),
    "hidden not named": (lambda: _cnn(hidden=("sigmoid", None)), "no layer named 'hidden'"),
    "filters swapped": (lambda: _cnn(conv1=(32, 5, "relu", "valid"), conv2=(16, 5, "relu", "valid")),
                        "Conv2D (filters"),
    "3x3 kernels": (lambda: _cnn(conv1=(16, 3, "relu", "valid"), conv2=(32, 3, "relu", "valid")), "Conv2D"),
    "no softmax": (lambda: _cnn(out=None), "expected Dense 10 'softmax'"),
}


@pytest.mark.parametrize("case", CNN_MISTAKES)
def test_cnn_catalogue(case, capsys):
    make, words = CNN_MISTAKES[case]
    model = make()
    assert_caught(lambda: kx.check_cnn(model), words)


def test_cnn_right(capsys):
    kx.check_cnn(kref.make_cnn(seed=0))
    kx.check_cnn(_cnn())  # no names but "hidden", another way of writing it
    x = inputs = keras.Input(shape=(28, 28, 1))
    for filters in (16, 32):
        x = L.MaxPooling2D(pool_size=(2, 2))(L.Conv2D(filters, (5, 5), activation=keras.activations.relu)(x))
    x = L.Dense(100, activation="sigmoid", name="hidden")(L.Flatten()(x))
    kx.check_cnn(keras.Model(inputs=inputs, outputs=L.Dense(10, activation="softmax")(x)))


# --- Exercise 5: encoders and codes -------------------------------------------------------------
@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(2)
    x_img = rng.random((30, 28, 28, 1)).astype("float32")
    return kref.make_mlp(seed=0), kref.make_cnn(seed=0), x_img.reshape(30, -1), x_img


def _right(models):
    mlp, cnn, x_flat, x_img = models
    enc_m, enc_c = kref.encoder(mlp), kref.encoder(cnn)
    return {"mlp_encoder": enc_m, "cnn_encoder": enc_c, "mlp_codes": enc_m.predict(x_flat, verbose=0),
            "cnn_codes": enc_c.predict(x_img, verbose=0)}


def _run_encoders(models, **changes):
    mlp, cnn, x_flat, x_img = models
    answer = {**_right(models), **{k: v(models) for k, v in changes.items()}}
    kx.check_encoders(answer["mlp_encoder"], answer["cnn_encoder"], answer["mlp_codes"], answer["cnn_codes"],
                      mlp, cnn, x_flat, x_img)


ENCODER_MISTAKES = {
    "cut at the output": ({"mlp_encoder": lambda m: kref.encoder(m[0], "output")},
                          "cut at the 'hidden' layer"),
    "cut at flatten": ({"cnn_encoder": lambda m: kref.encoder(m[1], "flatten")},
                       "cut at the wrong layer (512"),
    "from an untrained model": ({"mlp_encoder": lambda m: kref.encoder(kref.make_mlp(seed=1))},
                                "not the trained weights"),
    "codes of other images": ({"mlp_codes": lambda m: kref.encoder(m[0]).predict(m[2][::-1], verbose=0)},
                              "in their order"),
    "codes of the untrained model": ({"cnn_codes": lambda m: kref.encoder(kref.make_cnn(seed=1)).predict(
        m[3], verbose=0)}, "cnn_codes vs"),
    "codes are the predictions": ({"mlp_codes": lambda m: m[0].predict(m[2], verbose=0)},
                                  "class probabilities"),
    "codes transposed": ({"cnn_codes": lambda m: kref.encoder(m[1]).predict(m[3], verbose=0).T},
                         "transposed"),
}


@pytest.mark.parametrize("case", ENCODER_MISTAKES)
def test_encoder_catalogue(case, models, capsys):
    changes, words = ENCODER_MISTAKES[case]
    assert_caught(lambda: _run_encoders(models, **changes), words)


def test_encoders_right(models, capsys):
    _run_encoders(models)
    mlp, cnn, x_flat, x_img = models
    # Another way: a Sequential of the trained layer, codes by calling the encoder.
    enc = keras.Sequential([keras.Input((784,)), mlp.get_layer("hidden")])
    _run_encoders(models, mlp_encoder=lambda m: enc,
                  mlp_codes=lambda m: keras.ops.convert_to_numpy(enc(m[2])))
