"""Notebook 5's layer checkers: the reference layers pass, a catalogue of plausible mistakes is caught."""

import keras
import pytest
from keras import ops

from course_utils.check import CheckError
from course_utils.lenet import model as lenet
from course_utils.lenet.exercises import check_sparse_conv_layer, check_subsampling_layer
from course_utils.lenet.model import C3_TABLE


class BiasNeverAdded(lenet.Subsampling):
    def call(self, x):
        a = 4.0 * ops.average_pool(x, 2, 2) * self.coefficient
        return a if self.activation is None else self.activation(a)


class MaxPooling(lenet.Subsampling):
    def call(self, x):
        return ops.max_pool(x, 2, 2) * self.coefficient + self.bias


class CoefficientUnused(lenet.Subsampling):
    def call(self, x):
        a = ops.average_pool(x, 2, 2) + self.bias
        return a if self.activation is None else self.activation(a)


class OneCoefficientPerLayer(keras.layers.Layer):
    def __init__(self, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation

    def build(self, input_shape):
        self.coefficient = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.25))
        self.bias = self.add_weight(shape=(), initializer="zeros")

    def call(self, x):
        return 4.0 * ops.average_pool(x, 2, 2) * self.coefficient + self.bias


class ActivationIgnored(lenet.Subsampling):
    def call(self, x):
        return 4.0 * ops.average_pool(x, 2, 2) * self.coefficient + self.bias


class StartsAtOne(lenet.Subsampling):
    def build(self, input_shape):
        super().build(input_shape)
        self.coefficient.assign(ops.ones_like(self.coefficient))


SUBSAMPLING_MISTAKES = {
    "bias declared, never added": (BiasNeverAdded, "the bias is declared but never added"),
    "max of each block": (MaxPooling, "maximum of each block"),
    "coefficient unused": (CoefficientUnused, "coefficient is not used"),
    "one coefficient per layer": (OneCoefficientPerLayer, "not one per layer"),
    "activation ignored": (ActivationIgnored, "activation is not applied"),
    "coefficient starts at 1": (StartsAtOne, "c must start at 0.25"),
}


class DenseC3(keras.layers.Layer):
    def __init__(self, table, kernel_size=5, activation=None, **kw):
        super().__init__(**kw)
        self.conv = keras.layers.Conv2D(len(table), kernel_size, activation=activation)

    def call(self, x):
        return self.conv(x)


class C3BiasNeverAdded(lenet.SparseConv2D):
    def call(self, x):
        return super().call(x) - self.bias


class C3NoBias(keras.layers.Layer):
    def __init__(self, table, kernel_size=5, activation=None, **kw):
        super().__init__(**kw)
        self.table, self.k, self.activation = [list(t) for t in table], kernel_size, activation

    def build(self, input_shape):
        self.kernels = [self.add_weight(shape=(self.k, self.k, len(t), 1)) for t in self.table]

    def call(self, x):
        return ops.concatenate([ops.conv(ops.take(x, t, axis=-1), w) for t, w in
                                zip(self.table, self.kernels, strict=True)], axis=-1)


class C3WrongTable(C3NoBias):
    """Reads the maps of the next output map's entry (an off-by-one in the table)."""

    def build(self, input_shape):
        self.table = self.table[1:] + self.table[:1]
        super().build(input_shape)
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros")

    def call(self, x):
        return super().call(x) + self.bias


class C3SamePadding(C3WrongTable):
    def build(self, input_shape):
        C3NoBias.build(self, input_shape)
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros")

    def call(self, x):
        return ops.concatenate([ops.conv(ops.take(x, t, axis=-1), w, padding="same") for t, w in
                                zip(self.table, self.kernels, strict=True)], axis=-1) + self.bias


class C3ActivationIgnored(lenet.SparseConv2D):
    def call(self, x):
        activation, self.activation = self.activation, None
        try:
            return super().call(x)
        finally:
            self.activation = activation


C3_MISTAKES = {
    "dense 6-to-16 kernel": (DenseC3, "a full 6-to-16 kernel"),
    "bias declared, never added": (C3BiasNeverAdded, "the bias is declared but never added"),
    "no bias": (C3NoBias, "no bias: one per output map"),
    "table off by one": (C3WrongTable, "read S2 maps that table[j] does not list"),
    "'same' padding": (C3SamePadding, "shape (2, 14, 14, 16)"),
    "activation ignored": (C3ActivationIgnored, "activation is not applied"),
}


def _caught(run, words):
    with pytest.raises(CheckError) as info:
        run()
    assert words in str(info.value), str(info.value)


def test_the_reference_layers_pass(capsys):
    check_subsampling_layer(lenet.Subsampling)
    check_sparse_conv_layer(lenet.SparseConv2D)


@pytest.mark.parametrize("case", SUBSAMPLING_MISTAKES)
def test_subsampling_catalogue(case, capsys):
    layer, words = SUBSAMPLING_MISTAKES[case]
    _caught(lambda: check_subsampling_layer(layer), words)


@pytest.mark.parametrize("case", C3_MISTAKES)
def test_c3_catalogue(case, capsys):
    layer, words = C3_MISTAKES[case]
    _caught(lambda: check_sparse_conv_layer(layer, C3_TABLE), words)
