"""Every course model saves to a .keras file and loads back with the same predictions."""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import course_utils
from course_utils.config import import_keras
from course_utils.lenet import model as lenet
from course_utils.lenet.distortions import RandomDistortion
from course_utils.manifold import keras_references
from course_utils.text import reference as rnn_reference
from course_utils.transfer import models as transfer
from course_utils.transfer import references as transfer_references

keras = import_keras()
RNG = np.random.default_rng(0)
IMAGES_28 = RNG.random((3, 28, 28, 1)).astype("float32")
IMAGES_32 = RNG.normal(size=(3, 32, 32, 1)).astype("float32")


def distorted_lenet5():
    return keras.Sequential([keras.Input((32, 32, 1)), RandomDistortion(seed=1, shear=0.3),
                             lenet.build_lenet5(seed=0)], name="lenet5_distorted")


#: name -> (builder, a batch of inputs)
MODELS = {
    "lenet.model.build_lenet5": (lambda: lenet.build_lenet5(seed=0), IMAGES_32),
    "lenet.model.build_lenet5 rbf": (lambda: lenet.build_lenet5(output="rbf", seed=0), IMAGES_32),
    "lenet5 + distortions.RandomDistortion": (distorted_lenet5, IMAGES_32),
    "transfer.models.build_mlp": (lambda: transfer.build_mlp(), IMAGES_28),
    "transfer.models.build_convnet": (lambda: transfer.build_convnet(5, activation="tanh"), IMAGES_28),
    "text.reference.build_simple_rnn": (lambda: rnn_reference.build_simple_rnn(6, 5, units=8),
                                       np.eye(5, dtype="float32")[RNG.integers(0, 5, (3, 6))]),
    "text.reference.build_lstm": (lambda: rnn_reference.build_lstm(6, 5, dim=4, units=8),
                                 RNG.integers(0, 5, (3, 6)).astype("int32")),
    "keras_references.make_lr_model": (lambda: keras_references.make_lr_model(0), IMAGES_28.reshape(3, -1)),
    "keras_references.make_mlp": (lambda: keras_references.make_mlp(0), IMAGES_28.reshape(3, -1)),
    "keras_references.make_cnn": (lambda: keras_references.make_cnn(0), IMAGES_28),
    "transfer_references.make_multilabel": (transfer_references.make_multilabel, IMAGES_28),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_saves_and_reloads_with_the_same_predictions(name, tmp_path):
    build, x = MODELS[name]
    model = build()
    before = np.asarray(model.predict(x, verbose=0))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), before, rtol=1e-6, atol=1e-6)


def test_every_build_function_of_the_package_is_saved_above():
    """A new ``build_*`` model builder must be added to MODELS (other builders are listed here)."""
    not_models = {"lenet.tune.build_parser", "slides.build_deck"}
    found = set()
    for info in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("course_utils.")
        found |= {f"{short}.{name}" for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if name.startswith("build_") and fn.__module__ == module.__name__}
    assert not_models <= found, "a non-model builder was renamed: update not_models"
    found -= not_models
    assert found and found <= {key.split()[0] for key in MODELS}, found


def test_lenet_layers_keep_their_configuration_through_a_save(tmp_path):
    table = ((0, 1), (1, 2), (0, 2))
    model = keras.Sequential([keras.Input((12, 12, 3)), lenet.SparseConv2D(table, 3, activation="tanh"),
                              lenet.Subsampling(), RandomDistortion(shift=1.5, seed=4)])
    model.save(tmp_path / "m.keras")
    conv, sub, dist = keras.saving.load_model(tmp_path / "m.keras").layers
    assert conv.table == table and conv.kernel_size == 3 and conv.activation is keras.activations.tanh
    assert sub.activation is None
    assert dist.ranges["shift"] == 1.5 and dist.seed == 4 and dist.background == -0.1
    assert lenet.build_lenet5().get_layer("S2").activation is lenet.scaled_tanh
