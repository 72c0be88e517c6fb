"""Fault injection on the data layer: a misbehaving server on 127.0.0.1, a refusing file
system, damaged pack and cache files, two processes at once, a misconfigured COURSE_DATA_DIR.

Every fault is one parametrised case, so ``pytest -q tests/test_faults.py`` counts them.
Each asserts the three properties of issue #13: only the course's errors escape (never a
builtin exception), nothing hangs (every call runs under a time limit), and the data
returned is never wrong (byte for byte, or a CourseError naming the file).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import multiprocessing
import os
import socket
import socketserver
import struct
import threading
import time
import warnings

import numpy as np
import pytest

from course_utils import data, datastore, download, partials, registry
from course_utils.errors import (
    CourseDataError,
    CourseError,
    DataAccessError,
    DataCorruptError,
    DataUnavailableError,
)
from course_utils.registry import DataFile

PAYLOAD = bytes(range(256)) * 400  # 100 KiB of test bytes, not a dataset
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()
LIMIT_S = 8.0  # no single call may take longer: a hang fails the test instead of the suite


def entry(*urls: str) -> DataFile:
    return DataFile("testset", "blob.bin", DIGEST, tuple(urls))


def bounded(fn, limit: float = LIMIT_S):
    """Run ``fn()`` in a thread: ("ok", value) or ("course", CourseError); fail on anything else."""
    box: dict = {}

    def target():
        try:
            box["ok"] = fn()
        except CourseError as exc:
            box["course"] = exc
        except BaseException as exc:  # noqa: BLE001 - what must never happen
            box["builtin"] = exc

    thread = threading.Thread(target=target, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        pytest.fail(f"hang: still running after {limit} s")
    if "builtin" in box:
        exc = box["builtin"]
        pytest.fail(f"builtin exception escaped: {type(exc).__name__}: {exc}")
    kind = "ok" if "ok" in box else "course"
    return kind, box[kind], time.monotonic() - start


# --- a misbehaving server on 127.0.0.1 ---------------------------------------------------

def _head(status: str, length: int | None = len(PAYLOAD), extra: str = "") -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + extra + "\r\n\r\n").encode()


def _trickle(sock, data: bytes, pause: float, stop: threading.Event) -> None:
    for i in range(len(data)):
        if stop.wait(pause):
            return
        sock.sendall(data[i:i + 1])


def _reset(sock) -> None:
    """Close with a TCP reset (RST) instead of an orderly FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


BEHAVIOURS = {
    "http-500": lambda s, stop: s.sendall(_head("500 Internal Server Error", 4) + b"oops"),
    "http-404": lambda s, stop: s.sendall(_head("404 Not Found", 4) + b"nope"),
    "redirect-loop": lambda s, stop: s.sendall(
        _head("302 Found", 0, "\r\nLocation: /fault/blob.bin")),
    "redirect-to-malformed-url": lambda s, stop: s.sendall(
        _head("302 Found", 0, "\r\nLocation: http://[::1/blob.bin")),
    "redirect-to-a-local-file": lambda s, stop: s.sendall(
        _head("302 Found", 0, "\r\nLocation: file:///etc/passwd")),
    "truncated-body": lambda s, stop: s.sendall(_head("200 OK") + PAYLOAD[:1000]),
    "wrong-bytes": lambda s, stop: s.sendall(_head("200 OK") + PAYLOAD[:-1] + b"X"),
    "empty-body": lambda s, stop: s.sendall(_head("200 OK", 0)),
    "short-content-length": lambda s, stop: s.sendall(_head("200 OK", 500) + PAYLOAD),
    "long-content-length": lambda s, stop: s.sendall(_head("200 OK", len(PAYLOAD) + 10) + PAYLOAD),
    "no-content-length-truncated": lambda s, stop: s.sendall(_head("200 OK", None) + PAYLOAD[:999]),
    "bad-content-length-header": lambda s, stop: s.sendall(
        _head("200 OK", None, "\r\nContent-Length: lots") + PAYLOAD),
    "garbage-not-http": lambda s, stop: s.sendall(b"SSH-2.0-OpenSSH_9.0\r\n\r\n"),
    "chunked-truncated": lambda s, stop: s.sendall(
        _head("200 OK", None, "\r\nTransfer-Encoding: chunked") + b"400\r\n" + PAYLOAD[:100]),
    "trickle-body": lambda s, stop: (s.sendall(_head("200 OK")), _trickle(s, PAYLOAD, 0.05, stop)),
    "trickle-headers": lambda s, stop: _trickle(s, _head("200 OK") + PAYLOAD, 0.05, stop),
    "stall-after-headers": lambda s, stop: (s.sendall(_head("200 OK") + PAYLOAD[:10]), stop.wait(5)),
    "stall-before-response": lambda s, stop: stop.wait(5),
    "reset-mid-body": lambda s, stop: (s.sendall(_head("200 OK") + PAYLOAD[:5000]), _reset(s)),
    "reset-before-response": lambda s, stop: _reset(s),
    "close-before-response": lambda s, stop: None,
    # Not faults: a slow but steady server and a plain one must still work.
    "slow-but-steady": lambda s, stop: (s.sendall(_head("200 OK")), [
        (s.sendall(PAYLOAD[i:i + 20480]), stop.wait(0.02)) for i in range(0, len(PAYLOAD), 20480)]),
    "good": lambda s, stop: s.sendall(_head("200 OK") + PAYLOAD),
}
#: Odd but harmless: these must give the right bytes.
HARMLESS = ("slow-but-steady", "bad-content-length-header")
SERVER_FAULTS = [name for name in BEHAVIOURS if name not in ("good", *HARMLESS)]


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock, server = self.request, self.server
        sock.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
            path = head.split(b" ", 2)[1].decode()
            server.hits.append(path)
            BEHAVIOURS[server.routes.get(path, "http-404")](sock, server.stop)
        except OSError:
            pass  # the client gave up: that is what a deadline does


class FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture
def fault_server():
    server = FaultServer(("127.0.0.1", 0), _Handler)
    server.routes, server.hits, server.stop = {}, [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def fast_deadlines(monkeypatch):
    """Short socket timeout, deadline and rate window, so that each fault costs < 3 s."""
    monkeypatch.setattr(download, "SOCKET_TIMEOUT", 1.0)
    monkeypatch.setattr(download, "DEADLINE", 2.5)
    monkeypatch.setattr(download, "RATE_WINDOW", 0.6)
    monkeypatch.setattr(download, "MIN_RATE", 1024.0)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("fault", SERVER_FAULTS + list(HARMLESS))
def test_server_fault_alone_is_a_course_error(fault, isolated_data, fault_server, fast_deadlines):
    fault_server.routes["/fault/blob.bin"] = fault
    url = fault_server.url("/fault/blob.bin")
    kind, result, seconds = bounded(lambda: data.locate(entry(url), progress=False))
    assert seconds < 6  # the deadline (2.5 s here) and the socket timeout hold
    if fault in HARMLESS:
        assert kind == "ok", result
        assert result.read_bytes() == PAYLOAD
        return
    assert kind == "course", f"{fault}: expected a course error, got {result}"
    assert isinstance(result, DataUnavailableError)
    assert "testset/blob.bin" in str(result) and url in str(result)
    assert leftovers(isolated_data / "testset") == []  # no half file, no partial file


@pytest.mark.parametrize("fault", SERVER_FAULTS + list(HARMLESS))
def test_server_fault_then_next_mirror_gives_the_right_bytes(fault, isolated_data, fault_server,
                                                             fast_deadlines):
    fault_server.routes.update({"/fault/blob.bin": fault, "/good/blob.bin": "good"})
    e = entry(fault_server.url("/fault/blob.bin"), fault_server.url("/good/blob.bin"))
    kind, path, seconds = bounded(lambda: data.locate(e, progress=False))
    assert kind == "ok", path  # the course error, if any
    assert path.read_bytes() == PAYLOAD
    assert seconds < 6  # the deadline (2.5 s here) and the socket timeout hold
    assert leftovers(isolated_data / "testset") == ["blob.bin"]


def test_nothing_listening_is_a_course_error(isolated_data, closed_port_url, fast_deadlines):
    kind, exc, _ = bounded(lambda: data.locate(entry(closed_port_url), progress=False))
    assert kind == "course" and "cannot connect" in str(exc) and closed_port_url in str(exc)


# --- a file system that refuses -------------------------------------------------------------

def _failing_open(real_open, when, exc):
    def fake(path, mode="r", *args, **kwargs):
        if when(str(path), mode):
            raise exc
        return real_open(path, mode, *args, **kwargs)
    return fake


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, f):
        self.f = f

    def write(self, block):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.f.close()


def _patch_full_disk(monkeypatch):
    real = open
    monkeypatch.setattr(download, "open", lambda p, mode="r", *a, **k: _FullDisk(real(p, mode, *a, **k)),
                        raising=False)


def _patch_open(monkeypatch, module, when, exc):
    monkeypatch.setattr(module, "open", _failing_open(open, when, exc), raising=False)


def _denied(path):
    return PermissionError(errno.EACCES, "Permission denied", path)


FS_FAULTS = {
    # fault: (set-up (monkeypatch, cache, pack) -> None, expected error class, words in the message)
    "cache-folder-not-writable": (
        lambda mp, cache, pack: _patch_open(mp, download, lambda p, m: "x" in m, _denied("x")),
        DataAccessError, ["permission denied", "COURSE_CACHE_DIR"]),
    "read-only-file-system": (
        lambda mp, cache, pack: _patch_open(mp, download, lambda p, m: "x" in m,
                                            OSError(errno.EROFS, "Read-only file system")),
        DataAccessError, ["read-only"]),
    "rename-refused": (
        lambda mp, cache, pack: mp.setattr(download.os, "replace",
                                           lambda a, b: (_ for _ in ()).throw(_denied(str(b)))),
        DataAccessError, ["permission denied", "blob.bin"]),
    "disk-full-on-write": (
        lambda mp, cache, pack: _patch_full_disk(mp),
        DataAccessError, ["no space left", "free some space"]),
    "cached-path-is-a-folder": (
        lambda mp, cache, pack: (cache / "testset" / "blob.bin").mkdir(parents=True),
        DataAccessError, ["folder", "testset/blob.bin"]),
    "cache-dir-is-a-file": (
        lambda mp, cache, pack: (cache.parent.mkdir(parents=True, exist_ok=True),
                                 cache.write_bytes(b"not a folder")),
        DataAccessError, ["is a file, where a folder should be"]),
    "cached-file-unreadable": (
        lambda mp, cache, pack: (_write(cache / "testset" / "blob.bin", PAYLOAD),
                                 _patch_open(mp, datastore, lambda p, m: str(cache) in p,
                                             _denied("x"))),
        DataAccessError, ["cannot be read", "permission denied", "chmod"]),
    "cached-file-io-error": (
        lambda mp, cache, pack: (_write(cache / "testset" / "blob.bin", PAYLOAD),
                                 _patch_open(mp, datastore, lambda p, m: str(cache) in p,
                                             OSError(errno.EIO, "Input/output error"))),
        DataAccessError, ["input/output error"]),
    "read-only-cache-with-corrupt-file": (
        lambda mp, cache, pack: (_write(cache / "testset" / "blob.bin", b"\xff" + PAYLOAD[1:]),
                                 _patch_open(mp, download, lambda p, m: "x" in m, _denied("x"))),
        DataAccessError, ["permission denied", "COURSE_CACHE_DIR"]),
    "pack-file-unreadable": (
        lambda mp, cache, pack: (_write(pack / "testset" / "blob.bin", PAYLOAD),
                                 _patch_open(mp, datastore, lambda p, m: str(pack) in p,
                                             _denied("x"))),
        DataAccessError, ["data pack file", "cannot be read", "chmod -R a+rX"]),
    "pack-folder-unreadable": (
        lambda mp, cache, pack: (_write(pack / "testset" / "blob.bin", PAYLOAD),
                                 _patch_open(mp, datastore,
                                             lambda p, m: str(pack / "testset") in p, _denied("x"))),
        DataAccessError, ["data pack file", "permission denied"]),
    "pack-path-is-a-folder": (
        lambda mp, cache, pack: (pack / "testset" / "blob.bin").mkdir(parents=True),
        DataAccessError, ["data pack file", "folder"]),
    "pack-file-corrupt": (
        lambda mp, cache, pack: _write(pack / "testset" / "blob.bin", b"\x01" + PAYLOAD[1:]),
        DataCorruptError, ["data pack file", "corrupt", "unset COURSE_DATA_DIR", DIGEST]),
    "pack-file-empty": (
        lambda mp, cache, pack: _write(pack / "testset" / "blob.bin", b""),
        DataCorruptError, ["data pack file", "corrupt"]),
    "pack-file-truncated": (
        lambda mp, cache, pack: _write(pack / "testset" / "blob.bin", PAYLOAD[:-100]),
        DataCorruptError, ["data pack file", "corrupt"]),
}


def _write(path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@pytest.mark.parametrize("fault", list(FS_FAULTS))
def test_file_system_fault_is_a_course_error_naming_the_file(fault, isolated_data, tmp_path,
                                                            monkeypatch, fault_server,
                                                            fast_deadlines):
    setup, expected, words = FS_FAULTS[fault]
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "mnist").mkdir()  # a well-formed pack, so only the fault under test shows
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    fault_server.routes["/blob.bin"] = "good"
    setup(monkeypatch, isolated_data, pack)
    kind, exc, _ = bounded(lambda: data.locate(entry(fault_server.url("/blob.bin")), progress=False))
    assert kind == "course" and isinstance(exc, expected), f"{fault}: {exc!r}"
    message = str(exc)
    assert all(w in message for w in words), f"{fault}: {words} not all in\n{message}"
    # A pack file is never replaced behind your back; a local failure stops at the first
    # mirror (another mirror cannot help), before connecting when the partial file fails.
    hits = {"disk-full-on-write": 1, "rename-refused": 1}.get(fault, 0)
    assert len(fault_server.hits) == hits
    if "pack" in fault:  # COURSE_DATA_DIR is set: the advice must not ask to set it
        assert "set COURSE_DATA_DIR to its folder" not in message
    assert not [p for p in leftovers(isolated_data) if p.endswith(".part")]


def test_corrupt_file_in_read_only_cache_is_kept_and_named(isolated_data, monkeypatch,
                                                          fault_server, fast_deadlines):
    corrupt = b"\xff" + PAYLOAD[1:]
    _write(isolated_data / "testset" / "blob.bin", corrupt)
    _patch_open(monkeypatch, download, lambda p, m: "x" in m, _denied("x"))
    fault_server.routes["/blob.bin"] = "good"
    kind, exc, _ = bounded(lambda: data.locate(entry(fault_server.url("/blob.bin")), progress=False))
    assert kind == "course" and str(isolated_data) in str(exc)
    assert (isolated_data / "testset" / "blob.bin").read_bytes() == corrupt  # not deleted


def test_file_vanishing_before_it_is_read_is_fetched_again(isolated_data, monkeypatch,
                                                         fault_server, fast_deadlines):
    """Listed, then removed by another process before it is opened: no FileNotFoundError."""
    _write(isolated_data / "testset" / "blob.bin", PAYLOAD)
    real, calls = open, []

    def vanish_once(path, mode="r", *args, **kwargs):
        if str(path).endswith("blob.bin") and not calls:
            calls.append(path)
            os.remove(path)
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(datastore, "open", vanish_once, raising=False)
    fault_server.routes["/blob.bin"] = "good"
    kind, path, _ = bounded(lambda: data.locate(entry(fault_server.url("/blob.bin")), progress=False))
    assert kind == "ok" and path.read_bytes() == PAYLOAD and calls


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_downloaded_files_follow_the_umask(umask, mode, isolated_data, fault_server):
    fault_server.routes["/blob.bin"] = "good"
    old = os.umask(umask)
    try:
        path = data.locate(entry(fault_server.url("/blob.bin")), progress=False)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode
    assert path.parent.stat().st_mode & 0o777 == 0o777 & ~umask


# --- leftover partial downloads ------------------------------------------------------------

def _dead_pid() -> int:
    ctx = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        p = ctx.Process(target=int)
        p.start()
    p.join(5)
    return p.pid


@pytest.mark.parametrize("kind", ["writer-gone", "old-unnamed-partial", "live-writer",
                                  "fresh-unnamed-partial"])
def test_partial_files_are_reported_by_status_and_cleaned_by_fetch(kind, isolated_data,
                                                                  monkeypatch, fault_server, capsys):
    dest = isolated_data / "testset" / "blob.bin"
    dest.parent.mkdir(parents=True)
    host = partials._host()
    name = {"writer-gone": f".blob.bin.{host}.{_dead_pid()}.abcd1234.part",
            "live-writer": f".blob.bin.{host}.{os.getpid()}.abcd1234.part",
            "old-unnamed-partial": ".blob.bin.k3j9x_2a.part",
            "fresh-unnamed-partial": ".blob.bin.q8w7e6r5.part"}[kind]
    part = dest.parent / name
    part.write_bytes(PAYLOAD[:1234])
    if kind == "old-unnamed-partial":
        old = time.time() - partials.STALE_PARTIAL_SECONDS - 60
        os.utime(part, (old, old))
    stale = kind in ("writer-gone", "old-unnamed-partial")
    fault_server.routes["/blob.bin"] = "good"
    e = entry(fault_server.url("/blob.bin"))
    monkeypatch.setitem(registry.REGISTRY, "testset", {"blob.bin": e})

    assert bounded(lambda: data.main(["status", "testset"]))[1] == 1  # reports, changes nothing
    out = capsys.readouterr().out
    assert f"partial  {part}  (1234 bytes" in out
    assert ("the next `fetch` removes it" in out) == stale
    assert part.exists() and not dest.exists()

    assert bounded(lambda: data.main(["fetch", "testset"]))[1] == 0
    out = capsys.readouterr().out
    assert part.exists() != stale
    assert (f"removed  {part}" in out) == stale
    assert dest.read_bytes() == PAYLOAD


def _download_forever(cache: str, url: str) -> None:
    os.environ["COURSE_CACHE_DIR"] = cache
    data.locate(entry(url), progress=False)


def test_killed_download_leaves_a_partial_that_status_reports_and_fetch_removes(
        isolated_data, monkeypatch, fault_server, capsys):
    fault_server.routes.update({"/slow/blob.bin": "trickle-body", "/blob.bin": "good"})
    ctx = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        child = ctx.Process(target=_download_forever,
                            args=(str(isolated_data), fault_server.url("/slow/blob.bin")))
        child.start()
    folder = isolated_data / "testset"
    for _ in range(800):  # wait (at most 8 s) for its partial file, then kill it mid-transfer
        if folder.exists() and [p for p in folder.iterdir() if p.suffix == ".part"]:
            break
        time.sleep(0.01)
    child.kill()
    child.join(LIMIT_S)
    [part] = [p for p in folder.iterdir() if p.suffix == ".part"]
    monkeypatch.setitem(registry.REGISTRY, "testset", {"blob.bin": entry(fault_server.url("/blob.bin"))})
    assert bounded(lambda: data.main(["status", "testset"]))[1] == 1
    assert f"partial  {part}" in capsys.readouterr().out and part.exists()
    assert bounded(lambda: data.main(["fetch", "testset"]))[1] == 0
    assert f"removed  {part}" in capsys.readouterr().out
    assert leftovers(folder) == ["blob.bin"] and (folder / "blob.bin").read_bytes() == PAYLOAD


# --- the diagnostics report and never change the cache --------------------------------------

@pytest.mark.parametrize("tool", ["status", "doctor"])
def test_diagnostics_leave_a_corrupt_cached_file_alone(tool, isolated_data, monkeypatch, capsys):
    e = entry("http://127.0.0.1:9/never-asked")
    monkeypatch.setitem(registry.REGISTRY, "testset", {"blob.bin": e})
    cached = isolated_data / "testset" / "blob.bin"
    _write(cached, b"\xff" + PAYLOAD[1:])
    before = sorted((p.name, p.stat().st_mtime_ns) for p in isolated_data.rglob("*"))
    if tool == "status":
        kind, code, _ = bounded(lambda: data.main(["status", "testset"]))
        out = capsys.readouterr()
        assert kind == "ok" and code == 1
        assert "CORRUPT  testset/blob.bin" in out.out and "fetching it again" not in out.err
        assert "course_utils.data fetch" in out.err  # what to do
    else:
        from course_utils import doctor

        kind, findings, _ = bounded(lambda: doctor._datasets(download=False))
        finding = {f.what: f for f in findings}["data: testset"]
        assert kind == "ok" and not finding.ok and "corrupt" in finding.advice
    assert sorted((p.name, p.stat().st_mtime_ns) for p in isolated_data.rglob("*")) == before


@pytest.mark.parametrize("fault", ["pack-file-unreadable", "cached-file-unreadable"])
def test_doctor_reports_permission_errors_instead_of_aborting(fault, isolated_data, tmp_path,
                                                              monkeypatch):
    from course_utils import doctor

    pack = tmp_path / "pack"
    (pack / "mnist").mkdir(parents=True)
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    where = pack if fault.startswith("pack") else isolated_data
    e = entry("http://127.0.0.1:9/never-asked")
    monkeypatch.setitem(registry.REGISTRY, "testset", {"blob.bin": e})
    _write(where / "testset" / "blob.bin", PAYLOAD)
    _patch_open(monkeypatch, datastore, lambda p, m: str(where) in p, _denied("x"))
    kind, findings, _ = bounded(lambda: doctor._datasets(download=False))
    finding = {f.what: f for f in findings}["data: testset"]
    assert kind == "ok" and not finding.ok
    assert "permission denied" in finding.advice and str(where / "testset" / "blob.bin") in finding.advice


# --- two processes at once ------------------------------------------------------------------

def _race_worker(barrier, queue, cache: str, url: str) -> None:
    os.environ["COURSE_CACHE_DIR"] = cache
    os.environ.pop("COURSE_DATA_DIR", None)
    try:
        barrier.wait(5)
        copy = datastore.find(entry(url), progress=False)
        queue.put(("ok", hashlib.sha256(copy.data).hexdigest()))
    except CourseError as exc:
        queue.put(("course", str(exc)))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("builtin", f"{type(exc).__name__}: {exc}"))


@pytest.mark.parametrize("start", ["corrupt-cached-file", "missing-file"])
def test_two_processes_repairing_the_same_file(start, isolated_data, fault_server):
    """Two notebooks opened at once meet the same corrupt (or missing) cached file, 9 times."""
    fault_server.routes["/blob.bin"] = "slow-but-steady"  # so that the two transfers overlap
    cached = isolated_data / "testset" / "blob.bin"
    ctx = multiprocessing.get_context("fork")
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with the server's threads
        for trial in range(9):
            if start == "corrupt-cached-file":
                _write(cached, PAYLOAD[:trial * 1000] + b"\x00" * 10)
            elif cached.exists():
                cached.unlink()
            barrier, queue = ctx.Barrier(2), ctx.Queue()
            procs = [ctx.Process(target=_race_worker,
                                 args=(barrier, queue, str(isolated_data), fault_server.url("/blob.bin")))
                     for _ in range(2)]
            for p in procs:
                p.start()
            results += [queue.get(timeout=LIMIT_S) for _ in procs]
            for p in procs:
                p.join(LIMIT_S)
                assert p.exitcode == 0, "a process hung or died"
            assert cached.read_bytes() == PAYLOAD
    assert results == [("ok", DIGEST)] * 18, results
    assert leftovers(isolated_data / "testset") == ["blob.bin"]


# --- decoding: what passes verification loads ---------------------------------------------

def _fleurs_text(header: str = "The Project Gutenberg EBook of Les Fleurs du mal") -> str:
    return (f"\ufeff{header}\r\n\r\n{registry.FLEURS_START} qui s'appelait...\r\n"
            "Je suis belle, ô mortels! comme un rêve de pierre,\r\n\r\n"
            "End of the Project Gutenberg EBook of Les Fleurs du mal\r\nlicence\r\n")


def _fleurs_entry(reference: bytes) -> DataFile:
    body = registry.fleurs_body(reference.decode("utf-8-sig"))
    return DataFile("text", "fleurs_mal.txt", hashlib.sha256(reference).hexdigest(),
                    ("http://127.0.0.1:9/never-asked",),
                    body_sha256=hashlib.sha256(body.encode()).hexdigest())


FLEURS_COPIES = {
    # name: (bytes of the copy from the reference text, loads?)
    "reference": (lambda t: t.encode(), True),
    "other-header-lf-endings": (lambda t: t.replace("EBook of", "eBook:").replace("\r\n", "\n")
                                .encode(), True),
    "latin-1-byte-in-header": (lambda t: t.encode().replace(b"EBook of", b"EB\xf6ok of", 1), False),
    "latin-1-byte-in-poems": (lambda t: t.encode().replace("rêve".encode(), b"r\xeave"), False),
    "whole-file-latin-1": (lambda t: t.lstrip("\ufeff").encode("latin-1"), False),
    "end-marker-missing": (lambda t: t.replace("End of the Project", "End of Project").encode(),
                           False),
    "utf-16": (lambda t: t.encode("utf-16"), False),
    "empty": (lambda t: b"", False),
}


@pytest.mark.parametrize("copy", list(FLEURS_COPIES))
def test_fleurs_copy_loads_if_and_only_if_it_verifies(copy, tmp_path, monkeypatch, isolated_data):
    reference = _fleurs_text().encode()
    e = _fleurs_entry(reference)
    monkeypatch.setitem(registry.REGISTRY, "fleurs", {"fleurs_mal.txt": e})
    make, loads = FLEURS_COPIES[copy]
    pack = tmp_path / "pack"
    _write(pack / "text" / "fleurs_mal.txt", make(_fleurs_text()))
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    from course_utils import doctor

    findings = {f.what: f for f in doctor._datasets(download=False)}
    kind, text, _ = bounded(data.load_fleurs_du_mal)
    assert findings["data: fleurs"].ok == loads  # the doctor says "verified" iff it loads
    if loads:
        assert kind == "ok" and text == registry.fleurs_body(_fleurs_text())
    else:
        assert kind == "course" and isinstance(text, DataCorruptError)
        assert str(pack / "text" / "fleurs_mal.txt") in str(text)


def _idx_gz(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.tobytes(), mtime=0)


IDX_FAULTS = {
    # name: (damage done to t10k-labels, registry sha256 of the damaged bytes?)
    "good": (lambda raw: raw, False),
    "gzip-truncated": (lambda raw: raw[:-20], False),
    "not-gzip": (lambda raw: gzip.decompress(raw), False),
    "flipped-byte": (lambda raw: raw[:30] + bytes([raw[30] ^ 1]) + raw[31:], False),
    "appended-garbage": (lambda raw: raw + b"\x00garbage", False),
    # A registry whose sha256 matches damaged bytes: the decoder still refuses them.
    "gzip-truncated-matching-sha": (lambda raw: raw[:-20], True),
    "idx-header-lies-matching-sha": (lambda raw: gzip.compress(gzip.decompress(raw)[:-1], mtime=0),
                                     True),
    "fewer-labels-than-images-matching-sha": (
        lambda raw: _idx_gz(np.zeros(2, dtype=np.uint8)), True),
}


@pytest.mark.parametrize("fault", list(IDX_FAULTS))
def test_mnist_loader_returns_the_exact_arrays_or_a_course_error(fault, tmp_path, monkeypatch,
                                                                 isolated_data):
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 6, dtype=np.uint8),
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 3, dtype=np.uint8)}
    damage, matching_sha = IDX_FAULTS[fault]
    pack = tmp_path / "pack"
    entries = {}
    for name, array in arrays.items():
        raw = _idx_gz(array)
        stored = damage(raw) if name.startswith("t10k-labels") else raw
        digest = hashlib.sha256(stored if matching_sha else raw).hexdigest()
        entries[name] = DataFile("mnist", name, digest, ("http://127.0.0.1:9/x",))
        _write(pack / "mnist" / name, stored)
    monkeypatch.setitem(registry.REGISTRY, "mnist", entries)
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    kind, result, _ = bounded(data.load_mnist)
    if fault == "good":
        (x, y), (xt, yt) = result
        for got, name in [(x, "train-images-idx3-ubyte.gz"), (y, "train-labels-idx1-ubyte.gz"),
                          (xt, "t10k-images-idx3-ubyte.gz"), (yt, "t10k-labels-idx1-ubyte.gz")]:
            np.testing.assert_array_equal(got, arrays[name])
    else:
        assert kind == "course" and isinstance(result, DataCorruptError), result
        assert "t10k" in str(result)
        if not fault.startswith("fewer"):
            assert str(pack / "mnist" / "t10k-labels-idx1-ubyte.gz") in str(result)


# --- a misconfigured COURSE_DATA_DIR ---------------------------------------------------------

PACK_CONFIGS = {
    # name: (COURSE_DATA_DIR relative to a good pack "pack", words in the warning)
    "does-not-exist": ("no-such-pack", ["does not exist"]),
    "inside-text": ("pack/text", ["one level too deep", "set COURSE_DATA_DIR="]),
    "two-levels-too-deep": ("pack/text/tinyshakespeare", ["one level too deep"]),
    "a-file": ("pack/text/fleurs_mal.txt", ["is a file, not a folder"]),
    "inside-mnist": ("pack/mnist", ["one level too deep"]),
}


@pytest.mark.parametrize("config", list(PACK_CONFIGS))
def test_misconfigured_pack_is_reported_once_with_its_path(config, tmp_path, monkeypatch,
                                                            isolated_data, fault_server, capsys):
    pack = tmp_path / "pack"
    _write(pack / "testset" / "blob.bin", PAYLOAD)
    _write(pack / "mnist" / "train-labels-idx1-ubyte.gz", b"x")
    _write(pack / "text" / "fleurs_mal.txt", b"x")
    _write(pack / "text" / "tinyshakespeare" / "input.txt", b"x")
    relative, words = PACK_CONFIGS[config]
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / relative))
    monkeypatch.setattr(datastore, "_warned", set())
    fault_server.routes["/blob.bin"] = "good"
    e = entry(fault_server.url("/blob.bin"))
    for _ in range(3):
        kind, path, _ = bounded(lambda: data.locate(e, progress=False))
        assert kind == "ok" and path.read_bytes() == PAYLOAD
    err = capsys.readouterr().err
    assert err.count("Warning: COURSE_DATA_DIR=") == 1, err  # once, not once per file
    assert str(tmp_path / relative) in err and all(w in err for w in words)
    if "deep" in config:
        assert f"set COURSE_DATA_DIR={pack}" in err
    assert "text/tinyshakespeare/input.txt" in err  # the layout expected


def test_missing_file_in_a_good_pack_does_not_advise_setting_the_pack(tmp_path, monkeypatch,
                                                                    isolated_data):
    pack = tmp_path / "pack"
    (pack / "mnist").mkdir(parents=True)
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    kind, exc, _ = bounded(lambda: data.locate(entry("http://127.0.0.1:9/x"), download=False))
    assert kind == "course" and isinstance(exc, DataUnavailableError)
    assert str(pack / "testset" / "blob.bin") in str(exc)
    assert "set COURSE_DATA_DIR" not in str(exc)


def test_every_data_error_is_a_course_data_error():
    for cls in (DataUnavailableError, DataCorruptError, DataAccessError):
        assert issubclass(cls, CourseDataError) and issubclass(cls, RuntimeError)
    assert data.DataUnavailableError is DataUnavailableError
    assert data.ChecksumError is download.ChecksumError
