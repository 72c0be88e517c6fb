"""Notebook 1's reference training loops (exercises 1d and 2c), numpy only.

The notebook uses them while a student has not written their own loop
(:mod:`course_utils.exercises`), and the checkers of :mod:`course_utils.backprop.exercises`
and :mod:`course_utils.backprop.mlp_exercises` hold the students' loops against them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.backprop import mlp as ref
from course_utils.progress import Progress

History = dict[str, list[float]]
LR_KEYS = ("train_loss", "train_acc", "eval_loss", "eval_acc")
MLP_KEYS = (*LR_KEYS, "epoch_seconds")


def train_lr(X: np.ndarray, Y: np.ndarray, labels: np.ndarray, X_eval: np.ndarray,
             labels_eval: np.ndarray, *, epochs: int, eta: float, batch_size: int = 100,
             seed: int = 0) -> tuple[np.ndarray, np.ndarray, History]:
    """Reference of exercise 1d: mini-batch SGD for logistic regression from zero weights.

    Parameters
    ----------
    X : ndarray of shape (n, d), dtype float32
    Y : ndarray of shape (n, k), one-hot
    labels : ndarray of shape (n,), dtype int
    X_eval, labels_eval : ndarray of shape (m, d) and (m,)
    epochs, eta, batch_size, seed
        Passes over the data, learning rate, batch size, seed of the shuffling.

    Returns
    -------
    W : ndarray of shape (d, k), dtype float32
    b : ndarray of shape (k,), dtype float32
    history : dict of list of float
        ``train_loss``, ``train_acc`` (on all of X after each epoch), ``eval_loss``, ``eval_acc``.
    """
    rng = np.random.default_rng(seed)
    W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.zeros(Y.shape[1], dtype=np.float32)
    Y_eval = ref.one_hot(labels_eval, Y.shape[1])
    history: History = {key: [] for key in LR_KEYS}
    bar = Progress("logistic regression (reference)", epochs)
    for _ in bar:
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            dW, db = ref.lr_gradients(X[idx], Y[idx], ref.lr_forward(X[idx], W, b))
            W -= eta * dW
            b -= eta * db
        for split, (Xs, Ys, ls) in (("train", (X, Y, labels)), ("eval", (X_eval, Y_eval, labels_eval))):
            P = ref.lr_forward(Xs, W, b)
            history[f"{split}_loss"].append(ref.cross_entropy(P, Ys))
            history[f"{split}_acc"].append(ref.accuracy(P, ls))
        bar.set_postfix(loss=history["train_loss"][-1], eval_acc=history["eval_acc"][-1])
    return W, b, history


def train_mlp(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, labels: np.ndarray,
              X_eval: np.ndarray, labels_eval: np.ndarray, *, epochs: int, eta: float,
              batch_size: int = 100, alpha: float = 0.0, seed: int = 0, desc: str = "MLP") -> History:
    """Reference of exercise 2c: mini-batch SGD for the MLP, ``params`` updated in place.

    Parameters
    ----------
    params : dict of ndarray
        ``W_h (d, h)``, ``b_h (h,)``, ``W_y (h, k)``, ``b_y (k,)``, updated in place.
    X, Y, labels, X_eval, labels_eval, epochs, eta, batch_size, seed
        As in :func:`train_lr`.
    alpha : float, default=0.0
        L2 weight decay, passed to the backward pass.
    desc : str
        The progress line's label (:class:`~course_utils.progress.Progress`).

    Returns
    -------
    history : dict of list of float
        ``train_loss`` and ``train_acc`` (means over the epoch's mini-batches, each measured before
        its update), ``eval_loss``, ``eval_acc`` (after the epoch), ``epoch_seconds`` (updates only).
    """
    rng = np.random.default_rng(seed)
    Y_eval = ref.one_hot(labels_eval, Y.shape[1])
    history: History = {key: [] for key in MLP_KEYS}
    bar = Progress(desc, epochs)
    for _ in bar:
        start_time = time.perf_counter()
        order = rng.permutation(len(X))
        loss_sum = correct = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            H, Y_hat = ref.mlp_forward(X[idx], params)
            loss_sum += ref.cross_entropy(Y_hat, Y[idx]) * len(idx)
            correct += float(np.sum(Y_hat.argmax(axis=1) == labels[idx]))
            for key, grad in ref.mlp_backward(X[idx], Y[idx], H, Y_hat, params, alpha).items():
                params[key] -= eta * grad
        history["epoch_seconds"].append(time.perf_counter() - start_time)
        history["train_loss"].append(loss_sum / len(X))
        history["train_acc"].append(correct / len(X))
        Y_hat_eval = ref.mlp_forward(X_eval, params)[1]
        history["eval_loss"].append(ref.cross_entropy(Y_hat_eval, Y_eval))
        history["eval_acc"].append(ref.accuracy(Y_hat_eval, labels_eval))
        bar.set_postfix(loss=history["train_loss"][-1], eval_acc=history["eval_acc"][-1])
    return history


def l2_runs(train_mlp: Callable, alphas: list[float], X: np.ndarray, Y: np.ndarray, labels: np.ndarray,
            X_val: np.ndarray, labels_val: np.ndarray, *, epochs: int) -> tuple[dict, dict]:
    """Reference of exercise 3: one MLP per L2 strength, each evaluated on the validation split.

    Returns
    -------
    params, histories : dict of float to dict
        ``params[alpha]`` (Xavier, seed 0, trained with eta=1.0, batches of 100) and its history.
    """
    params, histories = {}, {}
    for alpha in alphas:
        params[alpha] = ref.init_mlp(X.shape[1], 100, Y.shape[1], "xavier", seed=0)
        histories[alpha] = train_mlp(params[alpha], X, Y, labels, X_val, labels_val, epochs=epochs,
                                     eta=1.0, alpha=alpha, desc=f"alpha={alpha:g} (reference)")
    return params, histories


def xor_models(X: np.ndarray, Y: np.ndarray, hand: dict[str, np.ndarray]) -> dict[str, Callable]:
    """The lecture's XOR demonstration: three classifiers of the plane, as prediction functions.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    Y : ndarray of shape (n, 2), one-hot
    hand : dict of ndarray
        A 2-2-2 MLP's parameters set by hand (``W_h``, ``b_h``, ``W_y``, ``b_y``).

    Returns
    -------
    models : dict of str to callable
        Each maps points of shape (m, 2) to class probabilities of shape (m, 2): a logistic
        regression after 2,000 full-batch steps (eta = 1), the hand-set MLP, and a 2-4-2 MLP after
        300 epochs of SGD (batches of 10, eta = 1).
    """
    W, b = np.zeros((2, 2)), np.zeros(2)
    for _ in range(2000):
        dW, db = ref.lr_gradients(X, Y, ref.lr_forward(X, W, b))
        W -= dW
        b -= db
    mlp = ref.init_mlp(2, 4, 2, "xavier", seed=1, dtype=float)
    for epoch in range(300):
        ref.mlp_sgd_epoch(X, Y, mlp, eta=1.0, batch_size=10, seed=epoch)
    return {"logistic regression": lambda P: ref.lr_forward(P, W, b),
            "MLP 2-2-2, weights by hand": lambda P: ref.mlp_forward(P, hand)[1],
            "MLP 2-4-2, trained": lambda P: ref.mlp_forward(P, mlp)[1]}


def sgd_loss_curves(X: np.ndarray, Y: np.ndarray, batch_sizes: dict[str, int], *, epochs: int = 10,
                    eta: float = 0.1, seed: int = 0, points: int = 40,
                    checkpoints: tuple[int, ...] = ()) -> dict[str, dict[str, Any]]:
    """Logistic regression from zero weights with several batch sizes, the loss sampled per update.

    The training loss (on all of ``X``) is measured after every epoch and at about ``points``
    update counts spread on a log scale (and at ``checkpoints``), so that curves can be compared
    per epoch and per update.

    Returns
    -------
    curves : dict of str to dict
        Per name: ``updates`` (ndarray of shape (m,), dtype int), ``loss`` (ndarray of shape (m,)),
        ``epoch_loss`` (ndarray of shape (epochs + 1,)), ``seconds`` (updates only, measurements
        excluded).
    """
    out = {}
    for name, batch in batch_sizes.items():
        per_epoch = -(-len(X) // batch)
        total = epochs * per_epoch
        wanted = (set(np.geomspace(1, total, points).astype(int)) | set(range(0, total + 1, per_epoch))
                  | set(checkpoints))
        W, b = np.zeros((X.shape[1], Y.shape[1]), X.dtype), np.zeros(Y.shape[1], X.dtype)
        rng, step, seconds = np.random.default_rng(seed), 0, 0.0
        updates, losses = [0], [ref.cross_entropy(ref.lr_forward(X, W, b), Y)]
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), batch):
                tic = time.perf_counter()
                idx = order[start:start + batch]
                dW, db = ref.lr_gradients(X[idx], Y[idx], ref.lr_forward(X[idx], W, b))
                W -= eta * dW
                b -= eta * db
                seconds += time.perf_counter() - tic
                step += 1
                if step in wanted:
                    updates.append(step)
                    losses.append(ref.cross_entropy(ref.lr_forward(X, W, b), Y))
        updates_arr, loss_arr = np.array(updates), np.array(losses)
        out[name] = {"updates": updates_arr, "loss": loss_arr, "seconds": seconds,
                     "epoch_loss": loss_arr[updates_arr % per_epoch == 0]}
    return out


def seed_spread(seeds: list[int], *, mlp_epochs: int) -> dict[str, list[float]]:
    """Accuracies of the reference loops over seeds, on MNIST: what notebook 1's thresholds rest on.

    ``check_lr``/``check_mlp``: 2 epochs on the first 1,000 training images, accuracy on the next 500
    (what the checkers of exercises 1d and 2c run). ``final_lr``/``final_mlp``: the notebook's final
    models (20 epochs; ``mlp_epochs``) on the 60,000 training images, accuracy on the 10,000 test
    images. Each seed draws the initial weights (MLP) and the data order.
    """
    from course_utils.data import load_mnist
    from course_utils.mnist import prepare

    (x_train, y_train), (x_test, y_test) = load_mnist()
    X, Xt = prepare(x_train), prepare(x_test)
    Y = ref.one_hot(y_train)
    out: dict[str, list[float]] = {"check_lr": [], "check_mlp": [], "final_lr": [], "final_mlp": []}
    for seed in seeds:
        small = (X[:1000], Y[:1000], y_train[:1000], X[1000:1500], y_train[1000:1500])
        out["check_lr"].append(train_lr(*small, epochs=2, eta=0.1, seed=seed)[2]["eval_acc"][-1])
        out["check_mlp"].append(train_mlp(ref.init_mlp(784, 100, 10, "xavier", seed=seed), *small, epochs=2,
                                          eta=1.0, seed=seed)["eval_acc"][-1])
        final_lr = train_lr(X, Y, y_train, Xt, y_test, epochs=20, eta=0.1, seed=seed)
        out["final_lr"].append(final_lr[2]["eval_acc"][-1])
        out["final_mlp"].append(train_mlp(ref.init_mlp(784, 100, 10, "xavier", seed=seed), X, Y, y_train, Xt,
                                          y_test, epochs=mlp_epochs, eta=1.0, seed=seed)["eval_acc"][-1])
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils.backprop.training",
                                     description="Spread of notebook 1's reference accuracies over seeds.")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--mlp-epochs", type=int, default=26, help="the final MLP's epochs (notebook 1)")
    args = parser.parse_args(argv)
    spread = seed_spread(list(range(args.seeds)), mlp_epochs=args.mlp_epochs)
    print(f"reference accuracy over seeds 0..{args.seeds - 1} (MNIST, float32, numpy)")
    for name, values in spread.items():
        print(f"{name:10s} " + " ".join(f"{v:.4f}" for v in values)
              + f"   min {min(values):.4f}  mean {np.mean(values):.4f}  max {max(values):.4f}")


if __name__ == "__main__":
    main()
