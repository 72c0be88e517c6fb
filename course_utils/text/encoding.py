"""Characters as integer ids, and the cross-entropy of a next-character model in bits.

Shared by notebook 4's n-gram baselines and its recurrent networks::

    ids = encode_text(text, vocab)          # ndarray of shape (len(text),), dtype int64
    bits_per_char(probs, targets)           # probs: ndarray of shape (n, V)
"""

from __future__ import annotations

import numpy as np


def encode_text(text: str, vocab: list[str] | str) -> np.ndarray:
    """Character ids of ``text`` in ``vocab``.

    Returns
    -------
    ids : ndarray of shape (len(text),), dtype int64

    Raises
    ------
    ValueError
        A character of ``text`` is not in ``vocab``.
    """
    index = {c: i for i, c in enumerate(vocab)}
    missing = sorted(set(text) - set(index))
    if missing:
        raise ValueError(f"encode_text: characters not in the vocabulary: {missing!r}")
    return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))


def bits_per_char(probs: np.ndarray, targets: np.ndarray) -> float:
    """Mean of ``-log2 probs[i, targets[i]]``: the cross-entropy in bits per character.

    Parameters
    ----------
    probs : ndarray of shape (N, V)
        Each row a next-character distribution.
    targets : ndarray of shape (N,), dtype int
    """
    probs, targets = np.asarray(probs), np.asarray(targets)
    if probs.ndim != 2 or probs.shape[0] != targets.shape[0]:
        raise ValueError(f"bits_per_char: probs {probs.shape} and targets {targets.shape} disagree")
    p = probs[np.arange(len(targets)), targets].astype(np.float64)
    return float(-np.mean(np.log2(np.maximum(p, 1e-300))))
