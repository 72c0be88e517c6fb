"""Where a data file is found: the offline pack, the download cache, the network.

:func:`locate` (and :func:`find`, which also returns the verified bytes) looks
for a file of :data:`course_utils.registry.REGISTRY` in this order:

1. the offline data pack named by ``COURSE_DATA_DIR`` (read-only: a bad file
   there is an error, never replaced behind your back);
2. the download cache (``COURSE_CACHE_DIR``, by default the checkout's
   ``data/``); a corrupt cached file is downloaded again and replaced in one
   atomic rename (it is never deleted first, so a second process reading it
   meanwhile sees the old or the new file, never none);
3. the network, from the original distributor then its mirrors.

With ``download=False`` nothing is written, renamed or deleted: that is what
the diagnostics (``python -m course_utils.data status``, the doctor) use.
Every failure is a :class:`~course_utils.errors.CourseDataError` naming the
file, what is wrong and what to do.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.download import download_with_mirrors
from course_utils.errors import (
    ChecksumError,
    DataAccessError,
    DataCorruptError,
    DataUnavailableError,
    os_reason,
)
from course_utils.partials import remove_stale_partials
from course_utils.registry import REGISTRY, DataFile

PACK_LAYOUT = """\
  mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
  fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
  text/fleurs_mal.txt
  text/tinyshakespeare/input.txt"""

_warned: set[str] = set()  # pack problems already reported by this process


def pack_dir() -> Path | None:
    """The offline data pack (``COURSE_DATA_DIR``), or None when unset."""
    value = os.environ.get("COURSE_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloads go: ``COURSE_CACHE_DIR``, else the checkout's ``data/``."""
    value = os.environ.get("COURSE_CACHE_DIR", "").strip()
    if value:
        return Path(value).expanduser()
    checkout_data = Path(__file__).resolve().parent.parent / "data"
    if (checkout_data / "README.md").is_file():
        return checkout_data
    return Path.home() / ".cache" / "cnam-deep-learning"


def pack_problem(pack: Path) -> str | None:
    """Why ``pack`` cannot be a data pack folder (one sentence), or None.

    Caught: a path that does not exist, is a file or cannot be read, and a
    folder inside a pack (``.../data/mnist`` instead of ``.../data``, see
    :data:`PACK_LAYOUT`). A folder that merely lacks some files is a pack: each
    missing file is reported when it is needed.
    """
    entries = [e for files in REGISTRY.values() for e in files.values()]
    top = {e.folder.split("/")[0] for e in entries}
    inner = {e.name for e in entries} | {part for e in entries for part in e.folder.split("/")[1:]}
    try:
        return _pack_problem(pack, top, inner)
    except OSError as exc:
        return f"COURSE_DATA_DIR={pack} cannot be read: {os_reason(exc)}"


def _pack_problem(pack: Path, top: set[str], inner: set[str]) -> str | None:
    if not pack.exists():
        relative = ("" if pack.is_absolute() else f" (a relative path, read from the current "
                    f"folder {Path.cwd()}: use an absolute path)")
        return f"COURSE_DATA_DIR={pack} does not exist{relative}"
    if not pack.is_dir():
        return f"COURSE_DATA_DIR={pack} is a file, not a folder"
    names = {p.name for p in pack.iterdir()}
    if names & top:
        return None
    if pack.name in top | inner or names & inner:
        above = next((p for p in pack.parents if p.name not in top | inner), pack.parent)
        if any((above / name).is_dir() for name in top):
            return (f"COURSE_DATA_DIR={pack} points inside a data pack (one level too deep): "
                    f"set COURSE_DATA_DIR={above}")
        return (f"COURSE_DATA_DIR={pack} holds data files directly, not in the pack's "
                f"sub-folders ({', '.join(sorted(top))})")
    return None


def pack_status() -> tuple[Path | None, str | None]:
    """``(pack, problem)``: the configured pack (None when unset) and what is wrong with it."""
    pack = pack_dir()
    return pack, (pack_problem(pack) if pack is not None else None)


def usable_pack(*, warn: bool = True) -> Path | None:
    """The data pack when it is set and looks right, else None.

    A misconfigured pack is ignored, and reported once per process on stderr
    (with the path and the layout expected); ``warn=False`` marks it reported
    without printing, for a caller that reports it itself.
    """
    pack, problem = pack_status()
    if problem is None:
        return pack
    if problem not in _warned:
        _warned.add(problem)
        if warn:
            print(f"Warning: {problem}. The data pack is ignored: files are taken from the "
                  f"download cache {cache_dir()} (downloaded if needed). A data pack is a folder "
                  f"laid out like this (README.md, 'Offline data pack'):\n{PACK_LAYOUT}",
                  file=sys.stderr)
    return None


@dataclass(frozen=True)
class Copy:
    """What one place holds for a file: ``state`` is ok, missing, corrupt or unreadable."""

    path: Path
    state: str
    reason: str = ""
    data: bytes | None = field(default=None, repr=False)


def _read(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def examine(entry: DataFile, path: Path) -> Copy:
    """Read ``path`` and check it against ``entry``; never raises for an OS error."""
    try:
        data = _read(path)
    except FileNotFoundError:
        return Copy(path, "missing", "it does not exist")
    except OSError as exc:
        return Copy(path, "unreadable", os_reason(exc))
    try:
        entry.verify_bytes(data, source="")  # the messages name the path themselves
    except ChecksumError as exc:
        return Copy(path, "corrupt", str(exc))
    return Copy(path, "ok", data=data)


def advice(entry: DataFile) -> str:
    """Where to put a missing file and where to get it."""
    pack, problem = pack_status()
    where = [f"  {cache_dir() / entry.relpath}"]
    if pack is not None and problem is None:
        where.insert(0, f"  {pack / entry.relpath}   (the data pack, COURSE_DATA_DIR)")
    text = (f"Put a copy of {entry.name!r} (sha256 {entry.sha256}) at one of:\n" + "\n".join(where)
            + "\nIt can be downloaded from:\n  " + "\n  ".join(entry.urls))
    if pack is None:
        return text + ("\nor ask your instructor for the course's offline data pack and set "
                       "COURSE_DATA_DIR to its folder (see README.md, 'Offline data pack').")
    if problem is not None:
        return text + f"\n(COURSE_DATA_DIR={pack} is ignored: it is misconfigured, as reported above.)"
    return text


def _pack_error(entry: DataFile, copy: Copy, pack: Path) -> Exception:
    cached = cache_dir() / entry.relpath
    fix = (f"The pack comes first and is never replaced behind your back, so either copy "
           f"{entry.relpath} again from the instructor's pack to {copy.path} (or download it "
           f"from {entry.urls[0]}), or unset COURSE_DATA_DIR to use the download cache "
           f"instead ({cached}, downloaded if needed).")
    if copy.state == "corrupt":
        return DataCorruptError(f"The data pack file {copy.path} is corrupt: {copy.reason}.\n{fix}")
    return DataAccessError(f"The data pack file {copy.path} cannot be read: {copy.reason}.\n"
                           f"Ask the pack's owner to make it readable (chmod -R a+rX {pack}), "
                           f"copy the pack to a folder of yours, or unset COURSE_DATA_DIR.")


def _cache_error(entry: DataFile, copy: Copy, *, download: bool) -> Exception:
    if copy.state == "unreadable":
        return DataAccessError(
            f"The cached file {copy.path} cannot be read: {copy.reason}.\nFix its permissions "
            f"(chmod u+rw), remove it, or set COURSE_CACHE_DIR to a folder of yours.")
    if copy.state == "corrupt":
        return DataCorruptError(
            f"The cached file {copy.path} is corrupt: {copy.reason}.\n"
            + ("Run `python -m course_utils.data fetch` to download it again, or copy a good one "
               "there." if not download else advice(entry)))
    return DataUnavailableError(f"{entry.relpath} is missing.\n{advice(entry)}")


def find(entry: DataFile, *, download: bool = True, progress: bool = True) -> Copy:
    """A verified copy of ``entry``, with its bytes (see the module docstring for the order).

    Returns
    -------
    copy : Copy
        ``copy.path`` the file, ``copy.data`` its verified bytes.

    Raises
    ------
    DataCorruptError, DataAccessError, DataUnavailableError
        With the file's path, what is wrong and what to do.
    """
    pack = usable_pack()
    if pack is not None:
        copy = examine(entry, pack / entry.relpath)
        if copy.state == "ok":
            return copy
        if copy.state != "missing":
            raise _pack_error(entry, copy, pack)
    cached = cache_dir() / entry.relpath
    copy = examine(entry, cached)
    if copy.state == "ok":
        return copy
    if copy.state == "unreadable" or not download:
        raise _cache_error(entry, copy, download=False)
    if copy.state == "corrupt":
        print(f"Cached {entry.relpath} is corrupt ({copy.reason}); fetching it again.",
              file=sys.stderr)
    remove_stale_partials(cached)
    try:
        download_with_mirrors(entry.urls, cached, entry.verify, progress=progress)
    except DataAccessError as exc:
        raise DataAccessError(
            f"{exc}.\n{entry.relpath} could not be stored in the download cache {cache_dir()}: "
            "free some space or fix that folder's permissions, or set COURSE_CACHE_DIR to a "
            "writable folder (or use the offline data pack, COURSE_DATA_DIR).") from None
    except OSError as exc:
        state = "is corrupt" if copy.state == "corrupt" else "is missing"
        raise DataUnavailableError(f"{entry.relpath} {state} and could not be downloaded ({exc}).\n"
                                   f"{advice(entry)}") from None
    fresh = examine(entry, cached)
    if fresh.state != "ok":  # changed by someone else right after the download
        raise _cache_error(entry, fresh, download=False)
    return fresh


def locate(entry: DataFile, *, download: bool = True, progress: bool = True) -> Path:
    """Return the path of a verified copy of ``entry``, downloading it if needed.

    With ``download=False`` the cache is only read (never written or cleaned).

    Raises
    ------
    DataCorruptError
        A copy with the wrong content (in the pack; in the cache when ``download`` is False).
    DataAccessError
        A copy that cannot be read, or a cache that cannot be written.
    DataUnavailableError
        No copy anywhere and the download failed (or ``download`` is False).
        The message says where to put the file and where to get it.
    """
    return find(entry, download=download, progress=progress).path
