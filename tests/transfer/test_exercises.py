"""Notebook 3's checkers against the reference and a catalogue of plausible student mistakes.

Every catalogued mistake must stop its checker (a mistake that passes is a failing test), and
the catalogue records the words the message must contain when the checker names the mistake.
Tiny models and synthetic inputs only (offline, seeded).
"""

import numpy as np
import pytest

from course_utils.check import CheckError
from course_utils.config import import_keras, seed_everything
from course_utils.training import fit, stop_at
from course_utils.transfer import exercises as tx
from course_utils.transfer import references as ref
from course_utils.transfer.models import build_convnet

keras = import_keras()
TARGET = 0.92


def _stops(check, *args, words=None, **kwargs):
    with pytest.raises(CheckError) as info:
        check(*args, **kwargs)
    if words:
        assert words in str(info.value), str(info.value)


# --- 0a: race ---------------------------------------------------------------------------------
def race_variant(optimizer=lambda: keras.optimizers.SGD(learning_rate=0.1),
                 loss="sparse_categorical_crossentropy", metrics=("accuracy",), batch_size=100,
                 callback=True, epochs=None, history=True):
    def race(model, x, y, max_epochs):
        model.compile(optimizer=optimizer(), loss=loss, metrics=list(metrics))
        callbacks = [stop_at("accuracy", TARGET)] if callback else []
        result = model.fit(x, y, epochs=epochs or max_epochs, batch_size=batch_size, callbacks=callbacks,
                           verbose=0)
        return result.history if history else result
    return race


def no_batch_size(model, x, y, max_epochs):
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return fit(model, x, y, epochs=max_epochs, callbacks=[stop_at("accuracy", TARGET)], verbose=0)


MISTAKES_0A = {
    "learning rate 0.01": (race_variant(optimizer=lambda: keras.optimizers.SGD(0.01)), "learning rate"),
    "Adam": (race_variant(optimizer=lambda: keras.optimizers.Adam(0.1)), "expected SGD"),
    "momentum": (race_variant(optimizer=lambda: keras.optimizers.SGD(0.1, momentum=0.9)), "momentum"),
    "no early stop": (race_variant(callback=False), "stop_at"),
    "batch size 32 (Keras's default)": (race_variant(batch_size=32), "batch_size=100"),
    "categorical cross-entropy": (race_variant(loss="categorical_crossentropy"), "sparse_categorical"),
    "mean squared error": (race_variant(loss="mse"), "'mse' does not take integer labels"),
    "no accuracy metric": (race_variant(metrics=()), "metrics=['accuracy']"),
    "max_epochs ignored": (race_variant(epochs=10), "epochs=max_epochs"),
    "batch_size not given to course_utils.training.fit": (no_batch_size, "batch_size=100"),
    "returns the History object": (race_variant(history=False), ".history"),
}


def test_race_reference_passes():
    tx.check_race(lambda m, x, y, e: ref.race(m, x, y, e, target=TARGET), TARGET)


def test_race_written_another_way_passes():
    def race(model, x, y, max_epochs):
        model.compile(keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(),
                      metrics=["accuracy"])
        return fit(model, x, y, epochs=max_epochs, batch_size=100, verbose=0,
                   callbacks=[stop_at("accuracy", TARGET)])
    tx.check_race(race, TARGET)


@pytest.mark.parametrize("mistake", MISTAKES_0A, ids=list(MISTAKES_0A))
def test_race_mistakes_are_caught(mistake):
    wrong, words = MISTAKES_0A[mistake]
    _stops(tx.check_race, wrong, TARGET, words=words)


# --- 0b: make_optimizers ----------------------------------------------------------------------
def opts(sgd=(0.01, 0.0), mom=(0.01, 0.9), adam=0.001, keys=("SGD", "SGD + momentum", "Adam"), adam_cls=None):
    def make():
        return dict(zip(keys, (keras.optimizers.SGD(sgd[0], momentum=sgd[1]),
                               keras.optimizers.SGD(mom[0], momentum=mom[1]),
                               (adam_cls or keras.optimizers.Adam)(adam)), strict=True))
    return make


SHARED = ref.make_optimizers()

MISTAKES_0B = {
    "momentum forgotten": (opts(mom=(0.01, 0.0)), "momentum=0.9 is missing"),
    "Adam learning rate 0.01": (opts(adam=0.01), "'Adam' learning rate"),
    "SGD learning rate 0.1": (opts(sgd=(0.1, 0.0)), "'SGD' learning rate"),
    "momentum on plain SGD": (opts(sgd=(0.01, 0.9)), "'SGD' momentum"),
    "RMSprop for Adam": (opts(adam_cls=keras.optimizers.RMSprop), "expected Adam"),
    "keys misspelt": (opts(keys=("sgd", "momentum", "adam")), "keys"),
    "classes, not objects": (lambda: {"SGD": keras.optimizers.SGD, "SGD + momentum": keras.optimizers.SGD,
                                      "Adam": keras.optimizers.Adam}, "call the class"),
    "the same objects at each call": (lambda: SHARED, "same optimiser objects"),
    "return missing": (lambda: None, "return"),
}


def test_optimizers_reference_and_another_way_pass():
    tx.check_optimizers(ref.make_optimizers)
    tx.check_optimizers(lambda: {"Adam": keras.optimizers.Adam(), "SGD": keras.optimizers.SGD(0.01),
                                 "SGD + momentum": keras.optimizers.SGD(learning_rate=1e-2, momentum=0.9)})


@pytest.mark.parametrize("mistake", MISTAKES_0B, ids=list(MISTAKES_0B))
def test_optimizers_mistakes_are_caught(mistake):
    wrong, words = MISTAKES_0B[mistake]
    _stops(tx.check_optimizers, wrong, words=words)


# --- 1a: extractor ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def source():
    seed_everything(0)
    return build_convnet(5, name="source")


def extractor_mistakes(source):
    seed_everything(7)
    fresh = build_convnet(5)
    clone = keras.models.clone_model(source)
    return {
        "cut at the classifier (the whole source)": (source, "classifier's output"),
        "cut at flatten": (keras.Model(source.inputs, source.get_layer("features").input), "'flatten'"),
        "built from a fresh model": (keras.Model(fresh.inputs, fresh.get_layer("features").output),
                                     "not the weights of `source`"),
        "clone without its weights": (keras.Model(clone.inputs, clone.get_layer("features").output),
                                      "not the weights of `source`"),
        "features of the images, not a model": (source.predict(ref.probe_images(), verbose=0),
                                                "expected a Keras model"),
        "cut at conv2": (keras.Model(source.inputs, source.get_layer("conv2").output), "shape"),
    }


def test_extractor_reference_and_another_way_pass(source):
    tx.check_extractor(ref.make_extractor(source), source)
    tx.check_extractor(keras.Model(source.input, source.layers[-2].output), source)


@pytest.mark.parametrize("mistake", ["cut at the classifier (the whole source)", "cut at flatten",
                                     "built from a fresh model", "clone without its weights",
                                     "features of the images, not a model", "cut at conv2"])
def test_extractor_mistakes_are_caught(source, mistake):
    wrong, words = extractor_mistakes(source)[mistake]
    _stops(tx.check_extractor, wrong, source, words=words)


# --- 1b: finetune_network ---------------------------------------------------------------------
def _copy(source):
    copy = keras.models.clone_model(source)
    copy.set_weights(source.get_weights())
    return copy


def ft_shared(source):
    head = keras.layers.Dense(5, activation="softmax")
    return keras.Model(source.inputs, head(source.get_layer("features").output))


def ft_frozen(source):
    copy = _copy(source)
    for name in ("conv1", "conv2", "features"):
        copy.get_layer(name).trainable = False
    head = keras.layers.Dense(5, activation="softmax")
    return keras.Model(copy.inputs, head(copy.get_layer("features").output))


def ft_no_weights(source):
    copy = keras.models.clone_model(source)
    head = keras.layers.Dense(5, activation="softmax")
    return keras.Model(copy.inputs, head(copy.get_layer("features").output))


def ft_head(units=5, activation="softmax"):
    def finetune(source):
        copy = _copy(source)
        return keras.Model(copy.inputs, keras.layers.Dense(units, activation=activation)(
            copy.get_layer("features").output))
    return finetune


GLOBAL_SOURCE = []


def ft_global(source):
    return ref.finetune_network(GLOBAL_SOURCE[0])


def ft_source_classifier(source):
    return _copy(source)


def ft_freezes_source(source):
    source.trainable = False
    return ref.finetune_network(source)


MISTAKES_1B = {
    "layers shared with source (no clone)": (ft_shared, "shared with source"),
    "layers frozen": (ft_frozen, "none frozen"),
    "weights not copied": (ft_no_weights, "set_weights"),
    "10 output units": (ft_head(units=10), "shape"),
    "sigmoid head": (ft_head(activation="sigmoid"), "softmax"),
    "no activation on the head": (ft_head(activation=None), "softmax"),
    "argument ignored (global source)": (ft_global, "the `source` passed in"),
    "the source's classifier kept": (ft_source_classifier, "classifier is new"),
    "source frozen in place": (ft_freezes_source, "source unchanged"),
}


def test_finetune_reference_and_another_way_pass():
    tx.check_finetune_network(ref.finetune_network)

    def sequential_way(source):
        copy = keras.models.clone_model(source)
        copy.set_weights(source.get_weights())
        body = keras.Model(copy.input, copy.layers[-2].output)
        return keras.Sequential([keras.Input((28, 28, 1)), body, keras.layers.Dense(5, activation="softmax")])
    tx.check_finetune_network(sequential_way)


@pytest.mark.parametrize("mistake", MISTAKES_1B, ids=list(MISTAKES_1B))
def test_finetune_mistakes_are_caught(mistake):
    seed_everything(1)
    GLOBAL_SOURCE[:] = [build_convnet(5)]
    wrong, words = MISTAKES_1B[mistake]
    _stops(tx.check_finetune_network, wrong, words=words)


# --- 2a: multilabel ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mosaics():
    rng = np.random.default_rng(0)
    y = (rng.random((6, 10)) < 0.25).astype("float32")
    return ref.probe_images(6), y


def ml(head="sigmoid", optimizer=lambda: keras.optimizers.Adam(1e-3), loss="binary_crossentropy", units=10,
       compile=True):
    seed_everything(0)
    model = build_convnet(units, head=head)
    if compile:
        model.compile(optimizer(), loss=loss)
    return model


MISTAKES_2A = {
    "softmax head": (lambda: ml(head="softmax"), "softmax makes the classes compete"),
    "no activation": (lambda: ml(head=None), "head='sigmoid'"),
    "categorical cross-entropy": (lambda: ml(loss="categorical_crossentropy"), "binary cross-entropy"),
    "mean squared error": (lambda: ml(loss="mse"), "binary_crossentropy"),
    "SGD": (lambda: ml(optimizer=lambda: keras.optimizers.SGD(1e-3)), "expected Adam"),
    "Adam learning rate 0.01": (lambda: ml(optimizer=lambda: keras.optimizers.Adam(1e-2)), "learning rate"),
    "5 outputs": (lambda: ml(units=5), "shape"),
    "not compiled": (lambda: ml(compile=False), "compile"),
}


def test_multilabel_reference_and_another_way_pass(mosaics):
    tx.check_multilabel(ref.make_multilabel(), *mosaics)
    tx.check_multilabel(ml(optimizer=lambda: keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy()),
                        *mosaics)


@pytest.mark.parametrize("mistake", MISTAKES_2A, ids=list(MISTAKES_2A))
def test_multilabel_mistakes_are_caught(mosaics, mistake):
    make, words = MISTAKES_2A[mistake]
    _stops(tx.check_multilabel, make(), *mosaics, words=words)


# --- 2b: ap_sigmoid, map_sigmoid --------------------------------------------------------------
@pytest.fixture(scope="module")
def ranked():
    """Targets and informative but imperfect scores, test and train, for 10 classes."""
    from sklearn.metrics import average_precision_score
    rng = np.random.default_rng(0)

    def draw(n):
        y = (rng.random((n, 10)) < 0.3).astype(float)
        return y, 1 / (1 + np.exp(-(3 * y - 1.5 + rng.normal(0, 1.2, y.shape))))
    return draw(300), draw(300), average_precision_score


def test_average_precision_reference_and_another_way_pass(ranked):
    (y, s), _, aps = ranked
    ap = aps(y, s, average=None)
    tx.check_average_precision(ap, float(ap.mean()), y, s)
    by_class = np.array([aps(y[:, k], s[:, k]) for k in range(10)])
    tx.check_average_precision(list(by_class), np.mean(by_class), y, s)


def ap_mistakes(ranked):
    (y, s), (y_tr, s_tr), aps = ranked
    ap = aps(y, s, average=None)
    binary = aps(y, (s >= 0.5).astype(float), average=None)
    other = aps(y, np.roll(s, 1, axis=1), average=None)
    return {
        "average='macro'": ((aps(y, s, average="macro"), aps(y, s, average="macro")), "average=None"),
        "average='micro'": ((aps(y, s, average="micro"), aps(y, s, average="micro")), "average=None"),
        "per mosaic (transposed)": ((aps(y.T, s.T, average=None), ap.mean()), "one AP per mosaic"),
        "thresholded predictions": ((binary, binary.mean()), "0/1 predictions"),
        "training mosaics": ((aps(y_tr, s_tr, average=None), aps(y_tr, s_tr, average=None).mean()),
                             "training mosaics"),
        "map as the micro AP": ((ap, aps(y, s, average="micro")), "micro-averaged"),
        "scores of another model": ((other, other.mean()), "ap_sigmoid"),
        "map from the first class": ((ap, ap[0]), "map_sigmoid"),
        "return missing (None)": ((None, None), "None"),
    }


MISTAKES_2B = ["average='macro'", "average='micro'", "per mosaic (transposed)", "thresholded predictions",
               "training mosaics", "map as the micro AP", "scores of another model",
               "map from the first class", "return missing (None)"]


@pytest.mark.parametrize("mistake", MISTAKES_2B)
def test_average_precision_mistakes_are_caught(ranked, mistake):
    (y, s), train, _ = ranked
    (ap, map_), words = ap_mistakes(ranked)[mistake]
    _stops(tx.check_average_precision, ap, map_, y, s, train=lambda: train, words=words)
