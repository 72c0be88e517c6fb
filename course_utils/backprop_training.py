"""Notebook 1's reference training loops (exercises 1d and 2c), numpy only.

The notebook uses them while a student has not written their own loop
(:mod:`course_utils.exercises`), and the checkers of
:mod:`course_utils.backprop_exercises` hold the students' loops against them.
"""

from __future__ import annotations

import time

import numpy as np

from . import numpy_mlp as ref

History = dict[str, list[float]]
LR_KEYS = ("train_loss", "train_acc", "eval_loss", "eval_acc")
MLP_KEYS = (*LR_KEYS, "epoch_seconds")


def _progress(epochs: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(range(epochs), desc=desc, unit="epoch", mininterval=1.0)


def train_lr(X: np.ndarray, Y: np.ndarray, labels: np.ndarray, X_eval: np.ndarray,
             labels_eval: np.ndarray, *, epochs: int, eta: float, batch_size: int = 100,
             seed: int = 0) -> tuple[np.ndarray, np.ndarray, History]:
    """Reference of exercise 1d: mini-batch SGD for logistic regression from zero weights.

    Parameters
    ----------
    X : ndarray of shape (n, d), float32
    Y : ndarray of shape (n, k), one-hot
    labels : ndarray of shape (n,), int
    X_eval, labels_eval : ndarray of shape (m, d) and (m,)
    epochs, eta, batch_size, seed
        Passes over the data, learning rate, batch size, seed of the shuffling.

    Returns
    -------
    W : ndarray of shape (d, k), float32
    b : ndarray of shape (k,), float32
    history : dict of list of float
        ``train_loss``, ``train_acc`` (on all of X after each epoch), ``eval_loss``, ``eval_acc``.
    """
    rng = np.random.default_rng(seed)
    W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.zeros(Y.shape[1], dtype=np.float32)
    Y_eval = ref.one_hot(labels_eval, Y.shape[1])
    history: History = {key: [] for key in LR_KEYS}
    bar = _progress(epochs, "logistic regression (reference)")
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
        bar.set_postfix(eval_acc=f"{history['eval_acc'][-1]:.4f}", refresh=False)
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
        The progress bar's label.

    Returns
    -------
    history : dict of list of float
        ``train_loss`` and ``train_acc`` (means over the epoch's mini-batches, each measured before
        its update), ``eval_loss``, ``eval_acc`` (after the epoch), ``epoch_seconds`` (updates only).
    """
    rng = np.random.default_rng(seed)
    Y_eval = ref.one_hot(labels_eval, Y.shape[1])
    history: History = {key: [] for key in MLP_KEYS}
    bar = _progress(epochs, desc)
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
        bar.set_postfix(eval_acc=f"{history['eval_acc'][-1]:.4f}", refresh=False)
    return history
