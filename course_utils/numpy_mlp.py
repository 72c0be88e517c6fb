"""Reference numpy implementations for notebook 1 (logistic regression and a one-hidden-layer MLP).

Notebook 1 has students write these functions themselves; this module holds a
tested version that the notebook's check cells compare against and that
``python -m course_utils.bench backprop`` times. Names follow the notebook's
equations:

* logistic regression: ``S = X @ W + b``, ``Y_hat = softmax(S)``;
* MLP: ``U = X @ W_h + b_h``, ``H = sigmoid(U)``, ``V = H @ W_y + b_y``,
  ``Y_hat = softmax(V)``;
* the loss is the mean cross-entropy over the batch, plus optionally
  ``alpha * (||W_h||^2 + ||W_y||^2)`` (L2 weight decay, biases excluded).

Shapes: ``X`` is ``(N, D)``, one-hot targets ``Y`` are ``(N, K)``, biases are 1-D.
"""

from __future__ import annotations

import numpy as np

Params = dict[str, np.ndarray]
INIT_SCHEMES = ("zeros", "gaussian", "xavier")


def one_hot(labels: np.ndarray, num_classes: int = 10, dtype=np.float32) -> np.ndarray:
    """Integer labels ``(N,)`` to one-hot rows ``(N, num_classes)``."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"one_hot: labels must be 1-D, got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"one_hot: labels in [{labels.min()}, {labels.max()}], "
                         f"outside [0, {num_classes - 1}]")
    out = np.zeros((labels.size, num_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def softmax(S: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores ``(N, K)``, shifted by the row max so ``exp`` cannot overflow."""
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sigmoid(U: np.ndarray) -> np.ndarray:
    """Element-wise logistic function ``1 / (1 + exp(-U))``."""
    return 1 / (1 + np.exp(-U))


def cross_entropy(Y_hat: np.ndarray, Y: np.ndarray, eps: float = 1e-12) -> float:
    """Mean over rows of ``-sum_k Y[i, k] log Y_hat[i, k]``; ``eps`` guards ``log 0``."""
    if Y_hat.shape != Y.shape:
        raise ValueError(f"cross_entropy: Y_hat {Y_hat.shape} and Y {Y.shape} differ")
    return float(-np.sum(Y * np.log(Y_hat + eps)) / len(Y))


def accuracy(Y_hat: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max is the integer label."""
    return float(np.mean(np.argmax(Y_hat, axis=1) == labels))


def lr_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logistic regression probabilities ``softmax(X @ W + b)``, shape ``(N, K)``."""
    return softmax(X @ W + b)


def lr_gradients(X: np.ndarray, Y: np.ndarray, Y_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the mean cross-entropy: ``dW = X.T @ (Y_hat - Y) / N`` and ``db``.

    Returns
    -------
    dW : ndarray (D, K)
    db : ndarray (K,)
    """
    delta = (Y_hat - Y) / len(X)
    return X.T @ delta, delta.sum(axis=0)


def init_mlp(n_in: int, n_hidden: int, n_out: int, scheme: str = "xavier", *,
             std: float = 0.1, seed: int | None = 0, dtype=np.float32) -> Params:
    """Parameters of a one-hidden-layer MLP.

    Parameters
    ----------
    scheme : {"zeros", "gaussian", "xavier"}
        ``zeros``: every weight 0; ``gaussian``: N(0, ``std``^2);
        ``xavier``: Glorot's uniform law on ``[-a, a]``, ``a = sqrt(6 / (fan_in + fan_out))``.
        Biases always start at 0.

    Returns
    -------
    params : dict with ``W_h (n_in, n_hidden)``, ``b_h (n_hidden,)``, ``W_y (n_hidden, n_out)``,
        ``b_y (n_out,)``
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"init_mlp: scheme={scheme!r} is not one of {INIT_SCHEMES}")
    rng = np.random.default_rng(seed)
    params: Params = {}
    for name, (fan_in, fan_out) in (("h", (n_in, n_hidden)), ("y", (n_hidden, n_out))):
        if scheme == "zeros":
            W = np.zeros((fan_in, fan_out))
        elif scheme == "gaussian":
            W = rng.normal(0.0, std, (fan_in, fan_out))
        else:
            a = np.sqrt(6 / (fan_in + fan_out))
            W = rng.uniform(-a, a, (fan_in, fan_out))
        params[f"W_{name}"] = W.astype(dtype)
        params[f"b_{name}"] = np.zeros(fan_out, dtype=dtype)
    return params


def mlp_forward(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Hidden activations ``H (N, n_hidden)`` and probabilities ``Y_hat (N, K)``."""
    H = sigmoid(X @ params["W_h"] + params["b_h"])
    return H, softmax(H @ params["W_y"] + params["b_y"])


def mlp_loss(X: np.ndarray, Y: np.ndarray, params: Params, alpha: float = 0.0) -> float:
    """Mean cross-entropy plus ``alpha * (||W_h||^2 + ||W_y||^2)``."""
    _, Y_hat = mlp_forward(X, params)
    l2 = float(np.sum(params["W_h"] ** 2) + np.sum(params["W_y"] ** 2)) if alpha else 0.0
    return cross_entropy(Y_hat, Y) + alpha * l2


def mlp_backward(X: np.ndarray, Y: np.ndarray, H: np.ndarray, Y_hat: np.ndarray, params: Params,
                 alpha: float = 0.0) -> Params:
    """Backpropagation through the MLP; gradients named like the parameters.

    ``delta_y = (Y_hat - Y) / N``, ``dW_y = H.T @ delta_y``,
    ``delta_h = delta_y @ W_y.T * H * (1 - H)``, ``dW_h = X.T @ delta_h``,
    plus ``2 * alpha * W`` on the weights when ``alpha > 0``.
    """
    delta_y = (Y_hat - Y) / len(X)
    delta_h = (delta_y @ params["W_y"].T) * H * (1 - H)
    grads = {"W_h": X.T @ delta_h, "b_h": delta_h.sum(axis=0),
             "W_y": H.T @ delta_y, "b_y": delta_y.sum(axis=0)}
    if alpha:
        grads["W_h"] = grads["W_h"] + 2 * alpha * params["W_h"]
        grads["W_y"] = grads["W_y"] + 2 * alpha * params["W_y"]
    return grads


def mlp_sgd_epoch(X: np.ndarray, Y: np.ndarray, params: Params, *, eta: float, batch_size: int = 100,
                  seed: int | None = 0, alpha: float = 0.0) -> Params:
    """One epoch of mini-batch SGD on a shuffled copy of the order; updates ``params`` in place.

    Returns
    -------
    params : the same dict, for chaining.
    """
    if batch_size < 1:
        raise ValueError(f"mlp_sgd_epoch: batch_size={batch_size} must be >= 1")
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        Xb, Yb = X[idx], Y[idx]
        H, Y_hat = mlp_forward(Xb, params)
        grads = mlp_backward(Xb, Yb, H, Y_hat, params, alpha)
        for name, g in grads.items():
            params[name] -= eta * g
    return params
