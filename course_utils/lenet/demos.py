"""Convolution, distortion and confusion figures and explorers for notebook 5 (ConvNets).

:func:`convolution_figure` cross-correlates an image with a 3x3 kernel (:data:`KERNELS`
or typed, :func:`parse_kernel`), :func:`distortion_figure` shows LeNet's training
distortions, and :func:`convolution_explorer`, :func:`distortion_explorer` put them under
sliders (:mod:`course_utils.explorers`); :func:`confusion_figure` draws a confusion matrix.
Pooling and its explorer are in :mod:`course_utils.lenet.pooling`. matplotlib, ipywidgets,
scikit-learn and Keras are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from course_utils.lenet.pooling import show_map
from course_utils.plots import MIN_FONT, legible, slide_width

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from course_utils.explorers import Explorer

#: 3x3 kernels offered by the convolution explorer.
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "Mx (d/dx)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float) / 4,
    "My (d/dy)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float) / 4,
    "box blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "lecture h": np.array([[-4, 0, 0], [0, 0, 0], [0, 0, 4]], dtype=float),
}


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
    show_map(axes[0], image, "input")
    show_map(axes[1], kernel, f"kernel: {source}", cmap="coolwarm",
          vmin=-np.abs(kernel).max(), vmax=np.abs(kernel).max())
    for (r, c), v in np.ndenumerate(kernel):
        axes[1].text(c, r, f"{v:.2g}", ha="center", va="center")
    fig.colorbar(show_map(axes[2], out, "output (cross-correlation, valid)", cmap="coolwarm"), ax=axes[2])
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
