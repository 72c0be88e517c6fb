"""Pooling for notebook 5: reference computations, the shift measure, a figure and its explorer.

Reference computations (tested against brute force in ``tests/lenet/test_pooling.py``)::

    pool2d(x, size=2, stride=2, kind="max")     # max / avg / l2 pooling of one map
    pool_across_maps(maps, group=2)              # L2 pooling over groups of feature maps
    shift_change(a, b)                           # how much a map changes under a shift

Shifts by whole pixels are ``scipy.ndimage.shift(image, (dy, dx), order=0, cval=fill)``.
:func:`pooling_figure` shows which pooled values a shift changes and :func:`pooling_explorer`
puts it under sliders (:mod:`course_utils.explorers`). matplotlib, scipy and ipywidgets are
imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.plots import legible

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

    from course_utils.explorers import Explorer

POOL_KINDS = ("max", "avg", "l2")

def pool2d(x: np.ndarray, size: int = 2, stride: int | None = None, kind: str = "max") -> np.ndarray:
    """Pool one 2-D map over ``size x size`` windows ('valid': windows inside the map).

    Parameters
    ----------
    x : ndarray of shape (h, w)
    size : int
    stride : int, default ``size``
    kind : {"max", "avg", "l2"}
        Max, mean, or square root of the sum of squares of each window.

    Returns
    -------
    pooled : ndarray of shape ((h - size) // stride + 1, (w - size) // stride + 1)
    """
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    if x.ndim != 2 or min(x.shape) < size or size < 1 or stride < 1:
        raise ValueError(f"pool2d: cannot pool a map of shape {x.shape} with size={size}, stride={stride}")
    if kind not in POOL_KINDS:
        raise ValueError(f"pool2d: kind={kind!r}, use one of {POOL_KINDS}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride]
    if kind == "max":
        return windows.max(axis=(2, 3))
    if kind == "avg":
        return windows.mean(axis=(2, 3))
    return np.sqrt((windows ** 2).sum(axis=(2, 3)))


def pool_across_maps(maps: np.ndarray, group: int) -> np.ndarray:
    """L2 pooling over feature maps: ``sqrt(sum_k maps[..., k]**2)`` for groups of ``group`` maps.

    Parameters
    ----------
    maps : ndarray of shape (h, w, k), ``k`` a multiple of ``group``

    Returns
    -------
    pooled : ndarray of shape (h, w, k // group)
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3 or group < 1 or maps.shape[2] % group:
        raise ValueError(f"pool_across_maps: {maps.shape} maps cannot be pooled by groups of {group}")
    h, w, k = maps.shape
    return np.sqrt((maps.reshape(h, w, k // group, group) ** 2).sum(axis=3))


def shift_change(a: np.ndarray, b: np.ndarray, background: float = 0.0) -> tuple[float, float]:
    """How much a map changes when its input is shifted: the measure of notebook 5.

    Only the values that are not background in ``a`` or in ``b`` count: with all
    values, the background that stays background would hide the change.

    Parameters
    ----------
    a, b : ndarray of shape (h, w)
        The map before and after the shift (e.g. pooled).
    background : float
        The background value.

    Returns
    -------
    changed : float
        Share of the non-background values that differ (0 when every value is background).
    distance : float
        ``||a - b|| / ||a||`` (``inf`` when ``a`` is all zeros and ``b`` is not).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shift_change: a has shape {a.shape} but b has shape {b.shape}; "
                         "pass maps of the same shape")
    seen = ~np.isclose(a, background) | ~np.isclose(b, background)
    changed = float(np.mean(~np.isclose(a[seen], b[seen]))) if seen.any() else 0.0
    diff, norm = float(np.linalg.norm(a - b)), float(np.linalg.norm(a))
    distance = diff / norm if norm > 0 else (0.0 if diff == 0 else float("inf"))
    return changed, distance


def show_map(ax: Axes, img: np.ndarray, title: str, cmap: str = "gray", **kw: Any) -> AxesImage:
    """``ax.imshow(img)`` titled, with rows and columns labelled (the demos' map panels)."""
    im = ax.imshow(img, cmap=cmap, **kw)
    ax.set(title=title, xlabel="column", ylabel="row")
    return im


def pooling_figure(image: np.ndarray, dx: int = 1, dy: int = 0, size: int = 2, kind: str = "max") -> Figure:
    """The image shifted by ``(dx, dy)``, its pooled maps before and after, and which pooled values changed.

    Parameters
    ----------
    image : ndarray of shape (h, w)

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt
    from scipy import ndimage

    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"pooling_figure: expected a 2-D image, got shape {image.shape}")
    background = float(image.min())
    moved = ndimage.shift(image, (dy, dx), order=0, cval=background)
    a, b = pool2d(image, size, kind=kind), pool2d(moved, size, kind=kind)
    pooled_background = float(pool2d(np.full((size, size), background), size, kind=kind)[0, 0])
    changed_in, distance_in = shift_change(image, moved, background)
    changed_out, distance_out = shift_change(a, b, pooled_background)
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    show_map(axes[0], moved, f"input shifted by ({dx}, {dy})")
    show_map(axes[1], a, f"{kind} pool {size}x{size}, original")
    show_map(axes[2], b, f"{kind} pool {size}x{size}, shifted")
    show_map(axes[3], ~np.isclose(a, b), "pooled values that changed", cmap="Reds", vmin=0, vmax=1)
    fig.suptitle(f"non-background values changed: input {changed_in:.0%}, pooled {changed_out:.0%}"
                 f"   |   relative distance: input {distance_in:.2f}, pooled {distance_out:.2f}")
    legible(fig)
    fig.tight_layout()
    return fig


def pooling_explorer(image: np.ndarray) -> Explorer:
    """Shift an image and see which pooled values change (ipywidgets, :func:`pooling_figure`).

    Parameters
    ----------
    image : ndarray of shape (h, w)
        e.g. a digit or a feature map.

    Returns
    -------
    explorer : course_utils.explorers.Explorer
        Display it; ``explorer.widget`` is the ``ipywidgets.interactive``.
    """
    import ipywidgets as w

    from course_utils.explorers import figure_explorer

    image = np.asarray(image, dtype=float)
    return figure_explorer(lambda **kw: pooling_figure(image, **kw), name="Pooling explorer",
                           dx=w.IntSlider(1, -3, 3, description="dx"),
                           dy=w.IntSlider(0, -3, 3, description="dy"),
                           size=w.IntSlider(2, 2, 4, description="pool size"),
                           kind=w.Dropdown(options=POOL_KINDS, value="max", description="pooling"))
