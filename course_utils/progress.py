"""One line of training progress, updated in place, and a one-line summary per run.

Every training loop of the course reports through :class:`Progress`: Keras runs
through :func:`course_utils.training.fit` (a callback), notebook 1's numpy
loops by iterating over it as over ``tqdm(range(epochs))``::

    bar = Progress("MLP", epochs)
    for epoch in bar:
        ...                                  # one epoch of training
        bar.set_postfix(loss=loss, eval_acc=acc)

While it runs, ONE line shows the epoch and the latest metrics. In Jupyter it
is a display updated in place (``update_display``), so a stored notebook keeps
exactly one output for the run; in a terminal it is a ``\\r`` line. At the end
the line becomes the run's summary, e.g.::

    cnn: 12 of 15 epochs in 58.1 s; kept epoch 9: loss 0.041, val_accuracy 0.9871

``verbose``: 0 prints nothing, 1 (default) the one line, 2 also one line per
epoch (for debugging). Pure Python: no Keras, numpy or IPython import.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

#: Metrics shown beside ``loss`` when present, in this order of preference (the first found).
QUALITY_KEYS = ("val_accuracy", "val_loss", "accuracy")
#: Keras's standard entries; any other entry (``test_error``...) is shown too.
STANDARD_KEYS = frozenset({"loss", "accuracy", "val_loss", "val_accuracy", "epoch_seconds"})


_silenced = 0   # depth of nested silenced() blocks


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Every :class:`Progress` in the block is silent (verbose=0): e.g. the runs a checker makes."""
    global _silenced
    _silenced += 1
    try:
        yield
    finally:
        _silenced -= 1


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython shell with a ``kernel``); never imports IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def format_seconds(seconds: float) -> str:
    """``'58.1 s'`` under 100 s, ``'4 min 12 s'`` above."""
    if seconds < 100:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _value(v: Any) -> str:
    if isinstance(v, str):
        return v
    try:
        return f"{float(v):.4g}"
    except (TypeError, ValueError):
        return str(v)


def format_metrics(logs: Mapping[str, Any] | None) -> str:
    """The metrics worth a glance, e.g. ``'loss 0.041, val_accuracy 0.9871'``.

    ``loss``, then the first of :data:`QUALITY_KEYS` present, then every
    non-standard entry (``test_error``...); ``epoch_seconds`` never.
    Entries of a mapping that is not Keras-like (no ``loss``) are all shown.
    """
    logs = dict(logs or {})
    if not any(k in logs for k in STANDARD_KEYS):
        keys = list(logs)
    else:
        quality = [k for k in QUALITY_KEYS if k in logs][:1]
        keys = [k for k in ("loss", *quality) if k in logs]
        keys += [k for k in logs if k not in STANDARD_KEYS]
    return ", ".join(f"{k} {_value(logs[k])}" for k in keys)


class Progress:
    """One training run's progress line (see the module docstring).

    Parameters
    ----------
    name : str
        Shown first on the line (the model's name, the loop's label).
    total : int
        Epochs planned, >= 0.
    verbose : {0, 1, 2}, default=1
        0 silent, 1 one line updated in place then a summary, 2 also one line per epoch.
    unit : str, default="epoch"
    stream : text stream, optional
        Terminal output (default ``sys.stdout``); in Jupyter a display is used instead.
        Updates in place are written only to a terminal (``isatty()``); any other
        stream gets the summary line alone.
    """

    def __init__(self, name: str, total: int, *, verbose: int = 1, unit: str = "epoch",
                 stream: TextIO | None = None) -> None:
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progress: verbose={verbose!r}, use 0 (silent), 1 (one line) or 2 "
                             "(also one line per epoch)")
        if int(total) < 0:
            raise ValueError(f"Progress: total={total} {unit}s, must be >= 0")
        self.name, self.total, self.verbose, self.unit = str(name), int(total), verbose, unit
        self.stream = stream
        self.history: list[dict[str, Any]] = []   # one dict of metrics per finished epoch
        self.postfix: dict[str, Any] = {}
        self.text = ""                            # what the line shows now
        self._handle: Any = None
        self._start: float | None = None
        self._width = 0
        self.closed = False

    # --- what callers use ---------------------------------------------------------------------
    @property
    def done(self) -> int:
        """Epochs finished so far."""
        return len(self.history)

    @property
    def seconds(self) -> float:
        """Seconds since :meth:`start` (0 before)."""
        return 0.0 if self._start is None else time.perf_counter() - self._start

    def start(self) -> None:
        """Show the line (epoch 0) and start the clock; called by the first update if needed."""
        if self._start is None:
            self._start = time.perf_counter()
            self._show(self._live_text())

    def step(self, metrics: Mapping[str, Any] | None = None) -> None:
        """One epoch finished, with its metrics (a Keras ``logs`` dict or :meth:`set_postfix`'s)."""
        self.start()
        self.history.append(dict(metrics if metrics is not None else self.postfix))
        self.postfix = {}
        if self.verbose == 2:
            self._persist(self._live_text())
        self._show(self._live_text())

    def set_postfix(self, ordered_dict: Mapping[str, Any] | None = None, refresh: bool = True,
                    **metrics: Any) -> None:
        """The current epoch's metrics (``tqdm``'s signature; ``refresh`` is ignored)."""
        self.postfix = {**(ordered_dict or {}), **metrics}

    def finish(self, kept: int | None = None) -> str:
        """Replace the line by the run's summary; return it.

        Parameters
        ----------
        kept : int, optional
            The epoch (from 1) whose weights were restored at the end (early stopping):
            its metrics are shown instead of the last epoch's.
        """
        if self.closed:
            return self.text
        done, total = self.done, self.total
        count = f"{done} {self.unit}{'s' if done != 1 else ''}" if done == total else \
            f"{done} of {total} {self.unit}s"
        text = f"{self.name}: {count} in {format_seconds(self.seconds)}"
        if kept is not None and 1 <= kept <= done and kept != done:
            text += f"; kept {self.unit} {kept}: {format_metrics(self.history[kept - 1])}"
        elif done:
            metrics = format_metrics(self.history[-1])
            text += f", {metrics}" if metrics else ""
        return self._close(text)

    def fail(self, error: BaseException | None = None) -> str:
        """End the line when training stops on an error or an interruption; return the text."""
        if self.closed:
            return self.text
        text = f"{self.name}: stopped in {self.unit} {self.done + 1}/{self.total} after " \
               f"{format_seconds(self.seconds)}"
        if error is not None:
            text += f" ({type(error).__name__}{': ' + str(error) if str(error) else ''})"
        if self.done:
            text += f"; last {self.unit}: {format_metrics(self.history[-1])}"
        return self._close(text)

    def __iter__(self) -> Iterator[int]:
        """``for epoch in progress:`` 0, 1, ... total - 1, each epoch's metrics from :meth:`set_postfix`."""
        self.start()
        finished = False
        try:
            for epoch in range(self.total):
                yield epoch
                self.step()
            finished = True
        finally:
            if finished:
                self.finish()
            else:  # the loop's body raised, or the loop was left with break
                self.fail()

    # --- output ---------------------------------------------------------------------------------
    def _live_text(self) -> str:
        text = f"{self.name}: {self.unit} {self.done}/{self.total}, {format_seconds(self.seconds)}"
        if self.history:
            metrics = format_metrics(self.history[-1])
            text += f", {metrics}" if metrics else ""
        return text

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stdout

    def _is_tty(self) -> bool:
        isatty = getattr(self._out(), "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    def _show(self, text: str) -> None:
        """Draw ``text`` in place of the line."""
        self.text = text
        if self.verbose == 0 or _silenced:
            return
        if self.stream is None and in_notebook():
            from IPython.display import display

            data = {"text/plain": text}
            if self._handle is None:
                self._handle = display(data, raw=True, display_id=True)
            elif hasattr(self._handle, "update"):
                self._handle.update(data, raw=True)
        elif self._is_tty():
            out = self._out()
            out.write("\r" + text.ljust(self._width))
            out.flush()
            self._width = max(self._width, len(text))

    def _persist(self, text: str) -> None:
        """A line of its own (verbose=2), above the live line in a terminal."""
        if _silenced:
            return
        if self.stream is None and in_notebook():
            print(text, flush=True)
        else:
            out = self._out()
            out.write(("\r" + text.ljust(self._width) if self._is_tty() else text) + "\n")
            out.flush()

    def _close(self, text: str) -> str:
        self.closed = True
        self._show(text)
        if self.verbose and not _silenced and not (self.stream is None and in_notebook()):
            out = self._out()
            out.write("\n" if self._is_tty() else text + "\n")
            out.flush()
        return text
