"""Character n-gram language models: add-one, Witten-Bell and interpolated Kneser-Ney.

A model of order ``n`` predicts the next character from the ``n - 1`` before it.
Texts are integer arrays (character ids in ``range(vocab_size)``). Every
k-gram is encoded as one int64, ``sum(ids[j] * V**(k-1-j))``, so counting is
``np.unique`` over a vector and looking a context up is ``np.searchsorted``:
fitting and scoring 100k characters takes well under a second.

The models return, for each query context, the whole next-character
distribution (a row of ``vocab_size`` probabilities summing to 1), so that
they can be mixed with a neural model's softmax output::

    model = NGramLM(order=7, vocab_size=60).fit(train_ids)
    probs = model.predict_proba(windows)   # windows: (N, L) ids, L >= 0
    bits_per_char(probs, targets)

Smoothing (``D`` is the discount of a level, ``a(h, w)`` the count used there,
``A(h) = sum_w a(h, w)``, ``N1(h)`` the number of ``w`` with ``a(h, w) > 0``,
``h'`` the context ``h`` without its oldest character):

- ``"add-one"``: ``(c(h, w) + 1) / (c(h) + V)`` at the top order only.
- ``"witten-bell"``: ``(c(h, w) + N1(h) P(w | h')) / (c(h) + N1(h))``.
- ``"kneser-ney"``: ``(a(h, w) - D(a) + gamma(h) P(w | h')) / A(h)`` with
  ``gamma(h) = sum_w D(a(h, w))`` (so rows sum to 1), raw counts at the top
  order and continuation counts (number of distinct characters seen before
  ``h w``) below; ``D(0) = 0`` and :func:`kn_discounts` gives the others.

A context never seen in training backs off entirely to ``P(w | h')``; the
recursion ends at the uniform distribution ``1 / V``, so no character ever
gets probability 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SMOOTHINGS = ("add-one", "witten-bell", "kneser-ney")


def kgram_codes(ids: np.ndarray, k: int, vocab_size: int) -> np.ndarray:
    """Integer code of every k-gram of ``ids`` (``len(ids) - k + 1`` of them, oldest first).

    Raises
    ------
    ValueError
        ``vocab_size ** k`` does not fit in int64.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if vocab_size ** k >= 2 ** 62:
        raise ValueError(f"kgram_codes: vocab_size={vocab_size} ** k={k} overflows int64")
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    codes = np.zeros(n, dtype=np.int64)
    for j in range(k):
        codes = codes * vocab_size + ids[j:j + n]
    return codes


def kn_discounts(counts: np.ndarray, modified: bool = True) -> np.ndarray:
    """Kneser-Ney discounts from the counts of one level.

    With ``n_r`` the number of distinct k-grams seen ``r`` times and
    ``Y = n1 / (n1 + 2 n2)``: one discount ``D = Y`` for every count, or
    (modified) ``D_r = r - (r + 1) Y n_{r+1} / n_r`` for r = 1, 2 and 3+.

    Parameters
    ----------
    counts : ndarray of shape (n_kgrams,), dtype int
        The positive counts of a level.

    Returns
    -------
    discount : ndarray of shape (4,)
        Discount for a count of 0 (always 0), 1, 2 and 3 or more; each in [0, r].
    """
    counts = np.asarray(counts)
    n = [np.sum(counts == r) for r in range(1, 5)]
    Y = n[0] / (n[0] + 2 * n[1]) if n[0] + n[1] > 0 else 0.5
    if not modified:
        return np.array([0.0, Y, Y, Y])
    out = [0.0]
    for r in (1, 2, 3):
        d = r - (r + 1) * Y * n[r] / n[r - 1] if n[r - 1] > 0 else Y
        out.append(float(np.clip(d, 0.0, r)))
    return np.array(out)


@dataclass
class _Level:
    """Counts of one context length ``k``: rows are the sorted context codes."""

    contexts: np.ndarray        # (n_contexts,) int64, sorted
    counts: object              # scipy.sparse CSR (n_contexts, V) of a(h, w)
    totals: np.ndarray          # (n_contexts,) A(h)
    distinct: np.ndarray        # (n_contexts,) N1(h)
    discount: np.ndarray = field(default_factory=lambda: np.zeros(4))  # D for a = 0, 1, 2, 3+
    back_off: np.ndarray | None = None  # (n_contexts,) sum_w D(a(h, w)), Kneser-Ney only


@dataclass
class NGramLM:
    """Character n-gram model of order ``order`` (contexts of ``order - 1`` characters).

    Parameters
    ----------
    order : int >= 1
    vocab_size : int >= 1
    smoothing : {"kneser-ney", "witten-bell", "add-one"}
    modified : bool, default=True
        Kneser-Ney only: three discounts per level (for counts 1, 2 and 3+,
        Chen and Goodman's "modified" Kneser-Ney) instead of one.
    """

    order: int
    vocab_size: int
    smoothing: str = "kneser-ney"
    modified: bool = True
    levels: list[_Level] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.order < 1:
            raise ValueError(f"NGramLM: order={self.order} must be >= 1")
        if self.vocab_size < 1:
            raise ValueError(f"NGramLM: vocab_size={self.vocab_size} must be >= 1")
        if self.smoothing not in SMOOTHINGS:
            raise ValueError(f"NGramLM: smoothing={self.smoothing!r} is not one of {SMOOTHINGS}")

    def _table(self, grams: np.ndarray) -> _Level:
        """One level from its (k+1)-gram codes ``grams`` (continuation or plain counts)."""
        from scipy.sparse import csr_matrix

        V = self.vocab_size
        codes, counts = np.unique(grams, return_counts=True)
        contexts, rows = np.unique(codes // V, return_inverse=True)
        matrix = csr_matrix((counts.astype(np.float64), (rows, codes % V)),
                            shape=(len(contexts), V))
        totals = np.asarray(matrix.sum(axis=1)).ravel()
        distinct = np.diff(matrix.indptr).astype(np.float64)
        level = _Level(contexts, matrix, totals, distinct)
        if self.smoothing == "kneser-ney":
            level.discount = kn_discounts(counts, self.modified)
            d = level.discount[np.minimum(matrix.data, 3).astype(int)]
            level.back_off = np.add.reduceat(d, matrix.indptr[:-1]) if len(d) else np.zeros(0)
        return level

    def fit(self, ids: np.ndarray) -> NGramLM:
        """Count the k-grams of the training ids (k = 1 .. order)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1 or len(ids) < self.order:
            raise ValueError(f"NGramLM.fit: need a 1-D id array of at least {self.order} ids, "
                             f"got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(f"NGramLM.fit: ids outside [0, {self.vocab_size}): "
                             f"min {ids.min()}, max {ids.max()}")
        V, top = self.vocab_size, self.order - 1
        self.levels = []
        for k in range(self.order):  # context length k, (k+1)-grams
            grams = kgram_codes(ids, k + 1, V)
            if self.smoothing == "kneser-ney" and k < top:
                # continuation count: one per distinct character seen before h w
                grams = np.unique(kgram_codes(ids, k + 2, V)) % V ** (k + 1)
            self.levels.append(self._table(grams))
        return self

    def predict_proba(self, contexts: np.ndarray) -> np.ndarray:
        """Next-character distributions after each context.

        Parameters
        ----------
        contexts : ndarray of shape (n, L), dtype int
            The characters before each prediction, oldest first; only the last
            ``order - 1`` are used. ``L`` may be smaller (short contexts back off).

        Returns
        -------
        probs : ndarray of shape (n, vocab_size), dtype float64
            Rows sum to 1 and are strictly positive.
        """
        if not self.levels:
            raise RuntimeError("NGramLM.predict_proba: call fit() first")
        contexts = np.asarray(contexts, dtype=np.int64)
        if contexts.ndim != 2:
            raise ValueError(f"NGramLM.predict_proba: contexts must be (N, L), got {contexts.shape}")
        N, L = contexts.shape
        V = self.vocab_size
        probs = np.full((N, V), 1.0 / V)
        first = self.order - 1 if self.smoothing == "add-one" else 0
        for k in range(first, min(self.order - 1, L) + 1):
            level = self.levels[k]
            code = np.zeros(N, dtype=np.int64)
            for j in range(L - k, L):
                code = code * V + contexts[:, j]
            row = np.minimum(np.searchsorted(level.contexts, code), len(level.contexts) - 1)
            found = level.contexts[row] == code
            a = np.zeros((N, V))
            a[found] = level.counts[row[found]].toarray()
            total = level.totals[row][:, None]
            n1 = level.distinct[row][:, None]
            if self.smoothing == "add-one":  # no back-off: an unseen context gets 1 / V
                probs = (a + 1.0) / (np.where(found[:, None], total, 0.0) + V)
                continue
            if self.smoothing == "witten-bell":
                with np.errstate(invalid="ignore", divide="ignore"):
                    new = (a + n1 * probs) / (total + n1)
            else:
                D = level.discount[np.minimum(a, 3).astype(int)]
                gamma = level.back_off[row][:, None]
                with np.errstate(invalid="ignore", divide="ignore"):
                    new = (a - D + gamma * probs) / total
            probs = np.where(found[:, None], new, probs)
        return probs


def mixture(probs_a: np.ndarray, probs_b: np.ndarray, weight: float) -> np.ndarray:
    """Linear interpolation ``weight * probs_a + (1 - weight) * probs_b`` of two models.

    Raises
    ------
    ValueError
        ``weight`` outside [0, 1] or shapes that differ.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"mixture: weight={weight} must be in [0, 1]")
    probs_a, probs_b = np.asarray(probs_a), np.asarray(probs_b)
    if probs_a.shape != probs_b.shape:
        raise ValueError(f"mixture: shapes differ, {probs_a.shape} vs {probs_b.shape}")
    return weight * probs_a + (1.0 - weight) * probs_b
