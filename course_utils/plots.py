"""Figures the notebooks share: image grids and training curves.

matplotlib is imported inside each function, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def image_grid(images: np.ndarray, labels: Sequence[Any] | None = None, *, ncols: int = 10,
               title: str = "", cmap: str = "gray", size: float = 0.9):
    """Show images in a grid, each with its label above it.

    Parameters
    ----------
    images : ndarray of shape (n, height, width) or (n, height * width)
        Square flattened images are reshaped.
    labels : sequence of length n, optional
    ncols : int, default=10
    title : str
        Figure title.
    size : float
        Inches per image.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"image_grid: cannot make square images of {images.shape[1]} pixels")
        images = images.reshape(-1, side, side)
    if images.ndim != 3:
        raise ValueError(f"image_grid: images must be (n, h, w), got shape {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"image_grid: {len(images)} images but {len(labels)} labels")
    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8, pad=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(curves: Mapping[str, Sequence[float]], *, title: str, xlabel: str = "epoch",
                ylabel: str = "", ax=None, logy: bool = False, start: int = 1):
    """Plot several named curves on one axes (train vs test, one run vs another).

    Parameters
    ----------
    curves : mapping from legend label to a sequence of values
    title, xlabel, ylabel : str
        Every figure is titled and labelled.
    ax : matplotlib Axes, optional
        Draw there instead of a new figure.
    start : int, default=1
        x value of the first point (epochs count from 1).

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(start, start + len(values)), values, marker="." if len(values) < 40
                else None, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_history(history: Mapping[str, Sequence[float]], *, title: str,
                 metrics: Sequence[str] = ("loss", "accuracy"),
                 scale: Mapping[str, float] | None = None, ylabels: Mapping[str, str] | None = None,
                 mark_best: str | None = None):
    """Train and validation curves of a Keras ``History.history`` dict, one panel per metric.

    Parameters
    ----------
    history : mapping from metric name to per-epoch values
        ``"loss"``, ``"val_loss"``, ``"accuracy"``...
    title : str
        Figure title.
    metrics : sequence of str
        Panels to draw, among the keys of ``history`` (missing ones are skipped).
    scale : mapping from metric to float, optional
        Multiply a metric's values before plotting (e.g. ``{"loss": 1 / np.log(2)}``:
        nats to bits).
    ylabels : mapping from metric to str, optional
        y-axis label of a panel (the metric's name by default).
    mark_best : str, optional
        A metric whose lowest validation value is marked by a dotted vertical line.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    scale, ylabels = scale or {}, ylabels or {}
    metrics = [m for m in metrics if m in history]
    if not metrics:
        raise ValueError(f"plot_history: none of the metrics in {sorted(history)}")
    if mark_best is not None and f"val_{mark_best}" not in history:
        raise ValueError(f"plot_history: mark_best={mark_best!r} but history has no 'val_{mark_best}'")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        factor = scale.get(metric, 1.0)
        curves = {"train": factor * np.asarray(history[metric], dtype=float)}
        if f"val_{metric}" in history:
            curves["validation"] = factor * np.asarray(history[f"val_{metric}"], dtype=float)
        plot_curves(curves, title=metric, ylabel=ylabels.get(metric, metric), ax=ax)
        if metric == mark_best:
            ax.axvline(int(np.argmin(history[f"val_{metric}"])) + 1, color="gray", ls=":",
                       label="best validation epoch")
            ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig
