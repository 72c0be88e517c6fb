"""MNIST as the course's models read it: one preparation, one seeded validation split.

Every notebook and script turns the raw digits of
:func:`course_utils.data.load_mnist` into model inputs with :func:`prepare` and
holds out its validation digits with :func:`split_indices` (or
:func:`train_val_split`): a fixed permutation of the training digits (seed 0),
whose last ``n_val`` entries are the validation digits. Notebook 5 and
``python -m course_utils.lenet.tune`` cut it at 55,000 / 5,000. The test digits
are never part of a split. Numpy only.

Examples
--------
>>> (x, y), (x_test, y_test) = load_mnist()                 # doctest: +SKIP
>>> (x_fit, y_fit), (x_val, y_val) = train_val_split(prepare(x), y, 10_000)  # doctest: +SKIP
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["LAYOUTS", "SPLIT_SEED", "prepare", "split_indices", "train_val_split"]

#: Output shape of each layout, for ``n`` digits.
LAYOUTS = {
    "flat": "(n, 784) in [0, 1], for dense models",
    "image": "(n, 28, 28, 1) in [0, 1], for ConvNets",
    "lenet": "(n, 32, 32, 1): padded by 2, background -0.1, ink 1.175 (LeNet-5, 1998)",
}
#: The seed of the permutation behind every validation split of the course.
SPLIT_SEED = 0


def prepare(images: np.ndarray, *, layout: str = "flat") -> np.ndarray:
    """Raw MNIST digits as float32 model inputs.

    Parameters
    ----------
    images : ndarray of shape (n, 28, 28), integers in [0, 255]
        As :func:`course_utils.data.load_mnist` returns them (uint8).
    layout : {"flat", "image", "lenet"}, default="flat"
        ``"flat"``: ndarray of shape (n, 784), pixel / 255 (row after row).
        ``"image"``: ndarray of shape (n, 28, 28, 1), pixel / 255.
        ``"lenet"``: ndarray of shape (n, 32, 32, 1), padded with 2 background
        pixels on each side, 0 mapped to -0.1 and 255 to 1.175 (mean about 0,
        variance about 1), as LeNet-5 reads digits.

    Returns
    -------
    x : ndarray of shape given by ``layout``, dtype float32

    Raises
    ------
    ValueError
        Unknown ``layout``; ``images`` not of shape (n, 28, 28); floating-point
        images (already prepared?) or integers outside [0, 255].
    """
    if layout not in LAYOUTS:
        raise ValueError(f"prepare: layout={layout!r} is not one of {sorted(LAYOUTS)}")
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"prepare: expected raw digits of shape (n, 28, 28), got shape "
                         f"{images.shape}; pass the images load_mnist() returns")
    if not np.issubdtype(images.dtype, np.integer):
        raise ValueError(f"prepare: expected raw integer pixels in [0, 255], got dtype "
                         f"{images.dtype} (already prepared? prepare the uint8 images once)")
    if images.dtype != np.uint8 and images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError(f"prepare: pixels must be in [0, 255], got values from {images.min()} "
                         f"to {images.max()}")
    if layout == "lenet":
        x = images.astype(np.float32) / 255.0 * 1.275 - 0.1
        return np.pad(x, ((0, 0), (2, 2), (2, 2)), constant_values=-0.1)[..., None]
    x = images.astype(np.float32) / np.float32(255)
    return x.reshape(len(x), 784) if layout == "flat" else x[..., None]


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"split_indices: {name}={value!r} must be an integer")
    return int(value)


def split_indices(n_total: int, n_val: int, *, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The course's split of ``n_total`` examples: a seeded permutation, the last ``n_val`` held out.

    Parameters
    ----------
    n_total : int
        Number of examples to split (60,000 for MNIST's training digits).
    n_val : int
        Number of validation examples, in 1..n_total - 1.
    seed : int, default=0
        Seed of the permutation (``numpy.random.default_rng(seed).permutation``).

    Returns
    -------
    train_idx : ndarray of shape (n_total - n_val,), dtype int64
        The first ``n_total - n_val`` entries of the permutation.
    val_idx : ndarray of shape (n_val,), dtype int64
        Its last ``n_val`` entries: together, every index once.

    Raises
    ------
    TypeError
        A count that is not an integer.
    ValueError
        ``n_val`` outside 1..n_total - 1, or a negative seed.
    """
    n_total, n_val, seed = _count("n_total", n_total), _count("n_val", n_val), _count("seed", seed)
    if not 0 < n_val < n_total:
        raise ValueError(f"split_indices: n_val={n_val} must be in 1..{n_total - 1} (n_total={n_total}), "
                         "so that both parts are non-empty")
    if seed < 0:
        raise ValueError(f"split_indices: seed={seed} must be >= 0")
    order = np.random.default_rng(seed).permutation(n_total)
    return order[:n_total - n_val], order[n_total - n_val:]


def train_val_split(x: np.ndarray, y: np.ndarray, n_val: int, *, seed: int = SPLIT_SEED
                    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Hold out ``n_val`` examples of ``(x, y)`` by :func:`split_indices`.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    y : ndarray of shape (n, ...)
    n_val : int
        In 1..n - 1.
    seed : int, default=0

    Returns
    -------
    (x_train, y_train), (x_val, y_val) : ndarrays
        ``n - n_val`` and ``n_val`` examples, rows taken in the permutation's order.

    Raises
    ------
    ValueError
        ``x`` and ``y`` of different lengths; bad ``n_val`` (see :func:`split_indices`).
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
        raise ValueError(f"train_val_split: x of shape {x.shape} and y of shape {y.shape} must hold "
                         "the same number of examples")
    train_idx, val_idx = split_indices(len(x), n_val, seed=seed)
    return (x[train_idx], y[train_idx]), (x[val_idx], y[val_idx])
