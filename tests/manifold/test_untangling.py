"""Separability measures against brute-force computations on small data."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

from course_utils.manifold import untangling as manifold  # noqa: E402


def blobs(n_per_class=30, n_classes=3, spread=1.0, dim=2, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(n_classes, dim))
    points = np.concatenate([c + spread * rng.normal(size=(n_per_class, dim)) for c in centres])
    labels = np.repeat(np.arange(n_classes), n_per_class)
    return points, labels


def brute_neighborhood_hit(points, labels, k):
    dist = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    hits = []
    for i in range(len(points)):
        order = [j for j in np.argsort(dist[i], kind="stable") if j != i][:k]
        hits.append(np.mean(labels[order] == labels[i]))
    return float(np.mean(hits))


def brute_in_hull(vertices, p):
    """p is a convex combination of the vertices: a linear feasibility problem."""
    n = len(vertices)
    a_eq = np.vstack([vertices.T, np.ones(n)])
    b_eq = np.append(p, 1.0)
    return linprog(np.zeros(n), A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n).status == 0


@pytest.mark.parametrize("dim,spread,k", [(2, 1.0, 6), (2, 3.0, 6), (5, 2.0, 3)])
def test_neighborhood_hit_matches_brute_force(dim, spread, k):
    points, labels = blobs(spread=spread, dim=dim, seed=dim)
    got = manifold.neighborhood_hit(points, labels, k=k)
    assert got == pytest.approx(brute_neighborhood_hit(points, labels, k), abs=1e-12)


def test_neighborhood_hit_extremes_and_errors():
    points, labels = blobs(spread=0.01)
    assert manifold.neighborhood_hit(points, labels) == 1.0
    # Alternating labels around a circle: both nearest neighbours have the other label.
    angles = 2 * np.pi * np.arange(10) / 10
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    assert manifold.neighborhood_hit(ring, np.arange(10) % 2, k=2) == pytest.approx(0.0)
    assert manifold.neighborhood_hit(ring, np.arange(10) % 2, k=3) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="k=90"):
        manifold.neighborhood_hit(points, labels, k=90)
    with pytest.raises(ValueError, match=r"labels must have shape \(90,\)"):
        manifold.neighborhood_hit(points, labels[:-1])


def test_points_in_hull_matches_linear_programming():
    points, labels = blobs(spread=2.5, seed=3)
    hulls = manifold.class_hulls(points, labels)
    assert sorted(hulls) == [0, 1, 2]
    probes = np.random.default_rng(1).uniform(points.min(0), points.max(0), size=(60, 2))
    for c, hull in hulls.items():
        members = points[labels == c]
        got = manifold.points_in_hull(hull, probes)
        want = [brute_in_hull(members, p) for p in probes]
        assert got.tolist() == want
        assert manifold.points_in_hull(hull, members).all()  # every member is in its own hull


def test_hull_overlap_matches_brute_force():
    points, labels = blobs(spread=2.5, seed=3)
    inside_other = [any(brute_in_hull(points[labels == c], p) for c in np.unique(labels) if c != lab)
                    for p, lab in zip(points, labels, strict=True)]
    got = manifold.hull_overlap(points, labels)
    assert got == pytest.approx(np.mean(inside_other))
    assert 0 < got < 1
    far, far_labels = blobs(spread=0.01)
    assert manifold.hull_overlap(far, far_labels) == 0.0


def test_class_hulls_rejects_degenerate_classes():
    points = np.array([[0, 0], [1, 1], [2, 2], [5, 0], [6, 1], [5, 2.0]])
    with pytest.raises(ValueError, match="class 0"):
        manifold.class_hulls(points, [0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="2 points"):
        manifold.class_hulls(points[:5], [1, 1, 1, 0, 0])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        manifold.class_hulls(np.zeros((6, 3)), [0] * 6)


def test_class_gaussians_are_the_sample_mean_and_covariance():
    points, labels = blobs(n_per_class=200, seed=4)
    for c, (mean, cov) in manifold.class_gaussians(points, labels).items():
        members = points[labels == c]
        np.testing.assert_allclose(mean, members.mean(axis=0), rtol=1e-10)
        np.testing.assert_allclose(cov, np.cov(members.T, bias=True) + 1e-6 * np.eye(2), rtol=1e-6)


def test_ellipse_overlap_matches_brute_force():
    points, labels = blobs(spread=2.5, seed=5)
    stats = {}
    for c in np.unique(labels):
        m = points[labels == c]
        stats[c] = (m.mean(0), np.cov(m.T, bias=True) + 1e-6 * np.eye(2))
    inside = []
    for p, lab in zip(points, labels, strict=True):
        hit = False
        for c, (mu, cov) in stats.items():
            d = p - mu
            hit |= c != lab and float(d @ np.linalg.solve(cov, d)) <= 2.0**2
        inside.append(hit)
    got = manifold.ellipse_overlap(points, labels, n_std=2.0)
    assert got == pytest.approx(np.mean(inside))
    assert 0 < got < 1
    assert manifold.ellipse_overlap(points, labels, n_std=0.5) <= got
    with pytest.raises(ValueError, match="n_std=0"):
        manifold.ellipse_overlap(points, labels, n_std=0)


def test_separability_and_plot():
    points, labels = blobs(spread=1.5, seed=6)
    result = manifold.separability(points, labels)
    assert set(result) == {"neighborhood_hit", "hull_overlap", "ellipse_overlap"}
    assert result["neighborhood_hit"] == manifold.neighborhood_hit(points, labels, 6)
    ax = manifold.plot_separability(points, labels, title="blobs", class_names=["a", "b", "c"])
    assert ax.get_title() == "blobs" and ax.get_xlabel() == "dimension 1"
    assert len(ax.patches) == 3 and len(ax.lines) == 3  # 3 ellipses, 3 hull outlines
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 10  # legible on a slide
    assert ax.title.get_fontsize() >= 11 and ax.xaxis.label.get_fontsize() >= 10
    ax = manifold.plot_separability(points, labels, title="t", hulls=False, ellipses=False,
                                    legend=None)
    assert len(ax.patches) == 0 and len(ax.lines) == 0 and ax.get_legend() is None
    ax = manifold.plot_separability(points, labels, title="t", legend="inside", fontsize=14)
    assert {t.get_fontsize() for t in ax.get_legend().get_texts()} == {13}
    with pytest.raises(ValueError, match="legend='left'"):
        manifold.plot_separability(points, labels, title="t", legend="left")
