"""Notebook 2's Keras exercises: the reference models and one checker per exercise.

Each ``check_*`` function inspects the student's model (its layers, names, units,
activations, input and output shapes) or runs it on a few inputs, and stops with a
:class:`~course_utils.check.CheckError` that names the mistake when it recognises one
(a wrong activation, a layer missing, wrong units, a layer not named as asked,
``Sequential`` instead of the functional API, the wrong model saved or reloaded, an
encoder cut at the wrong layer). Checks run on a few images: seconds on a CPU.
The references are in :mod:`course_utils.manifold.keras_references`, the catalogue of mistakes in
``tests/test_keras_exercises.py``; the t-SNE, PCA and
neighborhood-hit exercises are in :mod:`course_utils.manifold.exercises`.

Keras is imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from course_utils.check import check_close, check_shape, check_that
from course_utils.config import import_keras
from course_utils.manifold.keras_references import encoder, logistic_gradients


# --- Helpers ------------------------------------------------------------------------------------
def _outputs(model: Any, x: np.ndarray) -> np.ndarray:
    keras = import_keras()
    return np.asarray(keras.ops.convert_to_numpy(model(np.asarray(x, dtype="float32"), training=False)))


def _activation(layer: Any) -> str:
    return str(getattr(getattr(layer, "activation", None), "__name__", "none"))


def _check_model(name: str, model: Any, *, functional: bool | None = False) -> None:
    keras = import_keras()
    hint = ("got None: is the model assigned (`name = keras.Sequential(...)`), or does the "
            "function end with `return ...`?" if model is None else "")
    check_that(isinstance(model, keras.Model), f"{name}: a {type(model).__name__}, expected a keras model",
               hint=hint)
    is_sequential = isinstance(model, keras.Sequential)
    if functional is None:
        return
    if functional:
        check_that(not is_sequential, f"{name}: a Sequential model, expected the functional API",
                   hint="start from inputs = keras.Input(...), call each layer on the previous "
                        "output, and end with keras.Model(inputs, outputs)")
    else:
        check_that(is_sequential, f"{name}: a {type(model).__name__} model, expected keras.Sequential",
                   hint="keras.Sequential([keras.Input(...), layer1, ...])")


def _check_input(name: str, model: Any, shape: tuple[int, ...]) -> None:
    try:
        got = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    except (AttributeError, ValueError):  # a Sequential without keras.Input, never called
        got = None
    check_that(got == shape, f"{name}: input shape {got}, expected {shape}",
               hint=f"start with keras.Input({shape})")


def _check_dense(model_name: str, model: Any, layer_name: str, units: int, activation: str) -> Any:
    keras = import_keras()
    names = [layer.name for layer in model.layers]
    found = layer_name in names
    check_that(found, f"{model_name}: {'a' if found else 'no'} layer named {layer_name!r} "
               f"(its layers: {names})",
               hint=f"name the layer: keras.layers.Dense(..., name={layer_name!r})")
    layer = model.get_layer(layer_name)
    check_that(isinstance(layer, keras.layers.Dense),
               f"{model_name}: layer {layer_name!r} is a {type(layer).__name__}, expected Dense")
    check_that(layer.units == units, f"{model_name}: layer {layer_name!r} has {layer.units} units, "
               f"expected {units}", hint=f"keras.layers.Dense({units}, ...)")
    got = _activation(layer)
    check_that(got == activation, f"{model_name}: layer {layer_name!r} has activation {got!r}, "
               f"expected {activation!r}", hint=f"the wrong activation: use activation={activation!r}")
    return layer


def _check_dense_count(name: str, model: Any, count: int) -> None:
    keras = import_keras()
    dense = [layer.name for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    hint = ("a layer is missing" if len(dense) < count else "one layer too many")
    check_that(len(dense) == count, f"{name}: {len(dense)} Dense layers {dense}, expected {count}", hint=hint)


def _check_probabilities(name: str, model: Any, x: np.ndarray) -> None:
    out = _outputs(model, x)
    check_shape(f"{name}'s output on {len(x)} inputs", out, (len(x), 10))
    check_close(f"{name}: each output row sums to 1", out.sum(axis=1), np.ones(len(x)), rtol=1e-4,
                hint="the last layer must be a softmax")


# --- Exercise 0 ---------------------------------------------------------------------------------
def check_gradients_by_hand(grad_W_hand: Any, grad_b_hand: Any, X: np.ndarray, Y: np.ndarray,
                            W: np.ndarray, b: np.ndarray, keras_grads: tuple = ()) -> None:
    """Check the gradients of logistic regression computed by hand against the formula (float64)."""
    for got in keras_grads:
        check_that(grad_W_hand is not got and grad_b_hand is not got,
                   "grad_W_hand / grad_b_hand: Keras's own gradients, expected yours",
                   hint="compute them with the formula, from W, b, X and Y")
    dW, db = logistic_gradients(X, Y, W, b)
    X64, Y64, W64, b64 = (np.asarray(a, dtype=np.float64) for a in (X, Y, W, b))
    S = X64 @ W64 + b64
    E = np.exp(S - S.max(axis=0))
    def formula(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # The gradient formula applied to a wrong P: ref.lr_gradients would refuse a P that is
        # not probabilities, which is the point of these variants.
        delta = (P - Y64) / len(X64)
        return X64.T @ delta, delta.sum(axis=0)

    variants = {"the scores S are used for Y_hat: apply the softmax to them": formula(S),
                "b is ignored: S = X @ W + b": logistic_gradients(X, Y, W, 0 * b64),
                "softmax over the columns: normalise each row (axis=1)": formula(E / E.sum(axis=0))}
    answers = (("grad_W_hand", grad_W_hand, dW), ("grad_b_hand", grad_b_hand, db))
    for i, (name, got, want) in enumerate(answers):
        check_shape(name, got, want.shape)
        hint = next((h for h, v in variants.items()
                     if np.allclose(np.asarray(got, dtype=np.float64), v[i], rtol=1e-3, atol=1e-6)), "")
        check_close(f"{name} vs the formula", got, want, rtol=1e-3, atol=1e-6, hint=hint)


# --- Exercise 1 ---------------------------------------------------------------------------------
def check_lr_model(lr_model: Any) -> None:
    """Check exercise 1: a Sequential model, 784 inputs, one ``Dense(10, softmax)`` named "output"."""
    _check_model("lr_model", lr_model)
    _check_input("lr_model", lr_model, (784,))
    _check_dense("lr_model", lr_model, "output", 10, "softmax")
    _check_dense_count("lr_model", lr_model, 1)
    check_that(lr_model.count_params() == 7850,
               f"lr_model: {lr_model.count_params()} parameters, expected 7850 (784 x 10 + 10)")
    _check_probabilities("lr_model", lr_model, np.random.default_rng(0).random((4, 784)))


# --- Exercise 2a --------------------------------------------------------------------------------
def check_make_mlp(make_mlp: Any) -> None:
    """Check exercise 2a: ``make_mlp()`` returns a new Sequential MLP at each call."""
    keras = import_keras()
    check_that(callable(make_mlp) and not isinstance(make_mlp, keras.Model),
               f"make_mlp: a {type(make_mlp).__name__}, expected a function",
               hint="def make_mlp(): return keras.Sequential([...])")
    mlp = make_mlp()
    _check_model("make_mlp()", mlp)
    _check_input("make_mlp()", mlp, (784,))
    _check_dense("make_mlp()", mlp, "hidden", 100, "sigmoid")
    _check_dense("make_mlp()", mlp, "output", 10, "softmax")
    _check_dense_count("make_mlp()", mlp, 2)
    check_that(mlp.count_params() == 79510, f"make_mlp(): {mlp.count_params()} parameters, expected 79510")
    _check_probabilities("make_mlp()", mlp, np.random.default_rng(0).random((4, 784)))
    check_that(make_mlp() is not mlp, "make_mlp() twice: two new models",
               hint="build the model inside the function, so that each call returns a new one")


# --- Exercise 2b --------------------------------------------------------------------------------
def check_reloaded(mlp_loaded: Any, mlp: Any, path: str | Path) -> None:
    """Check exercise 2b: ``mlp`` saved to ``path`` and ``mlp_loaded`` loaded from that file."""
    keras = import_keras()
    path = Path(path)
    x = np.random.default_rng(0).random((8, 784))
    check_that(mlp_loaded is not None, f"mlp_loaded: {'got None' if mlp_loaded is None else 'a value'}",
               hint="keras.models.load_model(...) returns the model: assign it to mlp_loaded")
    check_that(mlp_loaded is not mlp, f"mlp_loaded {'is' if mlp_loaded is mlp else 'is not'} mlp itself, "
               "expected the model reloaded from the file",
               hint=f"mlp_loaded = keras.models.load_model(model_dir / {path.name!r})")
    saved_there = path.is_file()
    check_that(saved_there, f"{path}: {'saved' if saved_there else 'missing'}, expected the saved model",
               hint=f"save it with mlp.save(model_dir / {path.name!r})")
    saved = keras.models.load_model(path)
    names = [layer.name for layer in saved.layers]
    hint = ("the file holds another model than the trained mlp" + (
        f" (its layers: {names}; lr_model?)" if "hidden" not in names else
        ": a new, untrained one? save mlp itself, after training"))
    check_close(f"predictions of the model in {path.name} vs mlp's", _outputs(saved, x), _outputs(mlp, x),
                rtol=1e-5, atol=1e-7, hint=hint)
    _check_model("mlp_loaded", mlp_loaded, functional=None)
    shared = {id(v) for v in mlp.weights} & {id(v) for v in mlp_loaded.weights}
    check_that(not shared, f"mlp_loaded shares {len(shared)} weight tensors with mlp, expected none",
               hint="it was not reloaded from the file: use keras.models.load_model")
    check_close("mlp_loaded's predictions vs mlp's", _outputs(mlp_loaded, x), _outputs(mlp, x),
                rtol=1e-5, atol=1e-7,
                hint="mlp_loaded is not the model of the file: "
                     f"keras.models.load_model(model_dir / {path.name!r})")


# --- Exercise 3 ---------------------------------------------------------------------------------
def check_cnn(cnn: Any) -> None:
    """Check exercise 3: the functional ConvNet, layer by layer, then its 65,558 parameters."""
    keras = import_keras()
    layers = keras.layers
    _check_model("cnn", cnn, functional=True)
    _check_input("cnn", cnn, (28, 28, 1))
    convs = [layer for layer in cnn.layers if isinstance(layer, layers.Conv2D)]
    check_that(len(convs) == 2, f"cnn: {len(convs)} Conv2D layers, expected 2",
               hint="a layer missing" if len(convs) < 2 else "one layer too many")
    got = [(c.filters, tuple(c.kernel_size), _activation(c), c.padding) for c in convs]
    want = [(16, (5, 5), "relu", "valid"), (32, (5, 5), "relu", "valid")]
    pad = "padding='same' keeps 28x28; the sketch has 'valid' (the default): 24x24 after 5x5"
    check_that(got == want, f"cnn: Conv2D (filters, kernel, activation, padding) {got}, expected {want}",
               hint=pad if any(g[3] == "same" for g in got) else
               "check the filters (16 then 32), 5x5 kernels and activation='relu'")
    pools = [tuple(p.pool_size) for p in cnn.layers if isinstance(p, layers.MaxPooling2D)]
    check_that(pools == [(2, 2), (2, 2)], f"cnn: max-pooling sizes {pools}, expected [(2, 2), (2, 2)]",
               hint="a MaxPooling2D(2) after each convolution")
    check_that(any(isinstance(layer, layers.Flatten) for layer in cnn.layers), "cnn: no Flatten layer",
               hint="keras.layers.Flatten() between the last pooling and the Dense layers")
    _check_dense("cnn", cnn, "hidden", 100, "sigmoid")
    _check_dense_count("cnn", cnn, 2)
    last = cnn.layers[-1]
    check_that(isinstance(last, layers.Dense) and last.units == 10 and _activation(last) == "softmax",
               f"cnn: last layer {type(last).__name__} {getattr(last, 'units', '')} {_activation(last)!r}, "
               "expected Dense 10 'softmax'", hint="end with keras.layers.Dense(10, activation='softmax')")
    check_that(cnn.count_params() == 65558, f"cnn: {cnn.count_params()} parameters, expected 65558")
    _check_probabilities("cnn", cnn, np.random.default_rng(0).random((2, 28, 28, 1)))


# --- Exercise 5 ---------------------------------------------------------------------------------
def _check_encoder(name: str, enc: Any, model: Any, x: np.ndarray, source: str) -> None:
    keras = import_keras()
    check_that(isinstance(enc, keras.Model), f"{name}: a {type(enc).__name__}, expected a keras model",
               hint=f"keras.Model({source}.inputs, {source}.get_layer('hidden').output)")
    out, want = _outputs(enc, x[:8]), _outputs(encoder(model), x[:8])
    width = out.shape[-1] if out.ndim == 2 else None
    hint = ("that is the model's output (10 classes): cut at the 'hidden' layer" if width == 10 else
            f"cut at the wrong layer ({width} units): the 'hidden' layer has 100" if width else "")
    check_that(out.shape == (8, 100), f"{name}'s output on 8 images: shape {out.shape}, expected (8, 100)",
               hint=hint)
    check_close(f"{name} vs the 'hidden' layer of {source}", out, want, rtol=1e-4, atol=1e-6,
                hint=f"not the trained weights: build it from {source}'s inputs and its 'hidden' layer")


def _check_codes(name: str, codes: Any, model: Any, x: np.ndarray, images: str) -> None:
    if codes is not None and np.shape(codes)[-1:] == (10,):
        check_that(False, f"{name}: shape {np.shape(codes)}, expected ({len(x)}, 100)",
                   hint="those are class probabilities: use the encoder, cut at the 'hidden' layer")
    check_shape(name, codes, (len(x), 100))
    want = np.asarray(encoder(model).predict(np.asarray(x, dtype="float32"), verbose=0))
    check_close(f"{name} vs the 'hidden' activations of {images}", codes, want, rtol=1e-3, atol=1e-5,
                hint=f"{name} must be the trained encoder's outputs on {images}, in their order")


def check_encoders(mlp_encoder: Any, cnn_encoder: Any, mlp_codes: Any, cnn_codes: Any, mlp_loaded: Any,
                   cnn_loaded: Any, x_flat: np.ndarray, x_img: np.ndarray) -> None:
    """Check exercise 5: encoders cut at "hidden", sharing the trained weights, and their codes.

    Parameters
    ----------
    mlp_encoder, cnn_encoder : keras.Model
        The student's encoders.
    mlp_codes, cnn_codes : ndarray of shape (n, 100)
        Their codes of ``x_flat`` and ``x_img``.
    mlp_loaded, cnn_loaded : keras.Model
        The trained models (reloaded).
    x_flat, x_img : ndarray of shape (n, 784) and (n, 28, 28, 1)
        The same ``n`` images, flat and as images.
    """
    _check_encoder("mlp_encoder", mlp_encoder, mlp_loaded, x_flat, "mlp_loaded")
    _check_encoder("cnn_encoder", cnn_encoder, cnn_loaded, x_img, "cnn_loaded")
    _check_codes("mlp_codes", mlp_codes, mlp_loaded, x_flat, "embed_x")
    _check_codes("cnn_codes", cnn_codes, cnn_loaded, x_img, "img_test[:n_embed]")
