"""Learning-rate decay schedules, their explorer widget, and notebook 1's 2-D decision-boundary plot.

The three schedules of the week-1 lecture, with ``t`` the epoch (or step) count:

* inverse (time-based): ``eta_t = eta_0 / (1 + r t)``
* exponential:          ``eta_t = eta_0 exp(-lam t)``
* step:                 ``eta_t = eta_0 r ** floor(t / t_u)``

matplotlib and ipywidgets are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from course_utils.plots import legible

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from course_utils.explorers import Explorer


def _check_positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name}={value!r} must be > 0")


def inverse_decay(eta_0: float, r: float, t) -> np.ndarray:
    """``eta_0 / (1 + r t)``; ``t`` a number or an array of epochs, ``r >= 0``."""
    _check_positive("eta_0", eta_0)
    if r < 0:
        raise ValueError(f"r={r!r} must be >= 0")
    return eta_0 / (1 + r * np.asarray(t, dtype=float))


def exponential_decay(eta_0: float, lam: float, t) -> np.ndarray:
    """``eta_0 exp(-lam t)``; ``lam >= 0``."""
    _check_positive("eta_0", eta_0)
    if lam < 0:
        raise ValueError(f"lam={lam!r} must be >= 0")
    return eta_0 * np.exp(-lam * np.asarray(t, dtype=float))


def step_decay(eta_0: float, r: float, t_u: int, t) -> np.ndarray:
    """``eta_0 r ** floor(t / t_u)``: multiply by ``r`` (0 < r <= 1) every ``t_u`` epochs."""
    _check_positive("eta_0", eta_0)
    if not 0 < r <= 1:
        raise ValueError(f"r={r!r} must be in (0, 1]")
    if t_u < 1:
        raise ValueError(f"t_u={t_u!r} must be >= 1")
    return eta_0 * r ** np.floor(np.asarray(t, dtype=float) / t_u)


def plot_schedules(eta_0: float = 0.1, r_inv: float = 0.1, lam: float = 0.1, r_step: float = 0.5,
                   t_u: int = 10, epochs: int = 50, ax=None) -> Axes:
    """The three schedules on one axes.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6))
    t = np.arange(epochs + 1)
    ax.plot(t, inverse_decay(eta_0, r_inv, t), label=f"inverse, r={r_inv:g}")
    ax.plot(t, exponential_decay(eta_0, lam, t), label=f"exponential, lam={lam:g}")
    ax.step(t, step_decay(eta_0, r_step, t_u, t), where="post", label=f"step, r={r_step:g}, t_u={t_u}")
    ax.set(title=f"Learning-rate decay, eta_0 = {eta_0:g}", xlabel="epoch t", ylabel="learning rate eta_t",
           ylim=(0, eta_0 * 1.05))
    ax.grid(alpha=0.3)
    ax.legend()
    return legible(ax)


def schedule_explorer(epochs: int = 50) -> Explorer:
    """Sliders for ``eta_0``, ``r`` (inverse), ``lam``, ``r`` and ``t_u`` (step), redrawing the plot.

    Returns
    -------
    explorer : course_utils.explorers.Explorer
        Display it as the last expression of a cell; ``explorer.widget`` is the ``interactive``.
    """
    import ipywidgets as widgets

    from course_utils.explorers import figure_explorer

    def figure(eta_0, r_inv, lam, r_step, t_u):
        return plot_schedules(eta_0, r_inv, lam, r_step, t_u, epochs).figure

    return figure_explorer(
        figure, name="Learning-rate schedule explorer",
        eta_0=widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=1, description="eta_0"),
        r_inv=widgets.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.01, description="inverse r"),
        lam=widgets.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.01, description="exp. lam"),
        r_step=widgets.FloatSlider(value=0.5, min=0.05, max=1.0, step=0.05, description="step r"),
        t_u=widgets.IntSlider(value=10, min=1, max=25, description="step t_u"),
    )


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, *,
                           title: str, ax=None, resolution: int = 200, margin: float = 0.5,
                           class_names: Sequence[str] | None = None) -> Axes:
    """Colour the plane by a 2-D classifier's prediction and draw the labelled points on top.

    Parameters
    ----------
    predict : callable mapping points (M, 2) to class probabilities (M, K) or labels (M,)
    X : ndarray (N, 2)
    y : int ndarray (N,)
    title : str
    class_names : sequence of str, optional
        One legend entry per class, in the colours of the points and regions.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must be (N, 2), got shape {X.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = np.asarray(predict(np.c_[g0.ravel(), g1.ravel()]))
    labels = out.argmax(axis=1) if out.ndim == 2 else out
    ax.contourf(g0, g1, labels.reshape(g0.shape), levels=np.arange(labels.max() + 2) - 0.5,
                cmap="coolwarm", alpha=0.3)
    y = np.asarray(y)
    top = max(int(labels.max()), int(y.max()), 1)
    colours = plt.get_cmap("coolwarm")(np.arange(top + 1) / top)
    if class_names is not None and len(class_names) != top + 1:
        raise ValueError(f"plot_decision_boundary: {len(class_names)} class_names for {top + 1} classes")
    for k in range(top + 1):
        ax.scatter(X[y == k, 0], X[y == k, 1], color=colours[k], edgecolors="k", s=60,
                   label=None if class_names is None else class_names[k])
    if class_names is not None:
        ax.legend(loc="best", framealpha=0.9)
    ax.set(title=title, xlabel="x_1", ylabel="x_2")
    return legible(ax)
