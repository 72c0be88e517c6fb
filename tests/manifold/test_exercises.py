"""Notebook 2's t-SNE, PCA and neighborhood-hit checkers against the references and a catalogue
of plausible student mistakes (each must stop its checker; the words of the message are asserted
where the checker names the mistake). Small synthetic clouds, no dataset.
"""

import numpy as np
import pytest
from conftest import assert_caught
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

from course_utils.manifold import exercises as mx
from course_utils.manifold.untangling import neighborhood_hit


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """t-SNE's OpenMP threads fight over a busy machine's cores: one is faster (measured: 40 s
    for this file with one thread, over 15 minutes unbounded on 2 cores with other jobs running)."""
    with threadpool_limits(limits=1):
        yield



# --- Exercise 4a: t-SNE and PCA -----------------------------------------------------------------
@pytest.fixture(scope="module")
def clouds():
    """300 points in 20-D around 5 centres, their reference maps, and 300 other points."""
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (5, 20))
    x = (centres[rng.integers(0, 5, 300)] + rng.normal(0, 1, (300, 20))).astype("float32")
    other = (centres[rng.integers(0, 5, 300)] + rng.normal(0, 1, (300, 20))).astype("float32")
    return x, mx.tsne_2d(x), mx.pca_2d(x), mx.tsne_2d(other)


def _tsne(**settings):
    return lambda x: TSNE(**{**mx.TSNE_SETTINGS, **settings}).fit_transform(x)


def _centre_in_place(x):
    x -= x.mean(axis=0)
    return mx.tsne_2d(x)


EMBEDDING_MISTAKES = {
    "init random": ({"tsne_2d": _tsne(init="random")}, "use exactly TSNE"),
    "no random_state": ({"tsne_2d": _tsne(init="random", random_state=None)}, "random_state=0"),
    "perplexity 5": ({"tsne_2d": _tsne(perplexity=5)}, "use exactly TSNE"),
    "tsne_2d is a PCA": ({"tsne_2d": mx.pca_2d}, "that is the PCA"),
    "x centred in place": ({"tsne_2d": _centre_in_place}, "changed in place"),
    "tsne_raw is the PCA": ({"tsne_raw": lambda c: c[2] * 10}, "the PCA of embed_x"),
    "tsne_raw of other images": ({"tsne_raw": lambda c: c[3]}, "trustworthiness"),
    "tsne_raw transposed": ({"tsne_raw": lambda c: c[1].T}, "transposed"),
    "pca_raw not centred": ({"pca_raw": lambda c: c[0] @ PCA(2).fit(c[0]).components_.T}, "not centred"),
    "pca_raw is the t-SNE": ({"pca_raw": lambda c: c[1]}, "that is the t-SNE"),
    "pca_raw with 3 components": ({"pca_raw": lambda c: PCA(3).fit_transform(c[0])}, "expected (300, 2)"),
    "pca_raw of other images": ({"pca_raw": lambda c: mx.pca_2d(c[0][::-1])}, None),
}


def _run_embeddings(clouds, tsne_2d=mx.tsne_2d, tsne_raw=None, pca_raw=None):
    x, t, p, _ = clouds
    mx.check_embeddings(tsne_2d, t if tsne_raw is None else tsne_raw(clouds),
                        p if pca_raw is None else pca_raw(clouds), x)


@pytest.mark.parametrize("case", EMBEDDING_MISTAKES)
def test_embedding_catalogue(case, clouds, capsys):
    changes, words = EMBEDDING_MISTAKES[case]
    assert_caught(lambda: _run_embeddings(clouds, **changes), words)


def test_embeddings_right(clouds, capsys):
    _run_embeddings(clouds)

    def pca_by_svd(c):
        centred = c[0] - c[0].mean(axis=0)
        return centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T

    _run_embeddings(clouds, tsne_2d=lambda x: TSNE(2, perplexity=30.0, init="pca", random_state=0,
                                                   learning_rate="auto").fit_transform(x),
                    pca_raw=pca_by_svd)


def test_the_reference_pca_and_the_other_clouds_are_far_from_the_threshold(clouds):
    x, t, p, other = clouds
    assert mx.trust(x, t) >= mx.MIN_TRUSTWORTHINESS
    assert mx.trust(x, other) < mx.MIN_TRUSTWORTHINESS


# --- Exercise 4b: the neighborhood hit ----------------------------------------------------------
def _hit(points, labels, k=6, *, self_in=False, fraction=True, per_point=False, far=False, fixed_k=None):
    k = fixed_k or k
    d = np.sum((points[:, None] - points[None]) ** 2, axis=-1)
    if not self_in:
        np.fill_diagonal(d, np.inf if not far else -np.inf)
    order = np.argsort(-d if far else d, axis=1)[:, :k]
    agree = labels[order] == labels[:, None]
    per = agree.mean(axis=1) if fraction else agree.sum(axis=1)
    return per if per_point else float(per.mean())


def _mutating(points, labels, k=6):
    points -= points.mean(axis=0)
    return _hit(points, labels, k)


def _wrong_axis_norms(points, labels, k=6):
    sq = np.sum(points**2, axis=0)
    d = sq[:, None] + sq[None, :] - 2 * points @ points.T
    np.fill_diagonal(d, np.inf)
    return float(np.mean(labels[np.argsort(d, axis=1)[:, :k]] == labels[:, None]))


NH_MISTAKES = {
    "the point counts itself (off by one)": (lambda p, y, k=6: _hit(p, y, k, self_in=True), "off by one"),
    "k ignored": (lambda p, y, k=6: _hit(p, y, fixed_k=6), "k is ignored"),
    "one fraction per point": (lambda p, y, k=6: _hit(p, y, k, per_point=True), "return their mean"),
    "a count, not a fraction": (lambda p, y, k=6: _hit(p, y, k, fraction=False), "divide by k"),
    "points changed in place": (_mutating, "changed in place"),
    "the k farthest points": (lambda p, y, k=6: _hit(p, y, k, far=True), None),
    "norms over the wrong axis": (_wrong_axis_norms, None),
    "no default k": (lambda p, y, k: _hit(p, y, k), None),
}


@pytest.mark.parametrize("case", NH_MISTAKES)
def test_neighborhood_hit_catalogue(case, capsys):
    function, words = NH_MISTAKES[case]
    assert_caught(lambda: mx.check_neighborhood_hit(function), words)


def test_neighborhood_hit_right(capsys):
    from scipy.spatial.distance import cdist

    mx.check_neighborhood_hit(neighborhood_hit)
    mx.check_neighborhood_hit(lambda p, y, k=6: _hit(p, y, k))

    def with_cdist(points, labels, k=6):
        d = cdist(points, points)
        hits = [np.mean(labels[[j for j in np.argsort(row) if j != i][:k]] == labels[i])
                for i, row in enumerate(d)]
        return sum(hits) / len(hits)

    mx.check_neighborhood_hit(with_cdist)
