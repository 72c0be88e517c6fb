"""Notebook 2's manifold exercises: t-SNE and PCA maps, and the neighborhood hit.

A full t-SNE of the notebook's images takes minutes, so :func:`check_embeddings`
never recomputes it: it runs the student's ``tsne_2d`` on 120 images (twice: the
map must be reproducible) against the reference settings, then checks the full
map's shape, that it is not the PCA, and that it keeps the images' neighbours
(scikit-learn's ``trustworthiness`` on the first 300 points, against a threshold
from the real data, see :data:`MIN_TRUSTWORTHINESS`). The mistakes each checker must
catch are catalogued in ``tests/test_manifold_exercises.py``.

numpy only at import time (scikit-learn inside the functions); never Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.check import as_number_array, check_close, check_shape, check_that, check_unchanged
from course_utils.manifold.untangling import neighborhood_hit

#: Lowest accepted trustworthiness (5 neighbours) of ``tsne_raw`` on its first 300 points.
#: Measured on MNIST test images (``python -m course_utils.manifold.exercises``, logged in
#: notebooks/logs/02_embedding_trust.txt): the reference t-SNE scores 0.93 on the notebook's 2,500
#: images and about 0.95 on five sets of 500, a PCA about 0.75 and a t-SNE of other images about 0.5.
#: The threshold sits between them, 0.08 below the lowest reference score.
MIN_TRUSTWORTHINESS = 0.85

#: How many rows of ``x`` the checker runs the student's ``tsne_2d`` on (more than 3 x perplexity).
SUBSET = 120

#: The settings the exercise asks for.
TSNE_SETTINGS = {"n_components": 2, "init": "pca", "perplexity": 30, "random_state": 0}


def tsne_2d(x: Any) -> np.ndarray:
    """The 2-D t-SNE of the rows of ``x`` (``init="pca"``, ``perplexity=30``, ``random_state=0``).

    Parameters
    ----------
    x : array_like of shape (n, d), n > 90

    Returns
    -------
    map : ndarray of shape (n, 2)
    """
    from sklearn.manifold import TSNE

    return TSNE(**TSNE_SETTINGS).fit_transform(np.asarray(x))


_CACHE: dict[bytes, np.ndarray] = {}


def _reference_tsne(x: np.ndarray) -> np.ndarray:
    """:func:`tsne_2d`, remembered (check_embeddings's argument of the same name is the student's)."""
    key = np.ascontiguousarray(x).tobytes() + str(x.shape).encode()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = tsne_2d(x)
    return _CACHE[key]


def pca_2d(x: Any) -> np.ndarray:
    """The coordinates of the rows of ``x`` on their first two principal components, shape (n, 2)."""
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=0).fit_transform(np.asarray(x))


def _aligned(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """``got`` with each column's sign flipped to agree with ``want`` (a PCA's signs are arbitrary)."""
    signs = np.where(np.sum(got * want, axis=0) < 0, -1.0, 1.0)
    return got * signs


def _like(a: np.ndarray, b: np.ndarray) -> bool:
    """Same up to per-column sign and a global scale (a PCA rescaled is still the PCA)."""
    if a.shape != b.shape or not np.any(b):
        return False
    a = _aligned(a, b)
    c = float(np.sum(a * b) / np.sum(b * b))
    return bool(c > 0 and np.allclose(a, c * b, rtol=1e-3, atol=1e-3 * np.abs(b).max()))


def trust(x: np.ndarray, points: np.ndarray, n: int = 300) -> float:
    """Trustworthiness (5 neighbours) of the map ``points`` of ``x``, on the first ``n`` rows."""
    from sklearn.manifold import trustworthiness

    return float(trustworthiness(np.asarray(x[:n], dtype=np.float64), np.asarray(points[:n]), n_neighbors=5))


# --- Exercise 4a --------------------------------------------------------------------------------
def check_embeddings(tsne_2d: Callable, tsne_raw: Any, pca_raw: Any, x: np.ndarray) -> None:
    """Check exercise 4a: ``tsne_2d`` on 120 rows of ``x``, then the maps ``tsne_raw``, ``pca_raw`` of ``x``.

    Parameters
    ----------
    tsne_2d : callable
        The student's function ``x -> ndarray of shape (len(x), 2)``.
    tsne_raw, pca_raw : ndarray of shape (n, 2)
        The student's maps of ``x``.
    x : ndarray of shape (n, d)
        The images embedded (``embed_x``), n >= 300.
    """
    sub = np.array(x[:SUBSET])
    before = sub.copy()
    got = tsne_2d(sub)
    check_unchanged("tsne_2d: its argument x", before, sub)
    what = f"tsne_2d(x) on {SUBSET} images"
    check_shape(what, got, (SUBSET, 2))
    got = as_number_array(what, got)
    again = np.asarray(tsne_2d(sub), dtype=np.float64)
    check_that(np.array_equal(got, again), f"tsne_2d twice on the same {SUBSET} images: "
               + ("the same map" if np.array_equal(got, again) else "two different maps"),
               hint="fix the seed: TSNE(..., random_state=0)")
    hint = ("that is the PCA, not t-SNE" if _like(got, pca_2d(sub)) else
            "use exactly TSNE(n_components=2, init='pca', perplexity=30, random_state=0), "
            "the other settings at their defaults")
    check_close(f"{what} vs the reference settings", got, _reference_tsne(sub),
                rtol=1e-3, atol=1e-3, hint=hint)
    want = pca_2d(x)
    check_shape("tsne_raw", tsne_raw, (len(x), 2))
    tsne_raw = as_number_array("tsne_raw", tsne_raw)
    check_that(not _like(tsne_raw, want), "tsne_raw: " + ("the PCA of embed_x" if _like(tsne_raw, want)
               else "not the PCA"), hint="tsne_raw = tsne_2d(embed_x)")
    score = trust(x, tsne_raw)
    check_that(score >= MIN_TRUSTWORTHINESS, f"tsne_raw keeps the neighbours of embed_x: trustworthiness "
               f"{score:.3f} on 300 points, expected >= {MIN_TRUSTWORTHINESS}",
               hint="a map of other images, or rows in another order? tsne_raw = tsne_2d(embed_x)")
    check_shape("pca_raw", pca_raw, want.shape)
    pca_raw = as_number_array("pca_raw", pca_raw)
    offset = _aligned(pca_raw, want) - want
    hint = ("the data is not centred (every row is off by the same vector): subtract "
            "embed_x.mean(axis=0) before projecting, or use fit_transform"
            if np.allclose(offset, offset[:1], atol=1e-3 * float(np.abs(want).max())) else
            "that is the t-SNE" if _like(pca_raw, tsne_raw) else
            "pca_raw = PCA(n_components=2).fit_transform(embed_x)")
    check_close("pca_raw vs PCA(n_components=2) of embed_x (up to each axis's sign)", _aligned(pca_raw, want),
                want, rtol=1e-3, atol=1e-3 * float(np.abs(want).max()), hint=hint)


# --- Exercise 4b --------------------------------------------------------------------------------
def _blobs(n: int = 90, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three overlapping classes in 3-D: neighbourhoods neither pure nor random."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    return rng.normal(0, 1, (n, 3)) + labels[:, None] * 1.2, labels


def _counting_itself(points: np.ndarray, labels: np.ndarray, k: int) -> float:
    d = np.sum((points[:, None] - points[None]) ** 2, axis=-1)
    return float(np.mean(labels[np.argsort(d, axis=1)[:, :k]] == labels[:, None]))


def check_neighborhood_hit(my_neighborhood_hit: Callable) -> None:
    """Check exercise 4b on small random clouds, for k = 6 and k = 3, against :func:`neighborhood_hit`."""
    points, labels = _blobs()
    for k in (6, 3):
        before = points.copy()
        got = my_neighborhood_hit(points, labels, k=k)
        check_unchanged("my_neighborhood_hit: its argument points", before, points)
        if np.ndim(got) == 1 and len(got) == len(points):
            check_that(False, f"my_neighborhood_hit (k={k}): {len(got)} numbers, expected one",
                       hint="that is each point's fraction: return their mean")
        check_shape(f"my_neighborhood_hit (k={k})", got, ())
        want = neighborhood_hit(points, labels, k=k)
        value = float(as_number_array(f"my_neighborhood_hit (k={k})", got))
        ignored_k = k != 6 and np.isclose(value, neighborhood_hit(points, labels, 6))
        hint = ("the point itself is counted among its k neighbours: exclude it (off by one)"
                if np.isclose(value, _counting_itself(points, labels, k)) else
                "the argument k is ignored" if ignored_k else
                f"that is a count of neighbours: divide by k={k}" if np.isclose(value, k * want) else "")
        check_close(f"my_neighborhood_hit on 90 points in 3 classes (k={k})", value, want, rtol=1e-9,
                    hint=hint)
    got = my_neighborhood_hit(points, labels)
    check_close("my_neighborhood_hit without k (default k=6)", got, neighborhood_hit(points, labels, 6),
                rtol=1e-9)


def main() -> None:
    """Print the trustworthiness of the reference maps on MNIST test images (for the threshold).

    Five disjoint sets of 500 test images (the fast mode's size), then the first 2,500 (the full
    mode's ``embed_x``): the t-SNE, the PCA, and a t-SNE of as many other images.
    """
    from course_utils.data import load_mnist
    from course_utils.mnist import prepare

    (_, _), (x_test, _) = load_mnist()
    flat = prepare(x_test)
    for start, n in [(500 * i, 500) for i in range(5)] + [(0, 2500)]:
        x, other = flat[start:start + n], flat[-start - n:len(flat) - start]
        print(f"test images {start}-{start + n - 1}: trustworthiness (5 neighbours, first 300 points) "
              f"of the t-SNE {trust(x, tsne_2d(x)):.3f}, of the PCA {trust(x, pca_2d(x)):.3f}, "
              f"of a t-SNE of {n} other images {trust(x, tsne_2d(other)):.3f}", flush=True)


if __name__ == "__main__":
    main()
