"""Notebook 1's exercises on logistic regression (part 1): one checker per exercise.

Each ``check_*`` function takes the student's functions (or results), runs
them on small fixed inputs, compares with :mod:`course_utils.backprop.mlp` and
stops with a :class:`~course_utils.check.CheckError` that names the mistake
when it recognises one (a missing ``1/N``, an ignored argument, curves taken
from the last mini-batch, an input changed in place...). The catalogue of
mistakes each checker must catch is in ``tests/backprop/test_exercises.py``.

The checkers of parts 2 and 3 (the MLP, L2 regularisation) are in
:mod:`course_utils.backprop.mlp_exercises`; :mod:`course_utils.backprop.training`
holds the reference training loops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course_utils.backprop import mlp as ref
from course_utils.backprop.training import LR_KEYS
from course_utils.check import (
    as_number_array,
    check_at_least,
    check_close,
    check_shape,
    check_that,
    check_unchanged,
    matches,
)


def fixed_batch(n: int = 5, d: int = 784, k: int = 10,
                seed: int = 42) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The checkers' fixed batch, the same on every call with the same arguments.

    Returns
    -------
    X : ndarray of shape (n, d)
        Uniform in [0, 1).
    W : ndarray of shape (d, k)
    b : ndarray of shape (k,)
    Y : ndarray of shape (n, k)
        One-hot targets.
    """
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    W, b = rng.normal(0, 0.1, (d, k)), rng.normal(0, 0.1, k)
    Y = ref.one_hot(rng.integers(0, k, n), k, dtype=np.float64)
    return X, W, b, Y




def quiet(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` with numpy's overflow, invalid and divide warnings silenced."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return fn(*args, **kwargs)


# --- Exercise 1a ------------------------------------------------------------------------------
def check_softmax_forward(softmax: Callable, forward: Callable) -> None:
    """Check ``softmax(S)`` (rows, stable, input untouched) and ``forward(X, W, b)``."""
    X, W, b, _ = fixed_batch()
    S = X @ W + b
    S_before = S.copy()
    P = quiet(softmax, S)
    check_unchanged("softmax(S): its argument S", S_before, S)
    check_shape("softmax(S)", P, S.shape)
    P = as_number_array("softmax(S)", P)
    cols = "the columns sum to 1: normalise each row (axis=1)" if matches(P.sum(axis=0), 1) else ""
    check_close("softmax(S): each row sums to 1", P.sum(axis=1), np.ones(len(S)), rtol=1e-6, hint=cols)
    check_close("softmax(S)", P, ref.softmax(S), rtol=1e-6)
    big = quiet(softmax, np.array([[1000.0, 1000.0], [-1000.0, 0.0]]))
    check_close("softmax([[1000, 1000], [-1000, 0]])  (stable?)", big, [[0.5, 0.5], [0.0, 1.0]],
                rtol=1e-6, atol=1e-12)
    Y_hat = quiet(forward, X, W, b)
    check_shape("forward(X, W, b)", Y_hat, (len(X), W.shape[1]))
    hint = ("b is ignored: S = X @ W + b" if matches(Y_hat, ref.lr_forward(X, W, 0 * b)) else
            "these are the scores S: apply softmax to them" if matches(Y_hat, S) else "")
    check_close("forward(X, W, b)", Y_hat, ref.lr_forward(X, W, b), rtol=1e-6, hint=hint)


# --- Exercise 1b ------------------------------------------------------------------------------
def check_loss_and_accuracy(cross_entropy: Callable, accuracy: Callable) -> None:
    """Check ``cross_entropy(Y_hat, Y)`` (a mean) and ``accuracy(Y_hat, labels)`` (a fraction)."""
    X, W, b, Y = fixed_batch()
    Y_hat = ref.lr_forward(X, W, b)
    for what, (P, T) in (("on a batch of 5", (Y_hat, Y)),
                         ("lecture example", (np.array([[0.1, 0.8, 0.1]]), np.array([[0.0, 1.0, 0.0]])))):
        got, want = quiet(cross_entropy, P, T), ref.cross_entropy(P, T)
        swapped = float(-np.sum(P * np.log(T + 1e-12)) / len(T))
        hint = ("the arguments are swapped: Y * log(Y_hat), Y_hat first" if matches(got, swapped, 1e-3) else
                "log base 2: use np.log" if matches(got, want / np.log(2), 1e-4) else "")
        check_close(f"cross_entropy, {what}", got, want, rtol=1e-6, hint=hint)
    labels = np.array([0, 2, 2, 1])
    Y_hat4 = np.eye(3)[[0, 2, 1, 1]] * 0.7 + 0.1
    got = accuracy(Y_hat4, labels)
    hint = "that is the error rate, 1 - accuracy" if matches(got, 0.25) else ""
    check_close("accuracy, 3 of 4 right", got, 0.75, hint=hint)
    check_close("accuracy, all right", accuracy(np.eye(10)[labels], labels), 1.0)


# --- Exercise 1c ------------------------------------------------------------------------------
def check_lr_gradients(lr_gradients: Callable) -> None:
    """Check ``lr_gradients(X, Y, Y_hat) -> (dW, db)`` of the mean loss on a fixed batch."""
    X, W, b, Y = fixed_batch()
    Y_hat = ref.lr_forward(X, W, b)
    before = [a.copy() for a in (X, Y, Y_hat)]
    out = lr_gradients(X, Y, Y_hat)
    for name, old, new in zip(("X", "Y", "Y_hat"), before, (X, Y, Y_hat), strict=True):
        check_unchanged(f"lr_gradients: argument {name}", old, new)
    check_that(isinstance(out, tuple) and len(out) == 2,
               f"lr_gradients returns {type(out).__name__}, expected a pair (dW, db)")
    dW_ref, db_ref = ref.lr_gradients(X, Y, Y_hat)
    check_shape("dW", out[0], dW_ref.shape)
    check_shape("db", out[1], db_ref.shape)
    check_close("dW on a fixed batch", out[0], dW_ref, rtol=1e-6, atol=1e-12)
    check_close("db on a fixed batch", out[1], db_ref, rtol=1e-6, atol=1e-12)


def check_history(name: str, history: Any, keys: tuple[str, ...], epochs: int) -> None:
    """Check that ``history`` is a dict with exactly ``keys``, each holding one value per epoch."""
    check_that(isinstance(history, Mapping), f"{name}: a {type(history).__name__}, expected a dict")
    check_that(set(history) == set(keys), f"{name} keys: {sorted(history)}, expected {sorted(keys)}")
    lengths = {k: len(history[k]) for k in keys}
    check_that(all(n == epochs for n in lengths.values()),
               f"{name}: entries per key {lengths}, expected {epochs} (one per epoch)",
               hint="append once per epoch, after its last update")


def check_train_lr(train_lr: Callable, X: np.ndarray, Y: np.ndarray, labels: np.ndarray,
                   min_accuracy: float) -> None:
    """Check exercise 1d on a small training set: what it returns, and that every argument counts.

    Parameters
    ----------
    train_lr : callable
        The student's function.
    X, Y, labels : ndarray of shape (n, 784), (n, 10), (n,)
        At least 1,500 examples: the first 1,000 train, the next 500 evaluate.
    min_accuracy : float
        Lowest evaluation accuracy after 2 epochs of the reference over seeds (with a margin).
    """
    Xt, Yt, lt, Xe, le = X[:1000], Y[:1000], labels[:1000], X[1000:1500], labels[1000:1500]
    out = train_lr(Xt, Yt, lt, Xe, le, epochs=2, eta=0.1, batch_size=100, seed=0)
    check_that(isinstance(out, tuple) and len(out) == 3,
               f"train_lr returns {type(out).__name__}, expected (W, b, history)")
    W, b, history = out
    check_shape("W", W, (784, 10))
    check_shape("b", b, (10,))
    check_that(np.asarray(W).dtype == np.float32, f"W dtype: {np.asarray(W).dtype}, expected float32",
               hint="start from np.zeros(..., dtype=np.float32)")
    check_history("history", history, LR_KEYS, 2)
    P, Pe = ref.lr_forward(Xt, W, b), ref.lr_forward(Xe, W, b)
    last_batch = "the curves must be measured on all of X after the epoch, not on the last mini-batch"
    check_close("history['train_loss'][-1] vs the loss of (W, b) on X", history["train_loss"][-1],
                ref.cross_entropy(P, Yt), rtol=1e-4, hint=last_batch)
    on_train = matches(history["eval_acc"][-1], ref.accuracy(P, lt)) and not matches(
        ref.accuracy(P, lt), ref.accuracy(Pe, le))
    check_close("history['eval_acc'][-1] vs the accuracy of (W, b) on X_eval", history["eval_acc"][-1],
                ref.accuracy(Pe, le), rtol=1e-6,
                hint="measured on the training set: use X_eval, labels_eval" if on_train else "")
    check_close("history['eval_loss'][-1] vs the loss of (W, b) on X_eval", history["eval_loss"][-1],
                ref.cross_entropy(Pe, ref.one_hot(le)), rtol=1e-4,
                hint="measured on the training set: use X_eval, labels_eval"
                if matches(history["eval_loss"][-1], ref.cross_entropy(P, Yt), 1e-4)
                else "measure it on X_eval, labels_eval, after the epoch")
    W0 = train_lr(Xt, Yt, lt, Xe, le, epochs=1, eta=0.0, batch_size=100, seed=0)[0]
    check_that(not np.any(np.asarray(W0)), "with eta=0, W stays at 0: " + (
        "yes" if not np.any(np.asarray(W0)) else "no"), hint="the argument eta is ignored")
    W1 = train_lr(Xt, Yt, lt, Xe, le, epochs=1, eta=0.1, batch_size=100, seed=1)[0]
    W2 = train_lr(Xt, Yt, lt, Xe, le, epochs=1, eta=0.1, batch_size=100, seed=2)[0]
    check_that(not matches(W1, W2, 1e-9), "seeds 1 and 2 give different weights (the order is shuffled)",
               hint="shuffle the order each epoch with rng = np.random.default_rng(seed)")
    W3 = train_lr(Xt, Yt, lt, Xe, le, epochs=1, eta=0.1, batch_size=1000, seed=1)[0]
    check_that(not matches(W1, W3, 1e-9), "batch_size=1000 and 100 give different weights",
               hint="the argument batch_size is ignored")
    check_at_least("eval accuracy after 2 epochs on 1,000 images", history["eval_acc"][-1], min_accuracy)
