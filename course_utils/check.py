"""Feedback for students: one line per check, the value beside its target.

Every notebook uses these helpers, so a check always reads the same way::

    check_close("dL/dW", grad_W, expected_grad_W)
    # dL/dW: max relative error 3.1e-09 (tolerance 1e-06)  OK

A failed check raises :class:`CheckError` (an ``AssertionError``) with the
same line, so a wrong answer stops the notebook where it happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class CheckError(AssertionError):
    """A student's result does not match its target."""


def rel_error(x: Any, y: Any, eps: float = 1e-12) -> float:
    """Largest element-wise relative error ``|x - y| / max(|x| + |y|, eps)``.

    Parameters
    ----------
    x, y : array_like of the same shape

    Returns
    -------
    error : float
        0.0 for identical arrays; about 1e-16 for float64 round-off.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"rel_error: shapes differ, {x.shape} vs {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), eps)))


def check_that(ok: bool, line: str) -> bool:
    """Print ``line`` with OK or WRONG; raise :class:`CheckError` when ``ok`` is false.

    The building block of every check here, for checks none of them covers
    (a count, a property of a student's layer): put the value beside its
    target in ``line``.
    """
    print(f"{line}  {'OK' if ok else 'WRONG'}")
    if not ok:
        raise CheckError(line)
    return ok


def check_shape(name: str, array: Any, shape: Sequence[int | None]) -> bool:
    """Check an array's shape; ``None`` in ``shape`` matches any size.

    Raises
    ------
    CheckError
        Different number of dimensions or a size that differs.
    """
    got = tuple(np.shape(array))
    ok = len(got) == len(shape) and all(s is None or s == g for g, s in zip(got, shape, strict=False))
    want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
    return check_that(ok, f"{name}: shape {got}, expected {want}")


def check_close(name: str, value: Any, target: Any, *, rtol: float = 1e-6,
                atol: float = 0.0) -> bool:
    """Check ``value`` against ``target`` (arrays or numbers).

    Passes when the shapes agree and every element satisfies
    ``|value - target| <= atol + rtol * |target|`` (numpy's ``isclose`` rule).
    The line printed gives the max relative error next to the tolerance.
    """
    value, target = np.asarray(value), np.asarray(target)
    if value.shape != target.shape:
        return check_that(False, f"{name}: shape {value.shape}, expected {target.shape}")
    err = rel_error(value, target)
    ok = bool(np.allclose(value, target, rtol=rtol, atol=atol))
    if value.size == 1:
        line = (f"{name}: {value.item():.6g}, expected {target.item():.6g} "
                f"(relative error {err:.1e}, tolerance {rtol:.0e})")
    else:
        line = f"{name}: max relative error {err:.1e} (tolerance {rtol:.0e})"
    return check_that(ok, line)


def check_at_least(name: str, value: float, target: float) -> bool:
    """Check that a score reaches its target, e.g. a test accuracy."""
    return check_that(value >= target, f"{name}: {value:.4f}, target >= {target:.4f}")


def print_results(**figures: Any) -> None:
    """Print a notebook's headline figures, one ``name = value`` line each.

    Floats are printed with 4 significant decimals, other values with ``str``.
    """
    for name, value in figures.items():
        if isinstance(value, (float, np.floating)):
            value = f"{float(value):.4f}" if abs(value) < 1e4 else f"{float(value):.6g}"
        print(f"{name} = {value}")
