"""Download files with checksum verification, mirrors, deadlines and atomic writes.

This module knows nothing about datasets: :mod:`course_utils.data` holds the
registry and decides where files live.

A download goes to a hidden partial file next to its destination,
``.<name>.<host>.<pid>.<random>.part``, created with the usual permissions
(``0o666`` less the umask, like any file the user creates), checked, then
renamed onto the destination in one step: several processes may fetch the same
file at once, each into its own partial file, and a reader only ever sees a
complete, verified file. Partial files left by a killed process are found and
removed by :mod:`course_utils.partials`.

Every transfer has an overall deadline (:data:`DEADLINE`, seconds) besides the
per-operation socket timeout (:data:`SOCKET_TIMEOUT`), and is abandoned when
its rate stays under :data:`MIN_RATE` bytes/s for :data:`RATE_WINDOW` seconds:
a server that stalls or trickles bytes costs a bounded time, then the next
mirror is tried.
"""

from __future__ import annotations

import errno
import http.client
import os
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from course_utils.errors import ChecksumError, DataAccessError, os_reason
from course_utils.partials import partial_name
from course_utils.watchdog import Watchdog, watched_opener

__all__ = ["ChecksumError", "download_one", "download_with_mirrors"]

CHUNK = 1 << 16
USER_AGENT = "course-utils/0.1 (Cnam deep-learning course; python urllib)"
#: Seconds one network operation (connecting, one read) may block.
SOCKET_TIMEOUT = 15.0
#: Seconds one file may take from one source, everything included.
DEADLINE = 1800.0
#: A transfer slower than MIN_RATE bytes/s over RATE_WINDOW seconds is abandoned.
MIN_RATE = 1024.0
RATE_WINDOW = 60.0


def _progress(total: int | None, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                disable=not enabled, leave=False)


Verifier = Callable[[Path], None]


# --- one transfer --------------------------------------------------------------------------

def _local_error(exc: OSError, doing: str, path: Path) -> DataAccessError:
    return DataAccessError(f"cannot {doing} {path}: {os_reason(exc)}")


def _write_all(out, block: bytes, path: Path) -> None:
    view = memoryview(block)
    try:
        while view:
            written = out.write(view)
            if not written:
                raise OSError(errno.EIO, "the file system accepted no byte")
            view = view[written:]
    except OSError as exc:
        raise _local_error(exc, "write", path) from None


def _transfer(url: str, out, path: Path, name: str, *, timeout: float, deadline: float,
              progress: bool, watchdog: Watchdog) -> None:
    """Copy the body of ``url`` into the open file ``out``; raise OSError on any network fault."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    start = time.monotonic()
    with watched_opener(watchdog).open(request, timeout=timeout) as resp:
        length = resp.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        received, window_start, window_bytes = 0, start, 0
        with _progress(total, name, progress) as bar:
            while block := resp.read1(CHUNK):
                _write_all(out, block, path)
                received += len(block)
                window_bytes += len(block)
                bar.update(len(block))
                now = time.monotonic()
                if now - start > deadline:
                    raise TimeoutError(f"gave up after {deadline:g} s ({received} bytes received)")
                if now - window_start >= RATE_WINDOW:
                    if window_bytes < MIN_RATE * (now - window_start):
                        raise TimeoutError(f"too slow: {window_bytes} bytes in the last "
                                           f"{now - window_start:.0f} s ({received} in all)")
                    window_start, window_bytes = now, 0
        if watchdog.expired:
            raise TimeoutError(f"gave up after {deadline:g} s ({received} bytes received)")
        if total is not None and received != total:
            raise OSError(f"connection closed after {received} of {total} bytes")


def download_one(url: str, dest: Path, verify: Verifier, *, timeout: float | None = None,
                 deadline: float | None = None, progress: bool = True) -> None:
    """Download ``url`` to ``dest``, checked by ``verify`` before it lands.

    The bytes go to a partial file next to ``dest`` (see the module's
    docstring), which ``verify`` checks (it raises :class:`ChecksumError` when
    the content is wrong) and which is renamed onto ``dest`` only then: an
    interrupted or wrong download never leaves a file at ``dest``, and a
    concurrent download of the same file by another process is harmless.

    Parameters
    ----------
    timeout : float, optional
        Seconds one network operation may block (default :data:`SOCKET_TIMEOUT`).
    deadline : float, optional
        Seconds the whole transfer may take (default :data:`DEADLINE`).

    Raises
    ------
    ChecksumError
        ``verify`` rejected the downloaded bytes.
    OSError or http.client.HTTPException
        Network error, HTTP error status, connection closed early, deadline passed
        (``TimeoutError``), transfer too slow: the next source may work.
    DataAccessError
        The local file system refused (permission, no space, a folder at ``dest``):
        no other source can help.
    """
    timeout = SOCKET_TIMEOUT if timeout is None else timeout
    deadline = DEADLINE if deadline is None else deadline
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if stat.S_ISDIR(os.stat(dest).st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(dest))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _local_error(exc, "write", dest) from None
    tmp = partial_name(dest)
    try:
        # Unbuffered (nothing left to flush at close); mode 0o666 less the umask.
        out = open(tmp, "xb", buffering=0)
    except OSError as exc:
        raise _local_error(exc, "create", tmp) from None
    try:
        try:
            with Watchdog(deadline) as watchdog:
                try:
                    _transfer(url, out, tmp, dest.name, timeout=timeout, deadline=deadline,
                              progress=progress, watchdog=watchdog)
                except (OSError, http.client.HTTPException) as exc:
                    if watchdog.expired and not isinstance(exc, TimeoutError):
                        raise TimeoutError(f"gave up after {deadline:g} s ({exc})") from None
                    raise
        finally:
            try:
                out.close()
            except OSError as exc:
                raise _local_error(exc, "write", tmp) from None
        verify(tmp)
        try:
            os.replace(tmp, dest)
        except OSError as exc:
            raise _local_error(exc, "replace", dest) from None
    finally:
        try:
            tmp.unlink()
        except OSError:  # renamed onto dest (FileNotFoundError), or not ours to remove
            pass


def download_with_mirrors(urls: Sequence[str], dest: Path, verify: Verifier, *,
                          timeout: float | None = None, deadline: float | None = None,
                          progress: bool = True) -> list[str]:
    """Try each URL in turn until one gives the expected bytes.

    Returns
    -------
    failures : list of str
        One line per URL that failed before the one that worked (empty when the
        first URL worked).

    Raises
    ------
    OSError
        Every URL failed; the message lists each URL with its error.
    DataAccessError
        The local file system refused to store the file (no mirror is tried then).
    """
    failures: list[str] = []
    for url in urls:
        try:
            download_one(url, dest, verify, timeout=timeout, deadline=deadline, progress=progress)
            return failures
        except (OSError, ValueError, http.client.HTTPException) as exc:  # ValueError: ChecksumError,
            failures.append(f"{url}: {_describe(exc)}")               # or a malformed redirect
    raise OSError("every source failed:\n  " + "\n  ".join(failures))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP response ({type(exc).__name__}: {exc})"
    return str(exc) or type(exc).__name__
