"""Reference numpy models of notebook 1, against brute force on tiny problems."""

import numpy as np
import pytest

from course_utils import numpy_mlp as m


def test_one_hot_and_errors():
    np.testing.assert_array_equal(m.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    assert m.one_hot(np.array([1]), 4).dtype == np.float32
    with pytest.raises(ValueError, match=r"labels in \[0, 5\], outside \[0, 2\]"):
        m.one_hot(np.array([0, 5]), 3)


def test_softmax_is_stable_and_normalised():
    S = np.array([[1000.0, 1000.0, 0.0], [1.0, 2.0, 3.0]])
    P = m.softmax(S)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[0, :2], 0.5)
    np.testing.assert_allclose(P[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_cross_entropy_lecture_example():
    loss = m.cross_entropy(np.array([[0.1, 0.8, 0.1]]), np.array([[0, 1, 0]]))
    assert loss == pytest.approx(0.2231, abs=1e-4)


def test_lr_gradients_match_per_example_loop():
    rng = np.random.default_rng(0)
    X, W, b = rng.random((7, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    Y = m.one_hot(rng.integers(0, 3, 7), 3, dtype=float)
    dW, db = m.lr_gradients(X, Y, m.lr_forward(X, W, b))
    dW_loop, db_loop = np.zeros_like(W), np.zeros_like(b)
    for x, y in zip(X, Y, strict=True):  # brute force: one example at a time, outer products
        delta = m.softmax((x @ W + b)[None])[0] - y
        dW_loop += np.outer(x, delta) / len(X)
        db_loop += delta / len(X)
    np.testing.assert_allclose(dW, dW_loop, rtol=1e-12)
    np.testing.assert_allclose(db, db_loop, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.01])
def test_mlp_backward_matches_finite_differences(alpha):
    rng = np.random.default_rng(3)
    X, Y = rng.random((4, 6)), m.one_hot(rng.integers(0, 3, 4), 3, dtype=float)
    params = m.init_mlp(6, 5, 3, "gaussian", std=0.5, seed=1, dtype=np.float64)
    H, Y_hat = m.mlp_forward(X, params)
    grads = m.mlp_backward(X, Y, H, Y_hat, params, alpha)
    for name, p in params.items():
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + 1e-6
            plus = m.mlp_loss(X, Y, params, alpha)
            p[i] = saved - 1e-6
            minus = m.mlp_loss(X, Y, params, alpha)
            p[i] = saved
            num[i] = (plus - minus) / 2e-6
        np.testing.assert_allclose(grads[name], num, rtol=1e-5, atol=1e-9, err_msg=name)


def test_init_schemes():
    z = m.init_mlp(784, 100, 10, "zeros")
    assert all(not v.any() for v in z.values())
    x = m.init_mlp(784, 100, 10, "xavier", seed=0)
    assert x["W_h"].shape == (784, 100) and x["b_y"].shape == (10,) and x["W_h"].dtype == np.float32
    assert np.abs(x["W_h"]).max() <= np.sqrt(6 / 884)
    assert np.std(x["W_h"]) == pytest.approx(np.sqrt(2 / 884), rel=0.02)
    assert np.std(m.init_mlp(784, 100, 10, "gaussian", std=0.1)["W_h"]) == pytest.approx(0.1, rel=0.02)
    with pytest.raises(ValueError, match="scheme='he'"):
        m.init_mlp(2, 2, 2, "he")


def test_sgd_epoch_learns_a_tiny_problem_in_float32():
    rng = np.random.default_rng(0)
    X = rng.random((200, 2)).astype(np.float32)
    labels = (X[:, 0] > X[:, 1]).astype(int)
    Y = m.one_hot(labels, 2)
    params = m.init_mlp(2, 8, 2, "xavier", seed=0)
    before = m.mlp_loss(X, Y, params)
    for epoch in range(30):
        m.mlp_sgd_epoch(X, Y, params, eta=1.0, batch_size=20, seed=epoch)
    assert params["W_h"].dtype == np.float32
    assert m.mlp_loss(X, Y, params) < before / 2
    assert m.accuracy(m.mlp_forward(X, params)[1], labels) > 0.9
