"""Clients that send their body one byte a second hold neither the only worker nor a thread
for long: other calls keep answering, and the stalled ones get 408 at the read deadline."""

from __future__ import annotations

import select
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbxml.xmlparse import parse_xml
from tests.support.live import LiveServer, live_server

TIMEOUT = 3  # QBWC_BODY_READ_TIMEOUT_SECONDS for this server
ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
SERVER_VERSION = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<serverVersion xmlns="http://developer.intuit.com/" /></soap:Body></soap:Envelope>'
)

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    # The database plays no part here, so SQLite only; one worker, so nothing else could help.
    url = f"sqlite:///{tmp_path / 'qbwc.db'}"
    env = {"QBWC_BODY_READ_TIMEOUT_SECONDS": str(TIMEOUT), "QBWC_THREADS": "4"}
    with live_server(url, tmp_path, workers=1, extra_env=env) as live:
        yield live


class Stalled(threading.Thread):
    """A raw connection that promises 1000 bytes and sends one a second, reading as it goes."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        host, port = server.base_url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.sendall(
            b"POST /qbwc HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: text/xml; charset=utf-8\r\n"
            b'SOAPAction: "http://developer.intuit.com/serverVersion"\r\n'
            b"Content-Length: 1000\r\n\r\n"
        )
        self.started = time.monotonic()
        self.answer = b""
        self.answered_after: float | None = None

    def run(self) -> None:
        try:
            while time.monotonic() - self.started < TIMEOUT + 8:
                self.sock.sendall(b"<")
                readable, _, _ = select.select([self.sock], [], [], 1.0)
                if readable:
                    data = self.sock.recv(65536)
                    if self.answered_after is None:
                        self.answered_after = time.monotonic() - self.started
                    self.answer += data
                    if not data or b"</soap:Envelope>" in self.answer:
                        return
        except OSError:
            return  # the server closed the connection after answering
        finally:
            self.sock.close()


def _server_version(server: LiveServer) -> float:
    request = urllib.request.Request(
        server.soap_url,
        data=SERVER_VERSION,
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert b"serverVersionResult" in response.read()
    return time.monotonic() - started


def test_stalled_bodies_neither_block_other_calls_nor_hold_on_forever(
    server: LiveServer,
) -> None:
    stalled = [Stalled(server), Stalled(server)]
    for connection in stalled:
        connection.start()
    # While both stall, the one worker still answers, call after call.
    took = []
    for _ in range(3):
        time.sleep(0.5)
        took.append(_server_version(server))
        assert all(connection.is_alive() for connection in stalled)  # still stalling
    assert max(took) < 2, took
    for connection in stalled:
        connection.join(timeout=TIMEOUT + 10)
        assert connection.answered_after is not None, "no answer to a stalled body"
        assert TIMEOUT - 0.5 <= connection.answered_after < TIMEOUT + 4
        head, _, body = connection.answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), head
        assert b"content-type: text/xml; charset=utf-8" in head.lower()
        fault = parse_xml(body).find(f"{ENV}Body/{ENV}Fault")
        assert fault is not None and fault.findtext("faultcode") == "soap:Client"
    assert _server_version(server) < 2  # and the threads are free again
    assert "answered 408" in server.server_log()
