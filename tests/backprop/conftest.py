"""Fixtures shared by the tests of notebook 1's checkers."""

import numpy as np
import pytest

from course_utils.backprop import mlp as ref


@pytest.fixture(scope="module")
def digits():
    """1,500 synthetic "digits": ten prototypes in [0, 1]^784 plus noise (offline, seeded).

    Returns ``(X, Y, labels)``: ndarray of shape (1500, 784), dtype float32; its one-hot
    labels, ndarray of shape (1500, 10); the labels, ndarray of shape (1500,).
    """
    rng = np.random.default_rng(0)
    protos = rng.random((10, 784))
    labels = rng.integers(0, 10, 1500)
    X = np.clip(protos[labels] + rng.normal(0, 0.8, (1500, 784)), 0, 1).astype(np.float32)
    return X, ref.one_hot(labels), labels
