"""Tests for course_utils.transfer.models (offline, seeded, a few seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import training
from course_utils.transfer import models as transfer
from course_utils.transfer import multilabel


def test_select_classes_relabels_in_the_given_order():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    y = np.array([0, 5, 7, 5, 9, 1, 7, 9, 5, 2])
    xs, ys = transfer.select_classes(x, y, [9, 5, 7])
    assert xs.shape == (7, 3)
    np.testing.assert_array_equal(ys, [1, 2, 1, 0, 2, 0, 1])
    np.testing.assert_array_equal(xs[:, 0], [1, 2, 3, 4, 6, 7, 8])


def test_select_classes_rejects_absent_class():
    with pytest.raises(ValueError, match=r"\[3\]"):
        transfer.select_classes(np.zeros((4, 2)), np.array([0, 1, 0, 1]), [0, 3])


def test_sample_per_class_is_balanced_seeded_and_excludes():
    y = np.repeat(np.arange(5), 40)
    exclude = np.flatnonzero(np.arange(200) % 4 == 0)
    a = transfer.sample_per_class(y, 10, seed=3, exclude=exclude)
    b = transfer.sample_per_class(y, 10, seed=3, exclude=exclude)
    c = transfer.sample_per_class(y, 10, seed=4, exclude=exclude)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.sort(a), np.sort(c))
    assert len(set(a.tolist())) == 50
    np.testing.assert_array_equal(np.bincount(y[a]), [10] * 5)
    assert not set(a.tolist()) & set(exclude.tolist())


def test_sample_per_class_too_few_left():
    y = np.repeat(np.arange(2), 5)
    with pytest.raises(ValueError, match="class 1 has 3"):
        transfer.sample_per_class(y, 4, seed=0, exclude=np.array([5, 6]))


def test_make_mosaics_tiles_and_labels():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 8, 8)).astype(np.uint8)
    labels = rng.integers(0, 10, size=30)
    mosaics, targets, picked = multilabel.make_mosaics(images, labels, 50, seed=1)
    assert mosaics.shape == (50, 8, 8) and mosaics.dtype == np.uint8
    assert targets.shape == (50, 10) and picked.shape == (50, 4)
    for i in range(50):
        np.testing.assert_array_equal(np.flatnonzero(targets[i]), np.unique(labels[picked[i]]))
    # The top-right quarter of mosaic 0 is image picked[0, 1] averaged over 2x2 blocks.
    block = images[picked[0, 1]].reshape(4, 2, 4, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(mosaics[0, :4, 4:], np.rint(block).astype(np.uint8))
    block = images[picked[0, 2]].reshape(4, 2, 4, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(mosaics[0, 4:, :4], np.rint(block).astype(np.uint8))
    again = multilabel.make_mosaics(images, labels, 50, seed=1)[0]
    np.testing.assert_array_equal(mosaics, again)


def test_make_mosaics_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels must lie"):
        multilabel.make_mosaics(np.zeros((3, 4, 4)), np.array([0, 1, 12]), 5)


def test_epochs_to_reach():
    assert training.epochs_to_reach([0.5, 0.8, 0.97, 0.99], 0.97) == 3
    assert training.epochs_to_reach([0.5, 0.8], 0.97) is None


def test_average_precision_by_hand_matches_sklearn():
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(0)
    y = (rng.random((80, 4)) < 0.3).astype(int)
    scores = y * 0.5 + rng.random((80, 4))
    scores[:, 3] = np.round(scores[:, 3], 1)  # ties
    ours = multilabel.average_precision_by_hand(y, scores)
    theirs = average_precision_score(y, scores, average=None)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    perfect = multilabel.average_precision_by_hand(y, y.astype(float))
    np.testing.assert_allclose(perfect, 1.0)


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


@pytest.mark.parametrize(("target", "epochs_run"), [(0.4, 1), (0.5, 1), (0.6, 5)])
def test_stop_at_stops_once_the_target_is_reached(target, epochs_run):
    from course_utils.config import import_keras

    keras = import_keras()
    model = transfer.build_mlp(2, hidden=4, input_shape=(3,))
    # A learning rate of 0 keeps the accuracy at exactly 0.5: every input is 0, so every logit
    # is equal and every prediction is class 0, right on half of the labels.
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.zeros((8, 3), "float32"), np.array([0, 1] * 4)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[training.stop_at("accuracy", target)])
    assert history.history["accuracy"] == [0.5] * epochs_run


def test_stop_at_names_a_missing_metric():
    from course_utils.config import import_keras

    keras = import_keras()
    model = transfer.build_mlp(2, hidden=4, input_shape=(3,))
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    with pytest.raises(KeyError, match="'accuracy' not in the logs"):
        model.fit(np.zeros((8, 3), "float32"), np.zeros(8, int), epochs=1, verbose=0,
                  callbacks=[training.stop_at("accuracy", 0.5)])


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


def test_plot_budget_curves_draws_mean_and_spread():
    import matplotlib

    matplotlib.use("Agg")
    ax = transfer.plot_budget_curves({"a": {10: [0.5, 0.7], 100: [0.9]}}, title="t")
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [0.6, 0.9])
    assert ax.get_xscale() == "log" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="'b'"):
        transfer.plot_budget_curves({"b": {10: []}}, title="t")


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
