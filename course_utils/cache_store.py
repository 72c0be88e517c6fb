"""Where the model cache keeps its entries, and how one is read and written.

An entry is ``<key>.npz``: named arrays plus the JSON metadata as a ``meta`` array of bytes,
written to a temporary file then renamed, so that a crash never leaves half an entry.
Entries live in ``COURSE_CACHE_DIR/models`` or the checkout's ``data/models/``; a data pack's
``models/`` (``COURSE_DATA_DIR``) is read first, never written. What goes in an entry, and when
one is used, is :mod:`course_utils.model_cache`'s business.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

#: Version of the entry layout: an entry of another format is computed again.
FORMAT = 1


def models_dirs() -> tuple[Path | None, Path]:
    """``(pack, writable)``: the data pack's read-only ``models/`` (None without a pack) and the cache's."""
    from course_utils.datastore import cache_dir, pack_dir

    pack = pack_dir()
    return (pack / "models" if pack is not None else None), cache_dir() / "models"


def load_entry(key: str) -> tuple[dict, dict[str, np.ndarray]] | None:
    """``(metadata, arrays)`` of the entry ``key`` (data pack first), or None.

    An unreadable entry (truncated, bad JSON, another format or key) is
    reported in one line and skipped: the caller trains again.
    """
    for folder in models_dirs():
        path = folder / f"{key}.npz" if folder is not None else None
        if path is None or not path.is_file():
            continue
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or meta.get("key") != key:
                raise ValueError(f"format {meta.get('format')!r}, key {meta.get('key')!r}")
            return meta, arrays
        except Exception as exc:  # noqa: BLE001 - any damage means: do not trust it
            print(f"cache entry {path} is unreadable ({type(exc).__name__}: {exc}); computing it again")
    return None


def save_entry(key: str, meta: dict, arrays: dict[str, np.ndarray]) -> Path | None:
    """Write the entry atomically (temporary file, then rename) in the writable cache.

    Returns its path, or None (reported in one line) when the folder cannot be written.
    """
    folder = models_dirs()[1]
    meta = {**meta, "format": FORMAT, "key": key}
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{key}.", suffix=".tmp", delete=False) as f:
            tmp = Path(f.name)
            np.savez(f, meta=blob, **arrays)
        os.chmod(tmp, 0o644)  # readable by others: an instructor may put it in a data pack
        os.replace(tmp, folder / f"{key}.npz")
        return folder / f"{key}.npz"
    except OSError as exc:
        print(f"could not write the model cache in {folder} ({exc}); the result is not stored")
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return None
