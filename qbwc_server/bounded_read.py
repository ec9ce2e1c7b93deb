"""A deadline for reading a request body (QBWC_BODY_READ_TIMEOUT_SECONDS).

gunicorn's workers read a body with plain blocking ``recv`` calls and no time limit, so a client
sending one byte a second holds a worker thread for as long as it likes. This middleware gives
every request with a body a deadline: once it passes, a watchdog shuts the socket for reading
(a blocked ``recv`` returns at once), the next read raises BodyReadTimeout, and the client gets
408 (a SOAP Fault on /qbwc). Without gunicorn's socket in the environ (tests, other servers)
the deadline is checked after each read instead.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from qbwc_server.soap import fault_body

log = logging.getLogger("qbwc_server.bounded_read")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MARK = "qbwc.bounded_read"  # set in the environ once the body is guarded (re-entry is a no-op)
SOAP_PREFIX = "/qbwc"


class BodyReadTimeout(Exception):
    """Reading the request body took longer than the configured limit."""


class _Watchdog:
    """One daemon thread per process that runs callbacks at their deadlines (monotonic)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, deadline: float, callback: Callable[[], None]) -> int:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                # Started lazily, so a forked gunicorn worker gets its own thread.
                self._thread = threading.Thread(
                    target=self._run, name="qbwc-body-read-watchdog", daemon=True
                )
                self._thread.start()
            handle = next(self._ids)
            heapq.heappush(self._heap, (deadline, handle, callback))
            self._cond.notify()
            return handle

    def cancel(self, handle: int) -> None:
        with self._cond:
            if any(h == handle for _, h, _ in self._heap):
                self._cancelled.add(handle)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, handle, callback = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                if handle in self._cancelled:
                    self._cancelled.discard(handle)
                    continue
            try:
                callback()
            except Exception:  # a watchdog must never die
                log.exception("body read watchdog callback failed")


_WATCHDOG = _Watchdog()


class _GuardedInput:
    """wsgi.input with a deadline for the whole body."""

    def __init__(self, environ: dict[str, Any], timeout: float) -> None:
        self._stream = environ["wsgi.input"]
        self._deadline = time.monotonic() + timeout
        self._timeout_s = timeout
        self._expired = False
        self._done = False
        try:
            self._left: int | None = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            self._left = None  # chunked: the end is the empty read
        sock = environ.get("gunicorn.socket")
        self._sock = sock if isinstance(sock, socket.socket) else None
        self._handle: int | None = None
        if self._sock is not None:
            self._handle = _WATCHDOG.schedule(self._deadline, self._expire)

    def _expire(self) -> None:
        self._expired = True
        if self._sock is not None:
            with contextlib.suppress(OSError):  # already closed
                self._sock.shutdown(socket.SHUT_RD)  # a blocked recv() returns b"" now

    def finish(self) -> None:
        self._done = True
        if self._handle is not None:
            _WATCHDOG.cancel(self._handle)
            self._handle = None

    def _timeout(self) -> BodyReadTimeout:
        self._expired = True
        self.finish()
        return BodyReadTimeout(f"the request body was not received within {self._timeout_s:g} s")

    def _after(self, data: bytes, asked: int | None) -> bytes:
        if self._left is not None:
            self._left -= len(data)
            if self._left <= 0:
                self.finish()  # the whole body is in, however late: nothing is cut off
                return data
        if self._expired or time.monotonic() > self._deadline:
            raise self._timeout()
        if not data and asked != 0:
            self.finish()  # the end of a chunked body (or a client that closed early)
        return data

    def _call(self, fn: Callable[..., bytes], asked: int | None, *args: Any) -> bytes:
        if self._expired:
            raise self._timeout()
        try:
            data = fn(*args)
        except Exception:
            if self._expired:  # the socket was shut under the reader
                raise self._timeout() from None
            raise
        return self._after(data, asked)

    def read(self, size: int | None = -1) -> bytes:
        return self._call(self._stream.read, size if size is not None and size >= 0 else None, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._call(self._stream.readline, None, size)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines = []
        while line := self.readline():
            lines.append(line)
        return lines

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


class _Closing:
    """The app's response, finishing the guard when the server closes it."""

    def __init__(self, result: Iterable[bytes], guard: _GuardedInput) -> None:
        self._result, self._guard = result, guard

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)

    def close(self) -> None:
        self._guard.finish()
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


def _has_body(environ: dict[str, Any]) -> bool:
    length = environ.get("CONTENT_LENGTH") or ""
    if length.strip() not in ("", "0"):
        return True
    return "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()


def _timed_out(start_response: StartResponse, path: str, why: str) -> list[bytes]:
    if path == SOAP_PREFIX or path.startswith(SOAP_PREFIX + "/"):
        body, content_type = fault_body("Client", f"Request timeout: {why}"), "text/xml"
    else:
        body, content_type = f"Request timeout: {why}\n".encode(), "text/plain"
    start_response(
        "408 Request Timeout",
        [
            ("Content-Type", f"{content_type}; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]


def bounded_read(app: WsgiApp, timeout_seconds: float) -> WsgiApp:
    """``app`` with a deadline of ``timeout_seconds`` for reading each request body (0: none)."""

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        environ[MARK] = True
        if timeout_seconds <= 0 or not _has_body(environ):
            return app(environ, start_response)
        path = str(environ.get("SCRIPT_NAME") or "") + str(environ.get("PATH_INFO") or "/")
        guard = _GuardedInput(environ, timeout_seconds)
        environ["wsgi.input"] = guard
        started = False

        def tracking(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            return start_response(status, headers, exc_info)

        try:
            result = app(environ, tracking)
        except BodyReadTimeout as exc:
            guard.finish()
            if started:
                raise
            peer = environ.get("REMOTE_ADDR", "?")
            log.warning("answered 408 to %s for %s: %s", peer, path, exc)
            return _timed_out(start_response, path, str(exc))
        except BaseException:
            guard.finish()
            raise
        return _Closing(result, guard)

    return guarded
