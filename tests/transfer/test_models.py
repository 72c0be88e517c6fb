"""Tests for course_utils.transfer.models (offline, seeded, a few seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.transfer import models as transfer


def test_fit_logistic_picks_best_c_on_validation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    y = (x[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(int)
    model, scores = transfer.fit_logistic(x[:200], y[:200], x[200:], y[200:], Cs=(1e-4, 1.0))
    assert set(scores) == {1e-4, 1.0}
    assert model.score(x[200:], y[200:]) == max(scores.values()) >= 0.8
    assert scores[1.0] > scores[1e-4]


def test_networks_have_notebook_2_parameter_counts():
    assert transfer.build_mlp().count_params() == 79_510
    model = transfer.build_convnet(activation="sigmoid")
    assert model.count_params() == 65_558
    assert model.get_layer("features").output.shape == (None, 100)


def test_imagenet_weights_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert transfer.imagenet_weights_file("w.h5") is None
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "w.h5").write_bytes(b"x")
    assert transfer.imagenet_weights_file("w.h5") == tmp_path / "models" / "w.h5"


def test_fit_best_keeps_the_best_round():
    from course_utils.config import import_keras

    keras = import_keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    x_val = rng.normal(size=(200, 2)).astype("float32")
    y_val = (x_val[:, 0] > 0).astype(int)
    model = transfer.build_mlp(2, hidden=8, input_shape=(2,))
    model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = transfer.fit_best(model, x, y, x_val, y_val, steps=30, rounds=5, batch_size=16)
    assert len(history["val_accuracy"]) == 5
    best = int(history["best_round"][0])
    assert history["val_accuracy"][best - 1] == max(history["val_accuracy"])
    final = model.evaluate(x_val, y_val, verbose=0)[1]
    assert abs(final - max(history["val_accuracy"])) < 1e-6
    with pytest.raises(ValueError, match="steps=3, rounds=5"):
        transfer.fit_best(model, x, y, x_val, y_val, steps=3, rounds=5)


def test_convnet_with_batch_norm_and_dropout():
    plain = transfer.build_convnet(activation="sigmoid")
    bn = transfer.build_convnet(activation="sigmoid", batch_norm=True, dropout=0.5)
    # Three hidden layers lose their bias (16 + 32 + 100) and gain 4 values per unit
    # in BatchNormalization (gamma, beta, moving mean, moving variance).
    assert bn.count_params() == plain.count_params() - 148 + 4 * 148 == 66_002
    names = [layer.name for layer in bn.layers]
    for layer in ("conv1_bn", "conv2_bn", "dense_bn", "dropout"):
        assert layer in names
    assert names.index("conv1_bn") < names.index("conv1_act") < names.index("pool1")
    assert bn.get_layer("features").output.shape == (None, 100)
    assert bn.get_layer("conv1").use_bias is False
    assert [layer.name for layer in plain.layers][1:3] == ["conv1", "pool1"]


def test_mlp_dropout_only_in_training():
    model = transfer.build_mlp(dropout=0.5)
    assert model.count_params() == 79_510
    assert "dropout" in [layer.name for layer in model.layers]
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x, training=False)), np.asarray(model(x, training=False)))
    assert not np.allclose(np.asarray(model(x, training=True)), np.asarray(model(x, training=False)))
    assert "dropout" not in [layer.name for layer in transfer.build_mlp().layers]


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rate_is_checked(rate):
    with pytest.raises(ValueError, match=f"dropout={rate}"):
        transfer.build_mlp(dropout=rate)
    with pytest.raises(ValueError, match=f"dropout={rate}"):
        transfer.build_convnet(dropout=rate)
