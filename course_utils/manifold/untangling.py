"""How well a 2-D embedding separates classes.

Notebook 2 embeds MNIST images (raw pixels, then the hidden layers of trained
networks) in 2-D and measures how "untangled" the classes are with three
measures, after the original practical session:

* per-class **convex hulls** (:func:`class_hulls`) and the fraction of points
  that fall inside another class's hull (:func:`hull_overlap`);
* per-class **Gaussian ellipses**, from a one-component full-covariance Gaussian
  mixture fitted to each class (:func:`class_gaussians`), and the fraction of
  points inside another class's ellipse (:func:`ellipse_overlap`);
* the **neighborhood hit** (Paulovich et al. 2008, :func:`neighborhood_hit`):
  the mean fraction of each point's ``k`` nearest neighbours sharing its label.

:func:`plot_separability` draws the scatter with hulls and ellipses.

scikit-learn, scipy and matplotlib are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.plots import legible

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _validate(points: Any, labels: Any, *, two_d: bool) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels)
    if points.ndim != 2 or (two_d and points.shape[1] != 2):
        want = "(n, 2)" if two_d else "(n, d)"
        raise ValueError(f"points must have shape {want}, got {points.shape}")
    if labels.shape != (len(points),):
        raise ValueError(f"labels must have shape ({len(points)},), got {labels.shape}")
    return points, labels


def neighborhood_hit(points: Any, labels: Any, k: int = 6) -> float:
    """Mean fraction of each point's ``k`` nearest neighbours that share its label.

    Parameters
    ----------
    points : array_like of shape (n, d)
        Any dimension: a 2-D embedding or the original features.
    labels : array_like of shape (n,)
    k : int, default=6
        Neighbours per point, the point itself excluded (Euclidean distance).

    Returns
    -------
    hit : float in [0, 1]
        1.0 when every neighbourhood is pure.
    """
    from sklearn.neighbors import NearestNeighbors

    points, labels = _validate(points, labels, two_d=False)
    if not 1 <= k < len(points):
        raise ValueError(f"k={k} must be between 1 and n - 1 = {len(points) - 1}")
    # Ask for k + 1 neighbours and drop the point itself (distance 0, first column).
    _, idx = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    neighbours = np.array([row[row != i][:k] for i, row in enumerate(idx)])
    return float(np.mean(labels[neighbours] == labels[:, None]))


def class_hulls(points: Any, labels: Any) -> dict[Any, Any]:
    """The convex hull of each class's points.

    Parameters
    ----------
    points : array_like of shape (n, 2)
    labels : array_like of shape (n,)

    Returns
    -------
    hulls : dict from label to scipy.spatial.ConvexHull
        In label order.

    Raises
    ------
    ValueError
        A class with fewer than 3 points, or all on one line.
    """
    from scipy.spatial import ConvexHull, QhullError

    points, labels = _validate(points, labels, two_d=True)
    hulls = {}
    for c in np.unique(labels):
        members = points[labels == c]
        if len(members) < 3:
            raise ValueError(f"class {c.item()!r} has {len(members)} points; a 2-D hull needs 3")
        try:
            hulls[c.item()] = ConvexHull(members)
        except QhullError as exc:
            raise ValueError(f"class {c.item()!r}: its points are degenerate (on a line?)") from exc
    return hulls


def points_in_hull(hull: Any, points: Any, tol: float = 1e-9) -> np.ndarray:
    """Which points lie inside (or on) a convex hull.

    Each facet of ``hull.equations`` is a half-plane ``a . p + b <= 0``; a point
    is inside when it satisfies all of them.

    Parameters
    ----------
    hull : scipy.spatial.ConvexHull
    points : array_like of shape (m, d), d the hull's dimension
    tol : float
        Slack for points on the boundary.

    Returns
    -------
    inside : ndarray of shape (m,), dtype bool
    """
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    normals, offsets = hull.equations[:, :-1], hull.equations[:, -1]
    return np.all(points @ normals.T + offsets <= tol, axis=1)


def hull_overlap(points: Any, labels: Any) -> float:
    """Fraction of points inside the convex hull of at least one other class.

    0.0 when the hulls are disjoint; a single outlier per class can make it large,
    since a hull stretches to include every point.
    """
    points, labels = _validate(points, labels, two_d=True)
    inside_other = np.zeros(len(points), dtype=bool)
    for c, hull in class_hulls(points, labels).items():
        others = labels != c
        inside_other[others] |= points_in_hull(hull, points[others])
    return float(inside_other.mean())


def class_gaussians(points: Any, labels: Any) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
    """Mean and covariance of each class, from a one-component Gaussian mixture.

    Parameters
    ----------
    points : array_like of shape (n, 2)
    labels : array_like of shape (n,)

    Returns
    -------
    gaussians : dict from label to (mean of shape (2,), covariance of shape (2, 2))
        The maximum-likelihood estimates (covariance divided by the class size),
        plus scikit-learn's ``reg_covar`` (1e-6) on the diagonal.
    """
    from sklearn.mixture import GaussianMixture

    points, labels = _validate(points, labels, two_d=True)
    result = {}
    for c in np.unique(labels):
        members = points[labels == c]
        if len(members) < 2:
            raise ValueError(f"class {c.item()!r} has {len(members)} point; a covariance needs 2")
        gmm = GaussianMixture(n_components=1, covariance_type="full", random_state=0).fit(members)
        result[c.item()] = (gmm.means_[0], gmm.covariances_[0])
    return result


def _mahalanobis(points: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    diff = points - mean
    return np.sqrt(np.einsum("ij,jk,ik->i", diff, np.linalg.inv(cov), diff))


def ellipse_overlap(points: Any, labels: Any, n_std: float = 2.0) -> float:
    """Fraction of points inside the ``n_std`` ellipse of at least one other class.

    The ellipse of a class is ``{p : (p - mean)^T cov^-1 (p - mean) <= n_std^2}``
    (see :func:`class_gaussians`); for Gaussian data, ``n_std = 2`` holds
    ``1 - exp(-2)``, about 86 %, of the class in 2-D.
    """
    points, labels = _validate(points, labels, two_d=True)
    if n_std <= 0:
        raise ValueError(f"n_std={n_std} must be positive")
    inside_other = np.zeros(len(points), dtype=bool)
    for c, (mean, cov) in class_gaussians(points, labels).items():
        others = labels != c
        inside_other[others] |= _mahalanobis(points[others], mean, cov) <= n_std
    return float(inside_other.mean())


def separability(points: Any, labels: Any, k: int = 6, n_std: float = 2.0) -> dict[str, float]:
    """The three measures at once: ``neighborhood_hit``, ``hull_overlap``, ``ellipse_overlap``."""
    return {"neighborhood_hit": neighborhood_hit(points, labels, k),
            "hull_overlap": hull_overlap(points, labels),
            "ellipse_overlap": ellipse_overlap(points, labels, n_std)}


def plot_separability(points: Any, labels: Any, *, title: str, ax=None, hulls: bool = True,
                      ellipses: bool = True, n_std: float = 2.0, xlabel: str = "dimension 1",
                      ylabel: str = "dimension 2", class_names: Sequence[str] | None = None,
                      legend: str | None = "outside", fontsize: float = 12) -> Axes:
    """Scatter a 2-D embedding coloured by class, with class hulls and ellipses.

    Parameters
    ----------
    points : array_like of shape (n, 2)
    labels : array_like of shape (n,) of integers 0..9 (ten colours)
    title, xlabel, ylabel : str
    ax : matplotlib Axes, optional
    hulls, ellipses : bool
        Draw each class's convex hull (solid) and its ``n_std`` ellipse (dashed).
    class_names : sequence of str, optional
        Legend entries, indexed by label.
    legend : {"outside", "inside"} or None, default="outside"
        Right of the axes (hides no point), inside them, or none (e.g. all panels but one).
    fontsize : float, default=12
        The title's; labels and legend one point smaller, ticks two (legible on slides).

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    points, labels = _validate(points, labels, two_d=True)
    if legend not in ("outside", "inside", None):
        raise ValueError(f"legend={legend!r} must be 'outside', 'inside' or None")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    colours = plt.get_cmap("tab10")
    classes = np.unique(labels)
    for c in classes:
        name = class_names[c] if class_names is not None else str(c)
        members = points[labels == c]
        ax.scatter(members[:, 0], members[:, 1], s=3, color=colours(int(c) % 10), label=name)
    if hulls:
        for c, hull in class_hulls(points, labels).items():
            ring = np.append(hull.vertices, hull.vertices[0])
            ax.plot(*hull.points[ring].T, color=colours(int(c) % 10), lw=0.8)
    if ellipses:
        for c, (mean, cov) in class_gaussians(points, labels).items():
            eigval, eigvec = np.linalg.eigh(cov)  # ascending; the last is the long axis
            angle = np.degrees(np.arctan2(eigvec[1, -1], eigvec[0, -1]))
            width, height = 2 * n_std * np.sqrt(eigval[::-1])
            ax.add_patch(Ellipse(mean, width, height, angle=angle, fill=False, ls="--", lw=1.5,
                                 color=colours(int(c) % 10)))
    ax.set_title(title, fontsize=fontsize)
    ax.set_xlabel(xlabel, fontsize=fontsize - 1)
    ax.set_ylabel(ylabel, fontsize=fontsize - 1)
    ax.tick_params(labelsize=fontsize - 2)
    if legend is not None:
        where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1), "borderaxespad": 0}
        ax.legend(markerscale=4, fontsize=fontsize - 1, handletextpad=0.2,
                  **(where if legend == "outside" else {"loc": "best", "ncols": 2}))
    return legible(ax)
