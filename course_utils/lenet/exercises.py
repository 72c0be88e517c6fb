"""Checks for the two LeNet-5 layers students write in notebook 5.

Each check works whatever the student's weight layout: it probes the layer
(zero input, one-hot inputs) to recover the function it computes, then
compares with the reference layers of :mod:`course_utils.lenet.model` on random
inputs. Every check prints one line and raises ``CheckError`` when wrong.
"""

from __future__ import annotations

import numpy as np

from course_utils.check import check_close, check_shape, check_that
from course_utils.config import import_keras
from course_utils.lenet.model import C3_TABLE


def _trainable_count(layer) -> int:
    return sum(int(np.prod(w.shape)) for w in layer.trainable_weights)


def probe_conv(layer, in_channels: int, kernel_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Recover the kernel and bias of a 'valid' convolution layer without activation.

    Feeds a zero input (the output is the bias) and the ``k * k * in_channels``
    one-hot inputs of shape (k, k, in_channels), whose 1x1 outputs minus the bias
    are the kernel's entries.

    Returns
    -------
    kernel : ndarray of shape (kernel_size, kernel_size, in_channels, filters)
    bias : ndarray of shape (filters,)
    """
    k = kernel_size
    eye = np.eye(k * k * in_channels, dtype="float32").reshape(-1, k, k, in_channels)
    out = np.asarray(layer(np.concatenate([np.zeros((1, k, k, in_channels), "float32"), eye])))
    if out.shape[1:3] != (1, 1):
        raise ValueError(f"probe_conv: a {k}x{k} input should give a 1x1 output, got {out.shape[1:3]}")
    bias = out[0, 0, 0]
    kernel = (out[1:, 0, 0] - bias).reshape(k, k, in_channels, -1)
    return kernel, bias


def _close(a: np.ndarray, b: np.ndarray, tol: float = 1e-4) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=1e-5))


def check_subsampling_layer(layer_class) -> None:
    """Check a student's S2/S4 layer: 2 parameters per map, sum of 2x2 blocks x coefficient + bias.

    Checks the output shape, the parameter count, the initial values (c = 0.25, b = 0), then,
    with random weights of its own, that the output is ``c * block_sum + b`` for one of the two
    ways of reading its two weight vectors, and that ``activation`` is applied.
    """
    keras = import_keras()
    ops = keras.ops
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 10, 10, 6)).astype("float32")
    layer = layer_class(activation=None)
    out = np.asarray(layer(x))
    check_shape("subsampling output", out, (3, 5, 5, 6))
    n = _trainable_count(layer)
    hint = {6: "one vector of 6 only: declare a coefficient AND a bias per map",
            2: "one coefficient and one bias per map (shape (n_maps,)), not one per layer",
            0: "no trainable weight: declare them in build with self.add_weight"}.get(n, "")
    check_that(n == 12, f"subsampling trainable parameters: {n}, expected 12 (6 maps x 2)", hint=hint)
    block_sum = 4 * np.asarray(ops.average_pool(x, 2, 2))
    block_max = np.asarray(ops.max_pool(x, 2, 2))
    hint = ("the maximum of each block: LeNet-5 sums it" if _close(out, 0.25 * block_max)
            or _close(out, block_max) else
            "c must start at 0.25 (then the layer averages)" if _close(out, block_sum) else "")
    check_close("subsampling output at initialisation (c = 0.25, b = 0)", out, 0.25 * block_sum,
                rtol=1e-4, atol=1e-5, hint=hint)
    shapes = [tuple(w.shape) for w in layer.trainable_weights]
    check_that(shapes == [(6,), (6,)], f"subsampling weights: shapes {shapes}, expected [(6,), (6,)]",
               hint="a coefficient and a bias, each of shape (n_maps,)")
    w1, w2 = (rng.normal(size=(6,)).astype("float32") for _ in range(2))
    for w, value in zip(layer.trainable_weights, (w1, w2), strict=True):
        w.assign(value)
    out = np.asarray(layer(x))
    candidates = [block_sum * w1 + w2, block_sum * w2 + w1]
    want = min(candidates, key=lambda c: float(np.abs(out - c).max()))
    no_bias = _close(out, block_sum * w1) or _close(out, block_sum * w2)
    hint = ("the bias is declared but never added" if no_bias
            else "the coefficient is not used (c fixed at 0.25?)" if _close(out, 0.25 * block_sum + w1)
            or _close(out, 0.25 * block_sum + w2) else "")
    check_close("subsampling output with random weights (c * block sum + b)", out, want, rtol=1e-4,
                atol=1e-5, hint=hint)
    squashed = layer_class(activation=keras.activations.tanh)
    squashed(x)
    squashed.set_weights(layer.get_weights())
    check_close("subsampling output with activation=tanh", np.asarray(squashed(x)), np.tanh(out),
                rtol=1e-4, atol=1e-5, hint="the activation is not applied" if _close(
                    np.asarray(squashed(x)), out) else "")


def check_sparse_conv_layer(layer_class, table=C3_TABLE) -> None:
    """Check a student's C3 layer: 1,516 parameters, a convolution, zeros where the table says so."""
    keras = import_keras()
    ops = keras.ops
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 14, 14, 6)).astype("float32")
    layer = layer_class(table, 5, activation=None)
    out = np.asarray(layer(x))
    check_shape("C3 output", out, (2, 10, 10, len(table)))
    n = _trainable_count(layer)
    connections = sum(len(t) for t in table)
    want = 25 * connections + len(table)
    hint = {25 * 6 * len(table) + len(table): "a full 6-to-16 kernel: keep only the maps table[j] lists",
            25 * connections: "no bias: one per output map"}.get(n, "")
    check_that(n == want, f"C3 trainable parameters: {n}, expected {want}", hint=hint)
    for w in layer.trainable_weights:
        w.assign(rng.normal(size=w.shape).astype("float32"))
    kernel, bias = probe_conv(layer, 6, 5)
    mask = np.zeros((6, len(table)), bool)
    for j, inputs in enumerate(table):
        mask[list(inputs), j] = True
    unused = float(np.abs(kernel[:, :, ~mask]).max())
    wrong = sorted({int(j) for j in np.argwhere(np.abs(kernel).max(axis=(0, 1)) * ~mask > 0)[:, 1]})
    check_that(unused == 0.0, f"C3 weights from unconnected S2 maps: max |w| = {unused:.2g}, expected 0",
               hint=f"output maps {wrong} read S2 maps that table[j] does not list" if wrong else "")
    used = int((np.abs(kernel[:, :, mask]) > 0).sum())
    check_that(used == 25 * mask.sum(), f"C3 non-zero weights: {used}, expected {25 * mask.sum()}")
    check_that(float(np.abs(bias).max()) > 0,
               f"C3 bias read back after random weights: max |b| = {float(np.abs(bias).max()):.2g}, "
               "expected non-zero", hint="the bias is declared but never added")
    want_out = np.asarray(ops.conv(x, kernel, padding="valid")) + bias
    check_close("C3 output vs a full convolution with the same kernel", np.asarray(layer(x)),
                want_out, rtol=1e-3, atol=1e-3)
    squashed = layer_class(table, 5, activation=keras.activations.tanh)
    squashed(x)
    squashed.set_weights(layer.get_weights())
    got = np.asarray(squashed(x))
    check_close("C3 output with activation=tanh", got, np.tanh(want_out), rtol=1e-3, atol=1e-3,
                hint="the activation is not applied" if _close(got, want_out, 1e-3) else "")
