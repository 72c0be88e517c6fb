"""The multi-label task of notebook 3: digit mosaics and average precision.

* :func:`make_mosaics` tiles digits into 2x2 mosaics with multi-hot labels;
* :func:`average_precision_by_hand` is a reference per-class average precision,
  tested against scikit-learn's.
"""

from __future__ import annotations

import numpy as np


def make_mosaics(images: np.ndarray, labels: np.ndarray, n: int, *, grid: int = 2,
                 n_classes: int = 10, shrink: int = 2,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tile random images into ``grid x grid`` mosaics, with multi-hot labels.

    Each image is first shrunk by averaging ``shrink x shrink`` pixel blocks, so
    that 2x2 mosaics of 28x28 digits are 28x28 again.

    Parameters
    ----------
    images : ndarray of shape (m, h, w)
        ``h`` and ``w`` divisible by ``shrink``.
    labels : ndarray of shape (m,), integers in ``[0, n_classes)``
    n : int
        Number of mosaics.
    grid : int, default=2
    n_classes : int, default=10
    shrink : int, default=2
    seed : int, default=0

    Returns
    -------
    mosaics : ndarray of shape (n, grid * h // shrink, grid * w // shrink), images' dtype
    targets : ndarray of shape (n, n_classes), dtype float32
        ``targets[i, c] = 1`` when class ``c`` appears at least once in mosaic ``i``.
    picked : ndarray of shape (n, grid * grid), dtype int64
        Which images went into each mosaic, row by row.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"make_mosaics: images must be (m, h, w) with m labels, got {images.shape} "
                         f"and {labels.shape}")
    m, h, w = images.shape
    if n < 1 or grid < 1 or shrink < 1 or h % shrink or w % shrink:
        raise ValueError(f"make_mosaics: bad n={n}, grid={grid} or shrink={shrink} for {h}x{w} images")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"make_mosaics: labels must lie in [0, {n_classes}), "
                         f"got {labels.min()}..{labels.max()}")
    small = images.reshape(m, h // shrink, shrink, w // shrink, shrink).mean(axis=(2, 4))
    small = small.astype(images.dtype) if np.issubdtype(images.dtype, np.floating) \
        else np.rint(small).astype(images.dtype)
    sh, sw = h // shrink, w // shrink
    rng = np.random.default_rng(seed)
    picked = rng.integers(0, m, size=(n, grid * grid))
    tiles = small[picked].reshape(n, grid, grid, sh, sw)
    mosaics = tiles.transpose(0, 1, 3, 2, 4).reshape(n, grid * sh, grid * sw)
    targets = np.zeros((n, n_classes), dtype=np.float32)
    np.put_along_axis(targets, labels[picked], 1.0, axis=1)
    return mosaics, targets, picked.astype(np.int64)


def average_precision_by_hand(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per-class average precision, computed from its definition (a reference).

    For one class, sort the examples by decreasing score; AP is the mean, over
    the positive examples, of the precision among all examples scored at least
    as high as that positive (ties count together, as in scikit-learn).

    Parameters
    ----------
    y_true : ndarray of shape (n, n_classes), 0/1
    scores : ndarray of shape (n, n_classes)

    Returns
    -------
    ap : ndarray of shape (n_classes,)
        NaN for a class without positive example.
    """
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=float)
    if y_true.shape != scores.shape or y_true.ndim != 2:
        raise ValueError(f"average_precision_by_hand: shapes {y_true.shape} and {scores.shape} "
                         "must be equal (n, n_classes)")
    ap = np.full(y_true.shape[1], np.nan)
    for c in range(y_true.shape[1]):
        pos = y_true[:, c] > 0
        if not pos.any():
            continue
        s = scores[:, c]
        # For each positive: how many examples, and how many positives, score >= it.
        at_least = (s[None, :] >= s[pos][:, None])
        precision = (at_least & pos[None, :]).sum(axis=1) / at_least.sum(axis=1)
        ap[c] = precision.mean()
    return ap
