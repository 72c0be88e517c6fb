"""Checkers of notebook 4's Keras models (exercises 3a and 3b): layers, units, output, compilation.

Re-exported by :mod:`course_utils.text.exercises`; the catalogue of mistakes they must catch (the
wrong recurrent layer, ``return_sequences`` on, wrong units, softmax missing, one-hot of the wrong
size, no Embedding, wrong loss or optimiser) is in ``tests/test_rnn_exercises.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.check import check_close, check_shape, check_that
from course_utils.config import import_keras


# --- Exercises 3a and 3b ------------------------------------------------------------------------
def _layers(model: Any, name: str) -> list[Any]:
    check_that(hasattr(model, "layers") and hasattr(model, "count_params"),
               f"{name}: a {type(model).__name__}, expected a Keras model", hint="keras.Sequential([...])")
    return list(model.layers)


def _check_compiled(model: Any, name: str) -> None:
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    check_that(config is not None, f"{name}: not compiled, expected compiled", hint=f"{name}.compile(...)")
    loss = config.get("loss")
    check_that(loss == "sparse_categorical_crossentropy", f"{name}: loss {loss!r}, expected "
               "'sparse_categorical_crossentropy'", hint="the targets y are ids, not one-hot vectors")
    opt = model.optimizer
    lr = float(np.asarray(opt.learning_rate))
    check_that(type(opt).__name__ == "RMSprop" and abs(lr - 1e-3) < 1e-9,
               f"{name}: optimizer {type(opt).__name__}({lr:g}), expected RMSprop(0.001)")
    metrics = config.get("metrics") or []
    check_that("accuracy" in metrics, f"{name}: metrics {metrics}, expected ['accuracy']")


def _check_recurrent(layers: list[Any], name: str, kind: str, units: int) -> None:
    found = [layer for layer in layers if type(layer).__name__ in ("SimpleRNN", "LSTM", "GRU")]
    kinds = [type(layer).__name__ for layer in found]
    check_that(kinds == [kind], f"{name}: recurrent layers {kinds}, expected [{kind!r}]",
               hint=f"this exercise asks for keras.layers.{kind}" if kinds else "")
    rnn = found[0]
    check_that(rnn.units == units, f"{name}: {kind} with {rnn.units} units, expected {units}")
    check_that(not rnn.return_sequences, f"{name}: {kind} return_sequences={rnn.return_sequences}, "
               "expected False", hint="one prediction per window: the last state only")


def _check_output(model: Any, layers: list[Any], name: str, windows: np.ndarray, vocab_size: int) -> None:
    last = layers[-1]
    check_that(type(last).__name__ == "Dense" and last.units == vocab_size,
               f"{name}: last layer {type(last).__name__}"
               f"{f'({last.units})' if hasattr(last, 'units') else ''}, expected Dense({vocab_size})")
    act = getattr(last.activation, "__name__", str(last.activation))
    check_that(act == "softmax", f"{name}: output activation {act}, expected softmax",
               hint="Dense(V, activation='softmax'): the loss expects probabilities")
    out = import_keras().ops.convert_to_numpy(model(windows))
    check_shape(f"{name} on 2 windows", out, (2, vocab_size))
    check_close(f"{name} on 2 windows: each row sums to 1", out.sum(axis=1), np.ones(2), rtol=1e-4)


def check_simple_rnn(srnn: Any, seqlen: int, vocab_size: int) -> None:
    """Check ``srnn``: one-hot windows (seqlen, V) -> SimpleRNN(128) -> Dense(V, softmax), compiled."""
    layers = _layers(srnn, "srnn")
    shape = tuple(srnn.input_shape)
    check_that(shape == (None, seqlen, vocab_size), f"srnn: input shape {shape}, expected "
               f"(None, {seqlen}, {vocab_size})",
               hint=f"one-hot vectors of size V = {vocab_size}: keras.Input((SEQLEN, V))")
    _check_recurrent(layers, "srnn", "SimpleRNN", 128)
    _check_output(srnn, layers, "srnn", np.eye(vocab_size, dtype="float32")[
        np.arange(2 * seqlen).reshape(2, seqlen) % vocab_size], vocab_size)
    _check_compiled(srnn, "srnn")
    want = 128 * vocab_size + 128**2 + 128 + 128 * vocab_size + vocab_size
    check_that(srnn.count_params() == want, f"srnn: {srnn.count_params():,d} parameters, expected {want:,d}")


def check_lstm(lstm: Any, seqlen: int, vocab_size: int) -> None:
    """Check ``lstm``: id windows (seqlen,) -> Embedding(V, 16) -> LSTM(128) -> Dense(V, softmax)."""
    layers = _layers(lstm, "lstm")
    shape = tuple(lstm.input_shape)
    check_that(shape == (None, seqlen), f"lstm: input shape {shape}, expected (None, {seqlen})",
               hint="the model reads character ids: keras.Input((SEQLEN,), dtype='int32')")
    emb = [layer for layer in layers if type(layer).__name__ == "Embedding"]
    check_that(len(emb) == 1, f"lstm: {len(emb)} Embedding layers, expected 1",
               hint="Embedding(V, 16) first: it turns ids into 16-dimensional vectors")
    dims = (emb[0].input_dim, emb[0].output_dim)
    check_that(dims == (vocab_size, 16), f"lstm: Embedding{dims}, expected Embedding({vocab_size}, 16)")
    _check_recurrent(layers, "lstm", "LSTM", 128)
    _check_output(lstm, layers, "lstm", np.arange(2 * seqlen).reshape(2, seqlen) % vocab_size, vocab_size)
    _check_compiled(lstm, "lstm")
