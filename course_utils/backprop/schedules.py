"""Learning-rate decay schedules and their explorer widget.

The three schedules of the week-1 lecture, with ``t`` the epoch (or step) count:

* inverse (time-based): ``eta_t = eta_0 / (1 + r t)``
* exponential:          ``eta_t = eta_0 exp(-lam t)``
* step:                 ``eta_t = eta_0 r ** floor(t / t_u)``

matplotlib and ipywidgets are imported inside the functions that need them.
"""

from __future__ import annotations

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
