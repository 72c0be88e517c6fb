"""Figures the notebooks share: image grids, training curves, decision boundaries, legible on a slide.

Every helper's figure is at most :data:`MAX_WIDTH` inches wide and, through
:func:`legible`, writes no text under :data:`MIN_FONT` points, so that it stays
readable when projected (a 13-inch figure filling a 1280-pixel slide).
matplotlib is imported inside each function, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Widest figure (inches) a helper draws: it fills a 1280-pixel slide.
MAX_WIDTH = 13.0
#: Smallest font (points) in a helper's figure; titles get :data:`TITLE_FONT`.
MIN_FONT = 11.0
TITLE_FONT = 13.0


def legible(target: Figure | Axes, min_size: float = MIN_FONT,
            title_size: float = TITLE_FONT) -> Figure | Axes:
    """Raise every text of a figure (or of one axes) to at least ``min_size`` points.

    Tick labels (also those drawn later), axis labels, legends, texts and
    titles below the minimum are enlarged; axes titles and the figure's
    suptitle get at least ``title_size``. Larger fonts are kept.

    Parameters
    ----------
    target : matplotlib Figure or Axes
    min_size, title_size : float
        In points.

    Returns
    -------
    target : the same Figure or Axes
    """
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    axes = target.axes if isinstance(target, Figure) else [target]
    titles = set()
    for ax in axes:
        titles.update(id(t) for t in (ax.title, getattr(ax, "_left_title", None),
                                      getattr(ax, "_right_title", None)) if t is not None)
        for axis in (ax.xaxis, ax.yaxis):
            size = min((t.get_fontsize() for t in axis.get_ticklabels(which="both")), default=min_size)
            axis.set_tick_params(which="both", labelsize=max(size, min_size))
    suptitle = getattr(target, "_suptitle", None)
    if suptitle is not None:
        titles.add(id(suptitle))
    for text in target.findobj(Text):
        floor = title_size if id(text) in titles else min_size
        if text.get_text() and text.get_fontsize() < floor:
            text.set_fontsize(floor)
    return target


def slide_width(width: float) -> float:
    """``width`` in inches, capped at :data:`MAX_WIDTH`."""
    return min(float(width), MAX_WIDTH)


def image_grid(images: np.ndarray, labels: Sequence[Any] | None = None, *, ncols: int = 10,
               title: str = "", cmap: str = "gray", size: float = 0.9) -> Figure:
    """Show images in a grid, each with its label above it.

    Parameters
    ----------
    images : ndarray of shape (n, height, width) or (n, height * width)
        Square flattened images are reshaped.
    labels : sequence of length n, optional
    ncols : int, default=10
    title : str
        Figure title.
    size : float, default=0.9
        Inches per image (less when ``ncols * size`` exceeds :data:`MAX_WIDTH`).

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
    size = slide_width(ncols * size) / ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=MIN_FONT, pad=2)
    if title:
        fig.suptitle(title)
    legible(fig, title_size=MIN_FONT)
    fig.tight_layout()
    return fig


def plot_curves(curves: Mapping[str, Sequence[float]], *, title: str, xlabel: str = "epoch",
                ylabel: str = "", ax: Axes | None = None, logy: bool = False, start: int = 1) -> Axes:
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
    return legible(ax)


def plot_history(history: Mapping[str, Sequence[float]], *, title: str,
                 metrics: Sequence[str] = ("loss", "accuracy"),
                 scale: Mapping[str, float] | None = None, ylabels: Mapping[str, str] | None = None,
                 mark_best: str | None = None, keys: tuple[str, str] = ("{}", "val_{}"),
                 labels: tuple[str, str] = ("train", "validation"),
                 titles: Mapping[str, str] | None = None, logy: Sequence[str] = ()) -> Figure:
    """Train and validation curves of a training history, one panel per metric.

    Parameters
    ----------
    history : mapping from key to per-epoch values
        A Keras ``History.history`` dict (``"loss"``, ``"val_loss"``, ``"accuracy"``...),
        or any dict whose keys ``keys`` spells.
    title : str
        Figure title.
    metrics : sequence of str
        Panels to draw, among the metrics of ``history`` (missing ones are skipped).
    scale : mapping from metric to float, optional
        Multiply a metric's values before plotting (e.g. ``{"loss": 1 / np.log(2)}``:
        nats to bits).
    ylabels : mapping from metric to str, optional
        y-axis label of a panel (the metric's name by default).
    mark_best : str, optional
        A metric whose lowest validation value is marked by a dotted vertical line.
    keys : (str, str), default=("{}", "val_{}")
        The keys of a metric's train and validation values, ``{}`` standing for the metric:
        ``("train_{}", "eval_{}")`` for notebook 1's numpy loops.
    labels : (str, str), default=("train", "validation")
        Legend labels of the train and validation curves.
    titles : mapping from metric to str, optional
        Title of a panel (the metric's name by default).
    logy : sequence of str
        Metrics drawn on a log scale.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    scale, ylabels, titles = scale or {}, ylabels or {}, titles or {}
    train_key, val_key = keys
    metrics = [m for m in metrics if train_key.format(m) in history]
    if not metrics:
        raise ValueError(f"plot_history: none of the metrics in {sorted(history)}")
    if mark_best is not None and val_key.format(mark_best) not in history:
        raise ValueError(f"plot_history: mark_best={mark_best!r} but history has no "
                         f"{val_key.format(mark_best)!r}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(slide_width(5.5 * len(metrics)), 3.6),
                             squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        factor = scale.get(metric, 1.0)
        curves = {labels[0]: factor * np.asarray(history[train_key.format(metric)], dtype=float)}
        if val_key.format(metric) in history:
            curves[labels[1]] = factor * np.asarray(history[val_key.format(metric)], dtype=float)
        plot_curves(curves, title=titles.get(metric, metric), ylabel=ylabels.get(metric, metric), ax=ax,
                    logy=metric in logy)
        if metric == mark_best:
            ax.axvline(int(np.argmin(history[val_key.format(metric)])) + 1, color="gray", ls=":",
                       label="best validation epoch")
            ax.legend()
    fig.suptitle(title)
    legible(fig)
    fig.tight_layout()
    return fig


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, *,
                           title: str, ax=None, resolution: int = 200, margin: float = 0.5,
                           class_names: Sequence[str] | None = None) -> Axes:
    """Colour the plane by a 2-D classifier's prediction and draw the labelled points on top.

    Parameters
    ----------
    predict : callable mapping points (M, 2) to class probabilities (M, K) or labels (M,)
    X : ndarray of shape (N, 2)
    y : ndarray of shape (N,), dtype int
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
