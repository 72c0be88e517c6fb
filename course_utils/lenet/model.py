"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998) rebuilt in Keras.

Reference versions of the two layers that Keras does not have, the input
format and the model builder of notebook 5::

    from course_utils.lenet.model import build_lenet5, to_lenet_input
    model = build_lenet5()

The per-layer parameter / connection table is in :mod:`course_utils.lenet.counts`.

The Keras layers (:class:`Subsampling`, :class:`SparseConv2D`,
:class:`RBFOutput`) and the activation :func:`scaled_tanh` are registered
Keras objects (package ``course_utils``) with a ``get_config``, so a LeNet-5
saves to a ``.keras`` file and loads back. This module imports Keras.
Everything uses ``keras.ops`` and runs on the TensorFlow and JAX backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from course_utils.config import import_keras, seed_everything
from course_utils.mnist import prepare

keras = import_keras()
ops = keras.ops
serializable = keras.saving.register_keras_serializable(package="course_utils")

#: S2 maps read by each of the 16 C3 maps (Table I of the paper).
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)

#: Amplitude and slope of the paper's squashing function f(a) = A tanh(S a).
TANH_A, TANH_S = 1.7159, 2.0 / 3.0

# 7x12 target bitmaps of the optional RBF output layer ('#' = +1, '.' = -1),
# drawn for this course in the spirit of the paper's Fig. 3.
_BITMAPS = (
    ".#####.|##...##|##...##|##...##|##...##|##...##|##...##|##...##|##...##|##...##|.#####.|.......",
    "...##..|..###..|.####..|...##..|...##..|...##..|...##..|...##..|...##..|...##..|.######|.......",
    ".#####.|##...##|.....##|.....##|....##.|...##..|..##...|.##....|##.....|##.....|#######|.......",
    ".#####.|##...##|.....##|.....##|..####.|.....##|.....##|.....##|.....##|##...##|.#####.|.......",
    "....##.|...###.|..####.|.##.##.|##..##.|##..##.|#######|....##.|....##.|....##.|....##.|.......",
    "#######|##.....|##.....|##.....|######.|.....##|.....##|.....##|.....##|##...##|.#####.|.......",
    "..####.|.##....|##.....|##.....|######.|##...##|##...##|##...##|##...##|##...##|.#####.|.......",
    "#######|.....##|....##.|....##.|...##..|...##..|..##...|..##...|..##...|..##...|..##...|.......",
    ".#####.|##...##|##...##|##...##|.#####.|##...##|##...##|##...##|##...##|##...##|.#####.|.......",
    ".#####.|##...##|##...##|##...##|##...##|.######|.....##|.....##|.....##|....##.|.####..|.......",
)


def digit_bitmaps() -> np.ndarray:
    """The fixed targets of the RBF output layer.

    Returns
    -------
    bitmaps : ndarray of shape (10, 84), values -1.0 or +1.0
        Row ``d`` is digit ``d`` drawn on 12 rows of 7 pixels, row-major.
    """
    rows = [[1.0 if c == "#" else -1.0 for c in text.replace("|", "")] for text in _BITMAPS]
    return np.asarray(rows, dtype=np.float32)


def to_lenet_input(images: np.ndarray) -> np.ndarray:
    """MNIST digits as LeNet-5 reads them: 32x32, background -0.1, ink 1.175.

    ``course_utils.mnist.prepare(images, layout="lenet")``, under the name the
    notebook uses.

    Parameters
    ----------
    images : ndarray of shape (n, 28, 28), dtype uint8 in [0, 255]

    Returns
    -------
    x : ndarray of shape (n, 32, 32, 1), dtype float32
        Padded with 2 background pixels on each side, then linearly mapped so
        that 0 becomes -0.1 and 255 becomes 1.175 (mean about 0, variance about 1).
    """
    return prepare(images, layout="lenet")


@serializable
def scaled_tanh(a: Any) -> Any:
    """The paper's activation ``1.7159 * tanh(2 a / 3)`` (keras.ops, any backend)."""
    return TANH_A * ops.tanh(TANH_S * a)


def sparse_kernel_index(table: Sequence[Sequence[int]], in_channels: int, kernel_size: int
                        ) -> np.ndarray:
    """Where each entry of a full conv kernel is found in a sparse layer's weight vector.

    Parameters
    ----------
    table : sequence of length ``filters``
        ``table[j]`` lists the input maps that output map ``j`` reads.
    in_channels, kernel_size : int

    Returns
    -------
    index : ndarray of shape (kernel_size, kernel_size, in_channels, filters), dtype int32
        0 where output map ``j`` ignores an input map; otherwise ``1 + position``
        in the flat weight vector (of length ``kernel_size**2 * sum(len(t))``),
        which stores each connected (output, input) pair's k x k kernel in turn.
    """
    k = int(kernel_size)
    index = np.zeros((k, k, in_channels, len(table)), dtype=np.int32)
    position = 1
    for j, inputs in enumerate(table):
        if len(set(inputs)) != len(inputs) or not all(0 <= i < in_channels for i in inputs):
            raise ValueError(f"sparse_kernel_index: table[{j}]={tuple(inputs)} must list distinct "
                             f"input maps in 0..{in_channels - 1}")
        for i in inputs:
            index[:, :, i, j] = np.arange(position, position + k * k).reshape(k, k)
            position += k * k
    return index


def _activation(activation: Any) -> Any:
    """None stays None (no activation); a name or a serialized config becomes the function."""
    return None if activation is None else keras.activations.get(activation)


def _activation_config(activation: Any) -> Any:
    return None if activation is None else keras.activations.serialize(activation)


@serializable
class Subsampling(keras.layers.Layer):
    """S2/S4: sum of each 2x2 block, times a trainable coefficient, plus a bias, per map.

    Input (batch, h, w, c) -> output (batch, h // 2, w // 2, c); 2 c parameters.

    Parameters
    ----------
    activation : callable, str or None
        Applied after the bias (the paper's :func:`scaled_tanh`); None for none.
    """

    def __init__(self, activation: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = _activation(activation)

    def build(self, input_shape: tuple) -> None:
        c = input_shape[-1]
        self.coefficient = self.add_weight(shape=(c,), initializer=keras.initializers.Constant(0.25),
                                           name="coefficient")
        self.bias = self.add_weight(shape=(c,), initializer="zeros", name="bias")

    def call(self, x: Any) -> Any:
        block_sum = 4.0 * ops.average_pool(x, pool_size=2, strides=2, padding="valid")
        a = block_sum * self.coefficient + self.bias
        return a if self.activation is None else self.activation(a)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        b, h, w, c = input_shape
        return (b, h // 2, w // 2, c)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": _activation_config(self.activation)}


@serializable
class SparseConv2D(keras.layers.Layer):
    """C3: a 'valid' convolution whose output map j reads only the input maps ``table[j]``.

    Stores only the connected kernels (``kernel_size**2 * sum(len(t))`` weights)
    plus one bias per output map, and scatters them into a full kernel at each call.

    Parameters
    ----------
    table : sequence of sequences of int, default=C3_TABLE
        ``table[j]`` lists the input maps that output map ``j`` reads.
    kernel_size : int, default=5
    activation : callable, str or None
    """

    def __init__(self, table: Sequence[Sequence[int]] = C3_TABLE, kernel_size: int = 5,
                 activation: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = tuple(tuple(int(i) for i in t) for t in table)
        self.kernel_size = int(kernel_size)
        self.activation = _activation(activation)

    def build(self, input_shape: tuple) -> None:
        k, c_in = self.kernel_size, input_shape[-1]
        self.index = sparse_kernel_index(self.table, c_in, k)
        # LeCun uniform initialisation with each output map's own fan-in.
        limits = np.concatenate([np.full(k * k * len(t), np.sqrt(3.0 / (k * k * len(t))))
                                 for t in self.table]).astype("float32")

        def init(shape: tuple, dtype: Any = None) -> Any:
            return keras.random.uniform(shape, -1.0, 1.0, dtype=dtype) * limits

        self.kernel = self.add_weight(shape=(limits.size,), initializer=init, name="kernel")
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros", name="bias")

    def full_kernel(self) -> Any:
        """The equivalent dense kernel, shape (k, k, in_channels, filters), zeros elsewhere."""
        padded = ops.concatenate([ops.zeros((1,), dtype=self.kernel.dtype), self.kernel])
        return ops.take(padded, self.index)

    def call(self, x: Any) -> Any:
        a = ops.conv(x, self.full_kernel(), strides=1, padding="valid") + self.bias
        return a if self.activation is None else self.activation(a)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        b, h, w, _ = input_shape
        k = self.kernel_size
        return (b, h - k + 1, w - k + 1, len(self.table))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "table": [list(t) for t in self.table],
                "kernel_size": self.kernel_size, "activation": _activation_config(self.activation)}


@serializable
class RBFOutput(keras.layers.Layer):
    """The paper's output: y_i = -||x - w_i||^2 with fixed +-1 targets w_i (no training).

    Returned as logits (minus the squared distances), for a softmax cross-entropy.
    Input (batch, 84) -> output (batch, 10).
    """

    def build(self, input_shape: tuple) -> None:
        bitmaps = digit_bitmaps()
        if input_shape[-1] != bitmaps.shape[1]:
            raise ValueError(f"RBFOutput: needs {bitmaps.shape[1]} inputs, got {input_shape[-1]}")
        self.centres = self.add_weight(shape=bitmaps.shape, trainable=False, name="centres",
                                       initializer=keras.initializers.Constant(bitmaps))

    def call(self, x: Any) -> Any:
        sq = (ops.sum(x * x, axis=-1, keepdims=True) - 2.0 * ops.matmul(x, ops.transpose(self.centres))
              + ops.sum(self.centres * self.centres, axis=-1))
        return -sq

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], 10)

    def get_config(self) -> dict[str, Any]:
        return super().get_config()


def build_lenet5(output: str = "softmax", subsampling: type | None = None,
                 sparse_conv: type | None = None, seed: int | None = 0) -> keras.Sequential:
    """LeNet-5 as in the paper, on (32, 32, 1) inputs.

    Parameters
    ----------
    output : {"softmax", "rbf"}
        ``"softmax"``: a trainable Dense(10) layer F7 (850 parameters) giving logits;
        ``"rbf"``: the paper's fixed Euclidean RBF units (840 fixed connections).
        Either way the model returns logits: train with ``from_logits=True``.
    subsampling, sparse_conv : layer classes, optional
        Your own S2/S4 and C3 layers (same constructor arguments as
        :class:`Subsampling` and :class:`SparseConv2D`); the reference ones by default.
    seed : int or None
        Seeds Keras before creating the weights.

    Returns
    -------
    model : keras.Sequential
        Layers named C1, S2, C3, S4, C5, flatten, F6, output.
    """
    if output not in ("softmax", "rbf"):
        raise ValueError(f"build_lenet5: output={output!r}, use 'softmax' or 'rbf'")
    if seed is not None:
        seed_everything(seed)
    subsampling = subsampling or Subsampling
    sparse_conv = sparse_conv or SparseConv2D
    init = "lecun_uniform"
    head = (keras.layers.Dense(10, kernel_initializer=init, name="output") if output == "softmax"
            else RBFOutput(name="output"))
    return keras.Sequential([
        keras.Input((32, 32, 1)),
        keras.layers.Conv2D(6, 5, activation=scaled_tanh, kernel_initializer=init, name="C1"),
        subsampling(activation=scaled_tanh, name="S2"),
        sparse_conv(C3_TABLE, 5, activation=scaled_tanh, name="C3"),
        subsampling(activation=scaled_tanh, name="S4"),
        keras.layers.Conv2D(120, 5, activation=scaled_tanh, kernel_initializer=init, name="C5"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(84, activation=scaled_tanh, kernel_initializer=init, name="F6"),
        head,
    ], name="lenet5")
