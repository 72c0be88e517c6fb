"""The Keras training loop the notebooks from week 2 on share.

Notebook 1 writes its training loop by hand, as it is what students learn
there; later notebooks call :func:`fit` so that every model trains with the
same compact log (one line per epoch), epoch timing and seeding.

Callbacks and helpers around it: :func:`epoch_timer`, :func:`error_tracker`
(error rate on a held-out set per epoch, for plots), :func:`stop_at` and
:func:`epochs_to_reach` (how many epochs a model needs to reach a target).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .config import import_keras, seed_everything
from .model_cache import cached_fit


def epoch_timer():
    """A Keras callback that adds ``epoch_seconds`` to each epoch's logs.

    Returns
    -------
    callback : keras.callbacks.Callback
        After ``fit``, ``history.history["epoch_seconds"]`` holds one wall-clock
        duration per epoch (training plus validation).
    """
    keras = import_keras()

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs["epoch_seconds"] = time.perf_counter() - self._start

    return EpochTimer()


def fit(model, x, y, *, epochs: int, batch_size: int, validation_data=None,
        callbacks: list | None = None, seed: int | None = 0, verbose: int = 2,
        **kwargs: Any) -> dict[str, list[float]]:
    """Train a compiled Keras model with a compact log; return its history dict.

    A run trained before (same architecture and layer code, initial weights,
    compile and fit arguments, callbacks, data and mode) is loaded from the
    model cache instead, with one line saying so (:mod:`course_utils.model_cache`;
    ``COURSE_RETRAIN=1`` trains again, ``COURSE_MODEL_CACHE=0`` turns it off).

    Parameters
    ----------
    model : keras.Model
        Already compiled.
    x, y : arrays or a dataset accepted by ``model.fit``
    epochs, batch_size : int
    validation_data : tuple, optional
        Monitored each epoch (``val_*`` entries in the result).
    callbacks : list, optional
        Added after the epoch timer.
    seed : int or None, default=0
        Seeds Python, numpy and Keras before training (None: leave as is).
    verbose : int, default=2
        Keras's verbosity; 2 prints one line per epoch.
    **kwargs
        Passed to ``model.fit`` (``shuffle``, ``class_weight``...).

    Returns
    -------
    history : dict of str to list of float
        ``History.history`` with ``epoch_seconds`` added.
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"fit: epochs={epochs} and batch_size={batch_size} must be >= 1")
    if seed is not None:
        seed_everything(seed)
    callbacks = list(callbacks or [])

    def train() -> dict[str, list[float]]:
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size,
                            validation_data=validation_data, verbose=verbose,
                            callbacks=[epoch_timer(), *callbacks], **kwargs)
        return {k: [float(v) for v in values] for k, values in history.history.items()}

    fit_args = {"epochs": epochs, "batch_size": batch_size, "seed": seed,
                "validation_data": validation_data, **kwargs}
    return cached_fit(model, x, y, train, fit_args=fit_args, callbacks=callbacks)


def error_tracker(x: np.ndarray, y: np.ndarray, key: str = "test_error", batch_size: int = 1000):
    """A Keras callback that adds the error rate (in %) on ``(x, y)`` to each epoch's logs.

    For plotting only: a run's reported test error is its last epoch's, never
    the best epoch picked by looking at this curve.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Inputs in the model's format.
    y : ndarray of shape (n,), integer labels
    key : str
        Name of the entry in ``history``.
    """
    keras = import_keras()
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"error_tracker: {len(x)} inputs but {len(y)} labels")

    class ErrorTracker(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pred = np.argmax(self.model.predict(x, batch_size=batch_size, verbose=0), axis=1)
            if logs is not None:
                logs[key] = 100.0 * float(np.mean(pred != y))

    return ErrorTracker()


def epochs_to_reach(values: Any, target: float) -> int | None:
    """First epoch (counted from 1) whose value reaches ``target``; None if none does."""
    values = np.asarray(values, dtype=float)
    hits = np.flatnonzero(values >= target)
    return int(hits[0]) + 1 if len(hits) else None


def stop_at(metric: str, target: float):
    """A Keras callback that stops training once ``logs[metric] >= target``.

    Returns
    -------
    callback : keras.callbacks.Callback
    """
    keras = import_keras()

    class StopAt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if metric not in (logs or {}):
                raise KeyError(f"stop_at: metric {metric!r} not in the logs {sorted(logs or {})}")
            if logs[metric] >= target:
                self.model.stop_training = True

    return StopAt()
