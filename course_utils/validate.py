"""Cheap checks of what students pass to the numpy helpers, with messages that say what to do.

Each check raises a :class:`~course_utils.errors.CourseTypeError` (None, a
ragged list, strings...) or :class:`~course_utils.errors.CourseValueError`
(wrong shape, label format, not probabilities) naming the function, the
argument, its shape and dtype, and the fix. They cost O(1) (shapes, dtypes)
or one or two vectorised passes over arrays of shape (N, K), never over the
images: the helpers run inside training loops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from course_utils.errors import CourseTypeError, CourseValueError

NUMERIC_KINDS = "biuf"
#: Rows of probabilities must sum to 1 within this tolerance.
ROW_SUM_TOL = 1e-3


def describe(a: np.ndarray) -> str:
    """``shape (5, 10), float32`` for messages."""
    return f"shape {a.shape}, {a.dtype}"


def array(value: Any, name: str, func: str) -> np.ndarray:
    """``value`` as a numeric ndarray (lists are converted); None and non-numbers are refused."""
    if value is None:
        raise CourseTypeError(f"{func}: {name} is None. Did a function forget to `return` its "
                              "result?")
    if not isinstance(value, np.ndarray):
        if isinstance(value, str | bytes | Mapping):
            raise CourseTypeError(f"{func}: {name} is a {type(value).__name__}, expected an array")
        try:
            value = np.asarray(value)
        except (ValueError, TypeError):
            raise CourseTypeError(f"{func}: {name} is a {type(value).__name__} whose rows have "
                                  "different lengths; expected a rectangular array") from None
    if value.dtype.kind not in NUMERIC_KINDS:
        raise CourseTypeError(f"{func}: {name} has dtype {value.dtype} ({describe(value)}); "
                              "expected numbers")
    return value


def floats(value: Any, name: str, func: str) -> np.ndarray:
    """Like :func:`array`, integers cast to float64 (``-x`` or ``x - max`` would wrap on uint8)."""
    a = array(value, name, func)
    return a.astype(np.float64) if a.dtype.kind != "f" else a


def batch(value: Any, name: str, func: str) -> np.ndarray:
    """A batch of examples, one per row: ndarray of shape (N, D)."""
    X = array(value, name, func)
    if X.ndim == 2:
        if X.dtype == np.uint8:
            raise CourseValueError(f"{func}: {name} is uint8 ({describe(X)}): raw pixels 0..255? "
                                   f"Scale it: course_utils.mnist.prepare(images) for MNIST, "
                                   f"or {name}.astype(np.float32) / 255")
        return X
    if X.ndim > 2:
        raise CourseValueError(f"{func}: {name} has {describe(X)}; expected one flattened example "
                               f"per row (N, D): use {name}.reshape(len({name}), -1)")
    raise CourseValueError(f"{func}: {name} has {describe(X)}; expected a 2-D batch (N, D); "
                           f"for one example use {name}[None, :]")


def matrix(value: Any, name: str, func: str, rows: int, what: str) -> np.ndarray:
    """A weight matrix with ``rows`` rows (``what`` says why, for the message)."""
    W = array(value, name, func)
    if W.ndim != 2 or W.shape[0] != rows:
        hint = " (transposed?)" if W.ndim == 2 and W.shape[1] == rows else ""
        raise CourseValueError(f"{func}: {name} has {describe(W)}; expected ({rows}, K) as {what}"
                               f"{hint}")
    return W


def bias(value: Any, name: str, func: str, size: int) -> np.ndarray:
    """A bias vector of shape (size,) (``(1, size)`` broadcasts the same way and is accepted)."""
    b = array(value, name, func)
    if b.shape in ((size,), (1, size)):
        return b
    fix = f"{name}.ravel()" if b.size == size else f"np.zeros({size})"
    raise CourseValueError(f"{func}: {name} has {describe(b)}; a bias is 1-D, shape ({size},): "
                           f"use {fix}")


def labels(value: Any, name: str, func: str, n: int | None = None,
           k: int | None = None) -> np.ndarray:
    """Integer class labels: ndarray of shape (n,), values in [0, k).

    Booleans and floats holding whole numbers are converted to int64.
    """
    y = array(value, name, func)
    if y.ndim == 2 and y.shape[1] == 1:
        raise CourseValueError(f"{func}: {name} has {describe(y)}; labels are 1-D (N,): use "
                               f"{name}.ravel()")
    if y.ndim == 2:
        raise CourseValueError(f"{func}: {name} has {describe(y)}: one-hot rows or probabilities? "
                               f"Integer labels (N,) are expected here: use {name}.argmax(axis=1)")
    if y.ndim != 1:
        raise CourseValueError(f"{func}: {name} has {describe(y)}; expected integer labels of "
                               "shape (N,)")
    if y.dtype.kind == "b":
        y = y.astype(np.int64)  # False/True are the classes 0/1
    elif y.dtype.kind == "f":
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            bad = y[np.argmin(whole)]
            raise CourseValueError(f"{func}: {name} ({describe(y)}) holds {bad}, not a class "
                                   f"number: class labels are integers 0..K-1 (probabilities? use "
                                   "argmax(axis=1))")
        y = y.astype(np.int64)
    if n is not None and len(y) != n:
        raise CourseValueError(f"{func}: {name} has {len(y)} labels for {n} rows")
    if k is not None and y.size and (y.min() < 0 or y.max() >= k):
        raise CourseValueError(f"{func}: {name} in [{y.min()}, {y.max()}], outside [0, {k - 1}] "
                               f"({k} classes)")
    return y


def probabilities(value: Any, name: str, func: str, *, targets: bool = False,
                  rows: str = "all") -> np.ndarray:
    """Rows of probabilities (N, K): entries >= 0, each row summing to 1 (so none above 1).

    Parameters
    ----------
    targets : bool, default=False
        Word the messages for one-hot targets ``Y``.
    rows : {"all", "first", "none"}
        Which rows to check: all of them (three reductions), the first only (a
        sentinel costing about a microsecond, for helpers called once per
        mini-batch: scores, swapped arguments and NaN from a diverged training
        show in every row), or none (the shape only).
    """
    P = array(value, name, func)
    if targets and (P.ndim == 1 or P.shape[-1:] == (1,)):
        raise CourseValueError(f"{func}: {name} has {describe(P)}: integer labels? One-hot "
                               f"targets (N, K) are expected here: use one_hot({name}.ravel(), K)")
    if P.ndim != 2:
        raise CourseValueError(f"{func}: {name} has {describe(P)}; expected a 2-D array (N, K)")
    if rows == "none" or P.size == 0:
        return P
    if rows == "first":
        first = P[0].tolist()
        if min(first) >= 0 and abs(sum(first) - 1) <= ROW_SUM_TOL:
            return P
    sums = P.sum(axis=1)
    if P.min() >= 0 and sums.min() >= 1 - ROW_SUM_TOL and sums.max() <= 1 + ROW_SUM_TOL:
        return P
    if not np.isfinite(P).all():
        raise CourseValueError(f"{func}: {name} ({describe(P)}) holds NaN or inf: the training "
                               "diverged (learning rate too large?) or a log/exp overflowed")
    what = ("one-hot rows (or probability rows)" if targets else
            "probabilities, e.g. softmax(scores), not the scores")
    bad = (P < 0).any(axis=1) | ~(np.abs(sums - 1) <= ROW_SUM_TOL)
    row = int(np.argmax(bad))
    raise CourseValueError(f"{func}: {name} ({describe(P)}) must hold {what}: entries in [0, 1], "
                           f"each row summing to 1; row {row} sums to {sums[row]:.4g}, entries in "
                           f"[{P[row].min():.4g}, {P[row].max():.4g}]")


def not_swapped(Y_hat: np.ndarray, Y: np.ndarray, func: str) -> None:
    """Refuse a one-hot ``Y_hat`` beside a soft ``Y``: the arguments are swapped."""
    n = len(Y_hat)
    if np.count_nonzero(Y_hat) == n and np.count_nonzero(Y) != n:
        raise CourseValueError(f"{func}: Y_hat is one-hot and Y is not: arguments swapped? Pass "
                               "the predicted probabilities Y_hat first, the one-hot targets Y second")


def mlp_params(params: Any, func: str, n_in: int) -> tuple[int, int]:
    """Check the MLP's dict ``W_h (n_in, H)``, ``b_h (H,)``, ``W_y (H, K)``, ``b_y (K,)``;
    return ``(H, K)``."""
    if not isinstance(params, Mapping):
        raise CourseTypeError(f"{func}: params is {type(params).__name__}; expected the dict "
                              "returned by init_mlp (W_h, b_h, W_y, b_y)")
    missing = [key for key in ("W_h", "b_h", "W_y", "b_y") if key not in params]
    if missing:
        raise CourseValueError(f"{func}: params lacks {', '.join(missing)}; expected the dict "
                               "returned by init_mlp (W_h, b_h, W_y, b_y)")
    W_h = matrix(params["W_h"], "params['W_h']", func, n_in, f"X has {n_in} columns")
    hidden = W_h.shape[1]
    bias(params["b_h"], "params['b_h']", func, hidden)
    W_y = matrix(params["W_y"], "params['W_y']", func, hidden, f"W_h has {hidden} hidden units")
    bias(params["b_y"], "params['b_y']", func, W_y.shape[1])
    return hidden, W_y.shape[1]
