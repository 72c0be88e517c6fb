"""Feedback for students: one line per check, the value beside its target.

Every notebook uses these helpers, so a check always reads the same way::

    check_close("dL/dW", grad_W, expected_grad_W)
    # dL/dW: max relative error 3.1e-09 (tolerance 1e-06)  OK

A check prints one line and returns nothing. The number it prints is the one
that decides. A wrong answer raises :class:`CheckError` (an
``AssertionError``) whose message says, where it can be told, *what* is
wrong: a transposed shape, a constant factor (a missing ``1/N``), a flipped
sign, a constant offset (a bias), which entries differ. ``None`` (a missing
``return``), a string, NaN or infinity are named as such rather than failing
inside numpy.

Exercises wrap their checks in :func:`exercise` (see :mod:`course_utils.exercises`)
so that an unsolved exercise is reported and never stops the notebook.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from course_utils.diagnose import describe_difference, describe_shapes


class CheckError(AssertionError):
    """A student's result does not match its target."""


#: While :func:`collect_passed` is active, the lines of passing checks go here instead of stdout.
_PASSED: list[list[str]] = []


@contextmanager
def collect_passed() -> Iterator[list[str]]:
    """Inside, a passing check prints nothing and adds its line to the list yielded.

    A failing check still prints its line (and raises). Exercises use this to print one line
    per exercise ("right, 12 checks passed") instead of one per check.
    """
    lines: list[str] = []
    _PASSED.append(lines)
    try:
        yield lines
    finally:
        _PASSED.remove(lines)


def rel_error(x: Any, y: Any, *, atol: float = 0.0) -> float:
    """Largest element-wise relative error, the one measure every check uses.

    ``|x - y| / (|x| + |y|)`` per element (cs231n's symmetric relative error),
    with entries where ``|x - y| <= atol`` counted as 0 (two values that are
    both almost zero are equal, whatever their ratio).

    Parameters
    ----------
    x, y : array_like of the same shape
    atol : float, default=0.0
        Absolute differences up to ``atol`` count as no error.

    Returns
    -------
    error : float
        0.0 for identical arrays, about 1e-16 for float64 round-off, 1.0 when
        one side is 0 and the other is not (or the signs differ).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"rel_error: shapes differ, {x.shape} vs {y.shape}")
    return float(np.max(relative_errors(x, y, atol), initial=0.0))


def relative_errors(x: np.ndarray, y: np.ndarray, atol: float = 0.0) -> np.ndarray:
    """The element-wise errors whose maximum is :func:`rel_error` (same shapes, float64).

    Returns
    -------
    errors : ndarray of shape x.shape
        ``|x - y| / (|x| + |y|)``, 0 where ``|x - y| <= atol`` or both are 0;
        ``inf`` where either is NaN or only one is infinite (never counted as agreement).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        diff = np.abs(x - y)
        scale = np.abs(x) + np.abs(y)
        err = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
        # Finite values near the float64 limit overflow |x - y| or |x| + |y|: same ratio, halved.
        err = np.where(np.isfinite(scale), err, np.abs(x / 2 - y / 2) / (np.abs(x) / 2 + np.abs(y) / 2))
        err = np.where(diff <= atol, 0.0, err)
    finite = np.isfinite(x) & np.isfinite(y)
    return np.where(finite, err, np.where(x == y, 0.0, np.inf))


def matches(value: Any, target: Any, rtol: float = 1e-6) -> bool:
    """True when ``value`` equals ``target`` within ``rtol``, printing nothing.

    For checkers that recognise a mistake by comparing a student's result with
    what a known wrong answer would give; anything that is not an array of
    numbers, or of another shape, does not match. A scalar ``target`` is
    compared with every entry.
    """
    try:
        a, b = np.asarray(value, dtype=np.float64), np.asarray(target, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if b.shape == () and a.size:
        b = np.broadcast_to(b, a.shape)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=1e-12))


def as_number_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 array, or a :class:`CheckError` naming what it is.

    Catches what students most often hand to a check by mistake: ``None`` (a
    function without ``return``), a string, a dict, a tuple of arrays of
    different shapes, NaN or infinite entries.
    """
    if value is None:
        raise _wrong(f"{name}: got None. Does your function end with `return ...`?")
    if isinstance(value, (str, bytes)):
        raise _wrong(f"{name}: got the string {value!r}, expected numbers")
    if isinstance(value, dict):
        raise _wrong(f"{name}: got a dict with keys {sorted(map(str, value))[:6]}, expected an array")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise _wrong(f"{name}: got a {type(value).__name__} that is not an array of numbers "
                     f"({exc})") from None
    if array.dtype == object:  # pragma: no cover - asarray(dtype=float64) never returns object
        raise _wrong(f"{name}: not an array of numbers")
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
        kind = "NaN" if np.isnan(array).any() else "infinite"
        raise _wrong(f"{name}: {int(bad.sum())} of {array.size} entries are {kind} "
                     f"(first at index {where}): an overflow in exp or a log of 0?")
    return array


def _wrong(line: str) -> CheckError:
    print(f"{line}  WRONG")
    return CheckError(line)


def check_that(ok: bool, line: str, *, hint: str = "") -> None:
    """Print ``line`` with OK or WRONG; raise :class:`CheckError` when ``ok`` is false.

    The building block of every check here, for checks none of them covers
    (a count, a property of a student's layer): put the value beside its
    target in ``line``; ``hint`` (printed only when wrong) says what to look at.
    """
    if ok and _PASSED:
        _PASSED[-1].append(line)
        return
    print(f"{line}  {'OK' if ok else 'WRONG'}")
    if not ok:
        if hint:
            print(f"    -> {hint}")
        raise CheckError(f"{line}\n{hint}" if hint else line)


def check_shape(name: str, array: Any, shape: Sequence[int | None]) -> None:
    """Check an array's shape; ``None`` in ``shape`` matches any size.

    Raises
    ------
    CheckError
        ``array`` is None, or its shape differs (the message says how).
    """
    if array is None:
        raise _wrong(f"{name}: got None. Does your function end with `return ...`?")
    got = tuple(np.shape(array))
    ok = len(got) == len(shape) and all(s is None or s == g for g, s in zip(got, shape, strict=False))
    want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
    concrete = tuple(g if s is None else s for g, s in zip(got, shape, strict=False))
    hint = "" if ok else describe_shapes(got, concrete if len(got) == len(shape) else tuple(
        1 if s is None else s for s in shape))
    check_that(ok, f"{name}: shape {got}, expected {want}", hint=hint)


def check_close(name: str, value: Any, target: Any, *, rtol: float = 1e-6,
                atol: float = 0.0, hint: str = "") -> None:
    """Check ``value`` against ``target`` (arrays or numbers).

    Passes when the shapes agree and :func:`rel_error` (with ``atol``) is at
    most ``rtol``: the printed error is the deciding one. When wrong, the
    message says what the difference looks like.

    Parameters
    ----------
    name : str
        What is checked, as the student knows it.
    value : array_like
        The student's result.
    target : array_like
        The reference result, same shape.
    rtol : float, default=1e-6
        Largest accepted relative error.
    atol : float, default=0.0
        Absolute differences below this count as no error (for entries near 0).
    hint : str, optional
        What the caller already knows is wrong (an exercise's checker that
        recognised a mistake); printed before the general diagnosis.
    """
    value = as_number_array(name, value)
    target = np.asarray(target, dtype=np.float64)
    if value.shape != target.shape:
        check_that(False, f"{name}: shape {value.shape}, expected {target.shape}",
                   hint="; ".join(h for h in (hint, describe_shapes(value.shape, target.shape)) if h))
    err = rel_error(value, target, atol=atol)
    ok = err <= rtol
    if value.size == 1:
        line = (f"{name}: {value.item():.6g}, expected {target.item():.6g} "
                f"(relative error {err:.1e}, tolerance {rtol:.0e})")
    else:
        line = f"{name}: max relative error {err:.1e} (tolerance {rtol:.0e})"
    if not ok:
        found = describe_difference(value, target, relative_errors(value, target, atol) > rtol, rtol=rtol)
        hint = "; ".join(h for h in (hint, found) if h)
    check_that(ok, line, hint=hint if not ok else "")


def check_at_least(name: str, value: Any, target: float) -> None:
    """Check that a score reaches its target, e.g. a test accuracy."""
    array = as_number_array(name, value)
    if array.size != 1:
        raise _wrong(f"{name}: expected one number, got an array of shape {array.shape}")
    number = float(array.reshape(-1)[0])
    check_that(number >= target, f"{name}: {number:.4f}, target >= {target:.4f}")


def check_unchanged(name: str, before: Any, after: Any) -> None:
    """Check that a function left its input as it was (no in-place change).

    Parameters
    ----------
    name : str
        The argument, e.g. ``"lr_gradients: argument X"``.
    before : ndarray
        A copy taken before the call.
    after : ndarray
        The argument after the call.
    """
    before, after = np.asarray(before), np.asarray(after)
    same = before.shape == after.shape and np.array_equal(before, after, equal_nan=True)
    check_that(same, f"{name}: {'unchanged' if same else 'changed in place'}, expected unchanged",
               hint="" if same else "work on a copy (e.g. `X = X - m`, not `X -= m`)")


def fair_minimum(reference: float, n: int, standard_errors: float = 3.0) -> float:
    """A threshold a correct solution written another way should reach on ``n`` test examples.

    The reference run's accuracy minus ``standard_errors`` binomial standard errors,
    ``sqrt(p (1 - p) / n)``: another correct solution draws other initial weights and
    another data order, and its test accuracy moves by about that much. For checks
    whose reference is too slow to run over several seeds.
    """
    if not 0.0 <= reference <= 1.0 or n < 1:
        raise ValueError(f"fair_minimum: reference={reference!r} must be an accuracy in [0, 1] "
                         f"and n={n!r} a number of examples >= 1")
    return float(reference - standard_errors * np.sqrt(reference * (1.0 - reference) / n))


