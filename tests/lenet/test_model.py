"""LeNet-5 reference layers against brute-force numpy, and the paper's counts."""

import numpy as np
import pytest

from course_utils.lenet import counts as lenet_counts
from course_utils.lenet import model as lenet


def scaled_tanh_np(a):
    return 1.7159 * np.tanh(2.0 * a / 3.0)


def test_c3_table_is_the_papers():
    sizes = [len(t) for t in lenet.C3_TABLE]
    assert sizes == [3] * 6 + [4] * 9 + [6]
    assert sum(25 * s + 1 for s in sizes) == 1516
    # every S2 map is read by 10 C3 maps (symmetric table)
    assert [sum(i in t for t in lenet.C3_TABLE) for i in range(6)] == [10] * 6
    assert lenet.C3_TABLE[12:15] == ((0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5))


def test_sparse_kernel_index_layout():
    index = lenet.sparse_kernel_index(lenet.C3_TABLE, 6, 5)
    assert index.shape == (5, 5, 6, 16)
    assert sorted(index[index > 0].tolist()) == list(range(1, 1501))
    for j, inputs in enumerate(lenet.C3_TABLE):
        for i in range(6):
            assert (index[:, :, i, j] > 0).all() == (i in inputs)
    with pytest.raises(ValueError, match="table"):
        lenet.sparse_kernel_index([(0, 7)], 6, 5)


def test_subsampling_matches_brute_force():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 8, 6, 3)).astype("float32")
    layer = lenet.Subsampling(activation=lenet.scaled_tanh)
    layer.build(x.shape)
    coef, bias = rng.normal(size=3), rng.normal(size=3)
    layer.set_weights([coef.astype("float32"), bias.astype("float32")])
    got = np.asarray(layer(x))
    want = np.zeros((2, 4, 3, 3))
    for b in range(2):
        for r in range(4):
            for c in range(3):
                for k in range(3):
                    s = x[b, 2 * r:2 * r + 2, 2 * c:2 * c + 2, k].sum()
                    want[b, r, c, k] = scaled_tanh_np(coef[k] * s + bias[k])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert sum(np.prod(w.shape) for w in layer.trainable_weights) == 6


def test_sparse_conv_matches_brute_force():
    rng = np.random.default_rng(1)
    table = ((0, 2), (1,), (0, 1, 2))
    x = rng.normal(size=(2, 7, 6, 3)).astype("float32")
    layer = lenet.SparseConv2D(table, kernel_size=3)
    layer.build(x.shape)
    flat = rng.normal(size=9 * 6).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    layer.set_weights([flat, bias])
    got = np.asarray(layer(x))
    assert got.shape == (2, 5, 4, 3)
    want = np.zeros_like(got)
    pos = 0
    for j, inputs in enumerate(table):
        want[..., j] += bias[j]
        for i in inputs:
            w = flat[pos:pos + 9].reshape(3, 3)
            pos += 9
            for r in range(5):
                for c in range(4):
                    want[:, r, c, j] += (x[:, r:r + 3, c:c + 3, i] * w).sum(axis=(1, 2))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_rbf_output_is_minus_squared_distance():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 84)).astype("float32")
    layer = lenet.RBFOutput()
    got = np.asarray(layer(x))
    centres = lenet.digit_bitmaps()
    want = -((x[:, None, :] - centres[None]) ** 2).sum(axis=2)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    assert layer.trainable_weights == []


def test_digit_bitmaps():
    b = lenet.digit_bitmaps()
    assert b.shape == (10, 84)
    assert set(np.unique(b)) == {-1.0, 1.0}
    assert len({row.tobytes() for row in b}) == 10


def test_lenet_counts_equal_the_papers():
    rows = lenet_counts.lenet_table(lenet.build_lenet5())
    by_name = {r["layer"]: r for r in rows}
    for name, (params, connections) in lenet_counts.PAPER_COUNTS.items():
        assert (by_name[name]["params"], by_name[name]["connections"]) == (params, connections), name
    assert (by_name["output"]["params"], by_name["total"]["params"]) == (850, 60_850)
    assert by_name["total"]["connections"] == 340_918
    assert "DIFFERENT" not in lenet_counts.format_table(rows)


def test_rbf_variant_has_the_papers_totals():
    model = lenet.build_lenet5(output="rbf")
    rows = {r["layer"]: r for r in lenet_counts.lenet_table(model)}
    assert model.count_params() - 840 == rows["total"]["params"] == 60_000
    assert rows["total"]["connections"] == 340_908
    assert model(np.zeros((1, 32, 32, 1), "float32")).shape == (1, 10)


def test_lenet_trains_a_little():
    import keras

    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 32, 32, 1)).astype("float32")
    y = rng.integers(0, 10, size=64)
    model = lenet.build_lenet5(seed=0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.5 * before


def test_to_lenet_input():
    img = np.zeros((1, 28, 28), np.uint8)
    img[0, 10, 10] = 255
    x = lenet.to_lenet_input(img)
    assert x.shape == (1, 32, 32, 1)
    assert np.isclose(x.min(), -0.1) and np.isclose(x.max(), 1.175)
    assert np.isclose(x[0, 12, 12, 0], 1.175)
    with pytest.raises(ValueError, match="28, 28"):
        lenet.to_lenet_input(np.zeros((2, 32, 32)))


def test_unknown_layer_has_no_connection_rule():
    import keras

    model = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.BatchNormalization()])
    with pytest.raises(TypeError, match="no rule"):
        lenet_counts.layer_connections(model.layers[0])
    with pytest.raises(ValueError, match="output"):
        lenet.build_lenet5(output="svm")


def test_own_layer_classes_are_counted_by_paper_name():
    class Pooling(lenet.Subsampling):  # a class name the table does not know
        pass

    rows = {r["layer"]: r for r in lenet_counts.lenet_table(lenet.build_lenet5(subsampling=Pooling))}
    assert (rows["S2"]["params"], rows["S2"]["connections"]) == (12, 5_880)
    assert (rows["S4"]["params"], rows["S4"]["connections"]) == (32, 2_000)
