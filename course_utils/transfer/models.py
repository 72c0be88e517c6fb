"""Models for notebook 3: deep features and fine-tuning.

The multi-label part (mosaics, average precision) is in :mod:`course_utils.transfer.multilabel`,
the label-budget experiment's task, draws and plot in :mod:`course_utils.transfer.budget`;
the sigmoid vs ReLU race uses ``epochs_to_reach`` and ``stop_at`` from :mod:`course_utils.training`.

What the notebook teaches (cutting a network before its classifier, fine-tuning,
sigmoid outputs with binary cross-entropy, average precision) stays in the
notebook. This module holds the models it needs around that:

* the two small networks shared by every experiment, :func:`build_mlp` and
  :func:`build_convnet` (notebook 3's models: the architectures of notebook 2's
  networks, with one activation for every hidden layer, layers named ``features``
  and ``classifier``, and optional batch normalisation and dropout);
* :func:`fit_best`, which trains for a number of steps and keeps the weights
  best on validation;
* :func:`fit_logistic`, a logistic regression whose ``C`` is chosen on a
  validation set (the linear baselines);
* :func:`imagenet_weights_file`, which tells the optional appendix whether
  ImageNet weights are already on disk.

Keras and scikit-learn are imported inside the functions.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    from sklearn.pipeline import Pipeline


def build_mlp(n_outputs: int = 10, *, activation: str = "relu", hidden: int = 100,
              head: str = "softmax", input_shape: tuple[int, ...] = (28, 28, 1), name: str = "mlp",
              dropout: float = 0.0) -> keras.Model:
    """Notebook 3's MLP: Flatten, Dense(hidden, activation) named ``features``, Dense head.

    Notebook 2's 784-100-10 architecture, taking 28x28x1 images, with the activation a
    parameter (notebook 2's MLP is sigmoid, its layers named ``hidden`` and ``output``).
    With the defaults it has 79,510 parameters.

    Parameters
    ----------
    dropout : float, default=0.0
        When > 0, a ``Dropout(dropout)`` layer named ``dropout`` between ``features`` and
        the classifier (no parameter added).

    Returns
    -------
    model : keras.Model, not compiled
    """
    from course_utils.config import import_keras

    keras = import_keras()
    _check_dropout(dropout)
    inputs = keras.Input(input_shape)
    h = keras.layers.Flatten()(inputs)
    h = keras.layers.Dense(hidden, activation=activation, name="features")(h)
    if dropout > 0:
        h = keras.layers.Dropout(dropout, name="dropout")(h)
    outputs = keras.layers.Dense(n_outputs, activation=head, name="classifier")(h)
    return keras.Model(inputs, outputs, name=name)


def _check_dropout(dropout: float) -> None:
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout={dropout} must lie in [0, 1): the fraction of units zeroed")


def build_convnet(n_outputs: int = 10, *, activation: str = "relu", hidden: int = 100,
                  head: str = "softmax", input_shape: tuple[int, ...] = (28, 28, 1),
                  name: str = "convnet", batch_norm: bool = False, dropout: float = 0.0) -> keras.Model:
    """Notebook 3's ConvNet: notebook 2's architecture, every hidden activation ``activation``.

    Notebook 2's ConvNet mixes ReLU convolutions and a sigmoid dense layer; here
    all three hidden layers share one activation, and the layers are renamed.

    Conv2D(16, 5x5) -> MaxPool(2) -> Conv2D(32, 5x5) -> MaxPool(2) -> Flatten ->
    Dense(hidden) named ``features`` -> Dense(n_outputs, head) named ``classifier``.
    With the defaults: 65,558 parameters.

    Parameters
    ----------
    batch_norm : bool, default=False
        Normalise each hidden layer's pre-activation over the batch: ``conv1``, ``conv2``
        and the dense layer lose their bias and are followed by ``BatchNormalization``
        (named ``<layer>_bn``) then the activation (``<layer>_act``; the dense one is
        still named ``features``). Adds 2 x 148 trainable and 2 x 148 running values.
    dropout : float, default=0.0
        When > 0, ``Dropout(dropout)`` named ``dropout`` before the classifier.

    Returns
    -------
    model : keras.Model, not compiled
    """
    from course_utils.config import import_keras

    keras = import_keras()
    _check_dropout(dropout)
    layers = keras.layers

    def hidden_layer(layer, h, layer_name, out_name):
        if not batch_norm:
            return layer(activation=activation, name=out_name)(h)
        h = layer(use_bias=False, name=layer_name)(h)
        h = layers.BatchNormalization(name=f"{layer_name}_bn")(h)
        return layers.Activation(activation, name=out_name)(h)

    inputs = keras.Input(input_shape)
    h = hidden_layer(partial(layers.Conv2D, 16, 5), inputs, "conv1",
                     "conv1_act" if batch_norm else "conv1")
    h = layers.MaxPooling2D(2, name="pool1")(h)
    h = hidden_layer(partial(layers.Conv2D, 32, 5), h, "conv2", "conv2_act" if batch_norm else "conv2")
    h = layers.MaxPooling2D(2, name="pool2")(h)
    h = layers.Flatten(name="flatten")(h)
    h = hidden_layer(partial(layers.Dense, hidden), h, "dense", "features")
    if dropout > 0:
        h = layers.Dropout(dropout, name="dropout")(h)
    outputs = layers.Dense(n_outputs, activation=head, name="classifier")(h)
    return keras.Model(inputs, outputs, name=name)


def fit_best(model, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, *,
             steps: int, rounds: int = 10, batch_size: int = 32, seed: int = 0,
             monitor: str = "val_accuracy") -> dict[str, list[float]]:
    """Train a compiled model for ``steps`` batches, keep the weights best on validation.

    However few the examples (50 images at a budget of 10 per class), training is
    cut in ``rounds`` rounds of ``steps // rounds`` batches (the training set is
    repeated, reshuffled, to fill them); the model is scored on ``(x_val, y_val)``
    after each round and ends with the weights of its best round (Keras's
    ``EarlyStopping(restore_best_weights=True)`` without stopping early).

    Parameters
    ----------
    model : keras.Model, compiled with the metric behind ``monitor``
    x : ndarray of shape (n, ...)
    y : ndarray of shape (n, ...)
    x_val, y_val : arrays
    steps : int
        Total number of gradient steps.
    rounds : int, default=10
    batch_size : int, default=32
    seed : int, default=0
    monitor : str, default="val_accuracy"
        Maximised (a name ending in ``loss`` is minimised).

    Returns
    -------
    history : dict of str to list of float
        One entry per round, plus ``best_round`` (a one-element list, counted from 1).
    """
    from course_utils.config import import_keras
    from course_utils.training import fit

    keras = import_keras()
    if steps < rounds or rounds < 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(f"fit_best: need steps >= rounds >= 1 and matching non-empty x, y; got "
                         f"steps={steps}, rounds={rounds}, {len(x)} examples, {len(y)} labels")
    per_round = (steps // rounds) * batch_size
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.permutation(len(x)) for _ in range(-(-per_round // len(x)))])[:per_round]
    keep = keras.callbacks.EarlyStopping(monitor=monitor, patience=rounds + 1, restore_best_weights=True,
                                         mode="min" if monitor.endswith("loss") else "max")
    history = fit(model, x[idx], y[idx], epochs=rounds, batch_size=batch_size,
                  validation_data=(x_val, y_val), callbacks=[keep], seed=seed, verbose=0)
    history["best_round"] = [float(keep.best_epoch + 1)]
    return history


def fit_logistic(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
                 Cs: Any = (0.01, 0.1, 1.0, 10.0), *, standardize: bool = True,
                 max_iter: int = 300) -> tuple[Pipeline, dict[float, float]]:
    """Multinomial logistic regression, ``C`` chosen on validation.

    Parameters
    ----------
    x_train : ndarray of shape (n, d)
    y_train : ndarray of shape (n,)
    x_val : ndarray of shape (n_val, d)
    y_val : ndarray of shape (n_val,)
    Cs : sequence of float
        Inverse regularisation strengths tried; the best validation accuracy wins
        (the smallest ``C`` on ties: the most regularised model).
    standardize : bool, default=True
        Scale each input to zero mean and unit variance first (fitted on ``x_train``).
    max_iter : int, default=300
        L-BFGS iterations at most.

    Returns
    -------
    model : sklearn Pipeline ([StandardScaler], LogisticRegression), fitted with the best C
    scores : dict of float to float
        Validation accuracy for each ``C``.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train = np.asarray(x_train).reshape(len(x_train), -1)
    x_val = np.asarray(x_val).reshape(len(x_val), -1)
    if len(x_train) != len(y_train) or len(x_val) != len(y_val):
        raise ValueError(f"fit_logistic: {len(x_train)}/{len(y_train)} train and "
                         f"{len(x_val)}/{len(y_val)} validation examples/labels")
    best, scores = None, {}
    for C in sorted(Cs):
        steps = [StandardScaler()] if standardize else []
        model = make_pipeline(*steps, LogisticRegression(C=C, max_iter=max_iter))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x_train, y_train)
        scores[C] = float(model.score(x_val, y_val))
        if best is None or scores[C] > scores[best[0]]:
            best = (C, model)
    return best[1], scores


def imagenet_weights_file(filename: str) -> Path | None:
    """Where Keras keeps a downloaded weights file, if it is there.

    Keras caches downloads in ``$KERAS_HOME/models`` (default ``~/.keras/models``).

    Returns
    -------
    path : Path or None
        None when the file has not been downloaded (e.g. offline).
    """
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    path = home / "models" / filename
    return path if path.is_file() and path.stat().st_size > 0 else None
