"""Notebook 4's checkers against the reference and a catalogue of plausible student mistakes.

Every catalogued mistake must stop its checker (a mistake that passes is a failing test), and
the catalogue records the words the message must contain when the checker names the mistake.
Synthetic text and tiny Keras models only: offline, seeded, seconds.
"""

import numpy as np
import pytest

from course_utils.check import CheckError
from course_utils.config import import_keras
from course_utils.text import exercises as rx
from course_utils.text import reference as ref
from course_utils.text.encoding import bits_per_char, encode_text
from course_utils.text.ngram import mixture

RAW = ("Les Fleurs du Mal\n\n   AU LECTEUR  \nLa sottise, l'erreur, le péché, la lésine,\n\n"
       "Occupent nos esprits et travaillent nos corps,\n  \nEt nous alimentons nos aimables remords\n")


def expect_caught(check, args, words):
    with pytest.raises(CheckError) as caught:
        check(*args)
    if words:
        assert words in str(caught.value), str(caught.value)


# --- Exercise 1a ----------------------------------------------------------------------------------
def _answer(text, vocab=None, ids=None):
    vocab = sorted(set(text)) if vocab is None else vocab
    return text, vocab, encode_text(text, sorted(set(text))) if ids is None else ids


def _no_empty_drop(raw):
    return " ".join(line.strip().lower() for line in raw.split("\n"))


REF_TEXT = ref.clean_text(RAW)
MISTAKES_1A = {
    "not lower-cased": (_answer(" ".join(s.strip() for s in RAW.split("\n") if s.strip())), "upper-case"),
    "empty lines kept": (_answer(_no_empty_drop(RAW)), "drop the empty lines"),
    "lines not stripped": (_answer(" ".join(s.lower() for s in RAW.split("\n") if s.strip())), "strip each"),
    "joined with newlines": (_answer("\n".join(s.strip().lower() for s in RAW.split("\n") if s.strip())),
                             "line breaks"),
    "vocab in order of appearance": (_answer(REF_TEXT, list(dict.fromkeys(REF_TEXT))), "not sorted"),
    "vocab with duplicates": (_answer(REF_TEXT, sorted(REF_TEXT)), "duplicated"),
    "ids from 1": (_answer(REF_TEXT, ids=encode_text(REF_TEXT, sorted(set(REF_TEXT))) + 1), "decode"),
    "ids as a list of str": (_answer(REF_TEXT, ids=list(REF_TEXT)), "expected integers"),
}


def test_reference_text_passes():
    rx.check_text(RAW, *ref.text_vocab_ids(RAW))


def test_text_written_another_way_passes():
    import re
    text = re.sub(r"\s*\n\s*", " ", RAW.lower()).strip()
    rx.check_text(RAW, text, "".join(sorted(set(text))), np.array([sorted(set(text)).index(c) for c in text]))


@pytest.mark.parametrize("mistake", MISTAKES_1A)
def test_text_mistakes_are_caught(mistake):
    answer, words = MISTAKES_1A[mistake]
    expect_caught(rx.check_text, (RAW, *answer), words)


# --- Exercise 1b ----------------------------------------------------------------------------------
def _swv(a, n):
    return np.lib.stride_tricks.sliding_window_view(a, n)


def windows_in_place(ids, seqlen):
    ids[:] = ids - ids.min()
    return ref.make_windows(ids, seqlen)


MISTAKES_1B = {
    "target = last char of the window": (lambda ids, n: (_swv(ids[:-1], n), _swv(ids[:-1], n)[:, -1]),
                                         "last character of its window"),
    "targets shifted by two": (lambda ids, n: (_swv(ids[:-2], n), ids[n + 1:]), "shifted by two"),
    "targets shifted by two, same count": (lambda ids, n: (_swv(ids[:-1], n)[:-1], ids[n + 1:]),
                                           "shifted by two"),
    "one window too many": (lambda ids, n: (_swv(ids, n), ids[n:]), "misaligned"),
    "seqlen ignored": (lambda ids, n: (_swv(ids[:-1], 10), ids[10:]), "seqlen=4 is ignored"),
    "windows start at 1": (lambda ids, n: (_swv(ids[1:], n), ids[n:]), "starting at i = 0"),
    "returns only X": (lambda ids, n: _swv(ids[:-1], n), "pair (X, y)"),
    "ids changed in place": (windows_in_place, "changed in place"),
}


def test_reference_windows_pass():
    rx.check_windows(ref.make_windows)


def test_windows_written_another_way_pass():
    rx.check_windows(lambda ids, n: (np.array([ids[i:i + n] for i in range(len(ids) - n)]),
                                     np.array([ids[i + n] for i in range(len(ids) - n)])))


@pytest.mark.parametrize("mistake", MISTAKES_1B)
def test_window_mistakes_are_caught(mistake):
    fn, words = MISTAKES_1B[mistake]
    expect_caught(rx.check_windows, (fn,), words)


# --- Exercise 2 -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    """4,000 ids of a synthetic 8-character text with a little structure (a Markov chain)."""
    rng = np.random.default_rng(0)
    T = rng.dirichlet(np.full(8, 0.3), size=8)
    ids = [0]
    for _ in range(3999):
        ids.append(int(rng.choice(8, p=T[ids[-1]])))
    ids = np.array(ids)
    X, y = ref.make_windows(ids, 5)
    return {"fit_ids": ids[:2805], "x_val": X[2800:3400], "y_val": y[2800:3400],
            "x_test": X[3400:], "y_test": y[3400:], "V": 8}


SM, ORDERS = ["add-one", "witten-bell", "kneser-ney"], [1, 2, 3, 4]


def _ngram_args(c, val_bpc, best_order):
    return (val_bpc, best_order, c["fit_ids"], c["x_val"], c["y_val"], c["x_test"], c["y_test"], c["V"],
            SM, ORDERS)


def _with(c, transform=None, choose=None, x="x_val", y="y_val"):
    val = ref.ngram_val_bpc(c["fit_ids"], c[x], c[y], c["V"], SM, ORDERS)
    if transform:
        val = {sm: [transform(v) for v in vs] for sm, vs in val.items()}
    best = {sm: (choose or (lambda vs: ORDERS[int(np.argmin(vs))]))(vs) for sm, vs in val.items()}
    return val, best


def _over_vocab(c):
    from course_utils.text.ngram import NGramLM
    val = {sm: [float(-np.mean(np.log2(NGramLM(n, c["V"], sm).fit(c["fit_ids"]).predict_proba(c["x_val"]))))
                for n in ORDERS] for sm in SM}
    return val, ref.best_orders(val, ORDERS)


MISTAKES_2 = {
    "in nats": (lambda c: _with(c, transform=lambda v: v * np.log(2)), "nats"),
    "chosen on test": (lambda c: _with(c, x="x_test", y="y_test"), "test part"),
    "index, not order": (lambda c: _with(c, choose=lambda vs: int(np.argmin(vs))), "index into ORDERS"),
    "argmax": (lambda c: _with(c, choose=lambda vs: ORDERS[int(np.argmax(vs))]), "lowest"),
    "averaged over the vocabulary": (_over_vocab, None),
    "a list instead of a dict": (lambda c: (list(_with(c)[0].values()), _with(c)[1]), "expected a dict"),
}


def test_reference_ngram_orders_pass(corpus):
    rx.check_ngram_orders(*_ngram_args(corpus, *_with(corpus)))


def test_ngram_orders_written_another_way_pass(corpus):
    from course_utils.text.ngram import NGramLM
    val_bpc, best_order = {}, {}
    for sm in SM:
        val_bpc[sm] = []
        for n in ORDERS:
            p = NGramLM(n, corpus["V"], sm).fit(corpus["fit_ids"]).predict_proba(corpus["x_val"])
            val_bpc[sm].append(float(-np.log(p[np.arange(len(p)), corpus["y_val"]]).mean() / np.log(2)))
        best_order[sm] = min(ORDERS, key=lambda n, sm=sm: val_bpc[sm][n - 1])
    rx.check_ngram_orders(*_ngram_args(corpus, val_bpc, best_order))


@pytest.mark.parametrize("mistake", MISTAKES_2)
def test_ngram_mistakes_are_caught(mistake, corpus):
    make, words = MISTAKES_2[mistake]
    expect_caught(rx.check_ngram_orders, _ngram_args(corpus, *make(corpus)), words)


# --- Exercises 3a and 3b --------------------------------------------------------------------------
keras = import_keras()
L, V = 5, 8


def _compiled(model, optimizer=None, loss="sparse_categorical_crossentropy"):
    model.compile(optimizer=optimizer or keras.optimizers.RMSprop(1e-3), loss=loss, metrics=["accuracy"])
    return model


def _srnn(rnn=None, act="softmax", inp=V, **compile_kw):
    return _compiled(keras.Sequential([keras.Input((L, inp)), rnn or keras.layers.SimpleRNN(128),
                                       keras.layers.Dense(V, activation=act)]), **compile_kw)


def _lstm(*middle, act="softmax", inp=None):
    layers = [keras.Input(inp or (L,), dtype="int32" if inp is None else "float32"), *middle,
              keras.layers.Dense(V, activation=act)]
    return _compiled(keras.Sequential(layers))


MISTAKES_3A = {
    "LSTM instead of SimpleRNN": (lambda: _srnn(keras.layers.LSTM(128)), "asks for keras.layers.SimpleRNN"),
    "64 units": (lambda: _srnn(keras.layers.SimpleRNN(64)), "expected 128"),
    "softmax missing": (lambda: _srnn(act=None), "expected softmax"),
    "return_sequences=True": (lambda: _srnn(keras.layers.SimpleRNN(128, return_sequences=True)),
                              "last state only"),
    "one-hot of the wrong size": (lambda: _srnn(inp=V + 1), "one-hot vectors of size"),
    "categorical cross-entropy": (lambda: _srnn(loss="categorical_crossentropy"), "ids, not one-hot"),
    "Adam": (lambda: _srnn(optimizer=keras.optimizers.Adam(1e-3)), "expected RMSprop"),
    "not compiled": (lambda: keras.Sequential([keras.Input((L, V)), keras.layers.SimpleRNN(128),
                                               keras.layers.Dense(V, activation="softmax")]), "not compiled"),
}
MISTAKES_3B = {
    "SimpleRNN instead of LSTM": (lambda: _lstm(keras.layers.Embedding(V, 16), keras.layers.SimpleRNN(128)),
                                  "asks for keras.layers.LSTM"),
    "no Embedding (one-hot)": (lambda: _lstm(keras.layers.LSTM(128), inp=(L, V)), "reads character ids"),
    "Embedding of 32": (lambda: _lstm(keras.layers.Embedding(V, 32), keras.layers.LSTM(128)),
                        "expected Embedding"),
    "softmax missing": (lambda: _lstm(keras.layers.Embedding(V, 16), keras.layers.LSTM(128), act=None),
                        "expected softmax"),
    "return_sequences=True": (lambda: _lstm(keras.layers.Embedding(V, 16),
                                            keras.layers.LSTM(128, return_sequences=True)),
                              "last state only"),
    "256 units": (lambda: _lstm(keras.layers.Embedding(V, 16), keras.layers.LSTM(256)), "expected 128"),
}


def test_reference_models_pass():
    rx.check_simple_rnn(ref.build_simple_rnn(L, V), L, V)
    rx.check_lstm(ref.build_lstm(L, V), L, V)


def test_models_written_another_way_pass():
    inputs = keras.Input((L, V))
    hidden = keras.layers.SimpleRNN(128)(inputs)
    srnn = keras.Model(inputs, keras.layers.Dense(V, activation="softmax")(hidden))
    rx.check_simple_rnn(_compiled(srnn, optimizer="rmsprop"), L, V)
    lstm = keras.Sequential([keras.Input((L,)), keras.layers.Embedding(V, 16), keras.layers.LSTM(128),
                             keras.layers.Dense(V, "softmax")])
    rx.check_lstm(_compiled(lstm), L, V)


@pytest.mark.parametrize("mistake", MISTAKES_3A)
def test_simple_rnn_mistakes_are_caught(mistake):
    make, words = MISTAKES_3A[mistake]
    expect_caught(rx.check_simple_rnn, (make(), L, V), words)


@pytest.mark.parametrize("mistake", MISTAKES_3B)
def test_lstm_mistakes_are_caught(mistake):
    make, words = MISTAKES_3B[mistake]
    expect_caught(rx.check_lstm, (make(), L, V), words)


# --- Exercise 4 -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_models():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 6, 300)
    first, hit = (np.arange(300) < 150)[:, None], np.eye(6)[y]
    # Each model is right where the other is confidently wrong: the best mixture is inside (0, 1).
    p_rnn = 0.1 * rng.dirichlet(np.ones(6), 300) + np.where(first, 3 * hit, 0.1 * hit) + 0.2
    p_ngram = 0.1 * rng.dirichlet(np.ones(6), 300) + np.where(first, 0.1 * hit, 2 * hit) + 0.2
    p_rnn /= p_rnn.sum(axis=1, keepdims=True)
    p_ngram /= p_ngram.sum(axis=1, keepdims=True)
    return p_rnn, p_ngram, y, np.round(np.arange(0, 1.0001, 0.05), 2)


def _mix(m, bpc=None, choose=None):
    p_rnn, p_ngram, y, weights = m
    values = bpc or [bits_per_char(mixture(p_rnn, p_ngram, w), y) for w in weights]
    i = int(np.argmin(values))
    return values, (choose(values, i) if choose else float(weights[i]))


MISTAKES_4 = {
    "in nats": (lambda m: _mix(m, [np.log(2) * bits_per_char(mixture(m[0], m[1], w), m[2]) for w in m[3]]),
                "nats"),
    "weight on the n-gram": (lambda m: _mix(m, [bits_per_char(mixture(m[1], m[0], w), m[2]) for w in m[3]]),
                             "weight is on the n-gram"),
    "index, not weight": (lambda m: _mix(m, choose=lambda v, i: i), "index into weights"),
    "argmax": (lambda m: _mix(m, choose=lambda v, i: float(m[3][int(np.argmax(v))])), "lowest"),
    "mixture of log-probabilities": (lambda m: _mix(m, [float(-np.mean(
        w * np.log2(m[0][np.arange(300), m[2]]) + (1 - w) * np.log2(m[1][np.arange(300), m[2]])))
        for w in m[3]]), None),
    "bpc as a dict": (lambda m: ({float(w): b for w, b in zip(m[3], _mix(m)[0], strict=True)}, _mix(m)[1]),
                      "dict"),
}


def test_reference_mixture_passes(two_models):
    bpc, w = ref.choose_mixture(*two_models[:3], two_models[3])
    assert 0 < w < 1, "the fixture must make an inside weight best"
    rx.check_mixture(bpc, w, *two_models)


def test_mixture_written_another_way_passes(two_models):
    p_rnn, p_ngram, y, weights = two_models
    bpc = np.array([-np.log2((w * p_rnn + (1 - w) * p_ngram)[np.arange(len(y)), y]).mean() for w in weights])
    rx.check_mixture(bpc, weights[bpc.argmin()], *two_models)


@pytest.mark.parametrize("mistake", MISTAKES_4)
def test_mixture_mistakes_are_caught(mistake, two_models):
    make, words = MISTAKES_4[mistake]
    expect_caught(rx.check_mixture, (*make(two_models), *two_models), words)


# --- Exercise 5 -----------------------------------------------------------------------------------
CTX = 12


@pytest.fixture(scope="module")
def long_model():
    from course_utils.config import seed_everything
    seed_everything(0)
    inputs = keras.Input((None,), dtype="int32")
    z = keras.layers.LSTM(8, return_sequences=True)(keras.layers.Embedding(V, 4)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(V, activation="softmax")(z))
    ids = np.random.default_rng(2).integers(0, V, 40)
    return model, ref.next_probs_fn(model, every_position=True), ids


MISTAKES_5 = {
    "every position": (lambda m: (m.predict_on_batch, CTX), "keep the last one"),
    "first position": (lambda m: (lambda w: m.predict_on_batch(w)[:, 0], CTX), "after the first character"),
    "no batch axis": (lambda m: (lambda w: m.predict_on_batch(w)[0, -1], CTX), "batch axis"),
    "argmax one-hot": (lambda m: (lambda w: np.eye(V)[m.predict_on_batch(w)[:, -1].argmax(axis=1)], CTX),
                       "one-hot argmax"),
    "model fed what it does not read": (lambda m: (lambda w: m.predict_on_batch(np.eye(V)[w][:, :, :3]), CTX),
                                        "raised"),
    "context of the windowed models": (lambda m: (ref.next_probs_fn(m, every_position=True), 10), "context"),
}


def test_reference_next_probs_pass(long_model):
    model, reference, ids = long_model
    rx.check_next_probs(reference, CTX, reference, CTX, ids, V)


def test_next_probs_written_another_way_pass(long_model):
    model, reference, ids = long_model
    ops = keras.ops
    rx.check_next_probs(lambda w: ops.convert_to_numpy(model(w))[:, w.shape[1] - 1, :], CTX, reference, CTX,
                        ids, V)


@pytest.mark.parametrize("mistake", MISTAKES_5)
def test_next_probs_mistakes_are_caught(mistake, long_model):
    model, reference, ids = long_model
    make, words = MISTAKES_5[mistake]
    expect_caught(rx.check_next_probs, (*make(model), reference, CTX, ids, V), words)


# --- Exercise 6 -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def embedded():
    from course_utils.config import seed_everything
    seed_everything(0)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(20, 6),
                              keras.layers.LSTM(7, return_sequences=True),
                              keras.layers.Dense(20, activation="softmax")])
    return model, *ref.embedding_clusters(model)


def _k(E, k=6):
    from sklearn.cluster import KMeans
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(E)


MISTAKES_6 = {
    "Dense kernel": (lambda m, E, U, c: (m.layers[-1].get_weights()[0], U, c), "Dense"),
    "transposed": (lambda m, E, U, c: (E.T, U, c), "transposed"),
    "columns normalised": (lambda m, E, U, c: (E, E / np.linalg.norm(E, axis=0), c), "columns have unit"),
    "not normalised": (lambda m, E, U, c: (E, E, c), "E_unit is E"),
    "whole-matrix norm": (lambda m, E, U, c: (E, E / np.linalg.norm(E), c), "each row by its own norm"),
    "clustered E": (lambda m, E, U, c: (E, U, _k(E)), "clustered E"),
    "5 clusters": (lambda m, E, U, c: (E, U, _k(U, 5)), "expected 6"),
}


def test_reference_embedding_passes(embedded):
    model, E, U, c = embedded
    rx.check_embedding(E, U, c, model)


def test_embedding_written_another_way_passes(embedded):
    model = embedded[0]
    E = keras.ops.convert_to_numpy(model.layers[0].embeddings)
    U = E / np.sqrt((E**2).sum(axis=1))[:, None]
    rx.check_embedding(E, U, (_k(U) + 2) % 6, model)   # same groups, other numbering


@pytest.mark.parametrize("mistake", MISTAKES_6)
def test_embedding_mistakes_are_caught(mistake, embedded):
    make, words = MISTAKES_6[mistake]
    expect_caught(rx.check_embedding, (*make(*embedded), embedded[0]), words)
