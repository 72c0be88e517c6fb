"""Notebook 3's references for its exercises, and the small inputs the checkers use.

The notebook binds these to the exercise's names while a student has not written them
(:mod:`course_utils.exercises`); :mod:`course_utils.transfer.exercises` compares the
student's code with them. Keras is imported inside the functions.

``python -m course_utils.transfer.references`` prints, for seeds 0-4, the epochs the
reference :func:`race` needs to reach the target on the race checker's data (it must be
fewer than the 10 allowed, so that a missing early stop shows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras

RACE_N, RACE_BATCH, RACE_LR = 300, 100, 0.1


def race(model: Any, x: np.ndarray, y: np.ndarray, max_epochs: int, *,
         target: float) -> dict[str, list[float]]:
    """Reference of exercise 0a: SGD 0.1, sparse cross-entropy, batches of 100, stop at ``target``.

    Returns
    -------
    history : dict of str to list of float
        One entry per epoch run (``loss``, ``accuracy``, ``epoch_seconds``).
    """
    from course_utils.config import import_keras
    from course_utils.training import fit, stop_at

    keras = import_keras()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=RACE_LR),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return fit(model, x, y, epochs=max_epochs, batch_size=RACE_BATCH,
               callbacks=[stop_at("accuracy", target)], verbose=0)


def race_data(separable: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """300 points in 8-d, 3 classes: well-separated blobs, or labels drawn at random.

    Returns
    -------
    x : ndarray of shape (300, 8), dtype float32
    y : ndarray of shape (300,), dtype int64
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, RACE_N)
    centres = 3.0 * np.eye(3, 8)
    x = rng.normal(0, 0.5, (RACE_N, 8)) + (centres[y] if separable else 0.0)
    return x.astype("float32"), (y if separable else rng.integers(0, 3, RACE_N)).astype("int64")


def tiny_classifier(seed: int = 0) -> keras.Model:
    """A logistic regression in Keras (8 inputs, 3 softmax outputs), not compiled."""
    from course_utils.config import import_keras, seed_everything

    keras = import_keras()
    seed_everything(seed)
    inputs = keras.Input((8,))
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))


def make_optimizers() -> dict[str, Any]:
    """Reference of exercise 0b: three fresh optimisers, keyed by name."""
    from course_utils.config import import_keras

    keras = import_keras()
    return {"SGD": keras.optimizers.SGD(learning_rate=0.01),
            "SGD + momentum": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
            "Adam": keras.optimizers.Adam(learning_rate=0.001)}


def make_extractor(source: keras.Model) -> keras.Model:
    """Reference of exercise 1a: ``source`` cut after its layer ``"features"`` (weights shared)."""
    from course_utils.config import import_keras

    keras = import_keras()
    return keras.Model(source.inputs, source.get_layer("features").output, name="extractor")


def probe_images(n: int = 8, seed: int = 0) -> np.ndarray:
    """``n`` random 28x28x1 images in [0, 1] (float32) to compare models on."""
    return np.random.default_rng(seed).random((n, 28, 28, 1)).astype("float32")


def finetune_network(source: keras.Model) -> keras.Model:
    """Reference of exercise 1b: a copy of ``source`` up to ``features``, a new 5-way softmax."""
    from course_utils.config import import_keras

    keras = import_keras()
    copy = keras.models.clone_model(source)
    copy.set_weights(source.get_weights())
    copy.trainable = True
    head = keras.layers.Dense(5, activation="softmax", name="new_classifier")
    return keras.Model(copy.inputs, head(copy.get_layer("features").output), name="finetuned")


def make_multilabel() -> keras.Model:
    """Reference of exercise 2a: the ConvNet with 10 sigmoid outputs, Adam 0.001, binary cross-entropy."""
    from course_utils.config import import_keras
    from course_utils.transfer.models import build_convnet

    keras = import_keras()
    model = build_convnet(10, head="sigmoid", name="multilabel")
    model.compile(keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model


def average_precisions(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, float]:
    """Reference of exercise 2b: per-class average precision and its mean (the MAP).

    Parameters
    ----------
    y_true : ndarray of shape (n, n_classes), 0/1
    scores : ndarray of shape (n, n_classes)

    Returns
    -------
    ap : ndarray of shape (n_classes,)
    map_ : float
    """
    from course_utils.transfer.multilabel import average_precision_by_hand

    ap = average_precision_by_hand(y_true, scores)
    return ap, float(np.mean(ap))


def main() -> None:
    """Print, for seeds 0-4, the epochs the reference race needs on the checker's data."""
    from course_utils.config import seed_everything

    target = 0.92
    x, y = race_data(separable=True)
    for seed in range(5):
        seed_everything(seed)
        model = tiny_classifier(seed)
        history = race(model, x, y, 10, target=target)
        hard = race(tiny_classifier(seed), *race_data(separable=False), 3, target=target)
        print(f"seed {seed}: reached {target} at epoch {len(history['accuracy'])} "
              f"(training accuracy {history['accuracy'][-1]:.3f}); random labels, 3 epochs: "
              f"{len(hard['accuracy'])} run, training accuracy {hard['accuracy'][-1]:.3f}")


if __name__ == "__main__":
    main()
