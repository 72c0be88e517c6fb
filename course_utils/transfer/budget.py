"""The label-budget experiment of notebook 3: a task, labelled examples per class, the scores.

:func:`select_classes` makes a task of some classes (relabelled from 0),
:func:`sample_per_class` draws a balanced, seeded label budget, and
:func:`plot_budget_curves` draws each method's score against the budget.
matplotlib is imported inside the function that draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.plots import legible

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def select_classes(x: np.ndarray, y: np.ndarray, classes: Any) -> tuple[np.ndarray, np.ndarray]:
    """Keep the examples of some classes, relabelled ``0 .. len(classes) - 1``.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    y : ndarray of shape (n,), integer labels
    classes : sequence of int
        E.g. ``[5, 6, 7, 8, 9]``: digit 5 becomes label 0, ..., 9 becomes 4.

    Returns
    -------
    x_sub : ndarray of shape (m, ...)
    y_sub : ndarray of shape (m,), dtype int64
    """
    x, y = np.asarray(x), np.asarray(y)
    classes = [int(c) for c in classes]
    if len(x) != len(y):
        raise ValueError(f"select_classes: {len(x)} examples but {len(y)} labels")
    if len(set(classes)) != len(classes) or not classes:
        raise ValueError(f"select_classes: classes must be distinct and non-empty, got {classes}")
    missing = [c for c in classes if not np.any(y == c)]
    if missing:
        raise ValueError(f"select_classes: no example of class(es) {missing}")
    keep = np.isin(y, classes)
    lookup = {c: i for i, c in enumerate(classes)}
    return x[keep], np.array([lookup[int(c)] for c in y[keep]], dtype=np.int64)


def sample_per_class(y: np.ndarray, per_class: int, *, seed: int,
                     exclude: np.ndarray | None = None) -> np.ndarray:
    """Indices of ``per_class`` examples of every class, drawn without replacement.

    Parameters
    ----------
    y : ndarray of shape (n,), integer labels
    per_class : int
        The label budget per class.
    seed : int
        Same seed, same draw.
    exclude : ndarray of shape (m,), dtype int, optional
        Indices never drawn (e.g. a validation split).

    Returns
    -------
    idx : ndarray of shape (n_classes * per_class,), dtype int64, shuffled

    Raises
    ------
    ValueError
        ``per_class < 1`` or a class with fewer than ``per_class`` examples left.
    """
    y = np.asarray(y)
    if per_class < 1:
        raise ValueError(f"sample_per_class: per_class={per_class} must be >= 1")
    rng = np.random.default_rng(seed)
    allowed = np.ones(len(y), dtype=bool)
    if exclude is not None:
        allowed[np.asarray(exclude, dtype=np.int64)] = False
    picked = []
    for c in np.unique(y):
        pool = np.flatnonzero((y == c) & allowed)
        if len(pool) < per_class:
            raise ValueError(f"sample_per_class: class {c} has {len(pool)} examples, "
                             f"fewer than per_class={per_class}")
        picked.append(rng.choice(pool, size=per_class, replace=False))
    idx = np.concatenate(picked)
    rng.shuffle(idx)
    return idx.astype(np.int64)


def plot_budget_curves(results: dict[str, dict[int, list[float]]], *, title: str,
                       ylabel: str = "test accuracy", ax=None) -> Axes:
    """Mean and spread (min to max over draws) of each method against the label budget.

    Parameters
    ----------
    results : dict
        ``results[method][budget]`` is the list of scores over random draws.

    Returns
    -------
    ax : matplotlib Axes, log-scaled budget axis
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    for method, by_budget in results.items():
        budgets = sorted(by_budget)
        if any(not by_budget[b] for b in budgets):
            raise ValueError(f"plot_budget_curves: no score for some budget of {method!r}")
        mean = np.array([np.mean(by_budget[b]) for b in budgets])
        low = mean - np.array([np.min(by_budget[b]) for b in budgets])
        high = np.array([np.max(by_budget[b]) for b in budgets]) - mean
        ax.errorbar(budgets, mean, yerr=[low, high], marker="o", capsize=4, label=method)
    ax.set_xscale("log")
    ax.set(title=title, xlabel="labelled examples per class (log scale)", ylabel=ylabel)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return legible(ax)
