"""Pooling reference, figures and ipywidgets explorers for notebook 5 (ConvNets).

Reference computations (tested against brute force in ``tests/test_lenet.py``)::

    pool2d(x, size=2, stride=2, kind="max")     # max / avg / l2 pooling of one map
    pool_across_maps(maps, group=2)              # L2 pooling over groups of feature maps
    shift_change(a, b)                           # how much a map changes under a shift

Shifts by whole pixels are ``scipy.ndimage.shift(image, (dy, dx), order=0, cval=fill)``.

their figures (:func:`pooling_figure`, :func:`convolution_figure`, :func:`distortion_figure`)
and three explorers over them (:mod:`course_utils.explorers`): :func:`pooling_explorer`,
:func:`convolution_explorer`, :func:`distortion_explorer`. matplotlib, ipywidgets and
Keras are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from course_utils.plots import MIN_FONT, legible, slide_width

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

    from course_utils.explorers import Explorer

POOL_KINDS = ("max", "avg", "l2")

#: 3x3 kernels offered by the convolution explorer.
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "Mx (d/dx)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float) / 4,
    "My (d/dy)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float) / 4,
    "box blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "lecture h": np.array([[-4, 0, 0], [0, 0, 0], [0, 0, 4]], dtype=float),
}


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


def _show(ax, img, title, cmap="gray", **kw) -> AxesImage:
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
    _show(axes[0], moved, f"input shifted by ({dx}, {dy})")
    _show(axes[1], a, f"{kind} pool {size}x{size}, original")
    _show(axes[2], b, f"{kind} pool {size}x{size}, shifted")
    _show(axes[3], ~np.isclose(a, b), "pooled values that changed", cmap="Reds", vmin=0, vmax=1)
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


def parse_kernel(text: str) -> np.ndarray:
    """Nine numbers (commas, spaces or semicolons) as a 3x3 kernel, row by row."""
    values = [float(v) for v in text.replace(",", " ").replace(";", " ").split()]
    if len(values) != 9:
        raise ValueError(f"parse_kernel: need 9 numbers for a 3x3 kernel, got {len(values)} in {text!r}")
    return np.asarray(values).reshape(3, 3)


def convolution_figure(image: np.ndarray, preset: str = "Mx (d/dx)", typed: str = "") -> Figure | None:
    """The image, a 3x3 kernel (``typed`` if given, else the preset) and their cross-correlation.

    The output is what a Keras ``Conv2D`` computes: ``scipy.signal.correlate2d``, 'valid'.

    Parameters
    ----------
    image : ndarray of shape (h, w)
    preset : str
        A key of :data:`KERNELS`.
    typed : str
        Nine numbers (:func:`parse_kernel`); empty: use ``preset``.

    Returns
    -------
    fig : matplotlib Figure, or None (after printing why) when ``typed`` is not 9 numbers
    """
    import matplotlib.pyplot as plt
    from scipy.signal import correlate2d

    image = np.asarray(image, dtype=float)
    try:
        kernel = parse_kernel(typed) if typed.strip() else KERNELS[preset]
        source = "typed kernel" if typed.strip() else preset
    except ValueError as err:
        print(err)
        return None
    out = correlate2d(image, kernel, mode="valid")
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw={"width_ratios": [3, 2, 3]})
    _show(axes[0], image, "input")
    _show(axes[1], kernel, f"kernel: {source}", cmap="coolwarm",
          vmin=-np.abs(kernel).max(), vmax=np.abs(kernel).max())
    for (r, c), v in np.ndenumerate(kernel):
        axes[1].text(c, r, f"{v:.2g}", ha="center", va="center")
    fig.colorbar(_show(axes[2], out, "output (cross-correlation, valid)", cmap="coolwarm"), ax=axes[2])
    legible(fig)
    fig.tight_layout()
    return fig


def convolution_explorer(image: np.ndarray) -> Explorer:
    """Pick or type a 3x3 kernel and see the image cross-correlated with it (:func:`convolution_figure`).

    Returns
    -------
    explorer : course_utils.explorers.Explorer
    """
    import ipywidgets as w

    from course_utils.explorers import figure_explorer

    image = np.asarray(image, dtype=float)
    return figure_explorer(
        lambda **kw: convolution_figure(image, **kw), name="Convolution explorer",
        preset=w.Dropdown(options=list(KERNELS), value="Mx (d/dx)", description="kernel"),
        typed=w.Text(value="", placeholder="or type 9 numbers, e.g. 0 1 0 1 -4 1 0 1 0", description="typed"))


def distortion_figure(images: np.ndarray, shift_x: float = 0.0, shift_y: float = 0.0, scale: float = 1.0,
                      squeeze: float = 0.0, shear: float = 0.0) -> Figure:
    """Images over their :func:`course_utils.lenet.distortions.distort` version.

    Parameters
    ----------
    images : ndarray of shape (n, 32, 32, 1)
        LeNet inputs (background -0.1).

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    from course_utils.lenet.distortions import distort

    images = np.asarray(images, dtype="float32")
    out = distort(images, shift_x=shift_x, shift_y=shift_y, scale=scale, squeeze=squeeze, shear=shear)
    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(slide_width(1.6 * n), 3.6), squeeze=False)
    for i in range(n):
        for row, batch, label in ((0, images, "original"), (1, out, "distorted")):
            axes[row, i].imshow(batch[i, :, :, 0], cmap="gray", vmin=-0.1, vmax=1.175)
            axes[row, i].set_xticks([])
            axes[row, i].set_yticks([])
            if i == 0:
                axes[row, i].set_ylabel(label)
    fig.suptitle(f"shift ({shift_x:+.1f}, {shift_y:+.1f}) px, scale {scale:.2f}, "
                 f"squeeze {squeeze:+.2f}, shear {shear:+.2f}")
    legible(fig)
    fig.tight_layout()
    return fig


def distortion_explorer(images: np.ndarray) -> Explorer:
    """Sliders for the shift, scale, squeeze and shear of :func:`course_utils.lenet.distortions.distort`.

    Parameters
    ----------
    images : ndarray of shape (n, 32, 32, 1)
        LeNet inputs (background -0.1); a handful is enough.

    Returns
    -------
    explorer : course_utils.explorers.Explorer
    """
    import ipywidgets as w

    from course_utils.explorers import figure_explorer

    images = np.asarray(images, dtype="float32")
    return figure_explorer(lambda **kw: distortion_figure(images, **kw), name="Distortion explorer",
                           shift_x=w.FloatSlider(0, min=-2, max=2, step=0.5, description="shift_x"),
                           shift_y=w.FloatSlider(0, min=-2, max=2, step=0.5, description="shift_y"),
                           scale=w.FloatSlider(1, min=0.9, max=1.1, step=0.02, description="scale"),
                           squeeze=w.FloatSlider(0, min=-0.1, max=0.1, step=0.02, description="squeeze"),
                           shear=w.FloatSlider(0, min=-0.2, max=0.2, step=0.05, description="shear"))


def confusion_figure(cm: np.ndarray, title: str, labels: Sequence[str] | None = None) -> Figure:
    """A confusion matrix (rows: true class, columns: predicted), counts written in the cells.

    scikit-learn's ``ConfusionMatrixDisplay``, with the errors coloured (the diagonal is
    left white and its counts grey, so that a few errors are not drowned by the correct
    counts) and every text legible on a slide.

    Parameters
    ----------
    cm : ndarray of shape (k, k)
        E.g. ``sklearn.metrics.confusion_matrix(y_true, y_pred)``.
    title : str
    labels : sequence of k str, optional
        Class names (default ``"0"`` ... ``"k-1"``).

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"confusion_figure: expected a square matrix, got shape {cm.shape}")
    labels = list(labels) if labels is not None else [str(i) for i in range(len(cm))]
    if len(labels) != len(cm):
        raise ValueError(f"confusion_figure: {len(labels)} labels for a {cm.shape} matrix")
    fig, ax = plt.subplots(figsize=(5.6, 4.4))   # fits a 720-pixel slide with a line of text
    shown = ConfusionMatrixDisplay(cm, display_labels=labels).plot(
        ax=ax, cmap="Reds", colorbar=False, text_kw={"fontsize": MIN_FONT})
    off = cm - np.diag(np.diag(cm))
    shown.im_.set_data(off)                       # colour the errors only
    shown.im_.set_clim(off.min(), off.max())
    for (r, c), text in np.ndenumerate(shown.text_):
        text.set_color("gray" if r == c else "black")
    ax.set(title=title, xlabel="predicted class", ylabel="true class")
    legible(fig)
    fig.tight_layout()
    return fig
