"""The Keras training loop the notebooks from week 2 on share.

Notebook 1 writes its training loop by hand, as it is what students learn
there; later notebooks call :func:`fit` so that every model trains with the
same display (one line updated in place, then a one-line summary of the run:
:mod:`course_utils.progress`), epoch timing and seeding.

Callbacks around it, plain Keras classes (this module imports Keras):
:class:`EpochTimer`, :class:`ErrorTracker` (error rate on a held-out set per
epoch, for plots), :class:`StopAt` and :func:`epochs_to_reach` (how many
epochs a model needs to reach a target), :class:`TrainingProgress`; the
lower-case factories (:func:`epoch_timer`, :func:`error_tracker`,
:func:`stop_at`) return them.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from course_utils.config import import_keras, seed_everything
from course_utils.model_cache import cached_fit
from course_utils.progress import Progress

keras = import_keras()


class EpochTimer(keras.callbacks.Callback):
    """Adds ``epoch_seconds`` (wall clock, training plus validation) to each epoch's logs."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self._start


class TrainingProgress(keras.callbacks.Callback):
    """Shows a run as one line updated in place, then its summary (:class:`~course_utils.progress.Progress`).

    Updated at each epoch's end only: a batch-level hook would stop Keras from
    running callbacks asynchronously and slow training down.

    Parameters
    ----------
    name : str
        The model's name.
    epochs : int
    verbose : {0, 1, 2}, default=1
    watch : list of callbacks, optional
        An ``EarlyStopping(restore_best_weights=True)`` among them makes the summary
        show the restored epoch.
    """

    def __init__(self, name: str, epochs: int, verbose: int = 1, watch: list | None = None) -> None:
        super().__init__()
        self.progress = Progress(name, epochs, verbose=verbose)
        self.watch = list(watch or [])

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.progress.start()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.progress.step(logs or {})

    def on_train_end(self, logs: dict | None = None) -> None:
        self.progress.finish(kept=self.restored_epoch())

    def restored_epoch(self) -> int | None:
        """The epoch (from 1) whose weights an early-stopping callback restored, if any."""
        for cb in self.watch:
            if (isinstance(cb, keras.callbacks.EarlyStopping) and cb.restore_best_weights
                    and cb.best_weights is not None):
                return int(cb.best_epoch) + 1
        return None


def epoch_timer() -> EpochTimer:
    """An :class:`EpochTimer`: after ``fit``, ``history["epoch_seconds"]`` holds one duration per epoch."""
    return EpochTimer()


def fit(model: keras.Model, x: Any, y: Any, *, epochs: int, batch_size: int,
        validation_data: Any = None, callbacks: list | None = None, seed: int | None = 0,
        verbose: int = 1, **kwargs: Any) -> dict[str, list[float]]:
    """Train a compiled Keras model showing one progress line; return its history dict.

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
    verbose : {0, 1, 2}, default=1
        0 prints nothing; 1 one line updated in place during training, then the
        run's summary (e.g. ``cnn: 15 epochs in 58.1 s, loss 0.041, val_accuracy 0.9871``);
        2 also one line per epoch. Keras's own log is always off.
    **kwargs
        Passed to ``model.fit`` (``shuffle``, ``class_weight``...).

    Returns
    -------
    history : dict of str to list of float
        ``History.history`` with ``epoch_seconds`` added.
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"fit: epochs={epochs} and batch_size={batch_size} must be >= 1")
    if verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose={verbose!r}, use 0 (silent), 1 (one line) or 2 (a line per epoch)")
    if seed is not None:
        seed_everything(seed)
    callbacks = list(callbacks or [])

    def train() -> dict[str, list[float]]:
        shown = TrainingProgress(model.name, epochs, verbose=verbose, watch=callbacks)
        try:
            history = model.fit(x, y, epochs=epochs, batch_size=batch_size,
                                validation_data=validation_data, verbose=0,
                                callbacks=[epoch_timer(), *callbacks, shown], **kwargs)
        except BaseException as exc:
            shown.progress.fail(exc)
            raise
        return {k: [float(v) for v in values] for k, values in history.history.items()}

    fit_args = {"epochs": epochs, "batch_size": batch_size, "seed": seed,
                "validation_data": validation_data, **kwargs}
    return cached_fit(model, x, y, train, fit_args=fit_args, callbacks=callbacks)


class ErrorTracker(keras.callbacks.Callback):
    """Adds the error rate (in %) on ``(x, y)`` to each epoch's logs, under ``key``.

    For plotting only: a run's reported test error is its last epoch's, never
    the best epoch picked by looking at this curve.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Inputs in the model's format.
    y : ndarray of shape (n,)
        Integer labels.
    key : str, default="test_error"
        Name of the entry in ``history``.
    batch_size : int, default=1000
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, key: str = "test_error",
                 batch_size: int = 1000) -> None:
        super().__init__()
        y = np.asarray(y)
        if len(x) != len(y):
            raise ValueError(f"error_tracker: {len(x)} inputs but {len(y)} labels")
        self.x, self.y, self.key, self.batch_size = x, y, key, batch_size

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        pred = np.argmax(self.model.predict(self.x, batch_size=self.batch_size, verbose=0), axis=1)
        if logs is not None:
            logs[self.key] = 100.0 * float(np.mean(pred != self.y))


def error_tracker(x: np.ndarray, y: np.ndarray, key: str = "test_error",
                  batch_size: int = 1000) -> ErrorTracker:
    """An :class:`ErrorTracker` (same arguments)."""
    return ErrorTracker(x, y, key, batch_size)


def epochs_to_reach(values: Any, target: float) -> int | None:
    """First epoch (counted from 1) whose value reaches ``target``; None if none does."""
    values = np.asarray(values, dtype=float)
    hits = np.flatnonzero(values >= target)
    return int(hits[0]) + 1 if len(hits) else None


class StopAt(keras.callbacks.Callback):
    """Stops training once ``logs[metric] >= target``."""

    def __init__(self, metric: str, target: float) -> None:
        super().__init__()
        self.metric, self.target = metric, target

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.metric not in (logs or {}):
            raise KeyError(f"stop_at: metric {self.metric!r} not in the logs {sorted(logs or {})}")
        if logs[self.metric] >= self.target:
            self.model.stop_training = True


def stop_at(metric: str, target: float) -> StopAt:
    """A :class:`StopAt` callback (same arguments)."""
    return StopAt(metric, target)
