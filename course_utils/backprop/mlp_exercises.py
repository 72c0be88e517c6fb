"""Notebook 1's exercises on the MLP (parts 2 and 3): one checker per exercise, and two bugs.

Like :mod:`course_utils.backprop.exercises` (part 1, logistic regression), whose fixed
batch and helpers they share, the ``check_*`` functions run the student's functions on
small fixed inputs, compare with :mod:`course_utils.backprop.mlp` and stop with a
:class:`~course_utils.check.CheckError` naming the mistake they recognise. The catalogue
of mistakes is in ``tests/backprop/test_mlp_exercises.py``. :data:`BUGGY_BACKWARDS` holds
two classic backward-pass bugs for the notebook's "what a bug looks like" demonstration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course_utils.backprop import mlp as ref
from course_utils.backprop.exercises import check_history, fixed_batch, quiet
from course_utils.backprop.training import MLP_KEYS
from course_utils.check import (
    check_at_least,
    check_close,
    check_shape,
    check_that,
    check_unchanged,
    matches,
)


# --- Exercise 2a ------------------------------------------------------------------------------
def _without_sigmoid_derivative(X, Y, H, Y_hat, params, alpha=0.0):
    delta_y = (Y_hat - Y) / len(X)
    delta_h = delta_y @ params["W_y"].T
    return {"W_h": X.T @ delta_h, "b_h": delta_h.sum(axis=0),
            "W_y": H.T @ delta_y, "b_y": delta_y.sum(axis=0)}


def _without_mean(X, Y, H, Y_hat, params, alpha=0.0):
    return {k: g * len(X) for k, g in ref.mlp_backward(X, Y, H, Y_hat, params).items()}


#: Two classic backward-pass bugs, for the notebook's "what a bug looks like" demonstration.
BUGGY_BACKWARDS: dict[str, Callable] = {
    "the sigmoid's derivative H * (1 - H) forgotten": _without_sigmoid_derivative,
    "the 1/N of the mean forgotten": _without_mean,
}


def _mlp_fixture() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    X, _, _, Y = fixed_batch()
    rng = np.random.default_rng(3)
    params = ref.init_mlp(784, 100, 10, "gaussian", std=0.1, seed=3, dtype=np.float64)
    params["b_h"], params["b_y"] = rng.normal(0, 0.5, 100), rng.normal(0, 0.5, 10)
    return X, Y, params


def check_mlp(sigmoid: Callable, mlp_forward: Callable, mlp_backward: Callable) -> None:
    """Check ``sigmoid``, ``mlp_forward -> (H, Y_hat)`` and ``mlp_backward(..., alpha)`` on a fixed batch."""
    U = np.array([[-800.0, -1.0, 0.0, 1.0, 800.0]])
    check_close("sigmoid([-800, -1, 0, 1, 800])", quiet(sigmoid, U), quiet(ref.sigmoid, U), rtol=1e-6,
                atol=1e-300)
    X, Y, p = _mlp_fixture()
    before = {k: v.copy() for k, v in p.items()}
    out = quiet(mlp_forward, X, p)
    check_that(isinstance(out, tuple) and len(out) == 2,
               f"mlp_forward returns {type(out).__name__}, expected a pair (H, Y_hat)")
    H_ref, Y_ref = ref.mlp_forward(X, p)
    U = X @ p["W_h"] + p["b_h"]
    hint = ("H is the pre-activation U: apply the sigmoid" if matches(out[0], U) else
            "b_h is ignored" if matches(out[0], ref.sigmoid(X @ p["W_h"])) else "")
    check_shape("H", out[0], H_ref.shape)
    check_close("H on a fixed batch", out[0], H_ref, rtol=1e-6, hint=hint)
    hint = "b_y is ignored" if matches(out[1], ref.softmax(H_ref @ p["W_y"])) else ""
    check_close("Y_hat on a fixed batch", out[1], Y_ref, rtol=1e-6, hint=hint)
    grads = mlp_backward(X, Y, H_ref, Y_ref, p)
    for key in p:
        check_unchanged(f"mlp_backward: params[{key!r}]", before[key], p[key])
    check_that(isinstance(grads, Mapping) and set(grads) == set(p),
               f"mlp_backward returns keys {sorted(grads) if isinstance(grads, Mapping) else grads!r}, "
               f"expected {sorted(p)}")
    plain = ref.mlp_backward(X, Y, H_ref, Y_ref, p)
    no_derivative = _without_sigmoid_derivative(X, Y, H_ref, Y_ref, p)
    for key in ("W_y", "b_y", "W_h", "b_h"):
        hint = ("the sigmoid's derivative H * (1 - H) is missing from delta_h"
                if key.endswith("h") and matches(grads[key], no_derivative[key]) else "")
        check_close(f"gradient {key} (alpha=0)", grads[key], plain[key], rtol=1e-6, atol=1e-12, hint=hint)
    alpha = 0.01
    grads = mlp_backward(X, Y, H_ref, Y_ref, p, alpha=alpha)
    want = ref.mlp_backward(X, Y, H_ref, Y_ref, p, alpha=alpha)
    for key in ("W_y", "b_y", "W_h", "b_h"):
        g = grads[key]
        hint = ("alpha is ignored: add 2 * alpha * W to the weight gradients"
                if key.startswith("W") and matches(g, plain[key]) else
                "the L2 term is alpha * W; the derivative of alpha * ||W||^2 is 2 * alpha * W"
                if key.startswith("W") and matches(g, plain[key] + alpha * p[key]) else
                "no L2 term on the biases: the lecture's R(theta) leaves them free"
                if key.startswith("b") and matches(g, plain[key] + 2 * alpha * p[key]) else "")
        check_close(f"gradient {key} (alpha={alpha})", g, want[key], rtol=1e-6, atol=1e-12, hint=hint)


# --- Exercise 2c ------------------------------------------------------------------------------
def _ignored_argument(reference: Callable, start: dict, mine: dict, data: tuple, kwargs: dict,
                      case: dict) -> str:
    """Name the argument of ``case`` whose value made no difference to the student's run."""
    for name, others in (("alpha", [0.0]), ("batch_size", [100]), ("eta", [0.02, 1.0, 0.1, 0.5])):
        for other in others if name in case else []:
            if other == case[name]:
                continue
            alt = {k: v.copy() for k, v in start.items()}
            quiet(reference, alt, *data, **{**kwargs, name: other})
            if matches(mine["W_h"], alt["W_h"], 1e-4):
                return f"the argument {name} is ignored (the run matches {name}={other})"
    return ""


def check_train_mlp(train_mlp: Callable, X: np.ndarray, labels: np.ndarray, min_accuracy: float) -> None:
    """Check exercise 2c: in-place updates, the epoch's mean loss, and that every argument counts.

    On 200 copies of one image, every mini-batch holds the same data whatever the order, so a
    run is comparable with the reference update for update, with any shuffling convention.

    Parameters
    ----------
    train_mlp : callable
        The student's function.
    X, labels : ndarray of shape (n, 784) and (n,)
        At least 1,500 examples: 1,000 train and 500 evaluate the accuracy check.
    min_accuracy : float
        Lowest evaluation accuracy after 2 epochs of the reference over seeds (with a margin).
    """
    from course_utils.backprop.training import train_mlp as reference

    Xr, lr = np.repeat(X[:1], 200, axis=0), np.repeat(labels[:1], 200)
    Yr, Xe, le = ref.one_hot(lr), X[1000:1100], labels[1000:1100]
    start = ref.init_mlp(784, 100, 10, "xavier", seed=0)
    for case in ({"eta": 0.02}, {"eta": 0.02, "alpha": 0.5}, {"eta": 0.02, "batch_size": 200}, {"eta": 0.05}):
        kwargs = {"epochs": 2, "batch_size": 100, **case}
        mine, theirs = {k: v.copy() for k, v in start.items()}, {k: v.copy() for k, v in start.items()}
        history = train_mlp(mine, Xr, Yr, lr, Xe, le, **kwargs)
        want = quiet(reference, theirs, Xr, Yr, lr, Xe, le, **kwargs)
        what = ", ".join(f"{k}={v}" for k, v in case.items())
        check_history(f"history ({what})", history, MLP_KEYS, 2)
        if all(matches(mine[k], start[k]) for k in start):
            check_that(False, f"params after training ({what}): unchanged",
                       hint="update params in place: params[key] -= eta * grad")
        hint = _ignored_argument(reference, start, mine, (Xr, Yr, lr, Xe, le), kwargs, case)
        for key in start:
            check_close(f"params[{key!r}] after 2 epochs ({what})", mine[key], theirs[key], rtol=1e-4,
                        atol=1e-7, hint=hint)
        post = ref.cross_entropy(ref.mlp_forward(Xr, mine)[1], Yr)
        hint = ("that is the loss after the epoch: the prompt asks the mean over its mini-batches, each "
                "measured before its update" if matches(history["train_loss"][-1], post, 1e-4) else "")
        check_close(f"history['train_loss'] ({what})", history["train_loss"], want["train_loss"], rtol=1e-4,
                    hint=hint)
        check_close(f"history['eval_acc'] ({what})", history["eval_acc"], want["eval_acc"], rtol=1e-6)
    history = train_mlp(ref.init_mlp(784, 100, 10, "xavier", seed=0), X[:1000], ref.one_hot(labels[:1000]),
                        labels[:1000], X[1000:1500], labels[1000:1500], epochs=2, eta=1.0)
    check_at_least("eval accuracy after 2 epochs on 1,000 images", history["eval_acc"][-1], min_accuracy)


# --- Exercise 3 -------------------------------------------------------------------------------
def check_l2_runs(l2_params: Any, l2_histories: Any, alphas: list[float], epochs: int,
                  mlp_forward: Callable, X_val: np.ndarray, labels_val: np.ndarray, X_test: np.ndarray,
                  labels_test: np.ndarray) -> None:
    """Check exercise 3: one run per alpha, measured on the validation split, alpha really used."""
    for name, runs in (("l2_params", l2_params), ("l2_histories", l2_histories)):
        check_that(isinstance(runs, Mapping) and sorted(runs) == sorted(alphas),
                   f"{name}: keys {sorted(runs) if isinstance(runs, Mapping) else type(runs).__name__}, "
                   f"expected one per alpha {sorted(alphas)}")
    for alpha in alphas:
        check_history(f"l2_histories[{alpha:g}]", l2_histories[alpha], MLP_KEYS, epochs)
        val = ref.accuracy(mlp_forward(X_val, l2_params[alpha])[1], labels_val)
        test = ref.accuracy(mlp_forward(X_test, l2_params[alpha])[1], labels_test)
        hint = ("measured on the test set: choices are made on the validation split (X_val, labels_val)"
                if matches(l2_histories[alpha]["eval_acc"][-1], test) and not matches(val, test) else "")
        check_close(f"alpha={alpha:g}: last eval_acc vs the model's accuracy on X_val",
                    l2_histories[alpha]["eval_acc"][-1], val, rtol=1e-6, hint=hint)
    norms = [float(np.linalg.norm(l2_params[a]["W_h"])) for a in alphas]
    check_that(len(set(np.round(norms, 6))) == len(alphas),
               f"||W_h|| per alpha: {', '.join(f'{n:.3f}' for n in norms)}, expected all different",
               hint="pass alpha=alpha to train_mlp")
