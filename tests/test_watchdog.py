"""The transfer deadline: a blocked read returns when the watchdog fires, never later."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course_utils.watchdog import Watchdog, watched_opener


def test_a_blocked_read_returns_at_the_deadline():
    a, b = socket.socketpair()
    try:
        with Watchdog(0.3) as dog:
            dog.watch(a)
            started = time.monotonic()
            assert a.recv(10) == b""          # nothing was ever sent: only the shutdown ends it
            waited = time.monotonic() - started
            assert dog.expired
        assert 0.2 < waited < 5
    finally:
        a.close()
        b.close()


def test_a_socket_watched_after_the_deadline_is_shut_at_once():
    a, b = socket.socketpair()
    try:
        with Watchdog(0.05) as dog:
            time.sleep(0.3)
            assert dog.expired
            dog.watch(a)
            assert a.recv(10) == b""
    finally:
        a.close()
        b.close()


def test_no_shutdown_before_the_deadline():
    a, b = socket.socketpair()
    try:
        with Watchdog(30) as dog:
            dog.watch(a)
            b.sendall(b"hello")
            assert a.recv(10) == b"hello"
            assert not dog.expired
    finally:
        a.close()
        b.close()


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):                    # one byte every 0.1 s: no socket timeout trips
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)

    def log_message(self, *args):
        pass


@pytest.fixture
def trickle_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/file"
    server.shutdown()
    server.server_close()


def test_the_opener_stops_a_trickling_transfer_at_the_deadline(trickle_url):
    started = time.monotonic()
    got = b""
    with Watchdog(0.5) as dog, pytest.raises((OSError, ValueError)) as caught:
        with watched_opener(dog).open(trickle_url, timeout=5) as resp:
            while True:
                block = resp.read(1)
                if not block:
                    raise OSError("connection shut down")   # a short body: the shutdown
                got += block
    waited = time.monotonic() - started
    assert dog.expired, caught.value
    assert 0 < len(got) < 100
    assert waited < 5           # without the watchdog: about 10 s (100 bytes, 0.1 s apart)
