"""Notebook 1's MLP checkers (parts 2 and 3) against the reference and plausible student mistakes.

Every catalogued mistake must stop its checker (a mistake that passes is a failing test), and
the catalogue records the words the message must contain when the checker names the mistake.
"""

import numpy as np
import pytest
from conftest import assert_caught

from course_utils.backprop import mlp as ref
from course_utils.backprop import mlp_exercises as mx
from course_utils.backprop.training import train_mlp


def _backward_with(change):
    def backward(X, Y, H, Y_hat, params, alpha=0.0):
        grads = ref.mlp_backward(X, Y, H, Y_hat, params)
        return change(grads, params, alpha, (X, Y, H, Y_hat))
    return backward


def _l2(g, p, a, scale=2.0, keys=("W_h", "W_y")):
    return {k: v + scale * a * p[k] if k in keys else v for k, v in g.items()}


MISTAKES_2A = {
    "H is the pre-activation": ((ref.sigmoid,
                                 lambda X, p: (X @ p["W_h"] + p["b_h"], ref.mlp_forward(X, p)[1]),
                                 ref.mlp_backward), "pre-activation"),
    "b_h ignored": ((ref.sigmoid, lambda X, p: ref.mlp_forward(X, {**p, "b_h": 0 * p["b_h"]}),
                     ref.mlp_backward), "b_h is ignored"),
    "sigmoid sign": ((lambda U: 1 / (1 + np.exp(U)), ref.mlp_forward, ref.mlp_backward), "sigmoid"),
    "alpha ignored": ((ref.sigmoid, ref.mlp_forward, _backward_with(lambda g, p, a, d: g)),
                      "alpha is ignored"),
    "L2 term alpha W": ((ref.sigmoid, ref.mlp_forward, _backward_with(lambda g, p, a, d: _l2(g, p, a, 1.0))),
                        "2 * alpha * W"),
    "L2 on the biases": ((ref.sigmoid, ref.mlp_forward, _backward_with(
        lambda g, p, a, d: _l2(g, p, a, keys=tuple(p)))), "no L2 term on the biases"),
    "sigmoid derivative missing": ((ref.sigmoid, ref.mlp_forward, _backward_with(
        lambda g, p, a, d: _l2(mx.BUGGY_BACKWARDS["the sigmoid's derivative H * (1 - H) forgotten"](
            *d, p), p, a))), "H * (1 - H) is missing"),
    "1/N missing": ((ref.sigmoid, ref.mlp_forward, _backward_with(
        lambda g, p, a, d: _l2({k: v * len(d[0]) for k, v in g.items()}, p, a))), "a missing 1/5"),
    "dW_y transposed": ((ref.sigmoid, ref.mlp_forward, _backward_with(
        lambda g, p, a, d: _l2({**g, "W_y": g["W_y"].T}, p, a, keys=("W_h",)))), "transposed"),
}


def mlp_loss_mode(mode):
    """train_mlp with the epoch's training loss measured the wrong way."""
    def loop(params, X, Y, labels, X_eval, labels_eval, *, epochs, eta, batch_size=100, alpha=0.0, seed=0,
             desc=""):
        h = train_mlp(params, X, Y, labels, X_eval, labels_eval, epochs=0, eta=eta)
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(len(X))
            losses = []
            for s in range(0, len(X), batch_size):
                idx = order[s:s + batch_size]
                H, P = ref.mlp_forward(X[idx], params)
                losses.append(ref.cross_entropy(P, Y[idx]))
                for k, g in ref.mlp_backward(X[idx], Y[idx], H, P, params, alpha).items():
                    params[k] -= eta * g
            after = ref.cross_entropy(ref.mlp_forward(X, params)[1], Y)
            h["train_loss"].append(losses[-1] if mode == "last" else after)
            h["train_acc"].append(0.0)
            Pe = ref.mlp_forward(X_eval, params)[1]
            h["eval_loss"].append(ref.cross_entropy(Pe, ref.one_hot(labels_eval)))
            h["eval_acc"].append(ref.accuracy(Pe, labels_eval))
            h["epoch_seconds"].append(0.01)
        return h
    return loop


MISTAKES_2C = {
    "loss of the last mini-batch": (mlp_loss_mode("last"), "history['train_loss']"),
    "loss after the epoch": (mlp_loss_mode("after"), "the loss after the epoch"),
    "alpha not passed on": (lambda p, *a, alpha=0.0, **k: train_mlp(p, *a, **k), "alpha is ignored"),
    "eta ignored": (lambda p, *a, eta, **k: train_mlp(p, *a, eta=1.0, **k), "eta is ignored"),
    "batch_size ignored": (lambda p, *a, batch_size=100, **k: train_mlp(p, *a, **k), "batch_size is ignored"),
    "params copied, not updated": (lambda p, *a, **k: train_mlp({n: v.copy() for n, v in p.items()}, *a, **k),
                                   "update params in place"),
}


@pytest.mark.parametrize("case", MISTAKES_2A)
def test_2a_catalogue(case, capsys):
    functions, words = MISTAKES_2A[case]
    assert_caught(lambda: mx.check_mlp(*functions), words)


@pytest.mark.parametrize("case", MISTAKES_2C)
def test_2c_catalogue(case, digits, capsys):
    function, words = MISTAKES_2C[case]
    assert_caught(lambda: mx.check_train_mlp(function, digits[0], digits[2], min_accuracy=0.15), words)


def test_exercise_3(digits, capsys):
    X, Y, labels = digits
    alphas = [0.0, 1e-3]
    runs = {}
    for alpha in alphas:
        params = ref.init_mlp(784, 100, 10, "xavier", seed=0)
        runs[alpha] = (params, train_mlp(params, X[:300], Y[:300], labels[:300], X[1000:1200],
                                         labels[1000:1200], epochs=2, eta=1.0, alpha=alpha))
    params = {a: p for a, (p, _) in runs.items()}
    histories = {a: h for a, (_, h) in runs.items()}
    args = (alphas, 2, ref.mlp_forward, X[1000:1200], labels[1000:1200], X[1200:1500], labels[1200:1500])
    mx.check_l2_runs(params, histories, *args)
    on_test = {a: {**h, "eval_acc": [0.0, ref.accuracy(ref.mlp_forward(X[1200:1500], params[a])[1],
                                                        labels[1200:1500])]} for a, h in histories.items()}
    mistakes = {
        "evaluated on the test set": ((params, on_test), "measured on the test set"),
        "alpha not passed on": (({a: params[0.0] for a in alphas}, {a: histories[0.0] for a in alphas}),
                                "pass alpha=alpha"),
        "one alpha missing": (({0.0: params[0.0]}, {0.0: histories[0.0]}), "expected one per alpha"),
        "wrong number of epochs": ((params, {a: {k: v[:1] for k, v in h.items()}
                                             for a, h in histories.items()}),
                                   "one per epoch"),
    }
    for (p, h), words in mistakes.values():
        assert_caught(lambda p=p, h=h: mx.check_l2_runs(p, h, *args), words)


def test_the_references_pass(digits, capsys):
    X, Y, labels = digits
    mx.check_mlp(ref.sigmoid, ref.mlp_forward, ref.mlp_backward)
    mx.check_train_mlp(train_mlp, X, labels, min_accuracy=0.15)


def test_a_correct_training_loop_written_another_way_passes(digits, capsys):
    """Another shuffling convention, float64 sums, the history filled by hand."""
    def my_train_mlp(params, X, Y, labels, X_eval, labels_eval, *, epochs, eta, batch_size=100, alpha=0.0,
                     seed=0, desc=""):
        h = {k: [] for k in mx.MLP_KEYS}
        rng = np.random.default_rng(seed + 123)  # another shuffling convention
        for _ in range(epochs):
            idx_all = rng.permutation(len(X))
            total = hits = 0.0
            for batch in np.array_split(idx_all, int(np.ceil(len(X) / batch_size))):
                H, P = ref.mlp_forward(X[batch], params)
                total += ref.cross_entropy(P, Y[batch]) * len(batch)
                hits += np.sum(P.argmax(1) == labels[batch])
                grads = ref.mlp_backward(X[batch], Y[batch], H, P, params, alpha)
                for k in params:
                    params[k] -= eta * grads[k]
            Pe = ref.mlp_forward(X_eval, params)[1]
            h["train_loss"].append(total / len(X))
            h["train_acc"].append(hits / len(X))
            h["eval_loss"].append(ref.cross_entropy(Pe, ref.one_hot(labels_eval)))
            h["eval_acc"].append(ref.accuracy(Pe, labels_eval))
            h["epoch_seconds"].append(0.1)
        return h

    X, Y, labels = digits
    mx.check_train_mlp(my_train_mlp, X, labels, min_accuracy=0.15)
