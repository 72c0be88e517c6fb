"""course_utils.text.ngram against brute-force counting on tiny strings and hand values."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest

from course_utils.text.encoding import bits_per_char, encode_text
from course_utils.text.ngram import NGramLM, kgram_codes, kn_discounts, mixture

VOCAB = "abcd"


def _all_contexts(length: int) -> np.ndarray:
    """Every context of ``length`` characters over VOCAB, as an (N, length) id array."""
    grids = np.meshgrid(*[np.arange(len(VOCAB))] * length, indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1) if length else np.zeros((1, 0), int)


def _brute_force(text: str, order: int, smoothing: str, modified: bool = True):
    """Plain-Python n-gram model: dictionaries of string counts, recursion on the context."""
    V = len(VOCAB)
    tables = []
    for k in range(order):
        grams = [text[i:i + k + 1] for i in range(len(text) - k)]
        if smoothing == "kneser-ney" and k < order - 1:
            counts = Counter(g[1:] for g in {text[i:i + k + 2] for i in range(len(text) - k - 1)})
        else:
            counts = Counter(grams)
        tables.append(counts)

    def discount(k, a):
        counts = list(tables[k].values())
        nr = [sum(c == r for c in counts) for r in range(1, 5)]
        Y = nr[0] / (nr[0] + 2 * nr[1])
        if a == 0:
            return 0.0
        if not modified:
            return Y
        r = min(a, 3)
        return min(max(r - (r + 1) * Y * nr[r] / nr[r - 1], 0.0), r) if nr[r - 1] else Y

    def prob(w: str, h: str) -> float:
        k = len(h)
        lower = 1.0 / V if k == 0 else prob(w, h[1:])
        if k == 0 and smoothing == "add-one" and order > 1:
            lower = 1.0 / V
        row = {c: tables[k].get(h + c, 0) for c in VOCAB}
        total = sum(row.values())
        if smoothing == "add-one":
            return (row[w] + 1) / (total + V) if k == order - 1 else 1.0
        if total == 0:
            return lower
        if smoothing == "witten-bell":
            n1 = sum(v > 0 for v in row.values())
            return (row[w] + n1 * lower) / (total + n1)
        gamma = sum(discount(k, v) for v in row.values())
        return (row[w] - discount(k, row[w]) + gamma * lower) / total

    return lambda w, h: prob(w, h[max(len(h) - (order - 1), 0):] if order > 1 else "")


TEXT = "abcabdabcacbbadcabca"


@pytest.mark.parametrize("smoothing", ["kneser-ney", "witten-bell", "add-one"])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_matches_brute_force_on_every_context(smoothing, order):
    ids = encode_text(TEXT, VOCAB)
    model = NGramLM(order, len(VOCAB), smoothing).fit(ids)
    contexts = _all_contexts(max(order - 1, 0))
    probs = model.predict_proba(contexts)
    reference = _brute_force(TEXT, order, smoothing)
    expected = np.array([[reference(w, "".join(VOCAB[i] for i in h)) for w in VOCAB]
                         for h in contexts])
    np.testing.assert_allclose(probs, expected, rtol=1e-12)


@pytest.mark.parametrize("smoothing", ["kneser-ney", "witten-bell"])
@pytest.mark.parametrize("length", [0, 1, 2])
def test_short_contexts_use_the_lower_levels_of_the_same_model(smoothing, length):
    # A 4-gram model given fewer than 3 characters (the start of a text) must use its own lower
    # levels (continuation counts for Kneser-Ney), as the brute-force recursion does: neither a
    # uniform guess nor a separately trained shorter model.
    model = NGramLM(4, len(VOCAB), smoothing).fit(encode_text(TEXT, VOCAB))
    contexts = _all_contexts(length)
    reference = _brute_force(TEXT, 4, smoothing)
    expected = np.array([[reference(w, "".join(VOCAB[i] for i in h)) for w in VOCAB]
                         for h in contexts])
    np.testing.assert_allclose(model.predict_proba(contexts), expected, rtol=1e-12)
    assert length == 0 or not np.allclose(expected, 1 / len(VOCAB))


@pytest.mark.parametrize("smoothing", ["kneser-ney", "witten-bell", "add-one"])
@pytest.mark.parametrize("modified", [True, False])
def test_rows_sum_to_one_and_are_positive(smoothing, modified):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, 300)
    model = NGramLM(4, 4, smoothing, modified=modified).fit(ids)
    probs = model.predict_proba(_all_contexts(3))  # 64 contexts, many never seen
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    assert probs.min() > 0


def test_unmodified_kneser_ney_by_hand():
    # "abcab": bigrams ab x2, bc, ca. Top level: n1 = 2, n2 = 1 so D = 2 / 4 = 0.5.
    # Continuation counts a, b, c all 1 (D = 1): the unigram level is uniform, 1/4 each
    # over the 4 letters (d never seen).
    model = NGramLM(2, 4, "kneser-ney", modified=False).fit(encode_text("abcab", VOCAB))
    p = model.predict_proba(np.array([[0], [1], [3]]))  # after a, after b, after d
    # after a: A = 2, one distinct next char: gamma = 0.5
    np.testing.assert_allclose(p[0], [0.5 / 4 / 2, (2 - 0.5 + 0.5 / 4) / 2, 0.5 / 4 / 2,
                                      0.5 / 4 / 2])
    assert p[0, 1] == pytest.approx(13 / 16)
    np.testing.assert_allclose(p[1], [0.5 / 4, 0.5 / 4, 0.5 + 0.5 / 4, 0.5 / 4])
    # "d" was never a context: back off entirely to the (uniform) lower level
    np.testing.assert_allclose(p[2], 0.25)


def test_witten_bell_by_hand():
    # "abab", letters a, b, c, d: unigram (2 + 2/4) / 6 = 5/12 for a and b, (2/4)/6 = 1/12 else.
    model = NGramLM(2, 4, "witten-bell").fit(encode_text("abab", VOCAB))
    p = model.predict_proba(np.array([[0], [2]]))
    np.testing.assert_allclose(p[1], [5 / 12, 5 / 12, 1 / 12, 1 / 12])
    # after a: b seen twice, one distinct follower: (2 + 5/12) / 3
    np.testing.assert_allclose(p[0], [5 / 36, (2 + 5 / 12) / 3, 1 / 36, 1 / 36])


def test_short_contexts_back_off_and_long_ones_are_cut():
    ids = encode_text(TEXT, VOCAB)
    model = NGramLM(3, 4).fit(ids)
    long = model.predict_proba(np.array([[3, 3, 0, 1]]))
    np.testing.assert_allclose(long, model.predict_proba(np.array([[0, 1]])))
    bigram = NGramLM(2, 4).fit(ids)
    assert not np.allclose(model.predict_proba(np.array([[1]])), long)
    assert np.allclose(model.predict_proba(np.zeros((1, 0), int)).sum(), 1.0)
    assert bigram.predict_proba(np.array([[1]])).shape == (1, 4)


def test_kn_discounts_formula():
    counts = np.array([1] * 6 + [2] * 3 + [3] * 2 + [4])
    Y = 6 / (6 + 6)
    d = kn_discounts(counts)
    np.testing.assert_allclose(d, [0, 1 - 2 * Y * 3 / 6, 2 - 3 * Y * 2 / 3, 3 - 4 * Y * 1 / 2])
    np.testing.assert_allclose(kn_discounts(counts, modified=False), [0, Y, Y, Y])


def test_kgram_codes_and_encode():
    ids = encode_text("abca", VOCAB)
    np.testing.assert_array_equal(ids, [0, 1, 2, 0])
    np.testing.assert_array_equal(kgram_codes(ids, 2, 4), [1, 6, 8])
    with pytest.raises(ValueError, match="'z'"):
        encode_text("abz", VOCAB)
    with pytest.raises(ValueError, match="overflows"):
        kgram_codes(ids, 40, 60)


def test_bits_per_char_and_mixture():
    probs = np.array([[0.5, 0.5], [0.25, 0.75]])
    assert bits_per_char(probs, np.array([0, 0])) == pytest.approx((1 + 2) / 2)
    mixed = mixture(probs, np.full((2, 2), 0.5), 0.5)
    np.testing.assert_allclose(mixed, [[0.5, 0.5], [0.375, 0.625]])
    with pytest.raises(ValueError, match="weight=1.5"):
        mixture(probs, probs, 1.5)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="order=0"):
        NGramLM(0, 4)
    with pytest.raises(ValueError, match="smoothing='laplace'"):
        NGramLM(2, 4, "laplace")
    with pytest.raises(ValueError, match="max 5"):
        NGramLM(2, 4).fit(np.array([0, 1, 5]))
    with pytest.raises(RuntimeError, match="fit"):
        NGramLM(2, 4).predict_proba(np.zeros((1, 1), int))


def test_kgram_codes_edges():
    # exactly one k-gram, none, and int64 codes whatever the input's dtype
    one = kgram_codes(np.array([1, 2]), 2, 4)
    np.testing.assert_array_equal(one, [6])
    assert one.dtype == np.int64
    none = kgram_codes(np.array([1]), 2, 4)
    assert none.shape == (0,) and none.dtype == np.int64
    assert kgram_codes(np.array([1.0, 2.0, 3.0]), 2, 4).dtype == np.int64
    # 2 ** 61 still fits, 2 ** 62 is refused (the bound the docstring gives)
    assert kgram_codes(np.zeros(61, int), 61, 2).tolist() == [0]
    with pytest.raises(ValueError, match=r"vocab_size=2 \*\* k=62 overflows"):
        kgram_codes(np.zeros(62, int), 62, 2)


def test_kn_discounts_without_counts_of_one_or_two_fall_back_to_one_half():
    np.testing.assert_allclose(kn_discounts(np.array([3, 3, 4]), modified=False), [0, .5, .5, .5])


def test_add_one_ignores_short_contexts():
    # Add-one uses the top order only: a context shorter than order - 1 gets the uniform row.
    model = NGramLM(3, 4, "add-one").fit(encode_text(TEXT, VOCAB))
    np.testing.assert_allclose(model.predict_proba(np.array([[0], [1]])), 0.25)
    np.testing.assert_allclose(model.predict_proba(np.zeros((1, 0), int)), 0.25)


@pytest.mark.parametrize("smoothing", ["kneser-ney", "witten-bell", "add-one"])
def test_predict_proba_warns_nothing(smoothing):
    # Unseen contexts divide by 0 before the back-off replaces them: no RuntimeWarning leaks out.
    model = NGramLM(3, 4, smoothing).fit(encode_text("abab", VOCAB))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = model.predict_proba(_all_contexts(2))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_fit_bounds_and_messages():
    NGramLM(3, 4).fit(np.array([0, 1, 3]))  # exactly `order` ids, the largest id V - 1
    with pytest.raises(ValueError, match=r"at least 3 ids, got shape \(2,\)"):
        NGramLM(3, 4).fit(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"at least 2 ids, got shape \(2, 3\)"):
        NGramLM(2, 4).fit(np.zeros((2, 3), int))
    with pytest.raises(ValueError, match=r"ids outside \[0, 4\): min 0, max 4"):
        NGramLM(2, 4).fit(np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"vocab_size=0 must be >= 1"):
        NGramLM(2, 0)
    np.testing.assert_allclose(NGramLM(1, 1).fit(np.zeros(3, int)).predict_proba(np.zeros((1, 0), int)),
                               [[1.0]])
    with pytest.raises(ValueError, match=r"contexts must be \(N, L\), got \(3,\)"):
        NGramLM(2, 4).fit(np.array([0, 1])).predict_proba(np.array([0, 1, 2]))


def test_mixture_accepts_both_ends_and_names_shapes():
    a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    np.testing.assert_array_equal(mixture(a, b, 0.0), b)
    np.testing.assert_array_equal(mixture(a, b, 1.0), a)
    with pytest.raises(ValueError, match=r"shapes differ, \(1, 2\) vs \(2,\)"):
        mixture(a, np.ones(2), 0.5)
