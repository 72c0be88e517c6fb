"""Notebook 4's reference answers: what the notebook uses while an exercise is not done yet.

Each function is the answer to one exercise of ``04_rnn_sequences.ipynb``;
:mod:`course_utils.text.exercises` checks a student's answer against them.
The Keras builders import Keras when called, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.config import import_keras, seed_everything
from course_utils.text.encoding import bits_per_char, encode_text
from course_utils.text.ngram import NGramLM, mixture

if TYPE_CHECKING:
    import keras


# --- Exercise 1a --------------------------------------------------------------------------------
def clean_text(raw: str) -> str:
    """Every line stripped and lower-cased, empty lines dropped, the rest joined by single spaces."""
    lines = [line.strip().lower() for line in raw.split("\n")]
    return " ".join(line for line in lines if line)


def text_vocab_ids(raw: str) -> tuple[str, list[str], np.ndarray]:
    """``text`` (:func:`clean_text`), ``vocab`` (its sorted distinct characters) and ``ids``.

    Returns
    -------
    text : str
    vocab : list of str, sorted, no duplicates
    ids : ndarray of shape (len(text),), dtype int
    """
    text = clean_text(raw)
    vocab = sorted(set(text))
    return text, vocab, encode_text(text, vocab)


# --- Exercise 1b --------------------------------------------------------------------------------
def make_windows(ids: np.ndarray, seqlen: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``X[i] = ids[i:i+seqlen]`` and their next characters ``y[i] = ids[i+seqlen]``.

    Returns
    -------
    X : ndarray of shape (len(ids) - seqlen, seqlen)
    y : ndarray of shape (len(ids) - seqlen,)
    """
    ids = np.asarray(ids)
    return np.lib.stride_tricks.sliding_window_view(ids[:-1], seqlen), ids[seqlen:]


# --- Exercise 2 ---------------------------------------------------------------------------------
def ngram_val_bpc(fit_ids: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, vocab_size: int,
                  smoothings: Sequence[str], orders: Sequence[int]) -> dict[str, list[float]]:
    """Validation bits per character of each smoothing at each order.

    Returns
    -------
    val_bpc : dict of str to list of float
        ``val_bpc[smoothing][k]``: the model of order ``orders[k]`` fitted on ``fit_ids``.
    """
    return {sm: [bits_per_char(NGramLM(n, vocab_size, sm).fit(fit_ids).predict_proba(x_val), y_val)
                 for n in orders] for sm in smoothings}


def best_orders(val_bpc: Mapping[str, Sequence[float]], orders: Sequence[int]) -> dict[str, int]:
    """For each smoothing, the order with the lowest validation bpc."""
    return {sm: int(orders[int(np.argmin(values))]) for sm, values in val_bpc.items()}


# --- Exercises 3a and 3b ------------------------------------------------------------------------
def _compile(model: Any, keras: Any) -> Any:
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def build_simple_rnn(seqlen: int, vocab_size: int, units: int = 128, seed: int = 0) -> keras.Model:
    """``SimpleRNN(units, unroll=True) -> Dense(V, softmax)`` on one-hot windows (seqlen, V), compiled."""
    keras = import_keras()
    seed_everything(seed)
    model = keras.Sequential([keras.Input((seqlen, vocab_size)),
                              keras.layers.SimpleRNN(units, unroll=True),
                              keras.layers.Dense(vocab_size, activation="softmax")], name="simple_rnn")
    return _compile(model, keras)


def build_lstm(seqlen: int, vocab_size: int, dim: int = 16, units: int = 128, seed: int = 0) -> keras.Model:
    """``Embedding(V, dim) -> LSTM(units) -> Dense(V, softmax)`` on id windows (seqlen,), compiled."""
    keras = import_keras()
    seed_everything(seed)
    model = keras.Sequential([keras.Input((seqlen,), dtype="int32"),
                              keras.layers.Embedding(vocab_size, dim),
                              keras.layers.LSTM(units),
                              keras.layers.Dense(vocab_size, activation="softmax")], name="lstm_embedding")
    return _compile(model, keras)


# --- Exercise 4 ---------------------------------------------------------------------------------
def choose_mixture(p_rnn: np.ndarray, p_ngram: np.ndarray, y_val: np.ndarray,
                   weights: Sequence[float]) -> tuple[list[float], float]:
    """Validation bpc of ``w p_rnn + (1 - w) p_ngram`` for each weight, and the best weight.

    Returns
    -------
    mix_val_bpc : list of float, one per weight
    mix_weight : float, the weight with the lowest validation bpc
    """
    bpc = [bits_per_char(mixture(p_rnn, p_ngram, float(w)), y_val) for w in weights]
    return bpc, float(weights[int(np.argmin(bpc))])


# --- Exercise 5 ---------------------------------------------------------------------------------
def next_probs_fn(model: Any, *, every_position: bool = False,
                  one_hot_size: int | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """``next_probs(window)``: a (1, context) id array to the model's (1, V) next-character distribution.

    Parameters
    ----------
    model : keras.Model
    every_position : bool, default=False
        The model predicts at every position (``return_sequences=True``): keep the last one.
    one_hot_size : int, optional
        The model reads one-hot vectors of this size instead of ids.
    """
    def next_probs(window: np.ndarray) -> np.ndarray:
        x = np.asarray(window)
        if one_hot_size is not None:
            x = np.eye(one_hot_size, dtype="float32")[x]
        p = np.asarray(model.predict_on_batch(x))
        return p[:, -1] if every_position else p

    return next_probs


# --- Exercise 6 ---------------------------------------------------------------------------------
def embedding_matrix(model: Any) -> np.ndarray:
    """The weights of ``model``'s (first) Embedding layer, ndarray of shape (V, d)."""
    for layer in model.layers:
        if type(layer).__name__ == "Embedding":
            return np.asarray(layer.get_weights()[0])
    raise ValueError(f"embedding_matrix: model {model.name!r} has no Embedding layer")


def embedding_clusters(model: Any, n_clusters: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``E``, its rows normalised to unit length ``E_unit``, and k-means ``clusters`` of ``E_unit``.

    Returns
    -------
    E, E_unit : ndarray of shape (V, d)
    clusters : ndarray of shape (V,), dtype int
        ``KMeans(n_clusters, n_init=10, random_state=0)`` labels.
    """
    from sklearn.cluster import KMeans

    E = embedding_matrix(model)
    E_unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    return E, E_unit, KMeans(n_clusters=n_clusters, n_init=10, random_state=0).fit_predict(E_unit)
