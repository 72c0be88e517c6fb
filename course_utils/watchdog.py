"""A deadline for a whole HTTP transfer, not just for each socket operation.

A socket timeout bounds one read; a server that sends a byte every few seconds
never trips it. :class:`Watchdog` is a timer that shuts down every socket of
the connection when its deadline passes, so the blocked read returns at once;
:func:`watched_opener` builds a ``urllib`` opener whose connections it
watches::

    with Watchdog(deadline) as watchdog:
        response = watched_opener(watchdog).open(url, timeout=socket_timeout)
"""

from __future__ import annotations

import socket
import threading
import urllib.request

__all__ = ["Watchdog", "watched_opener"]


class Watchdog:
    """Shuts the connection's sockets down at the deadline, so no read blocks past it.

    Parameters
    ----------
    seconds : float
        The deadline, counted from entering the ``with`` block. Sockets given to
        :meth:`watch` after it has passed are shut down at once.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.append(socket.fromfd(sock.fileno(), sock.family, sock.type))
            if self.expired:
                self._shutdown()

    def _shutdown(self) -> None:
        for s in self._socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for s in self._socks:
                s.close()
            self._socks.clear()


def _watched(connection_class: type, watchdog: Watchdog) -> type:
    class Watched(connection_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            create = self._create_connection

            def create_and_watch(*a, **k) -> socket.socket:
                sock = create(*a, **k)
                watchdog.watch(sock)
                return sock

            self._create_connection = create_and_watch

    return Watched


class _WatchMixin:
    watchdog: Watchdog

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_watched(http_class, self.watchdog), req, **kwargs)


class _HTTPHandler(_WatchMixin, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_WatchMixin, urllib.request.HTTPSHandler):
    pass


def watched_opener(watchdog: Watchdog) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTP(S) connections are shut down when ``watchdog`` expires."""
    handlers = [_HTTPHandler(), _HTTPSHandler()]
    for h in handlers:
        h.watchdog = watchdog
    return urllib.request.build_opener(*handlers)
