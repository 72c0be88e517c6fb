"""The model cache: a model trained before is loaded instead of trained again.

:func:`cached_fit` (behind :func:`course_utils.training.fit`) keys a training run on all it
depends on (:mod:`course_utils.fingerprint`): architecture and layer code, initial weights and
optimizer state, compile and fit arguments, callbacks, data, Keras version and backend, and the
mode. A hit restores the weights, optimizer state, random generators and callback attributes
(``EarlyStopping.best_epoch``) as training left them, returns the history and prints one line.
:func:`cached_call` does the same for a deterministic computation (a t-SNE).

Entries are ``<key>.npz`` files (arrays and JSON metadata) read and written by
:mod:`course_utils.cache_store`, in ``COURSE_CACHE_DIR/models`` or the checkout's
``data/models/``; a data pack's ``models/`` (``COURSE_DATA_DIR``) is read first, never written.
``COURSE_RETRAIN=1`` trains again and overwrites; ``COURSE_MODEL_CACHE=0`` turns the cache off (CI).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from course_utils import fingerprint
from course_utils.cache_store import FORMAT, load_entry, save_entry
from course_utils.config import env_flag, is_fast


def enabled() -> bool:
    """False when ``COURSE_MODEL_CACHE`` turns the cache off (CI must really train)."""
    return env_flag("COURSE_MODEL_CACHE", default=True)


def _environment() -> dict[str, Any]:
    return {"format": FORMAT, "mode": "fast" if is_fast() else "full",
            "python": list(sys.version_info[:2]), "numpy": np.__version__}


def _is_arrays(value: Any) -> bool:
    """Arrays (or None, or lists, tuples and dicts of them): data the cache can fingerprint."""
    if value is None or isinstance(value, np.ndarray):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_arrays(v) for v in value)
    if isinstance(value, dict):
        return all(_is_arrays(v) for v in value.values())
    return False


def fit_key(model, x, y, fit_args: dict[str, Any], callbacks: list) -> str | None:
    """The cache key of a training run, or None when it cannot be cached.

    Not cached: a model without weights yet (not built), or data other than
    numpy arrays (a ``tf.data.Dataset``, a generator).
    """
    keras = sys.modules["keras"]
    data = [x, y, fit_args.get("validation_data"), fit_args.get("sample_weight")]
    if not model.variables or not all(_is_arrays(v) for v in data):
        return None
    optimizer = model.optimizer
    try:
        parts = {
            **_environment(), "keras": keras.__version__, "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "architecture": fingerprint.describe_model(model),
            "weights": [fingerprint.array_digest(v) for v in model.variables],
            "optimizer": fingerprint.rename(fingerprint.describe(optimizer)),
            "optimizer_state": ([fingerprint.array_digest(v) for v in optimizer.variables]
                                if optimizer is not None and optimizer.built else None),
            "compile": fingerprint.rename(fingerprint.describe([model.get_compile_config(), model.loss])),
            "fit": fingerprint.describe(fit_args), "callbacks": fingerprint.describe(callbacks),
            # Unseeded (seed=None), the run starts from the generators' current state.
            "rng": fingerprint.describe(_rng_state()) if fit_args.get("seed", 0) is None else None,
            "data": fingerprint.describe([x, y])}
        return fingerprint.digest(parts)
    except Exception as exc:  # noqa: BLE001 - never let the cache stop a training
        print(f"model cache: cannot fingerprint this run ({type(exc).__name__}: {exc}); not cached")
        return None


def _stamp(meta: dict) -> str:
    return f"{meta.get('when', '?')} in {meta.get('seconds', float('nan')):.1f} s"


def _rng_state() -> tuple[dict, dict[str, np.ndarray]]:
    """Python's, numpy's and (once imported) Keras's global random states: (JSON part, array part)."""
    version, internal, gauss = random.getstate()
    _, keys, pos, has_gauss, cached = np.random.get_state()
    arrays = {"rng/numpy": np.asarray(keys)}
    if "keras" in sys.modules:
        from keras.src.backend.common import global_state

        generator = global_state.get_global_attribute("global_seed_generator")
        if generator is not None:
            arrays["rng/keras"] = np.asarray(generator.state)
    state = {"python": [version, list(internal), gauss], "numpy": [int(pos), int(has_gauss), float(cached)],
             "keras": "keras" in sys.modules}
    return state, arrays


def _set_rng_state(state: dict, arrays: dict[str, np.ndarray]) -> None:
    if state.get("keras") and "keras" in sys.modules:
        from keras.src.backend.common import global_state
        from keras.src.random.seed_generator import global_seed_generator

        if "rng/keras" in arrays:
            global_seed_generator().state.assign(arrays["rng/keras"])
        else:
            global_state.set_global_attribute("global_seed_generator", None)
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    pos, has_gauss, cached = state["numpy"]
    np.random.set_state(("MT19937", arrays["rng/numpy"], pos, has_gauss, cached))


def _callback_state(callbacks: list) -> list[dict]:
    """Each callback's public attributes holding a number, string or None (e.g. ``best_epoch``)."""
    keep = (type(None), bool, int, float, str, np.integer, np.floating)
    return [{k: v.item() if isinstance(v, np.generic) else v for k, v in vars(cb).items()
             if not k.startswith("_") and isinstance(v, keep)} for cb in callbacks]


def _check_shapes(kind: str, variables: list, arrays: list[np.ndarray]) -> None:
    if len(variables) != len(arrays):
        raise ValueError(f"{len(arrays)} stored {kind} arrays for {len(variables)} variables")
    for v, a in zip(variables, arrays, strict=True):
        if tuple(v.shape) != a.shape:
            raise ValueError(f"{kind} {v.path}: stored shape {a.shape}, model has {tuple(v.shape)}")


def _restore(model, meta: dict, arrays: dict[str, np.ndarray], callbacks: list) -> None:
    """Put the model, its optimizer, the random generators and callbacks as training left them."""
    weights = [arrays[f"w/{i:04d}"] for i in range(meta["n_weights"])]
    _check_shapes("weight", model.variables, weights)
    opt_state = [arrays[f"o/{i:04d}"] for i in range(meta["n_optimizer"])]
    optimizer = model.optimizer
    if opt_state:
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        _check_shapes("optimizer", optimizer.variables, opt_state)
    if len(meta["callbacks"]) != len(callbacks):
        raise ValueError(f"{len(meta['callbacks'])} stored callback states for {len(callbacks)} callbacks")
    for v, a in zip(model.variables, weights, strict=True):
        v.assign(a)
    for v, a in zip(optimizer.variables if opt_state else [], opt_state, strict=True):
        v.assign(a)
    for cb, state in zip(callbacks, meta["callbacks"], strict=True):
        for name, value in state.items():
            setattr(cb, name, value)
    _set_rng_state(meta["rng"], arrays)


def cached_fit(model, x, y, train: Callable[[], dict[str, list[float]]], *, fit_args: dict[str, Any],
               callbacks: list) -> dict[str, list[float]]:
    """Run ``train()`` (the real ``model.fit``, returning the history dict) or load its result.

    ``fit_args`` holds every other argument the run depends on (epochs, batch_size, seed,
    validation_data...); the callbacks' configuration is part of the key and their public
    scalar attributes are stored and restored.
    """
    key = fit_key(model, x, y, fit_args, callbacks) if enabled() else None
    if key is None:
        return train()
    if not env_flag("COURSE_RETRAIN", default=False) and (entry := load_entry(key)) is not None:
        meta, arrays = entry
        try:
            _restore(model, meta, arrays, callbacks)
        except Exception as exc:  # noqa: BLE001 - an entry that does not fit this model
            print(f"cache entry {key} does not fit this model ({exc}); training again")
        else:
            print(f"{model.name}: loaded from cache, trained on {_stamp(meta)}; "
                    "set COURSE_RETRAIN=1 to train again")
            return {k: list(v) for k, v in meta["history"].items()}
    start = time.perf_counter()
    history = train()
    seconds = time.perf_counter() - start
    rng, arrays = _rng_state()
    arrays.update({f"w/{i:04d}": np.asarray(v) for i, v in enumerate(model.variables)})
    opt_vars = model.optimizer.variables if model.optimizer is not None and model.optimizer.built else []
    arrays.update({f"o/{i:04d}": np.asarray(v) for i, v in enumerate(opt_vars)})
    meta = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seconds": seconds,
            "model": model.name, "history": history, "callbacks": _callback_state(callbacks), "rng": rng,
            "n_weights": len(model.variables), "n_optimizer": len(opt_vars),
            "summary": {k: fingerprint.describe(v) for k, v in fit_args.items() if k != "validation_data"}}
    save_entry(key, meta, arrays)
    return history


def _result_kind(value: Any) -> str | None:
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, (np.number, np.bool_)):
        return "numpy"
    if isinstance(value, (bool, int, float)):
        return "python"
    return None


def cached_call(fn: Callable[..., Any], *args: Any, name: str | None = None, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, computed once and then read from the cache.

    For deterministic computations returning arrays or numbers, or a tuple of
    them (``cached_call(TSNE(random_state=0).fit_transform, x)``). The key
    covers ``fn`` (for a bound method, its object's parameters; for course or
    student code, its code and the globals it reads: arrays, settings, Keras
    models with their weights), the arguments, the library's version, the mode
    and the global random states; a hit also leaves the random generators as
    the call did.

    Raises
    ------
    TypeError
        ``fn`` returned something else (nothing is stored).
    """
    name = name or getattr(fn, "__qualname__", repr(fn))
    if not enabled():
        return fn(*args, **kwargs)
    package = sys.modules.get((getattr(fn, "__module__", None) or "").split(".")[0])
    try:
        rng, rng_arrays = _rng_state()
        key = fingerprint.digest({**_environment(), "call": fingerprint.describe(fn),
                                  "library": getattr(package, "__version__", None),
                                  "args": fingerprint.describe([args, kwargs]),
                                  "rng": [rng, fingerprint.describe(rng_arrays)]})
    except Exception as exc:  # noqa: BLE001 - never let the cache stop a computation
        print(f"model cache: cannot fingerprint {name} ({type(exc).__name__}: {exc}); not cached")
        return fn(*args, **kwargs)
    if not env_flag("COURSE_RETRAIN", default=False) and (entry := load_entry(key)) is not None:
        meta, arrays = entry
        try:
            values = tuple(arrays[f"r/{i:04d}"] if kind == "array" else arrays[f"r/{i:04d}"][()]
                           if kind == "numpy" else arrays[f"r/{i:04d}"].item()
                           for i, kind in enumerate(meta["kinds"]))
            _set_rng_state(meta["rng"], arrays)
        except Exception as exc:  # noqa: BLE001
            print(f"cache entry {key} is unreadable ({type(exc).__name__}: {exc}); computing it again")
        else:
            print(f"{name}: loaded from cache, computed on {_stamp(meta)}; "
                    "set COURSE_RETRAIN=1 to compute again")
            return values if meta["tuple"] else values[0]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    values = result if isinstance(result, tuple) else (result,)
    kinds = [_result_kind(v) for v in values]
    if None in kinds:
        raise TypeError(f"cached_call: {name} returned {type(result).__name__}; only arrays, numbers "
                        "or a tuple of them can be cached")
    rng, arrays = _rng_state()
    arrays.update({f"r/{i:04d}": np.asarray(v) for i, v in enumerate(values)})
    meta = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seconds": seconds, "call": name,
            "kinds": kinds, "tuple": isinstance(result, tuple), "rng": rng}
    save_entry(key, meta, arrays)
    return result
