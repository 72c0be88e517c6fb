"""Fingerprints for the model cache: what a training run depends on, as a short hash.

:func:`describe` turns a value (arrays, numbers, functions, classes, Keras
objects, scikit-learn estimators...) into plain JSON data: arrays become a
hash of their bytes, shape and dtype; a function or a class that is not from a
library (the course's or a student's, defined in a module or a notebook cell)
becomes a hash of its compiled code, so that editing its body changes the
fingerprint while a comment does not. :func:`digest` hashes such data.

numpy only: Keras objects are recognised by their methods (``get_config``,
``weights``), never imported here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import types
from typing import Any

import numpy as np

#: Top-level packages whose classes and functions are identified by name only.
LIBRARIES = frozenset({"keras", "tensorflow", "tf_keras", "jax", "jaxlib", "torch", "numpy", "scipy",
                       "sklearn", "builtins", "functools", "collections", "abc", "typing", "math"})
MAX_DEPTH = 6


def array_digest(a: Any) -> str:
    """blake2b (16 bytes, hex) of an array's dtype, shape and bytes.

    Parameters
    ----------
    a : array-like (ndarray, Keras variable or tensor)

    Returns
    -------
    digest : str of 32 hex characters
    """
    a = np.ascontiguousarray(np.asarray(a))
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{a.dtype.str}{a.shape}".encode())
    if a.dtype.hasobject:
        h.update(repr(a.tolist()).encode())
    else:
        h.update(memoryview(a).cast("B"))
    return h.hexdigest()


def digest(data: Any) -> str:
    """blake2b (20 bytes, hex) of JSON data, keys sorted: the same data gives the same digest."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def is_library(obj: Any) -> bool:
    """True for a class or function defined in a library package (Keras, numpy...)."""
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in LIBRARIES


def _name(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _const(value: Any, seen: dict) -> Any:
    if isinstance(value, types.CodeType):
        return _code(value, seen)
    if isinstance(value, frozenset):  # its repr's order depends on the hash seed
        return sorted(repr(v) for v in value)
    return repr(value)


def _code(code: types.CodeType, seen: dict) -> list:
    """The parts of a code object that say what it does (not where it sits in a file)."""
    return [code.co_code.hex(), [_const(c, seen) for c in code.co_consts], list(code.co_names),
            list(code.co_varnames)]


def _function(fn: Any, seen: dict, depth: int) -> dict:
    """A function by its code, defaults, closure and the course/student globals it calls."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return {"callable": _name(fn)}
    out: dict[str, Any] = {"function": _name(fn), "code": _code(code, seen)}
    if fn.__defaults__ or fn.__kwdefaults__:
        out["defaults"] = describe([fn.__defaults__, fn.__kwdefaults__], depth + 1, seen)
    if fn.__closure__:
        cells = []
        for cell in fn.__closure__:
            try:
                cells.append(describe(cell.cell_contents, depth + 1, seen))
            except ValueError:  # an empty cell (a name not assigned yet)
                cells.append(None)
        out["closure"] = cells
    names = set(code.co_names)
    for const in code.co_consts:  # names used by nested functions and comprehensions
        if isinstance(const, types.CodeType):
            names.update(const.co_names)
    used = {}
    for name in sorted(names):  # the globals it reads: a notebook's arrays, settings, models...
        if name not in fn.__globals__:
            continue
        value = fn.__globals__[name]
        code_like = isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType))
        if not (code_like and (isinstance(value, types.ModuleType) or is_library(value))):
            used[name] = describe(value, depth + 1, seen)
    if used:
        out["globals"] = used
    return out


def _class(cls: type, seen: dict, depth: int) -> dict:
    """A class by name, plus the code of every non-library class in its MRO."""
    out: dict[str, Any] = {"class": _name(cls)}
    if is_library(cls):
        return out
    body = {}
    for klass in cls.__mro__:
        if is_library(klass) or klass is object:
            continue
        for attr, value in sorted(vars(klass).items()):
            code_like = isinstance(value, (types.FunctionType, property, staticmethod, classmethod))
            if attr.startswith("_") and not code_like or attr.startswith("__") and attr not in (
                    "__init__", "__call__"):
                continue
            if isinstance(value, property):
                value = value.fget
            body[f"{klass.__qualname__}.{attr}"] = describe(value, depth + 1, seen)
    out["body"] = body
    return out


def describe(value: Any, depth: int = 0, seen: dict | None = None) -> Any:
    """JSON data that stands for ``value`` in a cache key.

    Parameters
    ----------
    value : any
        Scalars and strings as they are; arrays (and anything with ``shape`` and
        ``dtype``: Keras variables) as :func:`array_digest`; lists, tuples and
        dicts element-wise; functions and classes by code (libraries by name);
        objects with ``get_params`` (scikit-learn) or ``get_config`` (Keras) by
        those; other objects by class and public attributes.
    depth : int
        Nesting level; past ``MAX_DEPTH`` only the class name is kept.

    Returns
    -------
    data : JSON-serialisable
    """
    seen = {} if seen is None else seen
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (float, np.floating, np.integer, np.bool_)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, np.ndarray) or (not isinstance(value, type) and hasattr(value, "shape")
                                         and hasattr(value, "dtype") and hasattr(value, "__array__")):
        return {"array": array_digest(value)}
    if isinstance(value, bytes):
        return {"bytes": hashlib.blake2b(value, digest_size=16).hexdigest()}
    if depth > MAX_DEPTH:
        return {"deep": _name(type(value))}
    if isinstance(value, (list, tuple)):
        return [describe(v, depth + 1, seen) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v, depth + 1, seen) for k, v in value.items()}
    if isinstance(value, types.ModuleType):
        return {"module": value.__name__}
    if id(value) in seen:  # described already in this key (or a cycle)
        return {"again": _name(value)}
    seen[id(value)] = value  # holding it keeps its id from being reused
    if isinstance(value, functools.partial):
        return {"partial": describe([value.func, value.args, value.keywords], depth + 1, seen)}
    if isinstance(value, type):
        return _class(value, seen, depth)
    if isinstance(value, (types.FunctionType, types.MethodType, staticmethod, classmethod)):
        fn = getattr(value, "__func__", value)
        out = {"library": _name(fn)} if is_library(fn) else _function(fn, seen, depth)
        owner = getattr(value, "__self__", None)
        if owner is not None and not isinstance(owner, type):
            out["self"] = describe(owner, depth + 1, seen)
        return out
    out = {"type": describe(type(value), depth + 1, seen)}
    if hasattr(value, "_flatten_layers") and hasattr(value, "variables"):  # a Keras layer or model
        out["keras"] = describe_model(value)
        out["variables"] = [array_digest(v) for v in value.variables]
        return out
    if isinstance(value, np.random.Generator):
        out["state"] = describe(value.bit_generator.state, depth + 1, seen)
        return out
    for method in ("get_params", "get_config"):
        if callable(getattr(value, method, None)):
            try:
                out[method] = describe(getattr(value, method)(), depth + 1, seen)
                return out
            except Exception:  # noqa: BLE001 - a config that cannot be built: use attributes
                pass
    if callable(value) and not hasattr(value, "__dict__"):
        return out
    attrs = {k: v for k, v in sorted(getattr(value, "__dict__", {}).items()) if not k.startswith("_")}
    out["attrs"] = {k: describe(v, depth + 1, seen) for k, v in attrs.items()
                    if k not in ("model", "params") and not hasattr(v, "weights")}
    return out


def describe_model(model: Any) -> dict:
    """A Keras model's architecture: its config and, per layer, class code and callables.

    ``get_config`` misses what makes a custom layer compute what it does (its
    code, a Python activation function), and fails for layers that do not
    implement it; each layer is therefore also described by its class (code for
    course or student classes), its config when it has one, its public scalar
    and callable attributes, and its output shape.
    """
    seen: dict = {}
    try:
        config = describe(model.get_config(), seen=seen)
    except Exception:  # noqa: BLE001 - a custom layer without get_config
        config = None
    layers, all_layers = [], list(model._flatten_layers(include_self=False, recursive=True))
    for layer in all_layers:
        item: dict[str, Any] = {"class": describe(type(layer), seen=seen), "name": layer.name,
                                "trainable": bool(layer.trainable)}
        try:
            item["config"] = describe(layer.get_config(), seen=seen)
        except Exception:  # noqa: BLE001
            item["config"] = None
        item["attrs"] = {k: describe(v, seen=seen) for k, v in sorted(vars(layer).items())
                         if not k.startswith("_") and (callable(v) and not hasattr(v, "weights")
                                                       or isinstance(v, (int, float, str, tuple)))}
        try:
            item["output_shape"] = str(layer.output.shape)
        except Exception:  # noqa: BLE001 - a layer not called on a symbolic input
            pass
        layers.append(item)
    # Keras numbers the default names of new objects (input_layer_1, dense_7): names say
    # nothing of what a model computes, so each layer is called by its position instead.
    positions = {model.name: "model"}
    for i, layer in enumerate(all_layers):
        positions.setdefault(layer.name, f"layer{i}")
    return rename({"model": describe(type(model), seen=seen), "config": config, "layers": layers},
                  positions)


def rename(data: Any, names: dict[str, str] | None = None) -> Any:
    """``data`` with every string in ``names`` replaced, and the values of ``"name"``
    keys not in ``names`` stripped of Keras's numbering (``adam_1`` -> ``adam``)."""
    names = names or {}
    if isinstance(data, dict):
        return {k: (names.get(v, re.sub(r"_\d+$", "", v)) if k == "name" and isinstance(v, str)
                    else rename(v, names)) for k, v in data.items()}
    if isinstance(data, list):
        return [rename(v, names) for v in data]
    return names.get(data, data) if isinstance(data, str) else data
