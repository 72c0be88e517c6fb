"""Notebook 2's reference models and computations: what a student who has not done an exercise gets.

The notebook binds these in place of an unsolved exercise (see :mod:`course_utils.exercises`);
:mod:`course_utils.manifold.keras_exercises` checks a student's answers against them. Keras is
imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from course_utils.backprop import mlp as ref
from course_utils.config import import_keras, seed_everything

if TYPE_CHECKING:
    import keras


def make_lr_model(seed: int | None = None) -> keras.Model:
    """Logistic regression: ``Sequential``, 784 inputs, ``Dense(10, softmax)`` named "output"."""
    keras = import_keras()
    if seed is not None:
        seed_everything(seed)
    return keras.Sequential([keras.Input((784,)),
                             keras.layers.Dense(10, activation="softmax", name="output")],
                            name="logistic_regression")


def make_mlp(seed: int | None = None) -> keras.Model:
    """The MLP: ``Dense(100, sigmoid)`` named "hidden", ``Dense(10, softmax)`` named "output"."""
    keras = import_keras()
    if seed is not None:
        seed_everything(seed)
    return keras.Sequential([keras.Input((784,)),
                             keras.layers.Dense(100, activation="sigmoid", name="hidden"),
                             keras.layers.Dense(10, activation="softmax", name="output")], name="mlp")


def make_cnn(seed: int | None = None) -> keras.Model:
    """The LeNet-like ConvNet of exercise 3, with the functional API (65,558 parameters)."""
    keras = import_keras()
    if seed is not None:
        seed_everything(seed)
    layers = keras.layers
    inputs = keras.Input((28, 28, 1))
    z = layers.Conv2D(16, 5, activation="relu", name="conv1")(inputs)
    z = layers.MaxPooling2D(2, name="pool1")(z)
    z = layers.Conv2D(32, 5, activation="relu", name="conv2")(z)
    z = layers.MaxPooling2D(2, name="pool2")(z)
    z = layers.Flatten(name="flatten")(z)
    z = layers.Dense(100, activation="sigmoid", name="hidden")(z)
    outputs = layers.Dense(10, activation="softmax", name="output")(z)
    return keras.Model(inputs, outputs, name="convnet")


def save_and_reload(model: keras.Model, path: str | Path) -> keras.Model:
    """Save ``model`` to ``path`` (a ``.keras`` file) and return the model loaded from it."""
    model.save(path)
    return import_keras().models.load_model(path)


def encoder(model: keras.Model, layer: str = "hidden") -> keras.Model:
    """A model from ``model``'s inputs to the output of its layer ``layer`` (shared weights)."""
    return import_keras().Model(model.inputs, model.get_layer(layer).output)


def logistic_gradients(X: np.ndarray, Y: np.ndarray, W: np.ndarray, b: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the mean cross-entropy of ``softmax(X W + b)``, in float64.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    Y : ndarray of shape (n, k), one-hot
    W : ndarray of shape (d, k)
    b : ndarray of shape (k,)

    Returns
    -------
    dW, db : ndarray of shape (d, k) and (k,)
    """
    X, Y, W, b = (np.asarray(a, dtype=np.float64) for a in (X, Y, W, b))
    return ref.lr_gradients(X, Y, ref.lr_forward(X, W, b))
