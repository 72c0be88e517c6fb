"""Shared fixtures: an isolated data cache, the model cache (off unless asked), a local HTTP server."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)


@pytest.fixture(autouse=True)
def _no_model_cache(monkeypatch):
    """Tests train for real and never write the checkout's data/models (but see ``models_dir``)."""
    monkeypatch.setenv("COURSE_MODEL_CACHE", "0")


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """The model cache on, in an empty folder, no data pack, full mode; returns its models/ folder."""
    monkeypatch.setenv("COURSE_MODEL_CACHE", "1")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("COURSE_DATA_DIR", "COURSE_RETRAIN", "COURSE_FAST"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "cache" / "models"


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """No data pack, an empty cache in tmp_path; returns the cache folder."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(cache))
    return cache


class _Routes(BaseHTTPRequestHandler):
    routes: dict = {}
    hits: list = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        self.hits.append(self.path)
        status, body, mode = self.routes.get(self.path, (404, b"not found", "ok"))
        self.send_response(status)
        # "truncate" announces the full length but closes the connection halfway.
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mode == "truncate" else body)
        self.wfile.flush()
        if mode == "truncate":
            self.close_connection = True


@pytest.fixture
def http_server():
    """Serve ``server.routes[path] = (status, body, mode)`` on 127.0.0.1.

    Yields an object with ``url(path)``, ``routes`` and ``hits`` (paths asked).
    """
    handler = type("Handler", (_Routes,), {"routes": {}, "hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes = handler.routes
    server.hits = handler.hits
    server.url = lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: behaves like 'no network'."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing-here"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the student-copy counts (tests/test_student_copies.py) at the end of the run."""
    lines = getattr(config, "student_copy_counts", [])
    if lines:
        terminalreporter.section("student copies, nothing solved, fast mode")
        for line in lines:
            terminalreporter.write_line(line)


def assert_caught(run, words: str | None) -> None:
    """A catalogued mistake must stop its checker; when ``words`` is given, as a CheckError naming it."""
    from course_utils.check import CheckError

    with pytest.raises(Exception) as info:
        run()
    if words is not None:
        assert isinstance(info.value, CheckError), repr(info.value)
        assert words in str(info.value), str(info.value)
