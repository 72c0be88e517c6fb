"""loss_gradients against the hand formula, on each installed backend (a subprocess per backend)."""

import importlib.util
import os
import subprocess
import sys

import pytest

HAND_GRADIENT_SCRIPT = """
import numpy as np
from course_utils.config import import_keras
from course_utils.manifold.autodiff import loss_gradients
keras = import_keras()
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 7)).astype("float32")
y = np.eye(4, dtype="float32")[rng.integers(0, 4, size=32)]
model = keras.Sequential([keras.Input((7,)), keras.layers.Dense(4, activation="softmax")])
grad_w, grad_b = loss_gradients(model, keras.losses.CategoricalCrossentropy(), x, y)
w, b = (np.asarray(v, dtype=np.float64) for v in model.get_weights())
s = x @ w + b
y_hat = np.exp(s - s.max(1, keepdims=True))
y_hat /= y_hat.sum(1, keepdims=True)
np.testing.assert_allclose(grad_w, x.T @ (y_hat - y) / len(x), rtol=1e-4, atol=1e-6)
np.testing.assert_allclose(grad_b, (y_hat - y).mean(0), rtol=1e-4, atol=1e-6)
assert np.abs(grad_w).max() > 1e-3
print("OK", keras.backend.backend())
"""


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_loss_gradients_equal_the_hand_formula(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", HAND_GRADIENT_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith(f"OK {backend}")
