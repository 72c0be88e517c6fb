"""Run mode (``COURSE_FAST``), seeding and the Keras backend.

``COURSE_FAST=1`` asks every notebook for a small run (a data subset, few
epochs) for CI; unset, ``0`` or empty means the real run students and
instructors should see.
"""

from __future__ import annotations

import importlib.util
import os
import random
from typing import TypeVar

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
    """Seed Python's, numpy's and (if already imported) Keras's generators."""
    import sys

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


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
        hint = {"jax": "pip install jax", "torch": "pip install torch==2.13.0 (CPU build)",
                "tensorflow": "make install (or pip install -e .)"}[name]
        raise ModuleNotFoundError(
            f"KERAS_BACKEND={name} but the {module!r} package is not installed: {hint}, "
            "or unset KERAS_BACKEND to use TensorFlow")
    return name


def import_keras():
    """Check the backend, import Keras without TensorFlow's start-up noise.

    TensorFlow's CUDA build prints a few C++ log lines at import and at its
    first device query on a machine without a GPU ("Could not find cuda drivers...", oneDNN notes) that no
    environment variable silences any more. They are harmless and confuse
    students, so the C-level stderr is muted during the import only; Python
    warnings and exceptions still show.

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

    backend = keras_backend()
    os.environ["KERAS_BACKEND"] = backend
    if "keras" in sys.modules or backend != "tensorflow":
        return importlib.import_module("keras")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            keras = importlib.import_module("keras")
            # The first device query logs "failed call to cuInit": do it now, muted.
            importlib.import_module("tensorflow").config.list_physical_devices()
            return keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
