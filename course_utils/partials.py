"""Partial downloads: hidden files named after their writer, found and cleaned safely.

:func:`course_utils.download.download_one` writes to
``.<name>.<host>.<pid>.<random>.part`` next to the destination, then renames
it onto the destination. A process killed meanwhile leaves that file behind:
:func:`partial_files` lists them, :func:`partial_is_stale` tells whether a
live process still writes one (several processes may fetch the same file at
once), :func:`remove_stale_partials` removes the others.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import socket
import time
from pathlib import Path

#: A partial file whose writer cannot be checked is stale when untouched this long (seconds).
STALE_PARTIAL_SECONDS = 3600.0


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def partial_name(dest: Path) -> Path:
    """A new, unique partial file name for a download of ``dest``, in its folder."""
    return dest.with_name(f".{dest.name}.{_host()}.{os.getpid()}.{secrets.token_hex(4)}.part")


def partial_files(dest: Path) -> list[Path]:
    """The partial downloads of ``dest`` present in its folder (any process, live or not)."""
    try:
        return sorted(dest.parent.glob(f".{glob.escape(dest.name)}.*.part"))
    except OSError:
        return []


def _writer_alive(host: str, pid: int) -> bool | None:
    """True/False when the writer runs on this host and can be checked, else None."""
    if os.name == "nt" or host != _host():  # on Windows os.kill would terminate the process
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def partial_is_stale(part: Path, dest: Path) -> bool:
    """True when no live process is writing ``part`` (a partial download of ``dest``).

    Its writer (host and pid are in the name) is gone, or the file was not
    modified for :data:`STALE_PARTIAL_SECONDS`, longer than any download may
    last (:data:`course_utils.download.DEADLINE`).
    """
    fields = part.name[len(dest.name) + 2:-len(".part")].rsplit(".", 2)
    if len(fields) == 3 and fields[1].isdigit() and _writer_alive(fields[0], int(fields[1])) is False:
        return True
    try:
        return time.time() - part.stat().st_mtime > STALE_PARTIAL_SECONDS
    except OSError:
        return False


def remove_stale_partials(dest: Path) -> list[Path]:
    """Delete the partial downloads of ``dest`` that no live process writes; return them.

    Files that vanish meanwhile or cannot be deleted are skipped silently: this
    is housekeeping, never a reason to fail.
    """
    removed = []
    for part in partial_files(dest):
        if partial_is_stale(part, dest):
            try:
                part.unlink()
                removed.append(part)
            except OSError:
                pass
    return removed
