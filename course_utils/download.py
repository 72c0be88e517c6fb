"""Download files with checksum verification, mirrors and atomic writes.

This module knows nothing about datasets: :mod:`course_utils.data` holds the
registry and decides where files live.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

CHUNK = 1 << 16
USER_AGENT = "course-utils/0.1 (Cnam deep-learning course; python urllib)"


class ChecksumError(ValueError):
    """A file's sha256 is not the one the registry expects."""


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(total: int | None, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                disable=not enabled, leave=False)


Verifier = Callable[[Path], None]


def download_one(url: str, dest: Path, verify: Verifier, *, timeout: float = 30.0,
                 progress: bool = True) -> None:
    """Download ``url`` to ``dest``, checked by ``verify`` before it lands.

    The bytes go to a temporary file next to ``dest``, which ``verify`` checks
    (it raises :class:`ChecksumError` when the content is wrong) and which is
    renamed onto ``dest`` only then: an interrupted or wrong download never
    leaves a file at ``dest``.

    Raises
    ------
    ChecksumError
        ``verify`` rejected the downloaded bytes.
    OSError
        Network error, HTTP error status, or a connection closed early.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            received = 0
            with _progress(total, dest.name, progress) as bar:
                for block in iter(lambda: resp.read(CHUNK), b""):
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
            if total is not None and received != total:
                raise OSError(f"connection closed after {received} of {total} bytes")
        verify(Path(tmp_name))
        os.replace(tmp_name, dest)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)


def download_with_mirrors(urls: Sequence[str], dest: Path, verify: Verifier, *,
                          timeout: float = 30.0, progress: bool = True) -> list[str]:
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
    """
    failures: list[str] = []
    for url in urls:
        try:
            download_one(url, dest, verify, timeout=timeout, progress=progress)
            return failures
        except (OSError, ValueError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {exc}")
    raise OSError("every source failed:\n  " + "\n  ".join(failures))
