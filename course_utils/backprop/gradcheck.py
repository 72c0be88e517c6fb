"""Centred finite-difference gradient check over a dict of parameter arrays.

The student computes analytic gradients by backpropagation; :func:`gradcheck`
recomputes each of them numerically,

    dL/dp ~= (L(p + eps) - L(p - eps)) / (2 eps),      one entry p at a time,

and prints one line per parameter array::

    W_h: relative error 3.2e-10 (tolerance 1e-06, 78400 entries)  OK

The relative error of an array is the course's one measure, :func:`course_utils.check.rel_error`:
the largest ``|g_num - g_ana| / (|g_num| + |g_ana|)`` over the entries checked,
where differences below the rounding noise of the finite differences
(``10 * machine epsilon * max(1, |L|) / eps``, about 5e-9 for a loss of 2.3 and
``eps = 1e-6``) count as none: an entry whose true gradient is 0 (a pixel that is
always black) is then not reported as 100 % wrong. On a mismatch the line is followed by an explanation:
the worst entry (index, numeric and analytic values, how far apart) and a hint
when the analytic gradient is a constant multiple of the true one (a missing
``1/N``, a sign error) or is zero.

Work in float64: in float32 the finite differences themselves are only good to
about 1e-3, so a 1e-6 tolerance cannot be met.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from course_utils import validate as v
from course_utils.check import CheckError, rel_error, relative_errors
from course_utils.errors import CourseTypeError, CourseValueError


def noise_level(loss: float, eps: float) -> float:
    """Rounding error of a centred difference of a float64 loss: differences below it are noise."""
    return 10 * float(np.finfo(np.float64).eps) * max(1.0, abs(loss)) / eps


def _array_error(num: np.ndarray, ana: np.ndarray, noise: float) -> float:
    if not (np.isfinite(num).all() and np.isfinite(ana).all()):
        return float("inf")  # NaN would compare as "not above tolerance" and max() badly
    return rel_error(num, ana, atol=noise)


def _loss(loss_fn: Callable[[], float]) -> float:
    """``loss_fn()`` as a float; None, arrays of several values and non-numbers are refused."""
    value = loss_fn()
    if value is None:
        raise CourseTypeError("gradcheck: loss_fn() returned None. Did it forget to `return` the "
                              "loss?")
    try:
        if isinstance(value, str | bytes):
            raise TypeError
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CourseTypeError(f"gradcheck: loss_fn() returned a {type(value).__name__}, not a "
                              "number") from None
    if array.size != 1:
        raise CourseValueError(f"gradcheck: loss_fn() returned an array of shape {array.shape}; it "
                               "must return the mean loss, one number (np.mean(...), not the "
                               "per-example losses)")
    return float(array.reshape(()))


def numerical_gradient(loss_fn: Callable[[], float], param: np.ndarray, *, eps: float = 1e-6,
                       indices: np.ndarray | None = None) -> np.ndarray:
    """Centred differences of ``loss_fn()`` with respect to entries of ``param``.

    ``param`` is perturbed in place, one entry at a time, and restored exactly.

    Parameters
    ----------
    loss_fn : callable with no argument returning a float
        Must read ``param`` (the same array object) when called.
    param : ndarray of any shape, dtype float64
    eps : float
        Half-width of the difference.
    indices : ndarray of shape (m,), dtype int, optional
        Flat indices of the entries to differentiate; all entries by default.

    Returns
    -------
    grad : ndarray of shape (m,)
        One derivative per index, in the order of ``indices`` (flat order by default).
    """
    if not isinstance(param, np.ndarray):
        raise CourseTypeError(f"numerical_gradient: param is a {type(param).__name__}; it must be "
                              "the numpy array that loss_fn reads (it is perturbed in place)")
    flat = param.reshape(-1)
    if not np.shares_memory(flat, param):
        raise CourseValueError("numerical_gradient: param must be a contiguous array (got a copy "
                               "on reshape)")
    if indices is None:
        indices = np.arange(flat.size)
    grad = np.empty(len(indices))
    for n, i in enumerate(indices):
        saved = flat[i]
        try:
            flat[i] = saved + eps
            plus = _loss(loss_fn)
            flat[i] = saved - eps
            minus = _loss(loss_fn)
        finally:
            flat[i] = saved
        grad[n] = (plus - minus) / (2 * eps)
    return grad


def explain_mismatch(name: str, shape: tuple[int, ...], indices: np.ndarray, num: np.ndarray,
                     ana: np.ndarray, *, tol: float = 1e-6, noise: float = 0.0) -> str:
    """Human-readable diagnosis of a gradient mismatch for one parameter array.

    Parameters
    ----------
    name : str
        Parameter name.
    shape : tuple of int
        Shape of the parameter array (to turn flat indices into positions).
    indices : ndarray of shape (m,), dtype int
        Flat indices that were checked.
    num, ana : ndarray of shape (m,)
        Numeric and analytic derivatives at those indices.
    tol, noise : float
        An entry disagrees when its relative error (:func:`~course_utils.check.relative_errors`
        with ``atol=noise``) exceeds ``tol``, or is NaN.

    Returns
    -------
    text : str
        Several lines, each starting with two spaces.
    """
    diff = np.abs(num - ana)
    worst = int(np.argmax(np.where(np.isnan(diff), np.inf, diff)))
    where = tuple(int(i) for i in np.unravel_index(indices[worst], shape))
    with np.errstate(invalid="ignore"):
        agree = relative_errors(num, ana, noise) <= tol  # False for NaN
    lines = [f"  worst entry {name}[{', '.join(map(str, where))}]: numeric {num[worst]:.6g}, "
             f"analytic {ana[worst]:.6g}, off by {diff[worst]:.3g}",
             f"  {int(np.sum(~agree))} of {len(num)} entries checked disagree"]
    for label, values, why in (("analytic", ana, "NaN/inf in your gradient (a division by 0, "
                                "an overflow in exp, log of 0?)"),
                               ("numeric", num, "the loss is NaN/inf near these parameters "
                                "(log of 0? an overflow in exp?)")):
        bad = ~np.isfinite(values)
        if bad.any():
            first = tuple(int(i) for i in np.unravel_index(indices[int(np.argmax(bad))], shape))
            lines.append(f"  hint: {int(bad.sum())} {label} value(s) are NaN or inf, the first "
                         f"at {name}[{', '.join(map(str, first))}]:\n        {why}")
    finite = np.isfinite(ana).all() and np.isfinite(num).all()
    if finite and np.linalg.norm(ana) == 0:
        lines.append("  hint: the analytic gradient is all zeros (not computed, or overwritten?)")
    elif finite and np.linalg.norm(num) > 0:
        ratio = float(ana @ num / (num @ num))
        # a factor of about 1 is no wrong factor: the entries differ some other way
        if abs(ratio - 1.0) > 1e-3 and _array_error(num * ratio, ana, noise) < 1e-4:
            lines.append(f"  hint: analytic = {ratio:.4g} x numeric everywhere: a wrong constant "
                         "factor or sign\n        (a missing 1/N, a factor 2, a minus sign?)")
    return "\n".join(lines)


def gradcheck(loss_fn: Callable[[], float], params: Mapping[str, np.ndarray],
              grads: Mapping[str, np.ndarray], *, tol: float = 1e-6, eps: float = 1e-6,
              max_entries: int | None = None, seed: int = 0, raise_on_error: bool = True,
              verbose: bool = True) -> dict[str, float]:
    """Compare analytic gradients with centred finite differences, one line per array.

    Parameters
    ----------
    loss_fn : callable with no argument returning a float
        The loss, computed from the arrays in ``params`` (which are perturbed in place).
    params : mapping from name to ndarray, dtype float64
    grads : mapping from the same names to ndarrays of the same shapes
        The analytic gradients to check, computed at the unperturbed ``params``.
    tol : float, default=1e-6
        Largest accepted relative error per array.
    eps : float, default=1e-6
        Finite-difference half-width.
    max_entries : int, optional
        Check at most this many randomly chosen entries per array (all by default).
    seed : int
        Seed of that random choice.
    raise_on_error : bool, default=True
        Raise :class:`~course_utils.check.CheckError` when any array fails.
    verbose : bool, default=True
        Print the lines (and explanations).

    Returns
    -------
    errors : dict from name to relative error

    Raises
    ------
    ValueError
        A name of ``params`` has no gradient (or the reverse), shapes differ, or a
        parameter is not float64.
    CheckError
        Some array's relative error exceeds ``tol`` (with ``raise_on_error``).
    """
    if not callable(loss_fn):
        raise CourseTypeError(f"gradcheck: loss_fn is a {type(loss_fn).__name__}; pass a function "
                              "of no argument, e.g. lambda: cross_entropy(forward(X, W, b), Y)")
    for label, mapping in (("params", params), ("grads", grads)):
        if not isinstance(mapping, Mapping):
            raise CourseTypeError(f"gradcheck: {label} is {type(mapping).__name__}; expected a "
                                  "dict from names to arrays (did a function forget to `return`?)")
    if set(params) != set(grads):
        raise CourseValueError(f"gradcheck: parameters {sorted(params)} but gradients "
                               f"{sorted(grads)}")
    base = _loss(loss_fn)
    if not np.isfinite(base):
        raise CourseValueError(f"gradcheck: loss_fn() returned {base} at the given parameters: "
                               "fix the loss first (log of 0? an overflow in exp?)")
    noise = noise_level(base, eps)
    rng = np.random.default_rng(seed)
    errors: dict[str, float] = {}
    failures: list[str] = []
    for name, param in params.items():
        if not isinstance(param, np.ndarray):
            raise CourseTypeError(f"gradcheck: params[{name!r}] is {type(param).__name__}; it "
                                  "must be the numpy array that loss_fn reads (it is perturbed "
                                  "in place)")
        grad = v.array(grads[name], f"the gradient of {name}", "gradcheck")
        if grad.shape != param.shape:
            raise CourseValueError(f"gradcheck: gradient of {name} has shape {grad.shape}, "
                                   f"parameter has shape {param.shape}")
        if param.dtype != np.float64:
            raise CourseValueError(f"gradcheck: {name} is {param.dtype}; use float64 "
                                   "(param.astype(np.float64)) for a meaningful check")
        indices = np.arange(param.size)
        if max_entries is not None and param.size > max_entries:
            indices = np.sort(rng.choice(param.size, size=max_entries, replace=False))
        num = numerical_gradient(loss_fn, param, eps=eps, indices=indices)
        ana = grad.reshape(-1)[indices].astype(np.float64)
        errors[name] = err = _array_error(num, ana, noise)
        ok = err <= tol
        line = (f"{name}: relative error {err:.1e} (tolerance {tol:.0e}, {len(indices)} entries)  "
                f"{'OK' if ok else 'WRONG'}")
        if not ok:
            line += "\n" + explain_mismatch(name, param.shape, indices, num, ana, tol=tol, noise=noise)
            failures.append(line)
        if verbose:
            print(line)
    if failures and raise_on_error:
        raise CheckError("gradient check failed:\n" + "\n".join(failures))
    return errors
