"""Say *what* is wrong when a student's array differs from the reference.

The checks in :mod:`course_utils.check` call these to turn "max relative
error 1.0e+00" into something a student can act on: a transposed result, a
missing ``1/N``, a flipped sign, a bias added twice, the right values in the
wrong order, which entries or which feature maps differ.

Both functions return an empty string when they recognise nothing.
"""

from __future__ import annotations

import math

import numpy as np


def describe_shapes(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """A hint for a result of shape ``got`` where ``want`` was expected.

    Parameters
    ----------
    got, want : tuple of int
        The student's shape and the expected one.

    Returns
    -------
    hint : str
        One sentence, or "" when the shapes agree or nothing fits.
    """
    got, want = tuple(got), tuple(want)
    if got == want:
        return ""
    if got == () and want != ():
        return "a single number where an array is expected: did you sum or average everything?"
    if len(got) == 2 and got == want[::-1]:
        return "looks transposed: use .T, or swap the operands of @"
    if got == want + (1,) or got == (1, *want):
        return "one axis of size 1 too many: use keepdims=False, .ravel() or [:, 0]"
    if want == got + (1,) or want == (1, *got):
        return "one axis of size 1 missing: use keepdims=True or [:, None]"
    if len(got) == len(want) + 1 and got[:1] == want[:1] and math.prod(got[1:]) == math.prod(want[1:]):
        return f"the examples are not flattened: reshape to {want} (e.g. x.reshape(len(x), -1))"
    if len(got) == len(want) - 1 and got == want[1:]:
        return (f"the first axis (size {want[0]}, one entry per example) is missing: "
                "a sum or mean over the wrong axis?")
    if len(got) == len(want) - 1 and got == want[:-1]:
        return f"the last axis (size {want[-1]}) is missing: a sum or mean over the wrong axis?"
    if math.prod(got) == math.prod(want):
        return "the right number of entries in another layout: check the axis order or the reshape"
    return ""


def _fits(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    scale = np.abs(a) + np.abs(b)
    return bool(np.all(np.abs(a - b) <= tol * np.maximum(scale, 1e-300)))


def _factor(c: float) -> str:
    n = round(c)
    if n >= 2 and abs(c - n) <= 1e-3 * c:
        return f"every entry is {n} times too large: a missing 1/{n} (a sum where a mean is expected?)"
    if c > 0 and round(1 / c) >= 2 and abs(1 / c - round(1 / c)) <= 1e-3 / c:
        m = round(1 / c)
        return f"every entry is {m} times too small: divided by {m} once too often?"
    return (f"every entry is {c:.4g} times the expected one: a constant factor is off "
            "(a 1/N, a learning rate, the 2 of a square?)")


def _structure(v: np.ndarray, t: np.ndarray, tol: float) -> str:
    """The first pattern that explains the whole difference, or ""."""
    t2 = float(np.sum(t * t))
    if t2 > 0:
        c = float(np.sum(v * t)) / t2
        if abs(c - 1) > tol and c != 0 and _fits(v, c * t, tol):
            if abs(c + 1) <= tol:
                return "every entry has the wrong sign: a minus sign missing or extra?"
            hint = _factor(c)
            # One number is always "c times" its target: say so only for a telling factor.
            if v.size > 1 or "constant factor" not in hint:
                return hint
    d = v - t
    if d.size > 1 and _fits(d, np.full_like(d, d.mean()), tol):
        return f"every entry is off by the same constant {d.mean():.4g}: a term added or left out?"
    if d.ndim == 2 and d.shape[0] > 1 and _fits(d, np.broadcast_to(d[:1], d.shape), tol):
        return ("every row is off by the same vector: a bias (one value per column) "
                "missing, added twice, or with the wrong sign?")
    if v.size > 1 and _fits(np.sort(v, axis=None), np.sort(t, axis=None), tol):
        return "the right values in another order: rows or columns swapped, or the wrong axis?"
    if _fits(v, np.zeros_like(v), tol) and not _fits(t, np.zeros_like(t), tol):
        return "all zeros: is the result computed, or only initialised?"
    return ""


def _where(v: np.ndarray, t: np.ndarray, bad: np.ndarray) -> str:
    """Which entries differ: a count, the first one, and rows/maps when that helps."""
    n_bad, n = int(bad.sum()), bad.size
    if n_bad == 0:
        return ""
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if v.ndim else ()
    text = f"{n_bad} of {n} entries differ"
    if v.ndim >= 3 and v.shape[-1] > 1:
        maps = np.flatnonzero(bad.reshape(-1, v.shape[-1]).any(axis=0))
        if len(maps) < v.shape[-1]:
            text += f" (only in maps {maps.tolist()[:8]} of the last axis; the other maps are right)"
    elif v.ndim == 2:
        cols = np.flatnonzero(bad.any(axis=0))
        rows = np.flatnonzero(bad.any(axis=1))
        if len(cols) < v.shape[1] and len(cols) <= 5:
            text += f" (only in columns {cols.tolist()})"
        elif len(rows) < v.shape[0] and len(rows) <= 5:
            text += f" (only in rows {rows.tolist()})"
    if v.ndim:
        text += f"; e.g. at index {first}: got {v[first]:.6g}, expected {t[first]:.6g}"
    return text


def describe_difference(value: np.ndarray, target: np.ndarray, bad: np.ndarray, *,
                        rtol: float) -> str:
    """A hint for a result of the right shape whose entries differ.

    Parameters
    ----------
    value, target : ndarray of the same shape, dtype float64
        The student's result and the reference (both finite).
    bad : ndarray of the same shape, dtype bool
        The entries whose relative error is above tolerance.
    rtol : float
        The check's tolerance, used to recognise exact patterns.

    Returns
    -------
    hint : str
        "pattern; which entries", or "" when they agree.
    """
    if not bad.any():
        return ""
    tol = max(10 * rtol, 1e-9)
    parts = [_structure(value, target, tol), _where(value, target, bad)]
    return "; ".join(p for p in parts if p)
