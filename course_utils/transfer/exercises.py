"""Notebook 3's exercises: one checker per exercise.

Each ``check_*`` function runs the student's code on tiny models and a few hundred
synthetic inputs (seconds on a laptop CPU) and stops with a
:class:`~course_utils.check.CheckError` that names the mistake when it recognises one
(a wrong optimiser or learning rate, no early stop, the wrong layer cut, weights shared
instead of copied, softmax for a multi-label output, AP averaged over classes...). The
catalogue of mistakes each checker must catch is in ``tests/test_transfer_exercises.py``.

The references (what the notebook uses while an exercise is not done) are in
:mod:`course_utils.transfer.references`. Keras is imported inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course_utils.check import CheckError, as_number_array, check_close, check_shape, check_that
from course_utils.transfer.multilabel import average_precision_by_hand
from course_utils.transfer.references import (
    RACE_BATCH,
    RACE_LR,
    RACE_N,
    make_extractor,
    probe_images,
    race_data,
    tiny_classifier,
)

OPTIMIZERS = {"SGD": ("SGD", 0.01, 0.0), "SGD + momentum": ("SGD", 0.01, 0.9), "Adam": ("Adam", 0.001, None)}


def _numpy(x: Any) -> np.ndarray:
    from course_utils.config import import_keras

    return np.asarray(import_keras().ops.convert_to_numpy(x), dtype=np.float64)


def _is_model(obj: Any) -> bool:
    from course_utils.config import import_keras

    return isinstance(obj, import_keras().Model)


def _loss_value(model: Any, y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    """The mean of the compiled loss on (y_true, y_pred); None if it cannot be computed."""
    from course_utils.config import import_keras

    keras = import_keras()
    try:
        fn = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
        return float(np.mean(_numpy(fn(y_true, y_pred))))
    except Exception:  # a loss that does not accept these targets is a wrong loss
        return None


def _optimizer_line(opt: Any) -> tuple[str, float, float | None]:
    momentum = getattr(opt, "momentum", None)
    return type(opt).__name__, float(_numpy(opt.learning_rate)), None if momentum is None else float(momentum)


# --- Exercise 0a: race -------------------------------------------------------------------------
def _run_race(race_fn: Callable, x: np.ndarray, y: np.ndarray, max_epochs: int) -> tuple[Any, dict]:
    model = tiny_classifier()
    try:
        history = race_fn(model, x, y, max_epochs)
    except CheckError:
        raise
    except Exception as exc:
        hint = ""
        loss = _loss_value(model, y[:4], np.full((4, 3), 1 / 3, "float32")) if model.compiled else None
        if model.compiled and loss is None:
            hint = (f"the loss {model.loss!r} does not take integer labels: "
                    "use sparse_categorical_crossentropy")
        elif "batch_size" in str(exc):
            hint = "pass batch_size=100"
        elif "accuracy" in str(exc) or isinstance(exc, KeyError):
            hint = "the training accuracy must be logged: compile with metrics=['accuracy']"
        check_that(False, f"race(model, x, y, {max_epochs}) raised {type(exc).__name__}: {str(exc)[:160]}",
                   hint=hint)
    if history is not None and hasattr(history, "history") and not isinstance(history, Mapping):
        check_that(False, f"race returns a {type(history).__name__}, expected the history dict",
                   hint="return fit(...)'s result (course_utils.training.fit returns the dict), "
                        "or model.fit(...).history")
    check_that(isinstance(history, Mapping),
               f"race returns {'None' if history is None else type(history).__name__}, expected a dict",
               hint="is `return` missing?" if history is None else "")
    check_that("accuracy" in history,
               f"race's history keys {sorted(history)}, expected 'accuracy' among them",
               hint="compile with metrics=['accuracy']")
    return model, history


def check_race(race_fn: Callable, target: float) -> None:
    """Check exercise 0a: optimiser, loss, batch size, early stop at ``target``, ``max_epochs``."""
    x, y = race_data(separable=True)
    model, history = _run_race(race_fn, x, y, 10)
    name, lr, momentum = _optimizer_line(model.optimizer)
    check_that(name == "SGD", f"optimizer {name}, expected SGD")
    check_close("SGD learning rate", lr, RACE_LR, rtol=1e-6)
    check_close("SGD momentum (plain SGD)", momentum or 0.0, 0.0, atol=1e-12)
    p = np.full((4, 3), 0.2, "float32")
    p[np.arange(4), y[:4]] = 0.6
    loss = _loss_value(model, y[:4], p)
    check_that(loss is not None and abs(loss + np.log(0.6)) < 1e-4,
               f"loss {model.loss!r}: {loss} on probabilities 0.6 for the right class, "
               f"expected {-np.log(0.6):.4f} (sparse categorical cross-entropy)",
               hint="loss='sparse_categorical_crossentropy' (integer labels, softmax outputs)")
    epochs = len(history["accuracy"])
    batches = int(_numpy(model.optimizer.iterations))
    per_epoch = batches / max(epochs, 1)
    check_that(per_epoch == math.ceil(RACE_N / RACE_BATCH),
               f"{batches} updates in {epochs} epoch(s) of {RACE_N} examples, expected "
               f"{math.ceil(RACE_N / RACE_BATCH)} per epoch (batches of {RACE_BATCH})",
               hint=f"batch_size=100 (this is about {round(RACE_N / per_epoch) if per_epoch else '?'})")
    acc = np.asarray(history["accuracy"], dtype=float)
    reached = np.flatnonzero(acc >= target)
    check_that(len(reached) > 0, f"training accuracy {acc.max():.3f} at best, target {target} never "
               "reached on easy data", hint="check the optimiser and the learning rate")
    check_that(epochs == reached[0] + 1,
               f"race ran {epochs} epochs; the training accuracy reached {target} at epoch {reached[0] + 1}",
               hint="stop as soon as it is reached: callbacks=[stop_at('accuracy', TARGET_ACCURACY)]")
    x_hard, y_hard = race_data(separable=False)
    _, history = _run_race(race_fn, x_hard, y_hard, 3)
    check_that(len(history["accuracy"]) == 3,
               f"on data it cannot learn, race(model, x, y, max_epochs=3) ran {len(history['accuracy'])} "
               "epochs, expected 3", hint="train for epochs=max_epochs (the argument)")


# --- Exercise 0b: make_optimizers --------------------------------------------------------------
def check_optimizers(make: Callable[[], Any]) -> None:
    """Check exercise 0b: keys, classes, learning rates, momentum, new objects at each call."""
    from course_utils.config import import_keras

    keras = import_keras()
    first, second = make(), make()
    check_that(isinstance(first, Mapping),
               f"make_optimizers() returns {type(first).__name__}, expected a dict",
               hint="is `return` missing?" if first is None else "")
    check_that(sorted(first) == sorted(OPTIMIZERS),
               f"keys {sorted(first)}, expected {sorted(OPTIMIZERS)}",
               hint="the keys are spelled as in the prompt")
    for key, (cls, lr, momentum) in OPTIMIZERS.items():
        opt = first[key]
        check_that(isinstance(opt, keras.optimizers.Optimizer),
                   f"{key!r}: a {type(opt).__name__}, expected a Keras optimiser object",
                   hint="call the class: keras.optimizers.SGD(learning_rate=...)"
                   if isinstance(opt, type) else "")
        name, got_lr, got_momentum = _optimizer_line(opt)
        check_that(name == cls, f"{key!r}: {name}, expected {cls}")
        check_close(f"{key!r} learning rate", got_lr, lr, rtol=1e-6)
        if momentum is not None:
            got_momentum = got_momentum or 0.0
            check_that(abs(got_momentum - momentum) < 1e-9,
                       f"{key!r} momentum: {got_momentum:g}, expected {momentum:g}",
                       hint="momentum=0.9 is missing" if momentum and not got_momentum else
                       "plain SGD has no momentum" if not momentum else "")
    shared = [k for k in OPTIMIZERS if first[k] is second[k]]
    check_that(not shared, f"two calls return the same optimiser objects for {shared}",
               hint="create them inside make_optimizers: an optimiser serves one model only")


# --- Exercise 1a: extractor --------------------------------------------------------------------
def check_extractor(extractor: Any, source: Any) -> None:
    """Check exercise 1a: a model from ``source``'s input to its ``features`` output, same weights."""
    check_that(_is_model(extractor), f"extractor is a {type(extractor).__name__}, expected a Keras model",
               hint="keras.Model(source.input, <output of the layer 'features'>)")
    x = probe_images()
    got = _numpy(extractor(x))
    want = _numpy(make_extractor(source)(x))
    units = want.shape[1]
    known = {int(source.get_layer("classifier").units): "the classifier's output: cut one layer lower, "
             "at the layer named 'features'",
             int(np.prod(source.get_layer("flatten").output.shape[1:])): "the output of 'flatten': "
             "one layer too low, take the layer named 'features'"}
    hint = known.get(got.shape[-1], "") if got.shape != want.shape else ""
    check_that(got.shape == want.shape, f"extractor output shape {got.shape}, expected {want.shape} "
               f"({units} features per image)", hint=hint)
    check_close("extractor output = source's 'features' layer", got, want, rtol=1e-4, atol=1e-6,
                hint="not the weights of `source`: build it from `source` itself "
                     "(a new build_convnet or clone_model has other weights)")
    by_hand = _numpy(source.get_layer("classifier")(extractor(x)))
    check_close("classifier(extractor(x)) = source(x)", by_hand, _numpy(source(x)), rtol=1e-4, atol=1e-6)


# --- Exercise 1b: finetune_network -------------------------------------------------------------
def check_finetune_network(finetune: Callable[[Any], Any]) -> None:
    """Check exercise 1b on a fresh source network of its own (so that the argument must count)."""
    from course_utils.config import seed_everything
    from course_utils.transfer.models import build_convnet

    seed_everything(123)
    source = build_convnet(5, name="probe_source")
    before = [w.copy() for w in source.get_weights()]
    tuned = finetune(source)
    check_that(_is_model(tuned), f"finetune_network returns {type(tuned).__name__}, expected a Keras model",
               hint="is `return` missing?" if tuned is None else "")
    after = source.get_weights()
    check_that(source.trainable and all(np.array_equal(a, b) for a, b in zip(before, after, strict=True)),
               "source unchanged by finetune_network", hint="work on a copy; leave `source` as it was")
    x = probe_images()
    out = _numpy(tuned(x))
    check_shape("finetune_network(source) outputs", out, (len(x), 5))
    check_that(np.all(out >= 0) and np.allclose(out.sum(axis=1), 1, atol=1e-4),
               f"outputs are probabilities over 5 classes (row sums {out.sum(axis=1)[:3].round(3)}...)",
               hint="the new classifier is Dense(5, activation='softmax')")
    source_ids = {id(v) for v in source.weights}
    shared = [v.path for v in tuned.weights if id(v) in source_ids]
    check_that(not shared, f"{len(shared)} weight tensors shared with source (e.g. {shared[:2]})",
               hint="these are the source's own layers: training would change `source`; "
                    "copy them: keras.models.clone_model(source), then set_weights(source.get_weights())")
    kernels = [w for w in tuned.get_weights() if w.ndim > 1]
    src_kernels = [w for w in before if w.ndim > 1]
    check_that(len(kernels) == len(src_kernels),
               f"{len(kernels)} layers with weights, expected {len(src_kernels)} (conv1, conv2, features, "
               "a new classifier)", hint="keep every layer up to 'features', then one new Dense(5)")
    copied = all(a.shape == b.shape and np.allclose(a, b) for a, b in zip(kernels[:-1], src_kernels[:-1],
                                                                         strict=True))
    check_that(copied, "weights up to 'features' equal to those of the `source` passed in",
               hint="copy them from the argument: copy.set_weights(source.get_weights())")
    check_that(not (kernels[-1].shape == src_kernels[-1].shape and np.allclose(kernels[-1], src_kernels[-1])),
               "the classifier is new (not the source's)",
               hint="replace the source's classifier by a fresh Dense(5, activation='softmax')")
    n_trainable = sum(int(np.prod(w.shape)) for w in tuned.trainable_weights)
    check_that(n_trainable == tuned.count_params(),
               f"trainable parameters {n_trainable} of {tuned.count_params()}",
               hint="fine-tuning trains every layer: none frozen (trainable=True)")


# --- Exercise 2a: multilabel -------------------------------------------------------------------
def check_multilabel(model: Any, x: np.ndarray, y: np.ndarray) -> None:
    """Check exercise 2a on a few mosaics ``x`` (n, 28, 28, 1) with 0/1 targets ``y`` (n, 10)."""
    check_that(_is_model(model), f"multilabel is a {type(model).__name__}, expected a Keras model")
    out = _numpy(model(x))
    check_shape("multilabel outputs", out, (len(x), y.shape[1]))
    softmax = np.allclose(out.sum(axis=1), 1, atol=1e-4)
    check_that(np.all((out > 0) & (out < 1)) and not softmax,
               f"outputs in (0, 1), independent (row sums {out.sum(axis=1)[:3].round(3)}...)",
               hint="these sum to 1: a softmax makes the classes compete; use head='sigmoid'" if softmax
               else "use head='sigmoid': one probability per class")
    check_that(getattr(model, "compiled", False) and model.optimizer is not None, "multilabel compiled",
               hint="multilabel.compile(optimizer, loss=...)")
    name, lr, _ = _optimizer_line(model.optimizer)
    check_that(name == "Adam", f"optimizer {name}, expected Adam")
    check_close("Adam learning rate", lr, 0.001, rtol=1e-6)
    p = np.clip(out, 1e-6, 1 - 1e-6)
    bce = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    got = _loss_value(model, y.astype("float32"), out.astype("float32"))
    check_that(got is not None and abs(got - bce) <= 1e-3 * bce,
               f"loss {model.loss!r}: {got} on these outputs, expected {bce:.4f} (binary cross-entropy)",
               hint="loss='binary_crossentropy': one yes/no question per class")


# --- Exercise 2b: ap_sigmoid, map_sigmoid ------------------------------------------------------
def check_average_precision(ap: Any, map_: Any, y_test: np.ndarray, scores: np.ndarray,
                            train: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None) -> None:
    """Check exercise 2b: per-class AP of ``scores`` (n, K) against ``y_test`` (n, K), and their mean.

    ``train`` (optional) returns the training targets and scores, to recognise an AP
    computed on the training mosaics (called only when the check fails).
    """
    from sklearn.metrics import average_precision_score

    as_number_array("ap_sigmoid", ap)
    as_number_array("map_sigmoid", map_)
    want = average_precision_by_hand(y_test, scores)
    k = y_test.shape[1]
    shape = np.shape(ap)
    hint = ""
    if shape == ():
        hint = "one number: that is an average over classes (average='macro' or 'micro'); " \
               "average=None gives one AP per class"
    elif shape == (len(y_test),):
        hint = "one AP per mosaic: the classes are the columns, pass the (n, 10) arrays as they are"
    check_that(shape == (k,), f"ap_sigmoid: shape {shape}, expected ({k},) (one AP per class)", hint=hint)
    candidates = {"AP of the 0/1 predictions (scores >= 0.5): rank by the scores themselves":
                  lambda: average_precision_by_hand(y_test, (scores >= 0.5).astype(float))}
    if train is not None:
        candidates["AP on the training mosaics: use the test mosaics"] = \
            lambda: average_precision_by_hand(*train())
    hint = ""
    got = np.asarray(ap, dtype=float)
    if got.shape == want.shape and not np.allclose(got, want, atol=1e-6):
        hint = next((h for h, f in candidates.items() if np.allclose(got, f(), atol=1e-6)), "")
    check_close("ap_sigmoid (per class, test mosaics)", ap, want, rtol=1e-6, atol=1e-9, hint=hint)
    hint = ("that is the micro-averaged AP (all classes pooled): take the mean of ap_sigmoid"
            if np.ndim(map_) == 0 and np.isclose(
                float(map_), average_precision_score(y_test, scores, average="micro")) else "")
    check_close("map_sigmoid = mean of ap_sigmoid", map_, float(np.mean(want)), rtol=1e-6, hint=hint)

