"""The body read deadline: a stalled body gets 408 (a SOAP Fault on /qbwc), others pass."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from qbwc_server import bounded_read as br
from qbxml.xmlparse import parse_xml

ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


@contextmanager
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """(client, server) ends of a TCP connection on 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    try:
        yield client, server
    finally:
        client.close()
        server.close()


class Reader:
    """An app that reads the whole body, then answers how many bytes it got."""

    def __init__(self) -> None:
        self.got: bytes | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        stream, data = environ["wsgi.input"], b""
        while len(data) < length:
            chunk = stream.read(length - len(data))
            if not chunk:
                break
            data += chunk
        self.got = data
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(len(data)).encode()]


def run(app: Any, environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["headers"] = status, dict(headers)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return answer["status"], answer["headers"], body


def environ_for(stream: Any, length: int, path: str = "/qbwc", sock: Any = None) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": stream,
    }
    if sock is not None:
        env["gunicorn.socket"] = sock
    return env


@pytest.mark.parametrize(("path", "soap"), [("/qbwc", True), ("/api/v1/x", False)])
def test_a_stalled_body_is_cut_off_at_the_deadline(path: str, soap: bool) -> None:
    app = Reader()
    with tcp_pair() as (client, server):
        client.sendall(b"<soap:Env")  # 9 of 1000 bytes, then nothing
        stream = server.makefile("rb")
        started = time.monotonic()
        status, headers, body = run(
            br.bounded_read(app, 0.5), environ_for(stream, 1000, path, server)
        )
        took = time.monotonic() - started
    assert status == "408 Request Timeout"
    assert 0.4 < took < 5
    assert app.got is None  # the app never saw a partial body as if it were whole
    assert headers["Connection"] == "close"
    if soap:
        assert headers["Content-Type"] == "text/xml; charset=utf-8"
        fault = parse_xml(body).find(f"{ENV}Body/{ENV}Fault")
        assert fault is not None and fault.findtext("faultcode") == "soap:Client"
        assert "0.5 s" in (fault.findtext("faultstring") or "")
    else:
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert b"Request timeout" in body


def test_a_body_in_time_passes_and_the_socket_is_left_alone() -> None:
    app = Reader()
    with tcp_pair() as (client, server):
        client.sendall(b"x" * 1000)
        stream = server.makefile("rb")
        status, _, body = run(br.bounded_read(app, 0.3), environ_for(stream, 1000, sock=server))
        assert (status, body, app.got) == ("200 OK", b"1000", b"x" * 1000)
        time.sleep(0.5)  # past the deadline: the watchdog was cancelled, nothing is shut
        client.sendall(b"next request")
        server.settimeout(2)
        assert server.recv(100) == b"next request"


def test_without_a_socket_the_deadline_is_checked_between_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(br.time, "monotonic", lambda: now[0])

    class Trickle(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            now[0] += 1.0  # one byte a second
            return b"x"

    status, _, body = run(br.bounded_read(Reader(), 5), environ_for(Trickle(), 1000))
    assert status == "408 Request Timeout" and b"Fault" in body


def test_no_limit_and_no_body_are_passed_through() -> None:
    app = Reader()
    stream = io.BytesIO(b"abc")
    assert run(br.bounded_read(app, 0), environ_for(stream, 3))[2] == b"3"
    environ = environ_for(io.BytesIO(b""), 0)
    guarded = br.bounded_read(app, 5)
    assert run(guarded, environ)[2] == b"0"
    assert not isinstance(environ["wsgi.input"], br._GuardedInput)
    assert environ[br.MARK] is True


def test_an_answer_already_started_is_not_replaced() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [])
        environ["wsgi.input"].read(10)
        return [b""]

    with tcp_pair() as (client, server):
        client.sendall(b"x")
        with pytest.raises(br.BodyReadTimeout):
            run(br.bounded_read(app, 0.3), environ_for(server.makefile("rb"), 10, sock=server))


def test_many_deadlines_share_one_watchdog_thread() -> None:
    fired: list[int] = []
    start = time.monotonic()
    for i in (3, 1, 2):
        br._WATCHDOG.schedule(start + 0.1 * i, lambda i=i: fired.append(i))  # type: ignore[misc]
    cancelled = br._WATCHDOG.schedule(start + 0.15, lambda: fired.append(99))
    br._WATCHDOG.cancel(cancelled)
    deadline = time.monotonic() + 5
    while len(fired) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fired == [1, 2, 3]
    names = [t.name for t in threading.enumerate()]
    assert names.count("qbwc-body-read-watchdog") == 1
