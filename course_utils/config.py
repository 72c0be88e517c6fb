"""Run mode (``COURSE_FAST``), seeding, the Keras backend and each notebook's set-up call.

``COURSE_FAST=1`` asks every notebook for a small run (a data subset, few
epochs) for CI; unset, ``0`` or empty means the real run students and
instructors should see.
"""

from __future__ import annotations

import importlib.util
import os
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from types import ModuleType

T = TypeVar("T")

KERAS_BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def is_fast() -> bool:
    """True when ``COURSE_FAST`` asks for the small CI run.

    Raises
    ------
    ValueError
        ``COURSE_FAST`` holds something other than 0/1/true/false/yes/no.
    """
    value = os.environ.get("COURSE_FAST", "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"COURSE_FAST={value!r}: use 1 for the fast CI run or 0 for the full run")


def env_flag(name: str, default: bool) -> bool:
    """A yes/no environment variable: 1/true/yes/on or 0/false/no/off; unset or empty gives ``default``.

    Raises
    ------
    ValueError
        Any other value; the message names the variable and the value.
    """
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={value!r}: use 1 (yes) or 0 (no), or unset it")


def pick(full: T, fast: T) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Examples
    --------
    >>> epochs = pick(full=20, fast=1)
    """
    return fast if is_fast() else full


def mode_banner() -> str:
    """One line saying which mode runs, for the top of each notebook."""
    if is_fast():
        return "COURSE_FAST=1: fast mode (data subset, few epochs); figures are NOT the real ones."
    return "Full mode: full data and epochs (set COURSE_FAST=1 for a quick run)."


def seed_everything(seed: int = 0) -> None:
    """Seed Python's, numpy's and (if already imported) Keras's generators.

    The one seeding call of the course: notebooks and scripts call this, never
    ``np.random.seed`` or ``keras.utils.set_random_seed`` directly.

    Raises
    ------
    ValueError
        ``seed`` is not an integer in [0, 2**32 - 1] (numpy's range).
    """
    import numbers
    import sys

    import numpy as np

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed_everything: seed={seed!r} must be an integer in [0, 2**32 - 1]")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


@dataclass(frozen=True)
class NotebookRun:
    """What :func:`setup` started: the notebook's seed and clock.

    Attributes
    ----------
    seed : int
    started : float
        ``time.perf_counter()`` when the set-up ran.
    """

    seed: int
    started: float

    def seconds(self) -> float:
        """Seconds since the set-up call."""
        return time.perf_counter() - self.started

    def wall_time(self) -> str:
        """The notebook's closing line, e.g. ``notebook wall time: 412 s``."""
        return f"notebook wall time: {self.seconds():.0f} s"


def versions() -> str:
    """One line: Python's and numpy's versions, and Keras's with its backend once imported."""
    import platform
    import sys

    import numpy as np

    line = f"Python {platform.python_version()}, numpy {np.__version__}"
    keras = sys.modules.get("keras")
    if keras is not None:
        line += f", Keras {keras.__version__} on the {keras.backend.backend()} backend"
    return line


def setup(seed: int = 0) -> NotebookRun:
    """The first call of every notebook: banner, versions, seed, clock.

    Prints :func:`mode_banner` and :func:`versions`, seeds every generator with
    :func:`seed_everything`, and starts the clock that the notebook's last cell
    reads (``print(notebook.wall_time())``). Call it after ``import_keras()``
    when the notebook uses Keras: Keras is then seeded and its version shown,
    TensorFlow's retracing warnings are muted, and the backend runs its first
    operation here, so that any start-up message it prints lands in this cell.

    Returns
    -------
    notebook : NotebookRun

    Raises
    ------
    ValueError
        Bad ``seed`` (see :func:`seed_everything`) or ``COURSE_FAST`` value.
    """
    import logging
    import sys

    print(mode_banner())
    print(versions())
    seed_everything(seed)
    keras = sys.modules.get("keras")
    if keras is not None:
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
        keras.ops.convert_to_numpy(keras.ops.ones(1))
    return NotebookRun(seed=int(seed), started=time.perf_counter())


def keras_backend() -> str:
    """The Keras backend that ``import keras`` will use, checked.

    Reads ``KERAS_BACKEND`` (default ``tensorflow``).

    Raises
    ------
    ValueError
        Unknown backend name.
    ModuleNotFoundError
        The backend's package is not installed; the message says how to install it.
    """
    name = os.environ.get("KERAS_BACKEND", "tensorflow").strip() or "tensorflow"
    if name not in KERAS_BACKENDS:
        raise ValueError(f"KERAS_BACKEND={name!r} is not one of {sorted(KERAS_BACKENDS)}")
    module = KERAS_BACKENDS[name]
    if importlib.util.find_spec(module) is None:
        hint = {"jax": "pip install jax",
                "torch": "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu "
                         "(the CPU build; a plain `pip install torch` pulls a CUDA build of several GB)",
                "tensorflow": "make install (or pip install -e .)"}[name]
        raise ModuleNotFoundError(
            f"KERAS_BACKEND={name} but the {module!r} package is not installed: {hint}, "
            "or unset KERAS_BACKEND to use TensorFlow")
    return name


IMPORT_LOG_PREFIX = "course_utils-import-keras-"


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate the process there; assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _report_dead_imports(folder: os.PathLike[str]) -> None:
    """Show what a previous import printed when its process died during the import."""
    import sys
    from pathlib import Path

    for log in sorted(Path(folder).glob(f"{IMPORT_LOG_PREFIX}*.log")):
        pid = log.stem[len(IMPORT_LOG_PREFIX):]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        try:
            if log.stat().st_uid != os.getuid():  # another user's
                continue
            text = log.read_text(errors="replace").strip()
            log.unlink()
        except OSError:
            continue
        print(f"A previous Python process (pid {pid}) died while importing TensorFlow. What the "
              f"import printed:\n{text or '(nothing)'}\n(If it says the CPU lacks instructions "
              "such as AVX, this TensorFlow build cannot run on this machine: try "
              "KERAS_BACKEND=jax, see README.md.)", file=sys.stderr, flush=True)


def import_keras() -> ModuleType:
    """Check the backend, import Keras without TensorFlow's start-up noise.

    TensorFlow's CUDA build prints a few C++ log lines at import and at its
    first device query on a machine without a GPU ("Could not find cuda drivers...", oneDNN notes) that no
    environment variable silences any more. They are harmless and confuse
    students, so the C-level stderr goes to a temporary log file during the
    import only; Python warnings and exceptions still show. When the import
    raises, what it printed is shown before the error. When the process dies
    during the import (a fatal native error, e.g. a CPU without the
    instructions TensorFlow needs), the log stays in the temporary folder and
    the next call of this function, in any process, shows it.

    Returns
    -------
    keras : module
        ``import keras``, on the backend named by ``KERAS_BACKEND``.

    Raises
    ------
    ValueError, ModuleNotFoundError
        See :func:`keras_backend`.
    """
    import importlib
    import sys
    import tempfile
    from pathlib import Path

    backend = keras_backend()
    os.environ["KERAS_BACKEND"] = backend
    if "keras" in sys.modules or backend != "tensorflow":
        return importlib.import_module("keras")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    folder = Path(tempfile.gettempdir())
    _report_dead_imports(folder)
    log_path = folder / f"{IMPORT_LOG_PREFIX}{os.getpid()}.log"
    try:
        log = open(log_path, "w+b")
    except OSError:  # no writable temporary folder: mute nothing rather than fail
        return importlib.import_module("keras")
    sys.stderr.flush()
    saved = os.dup(2)
    failed = True
    try:
        os.dup2(log.fileno(), 2)
        try:
            keras = importlib.import_module("keras")
            # The first device query logs "failed call to cuInit": do it now, muted.
            importlib.import_module("tensorflow").config.list_physical_devices()
        finally:
            os.dup2(saved, 2)
        failed = False
        return keras
    finally:
        os.close(saved)
        if failed:
            log.seek(0)
            text = log.read().decode(errors="replace").strip()
            if text:
                print(f"What importing TensorFlow printed before failing:\n{text}",
                      file=sys.stderr, flush=True)
        log.close()
        try:
            log_path.unlink()
        except OSError:
            pass
