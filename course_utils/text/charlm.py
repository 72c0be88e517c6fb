"""Plumbing for notebook 4's character language models: data layouts, scoring, figures.

- :func:`sequence_pairs` cuts a text into (input, target) sequences shifted by one
  character, for a recurrent model that predicts at every position.
- :func:`stream_proba` scores such a model on a stretch of text, every target
  seen with at least ``warmup`` characters of context, in overlapping chunks.
- :func:`bpc_table` prints a comparison table; :func:`run_summary` sums up a
  training run in one line (no epoch log on a slide).
- :func:`plot_char_embedding` draws learned character vectors in 2-D with their
  clusters; :func:`char_kind` and :func:`kind_grouping` measure which kinds of
  characters (vowels, consonants, punctuation...) a clustering keeps together.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from course_utils.plots import legible

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def sequence_pairs(ids: np.ndarray, length: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``ids[s:s+length]`` and targets ``ids[s+1:s+length+1]`` for s = 0, step, 2 step...

    Returns
    -------
    inputs, targets : ndarray of shape (M, length), dtype int64

    Raises
    ------
    ValueError
        ``length`` or ``step`` < 1, or a text shorter than ``length + 1``.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if length < 1 or step < 1:
        raise ValueError(f"sequence_pairs: length={length} and step={step} must be >= 1")
    if len(ids) < length + 1:
        raise ValueError(f"sequence_pairs: {len(ids)} ids, need at least length + 1 = {length + 1}")
    starts = np.arange(0, len(ids) - length, step)
    offsets = np.arange(length)
    return ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]


def stream_proba(predict: Callable[[np.ndarray], np.ndarray], ids: np.ndarray, first: int, *,
                 chunk: int = 200, warmup: int = 100, batch: int = 256) -> np.ndarray:
    """Next-character distributions for the targets ``ids[first:]`` from a sequence model.

    The text is read in chunks of ``chunk`` characters overlapping by ``warmup``:
    a target's prediction is taken from a chunk where at least ``warmup``
    characters precede it.

    Parameters
    ----------
    predict : callable
        Maps an (M, chunk) id array to (M, chunk, V) probabilities, where output
        ``j`` predicts input ``j + 1`` (a Keras model with ``return_sequences=True``).
    ids : ndarray of shape (T,), dtype int
    first : int
        Index of the first target, ``warmup <= first < T``.

    Returns
    -------
    probs : ndarray of shape (T - first, V)
    """
    ids = np.asarray(ids, dtype=np.int64)
    if not warmup <= first < len(ids):
        raise ValueError(f"stream_proba: first={first} must be in [warmup={warmup}, {len(ids)})")
    if not 1 <= warmup < chunk:
        raise ValueError(f"stream_proba: need 1 <= warmup={warmup} < chunk={chunk}")
    stride = chunk - warmup
    begin = first - warmup
    n_chunks = -(-(len(ids) - first) // stride)
    starts = begin + stride * np.arange(n_chunks)
    index = starts[:, None] + np.arange(chunk)
    x = np.where(index < len(ids), ids[np.minimum(index, len(ids) - 1)], 0)  # pad the end
    outputs = [np.asarray(predict(x[i:i + batch])) for i in range(0, len(x), batch)]
    probs = np.concatenate(outputs)               # (n_chunks, chunk, V)
    targets = first + np.arange(len(ids) - first)   # target t is predicted by output t - 1 - start
    which = (targets - first) // stride
    pos = targets - 1 - starts[which]
    return probs[which, pos]


def bpc_table(rows: Mapping[str, Sequence[float]], columns: Sequence[str], *, digits: int = 3) -> str:
    """A plain-text table, one model per row; returns it (print it)."""
    width = max(len(name) for name in rows) + 2
    lines = [" " * width + "".join(f"{c:>14s}" for c in columns)]
    for name, values in rows.items():
        if len(values) != len(columns):
            raise ValueError(f"bpc_table: row {name!r} has {len(values)} values for {len(columns)} columns")
        lines.append(f"{name:<{width}s}" + "".join(
            f"{v:>14.{digits}f}" if isinstance(v, (float, int, np.floating)) else f"{v!s:>14s}"
            for v in values))
    return "\n".join(lines)


def plot_char_embedding(points: np.ndarray, chars: Sequence[str], clusters: np.ndarray, *,
                        title: str, xlabel: str = "component 1", ylabel: str = "component 2") -> Figure:
    """Scatter 2-D character vectors, each drawn as its character, coloured by cluster.

    Parameters
    ----------
    points : ndarray of shape (V, 2)
    chars : sequence of V str (a space is drawn as "␣")
    clusters : ndarray of shape (V,), dtype int

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    points = np.asarray(points)
    if points.shape != (len(chars), 2) or len(clusters) != len(chars):
        raise ValueError(f"plot_char_embedding: points {points.shape}, {len(chars)} chars and "
                         f"{len(clusters)} cluster labels disagree")
    fig, ax = plt.subplots(figsize=(8, 4.4))
    colors = plt.get_cmap("tab10")
    for (x, y), c, k in zip(points, chars, clusters, strict=True):
        ax.text(x, y, "␣" if c == " " else c, color=colors(int(k) % 10), fontsize=13,
                ha="center", va="center", fontweight="bold")
    pad = 0.05 * (points.max(axis=0) - points.min(axis=0) + 1e-9)
    ax.set_xlim(points[:, 0].min() - pad[0], points[:, 0].max() + pad[0])
    ax.set_ylim(points[:, 1].min() - pad[1], points[:, 1].max() + pad[1])
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    return legible(fig)


def run_summary(name: str, history: Mapping[str, Sequence[float]], *, epochs: int,
                unit: float = 1 / np.log(2)) -> str:
    """One line for a training run: epochs run, best validation epoch, losses there.

    Parameters
    ----------
    name : str
        The model's name, first on the line.
    history : mapping from metric name to per-epoch values
        Needs ``loss`` and ``val_loss``; ``accuracy``, ``val_accuracy`` and
        ``epoch_seconds`` are reported when present.
    epochs : int
        The epoch budget the run was given (to say whether it stopped early).
    unit : float, default=1/ln 2
        Factor applied to the losses (nats to bits per character by default).

    Returns
    -------
    line : str
    """
    missing = [k for k in ("loss", "val_loss") if k not in history]
    if missing or not len(history.get("loss", [])):
        raise ValueError(f"run_summary: history of {name!r} lacks {missing or ['any epoch']}")
    val = np.asarray(history["val_loss"], dtype=float)
    best = int(np.argmin(val))
    run = len(val)
    stop = "stopped early" if run < epochs else "budget used"
    line = (f"{name}: {run} of {epochs} epochs ({stop}), best validation epoch {best + 1}: "
            f"train {history['loss'][best] * unit:.3f}, validation {val[best] * unit:.3f} bpc")
    if "accuracy" in history and "val_accuracy" in history:
        line += (f", accuracy train {history['accuracy'][best]:.3f} / "
                 f"validation {history['val_accuracy'][best]:.3f}")
    if "epoch_seconds" in history:
        line += f"; median epoch {float(np.median(history['epoch_seconds'])):.1f} s"
    return line


def char_kind(c: str) -> str:
    """The kind of a character: space, vowel, accented vowel, consonant, digit or punctuation.

    ``y`` counts as a vowel; letters with a diacritic (``é``, ``ç``, ``ï``) are
    "accented vowel" or, for ``ç``, "consonant".

    Raises
    ------
    ValueError
        ``c`` is not a single character.
    """
    if not isinstance(c, str) or len(c) != 1:
        raise ValueError(f"char_kind: expected one character, got {c!r}")
    if c.isspace():
        return "space"
    if c.isdigit():
        return "digit"
    if not c.isalpha():
        return "punctuation"
    base = unicodedata.normalize("NFD", c.lower())[0]
    if base in "aeiouy":
        return "vowel" if base == c.lower() else "accented vowel"
    return "consonant"


def kind_grouping(clusters: np.ndarray, chars: Sequence[str], *, shuffles: int = 2000,
                  seed: int = 0) -> list[dict]:
    """How strongly a clustering keeps each kind of character together, against chance.

    For each kind (:func:`char_kind`) with at least two characters: the largest
    number of them in one cluster, and how often a random relabelling (the same
    cluster sizes, characters shuffled) puts at least as many in one cluster.

    Parameters
    ----------
    clusters : ndarray of shape (V,), dtype int
    chars : sequence of V str
    shuffles : int, default=2000
    seed : int, default=0

    Returns
    -------
    rows : list of dict
        Keys ``kind``, ``n``, ``largest``, ``cluster`` (where the largest group is),
        ``chance`` (fraction of shuffles at least as concentrated), largest first.
    """
    clusters = np.asarray(clusters)
    if clusters.shape != (len(chars),):
        raise ValueError(f"kind_grouping: {clusters.shape} cluster labels for {len(chars)} chars")
    if shuffles < 1:
        raise ValueError(f"kind_grouping: shuffles={shuffles} must be >= 1")
    kinds = np.array([char_kind(c) for c in chars])
    rng = np.random.default_rng(seed)
    perms = np.stack([rng.permutation(clusters) for _ in range(shuffles)])   # (S, V)
    labels = np.unique(clusters)
    rows = []
    for kind in sorted(set(kinds)):
        members = kinds == kind
        if members.sum() < 2:
            continue
        counts = np.array([(clusters[members] == k).sum() for k in labels])
        shuffled = np.stack([(perms[:, members] == k).sum(axis=1) for k in labels]).max(axis=0)
        rows.append({"kind": str(kind), "n": int(members.sum()), "largest": int(counts.max()),
                     "cluster": int(labels[np.argmax(counts)]),
                     "chance": float(np.mean(shuffled >= counts.max()))})
    return sorted(rows, key=lambda r: r["chance"])
