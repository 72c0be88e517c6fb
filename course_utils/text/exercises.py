"""Notebook 4's exercises: one checker per exercise, naming the mistakes it recognises.

Each ``check_*`` function takes the student's answer, compares it with
:mod:`course_utils.text.reference` (recomputed on the notebook's data or on a
small fixed input) and stops with a :class:`~course_utils.check.CheckError`
that says what is wrong when it recognises the mistake (text not lower-cased,
windows off by one, bits computed in nats, the test part used to choose, the
wrong recurrent layer, the softmax missing, the wrong prediction kept, rows not
normalised...). The checkers of the two Keras models (exercises 3a, 3b) live in
:mod:`course_utils.text.model_checks` and are re-exported here. The catalogue of
mistakes is in ``tests/test_rnn_exercises.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.check import as_number_array, check_close, check_shape, check_that, check_unchanged, matches
from course_utils.text import reference as ref
from course_utils.text.encoding import bits_per_char, encode_text
from course_utils.text.model_checks import check_lstm, check_simple_rnn

__all__ = ["check_embedding", "check_lstm", "check_mixture", "check_next_probs", "check_ngram_orders",
           "check_simple_rnn", "check_text", "check_windows"]

LN2 = float(np.log(2))




def _call(name: str, fn: Callable, *args: Any, hint: str = "") -> Any:
    """``fn(*args)``; an exception it raises becomes a CheckError naming the call (not a deep traceback)."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code failed: say where, and what to look at
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        check_that(False, f"{name} raised {type(exc).__name__}: {first}", hint=hint)


# --- Exercise 1a --------------------------------------------------------------------------------
def _text_hint(text: str, raw: str, want: str) -> str:
    if text != text.lower():
        return "the text has upper-case letters: lower-case each line (.lower())"
    if "\n" in text:
        return "the text still holds line breaks: join the lines with single spaces"
    if "  " in text and "  " not in want:
        if " ".join(line.lower() for line in raw.split("\n") if line.strip()) == text:
            return "two spaces in a row: strip each line (.strip())"
        return "two spaces in a row: drop the empty lines before joining"
    if text.startswith(" ") or text.endswith(" "):
        return "the text starts or ends with a space: drop the empty lines, strip each line"
    return ""


def check_text(raw: str, text: Any, vocab: Any, ids: Any) -> None:
    """Check ``text`` (cleaned ``raw``), ``vocab`` (sorted distinct characters) and ``ids``."""
    check_that(isinstance(text, str), f"text: a {type(text).__name__}, expected a str",
               hint="join the lines into one string")
    want = ref.clean_text(raw)
    same = "" if text == want or len(text) != len(want) else " (same length, different characters)"
    check_that(text == want, f"text: {len(text):,d} characters, expected {len(want):,d}{same}",
               hint=_text_hint(text, raw, want))
    check_that(isinstance(vocab, (list, tuple, str)) and all(isinstance(c, str) and len(c) == 1
                                                             for c in vocab),
               f"vocab: a {type(vocab).__name__}, expected a list of single characters",
               hint="vocab = sorted(set(text)) gives a list of characters")
    vocab = list(vocab)
    dup = len(vocab) - len(set(vocab))
    check_that(dup == 0, f"vocab: {dup} duplicated characters, expected none",
               hint="each character once: set(text)")
    missing = sorted(set(text) - set(vocab))
    check_that(not missing, f"vocab: {len(missing)} characters of the text missing ({missing[:5]}), "
               "expected every character of the text")
    check_that(len(vocab) == len(set(text)),
               f"vocab: {len(vocab)} characters, the text has {len(set(text))} distinct ones")
    ordered = vocab == sorted(vocab)
    check_that(ordered, f"vocab: {'' if ordered else 'not '}sorted, expected sorted",
               hint="sorted(set(text))")
    check_shape("ids", ids, (len(text),))
    ids = np.asarray(ids)
    check_that(np.issubdtype(ids.dtype, np.integer), f"ids: dtype {ids.dtype}, expected integers",
               hint="encode_text(text, vocab)")
    check_that(bool(np.array_equal(ids, encode_text(text, vocab))),
               f"ids: {int(np.sum(ids != encode_text(text, vocab)))} ids that do not decode to the text",
               hint="ids[i] is the position of text[i] in vocab: encode_text(text, vocab)")


# --- Exercise 1b --------------------------------------------------------------------------------
def check_windows(make_windows: Callable[[np.ndarray, int], Any]) -> None:
    """Check ``make_windows(ids, seqlen) -> (X, y)`` on 15 distinct ids and two window lengths."""
    for seqlen in (4, 3):
        ids = np.arange(100, 115)
        before = ids.copy()
        out = _call(f"make_windows(ids, {seqlen})", make_windows, ids, seqlen)
        check_unchanged(f"make_windows(ids, {seqlen}): argument ids", before, ids)
        check_that(isinstance(out, tuple) and len(out) == 2,
                   f"make_windows(ids, {seqlen}): returned a {type(out).__name__}, expected a pair (X, y)",
                   hint="end with `return X, y`")
        X = as_number_array(f"X of make_windows(ids, {seqlen})", out[0])
        y = as_number_array(f"y of make_windows(ids, {seqlen})", out[1])
        want_X, want_y = ref.make_windows(ids, seqlen)
        n = len(want_y)
        hint = ""
        if X.ndim == 2 and X.shape[1] != seqlen:
            hint = f"windows of {X.shape[1]} characters: the argument seqlen={seqlen} is ignored"
        elif len(X) != len(y):
            hint = (f"X and y are misaligned: {len(X)} windows but {len(y)} targets; the last window "
                    "ids[-seqlen:] has no next character")
        elif len(y) == n - 1 and matches(y, want_y[1:]):
            hint = "the targets are shifted by two: y[i] = ids[i + seqlen], and X[i] = ids[i:i+seqlen]"
        check_that(not hint, f"X and y of make_windows(ids, {seqlen}): {len(X)} windows of {X.shape[1:]} "
                   f"and {len(y)} targets, expected {n} windows of ({seqlen},) and {n} targets", hint=hint)
        check_shape(f"X of make_windows(ids, {seqlen})", X, want_X.shape)
        check_close(f"X of make_windows(ids, {seqlen})", X, want_X, rtol=0,
                    hint="X[i] is ids[i:i+seqlen], starting at i = 0"
                    if matches(X, want_X + 1) else "")
        hint = ("the target is the last character of its window: it must be the one after it, "
                "ids[i + seqlen]" if matches(y, X[:, -1]) else
                "the targets are shifted by two: y[i] = ids[i + seqlen]" if matches(y, want_y + 1) else
                "the targets are one character early: y[i] = ids[i + seqlen]"
                if matches(y, want_y - 1) else "")
        check_shape(f"y of make_windows(ids, {seqlen})", y, want_y.shape)
        check_close(f"y of make_windows(ids, {seqlen})", y, want_y, rtol=0, hint=hint)


# --- Exercise 2 ---------------------------------------------------------------------------------
def check_ngram_orders(val_bpc: Any, best_order: Any, fit_ids: np.ndarray, x_val: np.ndarray,
                       y_val: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, vocab_size: int,
                       smoothings: Sequence[str], orders: Sequence[int]) -> None:
    """Check ``val_bpc[smoothing]`` (one bpc per order, on validation) and ``best_order[smoothing]``."""
    for name, value in (("val_bpc", val_bpc), ("best_order", best_order)):
        check_that(isinstance(value, Mapping), f"{name}: a {type(value).__name__}, expected a dict",
                   hint=f"{name}[smoothing] for smoothing in SMOOTHINGS")
        check_that(sorted(value) == sorted(smoothings),
                   f"{name}: keys {sorted(map(str, value))}, expected {sorted(smoothings)}")
    want = ref.ngram_val_bpc(fit_ids, x_val, y_val, vocab_size, smoothings, orders)
    for sm in smoothings:
        got = as_number_array(f"val_bpc[{sm!r}]", val_bpc[sm])
        check_shape(f"val_bpc[{sm!r}] (one value per order)", got, (len(orders),))
        hint = ""
        if matches(got, np.asarray(want[sm]) * LN2, 1e-4):
            hint = "these are nats: bits per character use log2 (divide by ln 2)"
        elif not matches(got, want[sm], 1e-6):
            test = ref.ngram_val_bpc(fit_ids, x_test, y_test, vocab_size, [sm], orders)[sm]
            if matches(got, test, 1e-6):
                hint = "computed on the test part: the order is chosen on validation (x_val, y_val)"
        check_close(f"val_bpc[{sm!r}]", got, want[sm], rtol=1e-6, hint=hint)
        choice = best_order[sm]
        i = int(np.argmin(got))
        hint = " or ".join(h for h, bad in (
            ("an index into ORDERS, not the order: ORDERS[i]", choice == i and choice != orders[i]),
            ("the highest bpc: the best order has the lowest", choice == orders[int(np.argmax(got))])) if bad)
        check_that(choice == orders[i], f"best_order[{sm!r}]: {choice}, expected {orders[i]}", hint=hint)


# --- Exercise 4 ---------------------------------------------------------------------------------
def check_mixture(mix_val_bpc: Any, mix_weight: Any, p_rnn: np.ndarray, p_ngram: np.ndarray,
                  y_val: np.ndarray, weights: Sequence[float]) -> None:
    """Check ``mix_val_bpc`` (validation bpc per weight) and ``mix_weight`` (the best weight)."""
    want, best = ref.choose_mixture(p_rnn, p_ngram, y_val, weights)
    got = as_number_array("mix_val_bpc", mix_val_bpc)
    check_shape("mix_val_bpc (one value per weight)", got, (len(weights),))
    swapped = [bits_per_char(w * p_ngram + (1 - w) * p_rnn, y_val) for w in weights]
    nats = matches(got, np.multiply(want, LN2))
    hint = ("these are nats: bits per character use log2 (divide by ln 2)" if nats else
            "the weight is on the n-gram: mixture(p_rnn, p_ngram, w) gives w to the recurrent model"
            if matches(got, swapped) else "")
    check_close("mix_val_bpc", got, want, rtol=1e-6, hint=hint)
    w = as_number_array("mix_weight", mix_weight)
    check_shape("mix_weight (one number)", w, ())
    i, worst = int(np.argmin(got)), float(weights[int(np.argmax(got))])
    hint = " or ".join(h for h, bad in (
        ("an index into weights, not the weight: weights[i]", float(w) == i and i > 0),
        ("the highest bpc: keep the weight with the lowest", float(w) == worst)) if bad)
    check_close("mix_weight", float(w), best, rtol=1e-9, hint=hint)


# --- Exercise 5 ---------------------------------------------------------------------------------
def check_next_probs(next_probs: Callable[[np.ndarray], Any], context: Any,
                     reference: Callable[[np.ndarray], np.ndarray], expected_context: int,
                     ids: np.ndarray, vocab_size: int) -> None:
    """Check ``context`` and ``next_probs(window)`` on two windows of ``ids``, against ``reference``."""
    check_that(context == expected_context, f"context: {context}, expected {expected_context}",
               hint="the number of characters the chosen model (best_recurrent) reads")
    for start in (0, 7):
        window = np.asarray(ids[start:start + expected_context])[None]
        before = window.copy()
        got = _call("next_probs(window)", next_probs, window,
                    hint="the SimpleRNN reads one-hot vectors, one_hot[window]; lstm and long_lstm read ids")
        check_unchanged("next_probs(window): argument window", before, window)
        got = as_number_array("next_probs(window)", got)
        want = np.asarray(reference(window), dtype=np.float64)
        hint = ""
        if got.ndim == 3:
            hint = "one distribution per position: keep the last one, [:, -1]"
        elif got.shape == (vocab_size,):
            hint = "keep the batch axis: shape (1, V)"
        if hint:
            check_that(False, f"next_probs(window): shape {got.shape}, expected (1, {vocab_size})", hint=hint)
        check_shape("next_probs(window)", got, (1, vocab_size))
        check_close("next_probs(window): the row sums to 1", got.sum(axis=1), [1.0], rtol=1e-4,
                    hint="return the model's softmax output (probabilities), not scores")
        if matches(got, want, 1e-4):
            pass
        elif matches(got, np.eye(vocab_size)[[int(np.argmax(want))]]):
            hint = "a one-hot argmax: return the whole distribution (generate samples from it)"
        elif matches(got, _first_position(reference, window), 1e-4):
            hint = "the prediction after the first character: keep the last position, [:, -1]"
        check_close("next_probs(window)", got, want, rtol=1e-4, atol=1e-6, hint=hint)


def _first_position(reference: Callable[[np.ndarray], np.ndarray], window: np.ndarray) -> np.ndarray | None:
    """The reference's prediction after the first character only (None for fixed-length models)."""
    try:
        return np.asarray(reference(window[:, :1]), dtype=np.float64)
    except Exception:  # a model that reads windows of one fixed length
        return None


# --- Exercise 6 ---------------------------------------------------------------------------------
def check_embedding(E: Any, E_unit: Any, clusters: Any, model: Any, n_clusters: int = 6) -> None:
    """Check ``E`` (the model's Embedding weights), ``E_unit`` (rows of norm 1) and ``clusters``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    want_E, want_unit, want_clusters = ref.embedding_clusters(model, n_clusters)
    E = as_number_array("E", E)
    hint = ""
    if E.shape == want_E.shape[::-1]:
        hint = "transposed: E has one row per character, shape (V, d)"
    elif E.shape != want_E.shape:
        hint = next((f"that is the weights of layer {layer.name!r} ({type(layer).__name__}): "
                     "E is the Embedding layer's matrix" for layer in model.layers
                     if type(layer).__name__ != "Embedding" and layer.get_weights()
                     and np.shape(layer.get_weights()[0]) == E.shape), "")
    if hint:
        check_that(False, f"E: shape {E.shape}, expected {want_E.shape}", hint=hint)
    check_shape("E", E, want_E.shape)
    check_close("E", E, want_E, rtol=1e-5, atol=1e-7, hint="take the weights of the Embedding layer")
    U = as_number_array("E_unit", E_unit)
    check_shape("E_unit", U, want_unit.shape)
    norms = np.linalg.norm(U, axis=1)
    hint = ("the columns have unit length: divide each row by its own norm (axis=1, keepdims=True)"
            if matches(np.linalg.norm(U, axis=0), 1, 1e-5) else
            "E_unit is E: divide each row by its norm" if matches(U, E) else
            "every row has the same scale: each row by its own norm, not by the norm of the whole matrix"
            if matches(U, E / np.linalg.norm(E), 1e-5) else "")
    check_close("norms of the rows of E_unit", norms, np.ones(len(U)), rtol=1e-5, hint=hint)
    check_close("E_unit", U, want_unit, rtol=1e-5, atol=1e-7)
    labels = np.asarray(clusters).reshape(-1)
    check_shape("clusters (one label per character)", labels, want_clusters.shape)
    k = len(np.unique(labels))
    check_that(k == n_clusters, f"clusters: {k} clusters, expected {n_clusters}")
    on_E = KMeans(n_clusters=n_clusters, n_init=10, random_state=0).fit_predict(want_E)
    score = float(adjusted_rand_score(labels, want_clusters))
    check_that(score > 1 - 1e-9, f"clusters: agreement with the reference {score:.3f} (adjusted Rand), "
               "expected 1", hint="clustered E, not the unit vectors E_unit" if
               adjusted_rand_score(labels, on_E) > 1 - 1e-9 else
               "KMeans(n_clusters=6, n_init=10, random_state=0).fit_predict(E_unit)")
