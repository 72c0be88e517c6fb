"""Checks for the two LeNet-5 layers students write in notebook 5.

Each check works whatever the student's weight layout: it probes the layer
(zero input, one-hot inputs) to recover the function it computes, then
compares with the reference layers of :mod:`course_utils.lenet` on random
inputs. Every check prints one line and raises ``CheckError`` when wrong.
"""

from __future__ import annotations

import numpy as np

from .check import check_close, check_shape, check_that
from .config import import_keras
from .lenet import C3_TABLE


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


def check_subsampling_layer(layer_class) -> None:
    """Check a student's S2/S4 layer: 2 parameters per map, sum of 2x2 blocks x coefficient + bias."""
    ops = import_keras().ops

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 10, 10, 6)).astype("float32")
    layer = layer_class(activation=None)
    out = np.asarray(layer(x))
    check_shape("subsampling output", out, (3, 5, 5, 6))
    check_that(_trainable_count(layer) == 12,
            f"subsampling trainable parameters: {_trainable_count(layer)}, expected 12 (6 maps x 2)")
    # Give it random weights of its own, then read them back by probing.
    for w in layer.trainable_weights:
        w.assign(rng.normal(size=w.shape).astype("float32"))
    bias = np.asarray(layer(np.zeros((1, 2, 2, 6), "float32")))[0, 0, 0]
    coefficient = (np.asarray(layer(np.ones((1, 2, 2, 6), "float32")))[0, 0, 0] - bias) / 4
    block_sum = 4 * np.asarray(ops.average_pool(x, 2, 2))
    check_close("subsampling output", np.asarray(layer(x)), block_sum * coefficient + bias,
                rtol=1e-4, atol=1e-5)


def check_sparse_conv_layer(layer_class, table=C3_TABLE) -> None:
    """Check a student's C3 layer: 1,516 parameters, a convolution, zeros where the table says so."""
    ops = import_keras().ops

    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 14, 14, 6)).astype("float32")
    layer = layer_class(table, 5, activation=None)
    out = np.asarray(layer(x))
    check_shape("C3 output", out, (2, 10, 10, len(table)))
    n = _trainable_count(layer)
    want = sum(25 * len(t) + 1 for t in table)
    check_that(n == want, f"C3 trainable parameters: {n}, expected {want}")
    for w in layer.trainable_weights:
        w.assign(rng.normal(size=w.shape).astype("float32"))
    kernel, bias = probe_conv(layer, 6, 5)
    mask = np.zeros((6, len(table)), bool)
    for j, inputs in enumerate(table):
        mask[list(inputs), j] = True
    unused = float(np.abs(kernel[:, :, ~mask]).max())
    check_that(unused == 0.0, f"C3 weights from unconnected S2 maps: max |w| = {unused:.2g}, expected 0")
    used = int((np.abs(kernel[:, :, mask]) > 0).sum())
    check_that(used == 25 * mask.sum(), f"C3 non-zero weights: {used}, expected {25 * mask.sum()}")
    want_out = np.asarray(ops.conv(x, kernel, padding="valid")) + bias
    check_close("C3 output vs a full convolution with the same kernel", np.asarray(layer(x)),
                want_out, rtol=1e-3, atol=1e-3)
