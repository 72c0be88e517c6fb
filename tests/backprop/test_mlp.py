"""Reference numpy models of notebook 1, against brute force on tiny problems."""

import numpy as np
import pytest

from course_utils.backprop import mlp as m
from course_utils.errors import CourseError


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
    tp = m.init_mlp(784, 100, 10, "tp_xavier", seed=0)  # the TP's N(0, 1) / sqrt(fan_in)
    assert np.std(tp["W_h"]) == pytest.approx(1 / 28, rel=0.02)
    assert np.std(tp["W_y"]) == pytest.approx(0.1, rel=0.1) and not tp["b_h"].any()
    assert abs(np.mean(tp["W_h"])) < 0.002 and np.abs(tp["W_h"]).max() > np.sqrt(6 / 884)  # not uniform
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


# --- bad input: a course error naming the argument, never a silently wrong number -----------

_rng = np.random.default_rng(0)
X5 = _rng.random((5, 4))
W5, B5 = _rng.normal(size=(4, 3)), _rng.normal(size=3)
LAB5 = np.array([0, 2, 1, 1, 0])
Y5 = m.one_hot(LAB5, 3, dtype=float)
S5 = X5 @ W5 + B5
P5 = m.softmax(S5)
PAR5 = m.init_mlp(4, 6, 3, "gaussian", std=0.5, seed=1, dtype=np.float64)
H5, YH5 = m.mlp_forward(X5, PAR5)


def _with(**changes):
    return dict(PAR5, **changes)


# (call, expected error class, words the message must hold)
BAD_CALLS = {
    "one_hot labels (N, 1)": (lambda: m.one_hot(LAB5[:, None], 3), ValueError, ["labels", "ravel"]),
    "one_hot of one-hot rows": (lambda: m.one_hot(Y5, 3), ValueError, ["one-hot", "argmax"]),
    "one_hot fractional labels": (lambda: m.one_hot(LAB5 + 0.5, 3), ValueError,
                                  ["labels", "0.5", "not a class number"]),
    "one_hot NaN label": (lambda: m.one_hot(np.array([0.0, np.nan]), 3), ValueError, ["nan"]),
    "one_hot None": (lambda: m.one_hot(None, 3), TypeError, ["labels is None", "return"]),
    "one_hot label too large": (lambda: m.one_hot(np.array([0, 5]), 3), ValueError, ["outside"]),
    "one_hot negative label": (lambda: m.one_hot(np.array([-1, 1]), 3), ValueError, ["outside"]),
    "one_hot num_classes 0": (lambda: m.one_hot(LAB5, 0), ValueError, ["num_classes=0"]),
    "one_hot num_classes float": (lambda: m.one_hot(LAB5, 3.5), ValueError, ["num_classes=3.5"]),
    "one_hot a string": (lambda: m.one_hot("0123", 4), TypeError, ["labels", "str"]),
    "one_hot a single label": (lambda: m.one_hot(np.int64(2), 3), ValueError, ["(N,)"]),
    "softmax None": (lambda: m.softmax(None), TypeError, ["S is None", "return"]),
    "softmax 1-D scores": (lambda: m.softmax(S5[0]), ValueError, ["S[None, :]"]),
    "softmax 3-D scores": (lambda: m.softmax(S5[None]), ValueError, ["(1, 5, 3)"]),
    "softmax ragged list": (lambda: m.softmax([[1.0, 2.0], [3.0]]), TypeError, ["different lengths"]),
    "softmax strings": (lambda: m.softmax(np.array([["a", "b"]])), TypeError, ["dtype <U1"]),
    "sigmoid None": (lambda: m.sigmoid(None), TypeError, ["U is None"]),
    "sigmoid a dict": (lambda: m.sigmoid({"U": 1}), TypeError, ["dict"]),
    "cross_entropy swapped": (lambda: m.cross_entropy(Y5, P5), ValueError, ["swapped"]),
    "cross_entropy integer labels": (lambda: m.cross_entropy(P5, LAB5), ValueError, ["Y", "one_hot"]),
    "cross_entropy labels (N, 1)": (lambda: m.cross_entropy(P5, LAB5[:, None]), ValueError,
                                    ["Y", "one_hot"]),
    "cross_entropy scores": (lambda: m.cross_entropy(S5, Y5), ValueError, ["Y_hat", "softmax"]),
    "cross_entropy NaN": (lambda: m.cross_entropy(np.where(P5 > 0.5, np.nan, P5), Y5), ValueError,
                          ["Y_hat", "NaN"]),
    "cross_entropy shapes": (lambda: m.cross_entropy(P5, np.c_[Y5, np.zeros(5)]), ValueError,
                             ["differ"]),
    "cross_entropy Y not one-hot": (lambda: m.cross_entropy(P5, 2 * Y5), ValueError,
                                    ["Y ", "one-hot"]),
    "cross_entropy None": (lambda: m.cross_entropy(None, Y5), TypeError, ["Y_hat is None"]),
    "accuracy labels (N, 1)": (lambda: m.accuracy(P5, LAB5[:, None]), ValueError, ["ravel"]),
    "accuracy one-hot labels": (lambda: m.accuracy(P5, Y5), ValueError, ["argmax(axis=1)"]),
    "accuracy swapped": (lambda: m.accuracy(LAB5, P5), ValueError, ["Y_hat", "swapped"]),
    "accuracy too few labels": (lambda: m.accuracy(P5, LAB5[:4]), ValueError, ["4 labels for 5"]),
    "accuracy label out of range": (lambda: m.accuracy(P5, LAB5 + 1), ValueError, ["outside"]),
    "accuracy fractional labels": (lambda: m.accuracy(P5, LAB5 + 0.5), ValueError,
                                   ["labels", "not a class number"]),
    "accuracy None": (lambda: m.accuracy(None, LAB5), TypeError, ["Y_hat is None"]),
    "accuracy 3-D": (lambda: m.accuracy(P5[None], LAB5), ValueError, ["(1, 5, 3)"]),
    "lr_forward images not flattened": (lambda: m.lr_forward(X5.reshape(5, 2, 2), W5, B5),
                                        ValueError, ["X", "reshape(len(X), -1)"]),
    "lr_forward raw uint8 pixels": (lambda: m.lr_forward((X5 * 255).astype(np.uint8), W5, B5),
                                    ValueError, ["uint8", "/ 255"]),
    "lr_forward W transposed": (lambda: m.lr_forward(X5, W5.T, B5), ValueError, ["W", "transposed"]),
    "lr_forward bias (K, 1)": (lambda: m.lr_forward(X5, W5, B5[:, None]), ValueError,
                               ["b", "(3, 1)", "b.ravel()"]),
    "lr_forward bias wrong size": (lambda: m.lr_forward(X5, W5, np.zeros(4)), ValueError,
                                   ["b", "np.zeros(3)"]),
    "lr_forward None": (lambda: m.lr_forward(None, W5, B5), TypeError, ["X is None"]),
    "lr_forward one example 1-D": (lambda: m.lr_forward(X5[0], W5, B5), ValueError, ["X[None, :]"]),
    "lr_gradients swapped": (lambda: m.lr_gradients(X5, P5, Y5), ValueError, ["swapped"]),
    "lr_gradients integer labels": (lambda: m.lr_gradients(X5, LAB5, P5), ValueError, ["one_hot"]),
    "lr_gradients scores": (lambda: m.lr_gradients(X5, Y5, S5), ValueError, ["softmax"]),
    "lr_gradients rows differ": (lambda: m.lr_gradients(X5[:4], Y5, P5), ValueError, ["(4, 3)"]),
    "lr_gradients None": (lambda: m.lr_gradients(X5, Y5, None), TypeError, ["Y_hat is None"]),
    "init_mlp scheme": (lambda: m.init_mlp(2, 2, 2, "he"), ValueError, ["scheme='he'"]),
    "init_mlp zero hidden": (lambda: m.init_mlp(4, 0, 3), ValueError, ["n_hidden=0"]),
    "init_mlp float size": (lambda: m.init_mlp(784.0, 100, 10), ValueError, ["n_in=784.0"]),
    "mlp_forward params None": (lambda: m.mlp_forward(X5, None), TypeError, ["params", "init_mlp"]),
    "mlp_forward params a list": (lambda: m.mlp_forward(X5, list(PAR5.values())), TypeError,
                                  ["params is list"]),
    "mlp_forward missing key": (lambda: m.mlp_forward(X5, {"W_h": PAR5["W_h"]}), ValueError,
                                ["lacks b_h, W_y, b_y"]),
    "mlp_forward bias (H, 1)": (lambda: m.mlp_forward(X5, _with(b_h=PAR5["b_h"][:, None])),
                                ValueError, ["params['b_h']", "ravel"]),
    "mlp_forward W_h for other X": (lambda: m.mlp_forward(X5[:, :3], PAR5), ValueError,
                                    ["params['W_h']", "X has 3 columns"]),
    "mlp_forward W_y not matching": (lambda: m.mlp_forward(X5, _with(W_y=np.zeros((5, 3)))),
                                     ValueError, ["params['W_y']", "6 hidden units"]),
    "mlp_forward not flattened": (lambda: m.mlp_forward(X5.reshape(5, 2, 2), PAR5), ValueError,
                                  ["reshape"]),
    "mlp_forward a weight None": (lambda: m.mlp_forward(X5, _with(W_y=None)), TypeError,
                                  ["params['W_y'] is None"]),
    "mlp_loss integer labels": (lambda: m.mlp_loss(X5, LAB5, PAR5), ValueError, ["one_hot"]),
    "mlp_loss wrong K": (lambda: m.mlp_loss(X5, np.c_[Y5, np.zeros(5)], PAR5), ValueError,
                         ["expected (5, 3)"]),
    "mlp_backward Y, Y_hat swapped": (lambda: m.mlp_backward(X5, YH5, H5, Y5, PAR5), ValueError,
                                      ["swapped"]),
    "mlp_backward H, Y_hat swapped": (lambda: m.mlp_backward(X5, Y5, YH5, H5, PAR5), ValueError,
                                      ["Y_hat"]),
    "mlp_backward bias (K, 1)": (lambda: m.mlp_backward(X5, Y5, H5, YH5,
                                                        _with(b_y=PAR5["b_y"][:, None])),
                                 ValueError, ["params['b_y']", "ravel"]),
    "mlp_sgd_epoch integer labels": (lambda: m.mlp_sgd_epoch(X5, LAB5, dict(PAR5), eta=0.1),
                                     ValueError, ["Y", "one_hot"]),
    "mlp_sgd_epoch integer weights": (lambda: m.mlp_sgd_epoch(
        X5, Y5, _with(W_h=np.zeros((4, 6), int)), eta=0.1), TypeError, ["params['W_h']", "float"]),
    "mlp_sgd_epoch eta None": (lambda: m.mlp_sgd_epoch(X5, Y5, dict(PAR5), eta=None), ValueError,
                               ["eta=None"]),
    "mlp_sgd_epoch eta NaN": (lambda: m.mlp_sgd_epoch(X5, Y5, dict(PAR5), eta=float("nan")),
                              ValueError, ["eta=nan"]),
    "mlp_sgd_epoch batch 0": (lambda: m.mlp_sgd_epoch(X5, Y5, dict(PAR5), eta=0.1, batch_size=0),
                              ValueError, ["batch_size=0"]),
    "mlp_sgd_epoch not flattened": (lambda: m.mlp_sgd_epoch(X5.reshape(5, 2, 2), Y5, dict(PAR5),
                                                            eta=0.1), ValueError, ["reshape"]),
    "mlp_sgd_epoch NaN targets": (lambda: m.mlp_sgd_epoch(X5, Y5 * np.nan, dict(PAR5), eta=0.1),
                                  ValueError, ["NaN"]),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_is_a_course_error_naming_it(case):
    call, expected, words = BAD_CALLS[case]
    with pytest.raises(expected) as info:
        result = call()
        pytest.fail(f"{case}: silently returned {result!r}")
    assert isinstance(info.value, CourseError), f"{case}: {type(info.value).__name__}: {info.value}"
    message = str(info.value)
    assert all(w in message for w in words), f"{case}: {words} not all in: {message}"


# Inputs that used to give wrong numbers or crash deep in numpy, and are right now.
EDGE_CALLS = {
    "accuracy of a perfect classifier": (lambda: m.accuracy(Y5, LAB5), 1.0),
    "softmax of uint8 scores": (lambda: m.softmax(np.array([[0, 3]], np.uint8)),
                                m.softmax(np.array([[0.0, 3.0]]))),
    "sigmoid of uint8": (lambda: m.sigmoid(np.array([3], np.uint8)), m.sigmoid(np.array([3.0]))),
    "softmax of a list": (lambda: m.softmax([[1.0, 2.0]]), m.softmax(np.array([[1.0, 2.0]]))),
    "cross_entropy of lists": (lambda: m.cross_entropy([[0.1, 0.8, 0.1]], [[0, 1, 0]]),
                               -np.log(0.8 + 1e-12)),
    "one_hot of a list": (lambda: m.one_hot([2, 0], 3), np.array([[0, 0, 1], [1, 0, 0]])),
    "one_hot of booleans": (lambda: m.one_hot(np.array([True, False]), 2), np.array([[0, 1], [1, 0]])),
    "one_hot of whole floats": (lambda: m.one_hot(np.array([2.0, 0.0]), 3),
                                np.array([[0, 0, 1], [1, 0, 0]])),
    "accuracy with float labels": (lambda: m.accuracy(Y5, LAB5 * 1.0), 1.0),
    "bias (1, K) broadcasts like (K,)": (lambda: m.lr_forward(X5, W5, B5[None, :]), P5),
    "cross_entropy with soft targets": (lambda: m.cross_entropy(P5, P5),
                                        float(-np.sum(P5 * np.log(P5 + 1e-12)) / 5)),
}


@pytest.mark.parametrize("case", list(EDGE_CALLS))
def test_awkward_but_valid_input_gives_the_right_value(case):
    call, expected = EDGE_CALLS[case]
    np.testing.assert_allclose(call(), expected, rtol=1e-12)


def test_sgd_epoch_checks_once_and_still_updates_in_place():
    params = m.init_mlp(4, 6, 3, "xavier", seed=0)
    W_h = params["W_h"]
    m.mlp_sgd_epoch(X5.astype(np.float32), Y5, params, eta=0.5, batch_size=2)
    assert params["W_h"] is W_h and params["W_h"].dtype == np.float32
