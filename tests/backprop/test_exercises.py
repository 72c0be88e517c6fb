"""Notebook 1's logistic-regression checkers (part 1) against the reference and plausible mistakes.

Every catalogued mistake must stop its checker (a mistake that passes is a failing test), and
the catalogue records the words the message must contain when the checker names the mistake.
"""

import numpy as np
import pytest
from conftest import assert_caught

from course_utils.backprop import exercises as bx
from course_utils.backprop import mlp as ref
from course_utils.backprop.training import train_lr


# --- the wrong implementations ------------------------------------------------------------------
def softmax_no_shift(S):
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


def softmax_columns(S):
    E = np.exp(S - S.max(axis=0))
    return E / E.sum(axis=0)


def softmax_in_place(S):
    S -= S.max(axis=1, keepdims=True)
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


def softmax_no_keepdims(S):
    E = np.exp(S - S.max(axis=1))
    return E / E.sum(axis=1)


MISTAKES_1A = {
    "no max shift (overflow)": ((softmax_no_shift, ref.lr_forward), "NaN"),
    "normalised over columns": ((softmax_columns, ref.lr_forward), "the columns sum to 1"),
    "scores changed in place": ((softmax_in_place, ref.lr_forward), "changed in place"),
    "max without keepdims": ((softmax_no_keepdims, ref.lr_forward), None),
    "forward ignores b": ((ref.softmax, lambda X, W, b: ref.softmax(X @ W)), "b is ignored"),
    "forward returns scores": ((ref.softmax, lambda X, W, b: X @ W + b), "apply softmax"),
}

MISTAKES_1B = {
    "sum, not mean": ((lambda P, Y: -np.sum(Y * np.log(P)), ref.accuracy), "times too large"),
    "arguments swapped": ((lambda P, Y: -np.sum(P * np.log(Y + 1e-12)) / len(Y), ref.accuracy), "swapped"),
    "log base 2": ((lambda P, Y: -np.sum(Y * np.log2(P)) / len(Y), ref.accuracy), "log base 2"),
    "minus forgotten": ((lambda P, Y: np.sum(Y * np.log(P)) / len(Y), ref.accuracy), "wrong sign"),
    "accuracy as a count": ((ref.cross_entropy, lambda P, y: np.sum(P.argmax(1) == y)), "times too large"),
    "error rate": ((ref.cross_entropy, lambda P, y: np.mean(P.argmax(1) != y)), "error rate"),
    "arg-max over the batch": ((ref.cross_entropy, lambda P, y: np.mean(P.argmax(0)[:len(y)] == y)), None),
}


def grads_in_place(X, Y, Y_hat):
    Y_hat -= Y
    return X.T @ Y_hat / len(X), Y_hat.sum(axis=0) / len(X)


MISTAKES_1C = {
    "no 1/N": (lambda X, Y, P: (X.T @ (P - Y), (P - Y).sum(0)), "5 times too large: a missing 1/5"),
    "sign": (lambda X, Y, P: tuple(-g for g in ref.lr_gradients(X, Y, P)), "wrong sign"),
    "dW transposed": (lambda X, Y, P: ((P - Y).T @ X / len(X), (P - Y).mean(0)), "transposed"),
    "db a mean of delta": (lambda X, Y, P: (X.T @ (P - Y) / len(X), ((P - Y) / len(X)).mean(0)),
                           "5 times too small"),
    "db with keepdims": (lambda X, Y, P: (X.T @ (P - Y) / len(X), (P - Y).mean(0, keepdims=True)),
                         "size 1 too many"),
    "Y_hat changed in place": (grads_in_place, "changed in place"),
    "returns a list": (lambda X, Y, P: list(ref.lr_gradients(X, Y, P)), "expected a pair"),
}


def lr_last_batch(X, Y, labels, X_eval, labels_eval, *, epochs, eta, batch_size=100, seed=0):
    """Curves from the last mini-batch instead of the whole training set."""
    rng = np.random.default_rng(seed)
    W, b = np.zeros((784, 10), np.float32), np.zeros(10, np.float32)
    h = {k: [] for k in bx.LR_KEYS}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for s in range(0, len(X), batch_size):
            idx = order[s:s + batch_size]
            P = ref.lr_forward(X[idx], W, b)
            dW, db = ref.lr_gradients(X[idx], Y[idx], P)
            W -= eta * dW
            b -= eta * db
        Pe = ref.lr_forward(X_eval, W, b)
        h["train_loss"].append(ref.cross_entropy(P, Y[idx]))
        h["train_acc"].append(ref.accuracy(P, labels[idx]))
        h["eval_loss"].append(ref.cross_entropy(Pe, ref.one_hot(labels_eval)))
        h["eval_acc"].append(ref.accuracy(Pe, labels_eval))
    return W, b, h


def lr_per_batch_history(X, Y, labels, X_eval, labels_eval, **kw):
    W, b, h = train_lr(X, Y, labels, X_eval, labels_eval, **kw)
    return W, b, {k: v * 10 for k, v in h.items()}


MISTAKES_1D = {
    "curves from the last mini-batch": (lr_last_batch, "not on the last mini-batch"),
    "evaluated on the training set": (lambda X, Y, lab, Xe, le, **k: train_lr(X, Y, lab, X, lab, **k),
                                      "measured on the training set"),
    "eta ignored": (lambda *a, eta, **k: train_lr(*a, eta=0.1, **k), "eta is ignored"),
    "not shuffled (seed ignored)": (lambda *a, seed=0, **k: train_lr(*a, seed=0, **k), "shuffle"),
    "batch_size ignored": (lambda *a, batch_size=100, **k: train_lr(*a, batch_size=100, **k),
                           "batch_size is ignored"),
    "float64 weights": (lambda *a, **k: (lambda W, b, h: (W.astype(np.float64), b, h))(*train_lr(*a, **k)),
                        "float32"),
    "one history entry per batch": (lr_per_batch_history, "one per epoch"),
}


@pytest.mark.parametrize("case", MISTAKES_1A)
def test_1a_catalogue(case, capsys):
    functions, words = MISTAKES_1A[case]
    assert_caught(lambda: bx.check_softmax_forward(*functions), words)


@pytest.mark.parametrize("case", MISTAKES_1B)
def test_1b_catalogue(case, capsys):
    functions, words = MISTAKES_1B[case]
    assert_caught(lambda: bx.check_loss_and_accuracy(*functions), words)


@pytest.mark.parametrize("case", MISTAKES_1C)
def test_1c_catalogue(case, capsys):
    function, words = MISTAKES_1C[case]
    assert_caught(lambda: bx.check_lr_gradients(function), words)


@pytest.mark.parametrize("case", MISTAKES_1D)
def test_1d_catalogue(case, digits, capsys):
    function, words = MISTAKES_1D[case]
    assert_caught(lambda: bx.check_train_lr(function, *digits, min_accuracy=0.5), words)


def test_the_references_pass(digits, capsys):
    X, Y, labels = digits
    bx.check_softmax_forward(ref.softmax, ref.lr_forward)
    bx.check_loss_and_accuracy(ref.cross_entropy, ref.accuracy)
    bx.check_lr_gradients(ref.lr_gradients)
    bx.check_train_lr(train_lr, X, Y, labels, min_accuracy=0.5)


def test_a_correct_solution_written_another_way_passes(digits, capsys):
    """Other correct spellings: float64, a loop-free sum written differently."""
    def softmax(S):
        Z = np.exp(S - np.max(S, axis=-1)[:, None])
        return Z / np.sum(Z, axis=-1)[:, None]

    def cross_entropy(P, Y):
        return float(np.mean(-np.log(P[Y.astype(bool)])))

    def lr_gradients(X, Y, P):
        return np.einsum("nd,nk->dk", X, P - Y) / X.shape[0], np.mean(P - Y, axis=0)

    X, Y, labels = digits
    bx.check_softmax_forward(softmax, lambda X, W, b: softmax(X @ W + b))
    bx.check_loss_and_accuracy(cross_entropy, lambda P, y: (P.argmax(1) == y).mean())
    bx.check_lr_gradients(lr_gradients)
