"""What Keras's automatic differentiation computes, for notebook 2.

Notebook 2 checks its hand-derived gradient of the cross-entropy against the
one the backend computes: :func:`loss_gradients` returns the gradient of a loss
with respect to a Keras model's weights on any backend (TensorFlow, JAX or
PyTorch). Keras and the backend are imported inside the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def loss_gradients(model: Any, loss_fn: Callable, x: Any, y: Any) -> list[np.ndarray]:
    """Gradient of ``loss_fn(y, model(x))`` with respect to the model's trainable weights.

    The backend's own automatic differentiation does the work: ``tf.GradientTape``
    on TensorFlow, ``jax.grad`` of the model's ``stateless_call`` on JAX,
    ``backward()`` on PyTorch.

    Parameters
    ----------
    model : keras.Model
        Built (its weights exist).
    loss_fn : callable ``(y_true, y_pred) -> scalar``
        E.g. ``keras.losses.CategoricalCrossentropy()``.
    x, y : arrays
        One batch of inputs and targets.

    Returns
    -------
    grads : list of ndarray
        One per ``model.trainable_variables``, same shapes, in the same order.
    """
    from course_utils.config import import_keras

    keras = import_keras()
    backend = keras.backend.backend()
    x = keras.ops.convert_to_tensor(np.asarray(x, dtype="float32"))
    y = keras.ops.convert_to_tensor(np.asarray(y, dtype="float32"))
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=False))
        grads = tape.gradient(loss, model.trainable_variables)
    elif backend == "jax":
        import jax

        frozen = [v.value for v in model.non_trainable_variables]

        def loss_of(weights):
            y_pred, _ = model.stateless_call(weights, frozen, x, training=False)
            return loss_fn(y, y_pred)

        grads = jax.grad(loss_of)([v.value for v in model.trainable_variables])
    elif backend == "torch":
        for v in model.trainable_variables:
            v.value.grad = None
        loss_fn(y, model(x, training=False)).backward()
        grads = [v.value.grad for v in model.trainable_variables]
    else:
        raise ValueError(f"loss_gradients: backend {backend!r} is not tensorflow, jax or torch")
    return [np.asarray(keras.ops.convert_to_numpy(g)) for g in grads]
