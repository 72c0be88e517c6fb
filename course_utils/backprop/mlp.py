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

Every function checks what it is given (:mod:`course_utils.validate`: shapes,
label formats, probabilities vs scores, swapped arguments, None from a
forgotten ``return``) and raises a :class:`~course_utils.errors.CourseValueError`
or :class:`~course_utils.errors.CourseTypeError` naming the bad argument; the
checks are O(1) or one pass over (N, K) arrays, and :func:`mlp_sgd_epoch`
checks once per epoch, not per mini-batch.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils import validate as v
from course_utils.errors import CourseTypeError, CourseValueError

Params = dict[str, np.ndarray]
INIT_SCHEMES = ("zeros", "gaussian", "xavier", "tp_xavier")


def one_hot(labels: np.ndarray, num_classes: int = 10, dtype=np.float32) -> np.ndarray:
    """Integer labels ``(N,)`` to one-hot rows ``(N, num_classes)``."""
    if not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise CourseValueError(f"one_hot: num_classes={num_classes!r}; expected an integer >= 1")
    labels = v.labels(labels, "labels", "one_hot", k=num_classes)
    out = np.zeros((labels.size, num_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def softmax(S: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores ``(N, K)``, shifted by the row max so ``exp`` cannot overflow."""
    S = v.floats(S, "S", "softmax")
    if S.ndim != 2:
        raise CourseValueError(f"softmax: S has {v.describe(S)}; softmax works on the rows of "
                               "scores (N, K): for one example use S[None, :]")
    return _softmax(S)


def _softmax(S: np.ndarray) -> np.ndarray:
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sigmoid(U: np.ndarray) -> np.ndarray:
    """Element-wise logistic function ``1 / (1 + exp(-U))``."""
    return _sigmoid(v.floats(U, "U", "sigmoid"))


def _sigmoid(U: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-U))


def cross_entropy(Y_hat: np.ndarray, Y: np.ndarray, eps: float = 1e-12) -> float:
    """Mean over rows of ``-sum_k Y[i, k] log Y_hat[i, k]``; ``eps`` guards ``log 0``.

    ``Y_hat`` holds probabilities (rows summing to 1), ``Y`` one-hot targets, both (N, K).
    """
    Y_hat = v.probabilities(Y_hat, "Y_hat", "cross_entropy")
    Y = v.probabilities(Y, "Y", "cross_entropy", targets=True)
    if Y_hat.shape != Y.shape:
        raise CourseValueError(f"cross_entropy: Y_hat {Y_hat.shape} and Y {Y.shape} differ")
    v.not_swapped(Y_hat, Y, "cross_entropy")
    return _cross_entropy(Y_hat, Y, eps)


def _cross_entropy(Y_hat: np.ndarray, Y: np.ndarray, eps: float = 1e-12) -> float:
    return float(-np.sum(Y * np.log(Y_hat + eps)) / len(Y))


def accuracy(Y_hat: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows of ``Y_hat`` (N, K) whose arg-max is the integer label (``labels`` (N,))."""
    Y_hat = v.array(Y_hat, "Y_hat", "accuracy")
    if Y_hat.ndim != 2:
        raise CourseValueError(f"accuracy: Y_hat has {v.describe(Y_hat)}; expected probabilities "
                               "or scores (N, K) first, integer labels (N,) second (swapped?)")
    labels = v.labels(labels, "labels", "accuracy", n=len(Y_hat), k=Y_hat.shape[1])
    return float(np.mean(np.argmax(Y_hat, axis=1) == labels))


def _check_lr(X, W, b, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = v.batch(X, "X", func)
    W = v.matrix(W, "W", func, X.shape[1], f"X has {X.shape[1]} columns")
    return X, W, v.bias(b, "b", func, W.shape[1])


def lr_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logistic regression probabilities ``softmax(X @ W + b)``, shape ``(N, K)``."""
    X, W, b = _check_lr(X, W, b, "lr_forward")
    return _softmax(X @ W + b)


def _check_targets(Y, Y_hat, n: int, k: int | None, func: str) -> tuple[np.ndarray, np.ndarray]:
    # Once per mini-batch, so O(1) in N: Y's shape, Y_hat's first row, the swap test.
    Y = v.probabilities(Y, "Y", func, targets=True, rows="none")
    Y_hat = v.probabilities(Y_hat, "Y_hat", func, rows="first")
    k = Y_hat.shape[1] if k is None else k
    for name, a in (("Y", Y), ("Y_hat", Y_hat)):
        if a.shape != (n, k):
            raise CourseValueError(f"{func}: {name} has {v.describe(a)}; expected ({n}, {k}): one "
                                   "row per example of X, one column per class")
    v.not_swapped(Y_hat, Y, func)
    return Y, Y_hat


def lr_gradients(X: np.ndarray, Y: np.ndarray, Y_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the mean cross-entropy: ``dW = X.T @ (Y_hat - Y) / N`` and ``db``.

    Returns
    -------
    dW : ndarray of shape (D, K)
    db : ndarray of shape (K,)
    """
    X = v.batch(X, "X", "lr_gradients")
    Y, Y_hat = _check_targets(Y, Y_hat, len(X), None, "lr_gradients")
    delta = (Y_hat - Y) / len(X)
    return X.T @ delta, delta.sum(axis=0)


def init_mlp(n_in: int, n_hidden: int, n_out: int, scheme: str = "xavier", *,
             std: float = 0.1, seed: int | None = 0, dtype=np.float32) -> Params:
    """Parameters of a one-hidden-layer MLP.

    Parameters
    ----------
    scheme : {"zeros", "gaussian", "xavier", "tp_xavier"}
        ``zeros``: every weight 0; ``gaussian``: N(0, ``std``^2);
        ``xavier``: Glorot's uniform law on ``[-a, a]``, ``a = sqrt(6 / (fan_in + fan_out))``;
        ``tp_xavier``: the original practical's rule, N(0, 1) / sqrt(fan_in) (LeCun's normal law).
        Biases always start at 0.

    Returns
    -------
    params : dict with ``W_h (n_in, n_hidden)``, ``b_h (n_hidden,)``, ``W_y (n_hidden, n_out)``,
        ``b_y (n_out,)``
    """
    if scheme not in INIT_SCHEMES:
        raise CourseValueError(f"init_mlp: scheme={scheme!r} is not one of {INIT_SCHEMES}")
    for name, n in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        if not isinstance(n, numbers.Integral) or n < 1:
            raise CourseValueError(f"init_mlp: {name}={n!r}; expected an integer >= 1")
    rng = np.random.default_rng(seed)
    params: Params = {}
    for name, (fan_in, fan_out) in (("h", (n_in, n_hidden)), ("y", (n_hidden, n_out))):
        if scheme == "zeros":
            W = np.zeros((fan_in, fan_out))
        elif scheme == "gaussian":
            W = rng.normal(0.0, std, (fan_in, fan_out))
        elif scheme == "tp_xavier":
            W = rng.normal(0.0, 1.0, (fan_in, fan_out)) / np.sqrt(fan_in)
        else:
            a = np.sqrt(6 / (fan_in + fan_out))
            W = rng.uniform(-a, a, (fan_in, fan_out))
        params[f"W_{name}"] = W.astype(dtype)
        params[f"b_{name}"] = np.zeros(fan_out, dtype=dtype)
    return params


def _check_mlp(X, params, func: str) -> tuple[np.ndarray, int]:
    X = v.batch(X, "X", func)
    return X, v.mlp_params(params, func, X.shape[1])[1]


def mlp_forward(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Hidden activations ``H (N, n_hidden)`` and probabilities ``Y_hat (N, K)``."""
    X, _ = _check_mlp(X, params, "mlp_forward")
    return _mlp_forward(X, params)


def _mlp_forward(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    H = _sigmoid(X @ params["W_h"] + params["b_h"])
    return H, _softmax(H @ params["W_y"] + params["b_y"])


def mlp_loss(X: np.ndarray, Y: np.ndarray, params: Params, alpha: float = 0.0) -> float:
    """Mean cross-entropy plus ``alpha * (||W_h||^2 + ||W_y||^2)``."""
    X, k = _check_mlp(X, params, "mlp_loss")
    Y = _check_one_hot(Y, len(X), k, "mlp_loss")
    _, Y_hat = _mlp_forward(X, params)
    l2 = float(np.sum(params["W_h"] ** 2) + np.sum(params["W_y"] ** 2)) if alpha else 0.0
    return _cross_entropy(Y_hat, Y) + alpha * l2


def _check_one_hot(Y, n: int, k: int, func: str) -> np.ndarray:
    Y = v.probabilities(Y, "Y", func, targets=True)
    if Y.shape != (n, k):
        raise CourseValueError(f"{func}: Y has {v.describe(Y)}; expected ({n}, {k}): one row per "
                               "example of X, one column per output of W_y")
    return Y


def mlp_backward(X: np.ndarray, Y: np.ndarray, H: np.ndarray, Y_hat: np.ndarray, params: Params,
                 alpha: float = 0.0) -> Params:
    """Backpropagation through the MLP; gradients named like the parameters.

    ``delta_y = (Y_hat - Y) / N``, ``dW_y = H.T @ delta_y``,
    ``delta_h = delta_y @ W_y.T * H * (1 - H)``, ``dW_h = X.T @ delta_h``,
    plus ``2 * alpha * W`` on the weights when ``alpha > 0``.
    """
    X, k = _check_mlp(X, params, "mlp_backward")
    Y, Y_hat = _check_targets(Y, Y_hat, len(X), k, "mlp_backward")
    H = v.array(H, "H", "mlp_backward")
    hidden = params["W_h"].shape[1]
    if H.shape != (len(X), hidden):
        raise CourseValueError(f"mlp_backward: H has {v.describe(H)}; expected ({len(X)}, {hidden}), "
                               "the hidden activations returned by mlp_forward (swapped with Y_hat?)")
    return _mlp_backward(X, Y, H, Y_hat, params, alpha)


def _mlp_backward(X: np.ndarray, Y: np.ndarray, H: np.ndarray, Y_hat: np.ndarray, params: Params,
                  alpha: float) -> Params:
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

    The arguments are checked once, before the first mini-batch.

    Returns
    -------
    params : the same dict, for chaining.
    """
    func = "mlp_sgd_epoch"
    if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise CourseValueError(f"{func}: batch_size={batch_size!r} must be an integer >= 1")
    for name, value in (("eta", eta), ("alpha", alpha)):
        if not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
            raise CourseValueError(f"{func}: {name}={value!r}; expected a finite number >= 0")
    X, k = _check_mlp(X, params, func)
    Y = _check_one_hot(Y, len(X), k, func)
    for name in ("W_h", "b_h", "W_y", "b_y"):
        if not isinstance(params[name], np.ndarray) or params[name].dtype.kind != "f":
            raise CourseTypeError(f"{func}: params[{name!r}] is not a float array "
                                  f"({type(params[name]).__name__}, updated in place): use "
                                  "init_mlp, or np.asarray(..., dtype=np.float32)")
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        Xb, Yb = X[idx], Y[idx]
        H, Y_hat = _mlp_forward(Xb, params)
        grads = _mlp_backward(Xb, Yb, H, Y_hat, params, alpha)
        for name, g in grads.items():
            params[name] -= eta * g
    return params
