"""The Web Connector's side of the wire: its exact envelopes and headers, and reading replies.

Envelopes are byte-for-byte what QBWC 2.x sends (QBWC_FACTS.md section 1): soap/xsi/xsd
prefixes, the default namespace on the operation wrapper, no whitespace, empty values as
``<x />``. Requests go out like .NET's client sends them: headers first with
``Expect: 100-continue``, the body once the server says ``100 Continue`` (or after a short
wait, as .NET does when no interim answer comes), over one kept-alive connection. Replies are
read with the project's hardened parser; a Fault or an HTTP error raises SoapFault.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
from collections.abc import Sequence
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from qbxml.errors import QbxmlError
from qbxml.xmlparse import parse_xml

NS = "http://developer.intuit.com/"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"
CONTINUE_WAIT = 0.35  # seconds .NET waits for "100 Continue" before sending the body anyway

Param = tuple[str, "str | int"]


class SoapFault(Exception):
    """The server answered a SOAP Fault, an HTTP error, or something unreadable."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


class ConnectionCut(Exception):
    """The connection broke in the middle of a call (a fault switch, or the network)."""


def envelope(op: str, params: Sequence[Param]) -> bytes:
    """The SOAP request body QBWC sends for ``op`` with ``params`` in order."""
    parts = []
    for name, value in params:
        text = str(value)
        parts.append(f"<{name} />" if text == "" else f"<{name}>{escape(text)}</{name}>")
    inner = "".join(parts)
    wrapper = f'<{op} xmlns="{NS}" />' if not inner else f'<{op} xmlns="{NS}">{inner}</{op}>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{ENV}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body>{wrapper}</soap:Body></soap:Envelope>"
    ).encode()


def headers(op: str, length: int, host: str, *, new_connection: bool) -> list[tuple[str, str]]:
    """QBWC's request headers in its order; ``Connection: Keep-Alive`` opens a connection."""
    result = [
        ("User-Agent", USER_AGENT),
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", f'"{NS}{op}"'),
        ("Host", host),
        ("Content-Length", str(length)),
        ("Expect", "100-continue"),
    ]
    if new_connection:
        result.append(("Connection", "Keep-Alive"))
    return result


class Transport:
    """One kept-alive HTTP(S) connection to the server, reopened when the server closes it."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        continue_wait: float = CONTINUE_WAIT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.resent = 0  # calls sent again after the server closed a kept-alive connection
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http:// or https:// URL: {url!r}")
        self.url, self.timeout, self.continue_wait = url, timeout, continue_wait
        self.netloc = parts.netloc
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.conn: http.client.HTTPConnection
        if parts.scheme == "https":
            self.conn = http.client.HTTPSConnection(
                parts.hostname, parts.port or 443, timeout=timeout, context=ssl_context
            )
        else:
            self.conn = http.client.HTTPConnection(
                parts.hostname, parts.port or 80, timeout=timeout
            )

    def close(self) -> None:
        """Close the connection (a later call opens a new one)."""
        self.conn.close()

    def post(self, op: str, params: Sequence[Param], *, cut: bool = False) -> bytes:
        """POST one call and return the 200 response body; SoapFault for HTTP errors.

        ``cut`` sends half the body and closes the socket, as when the network goes away. A
        kept-alive connection the server closed while idle is reopened and the call resent
        once, as .NET does.
        """
        body = envelope(op, params)
        reused = self._open()
        try:
            return self._exchange(op, body, new_connection=not reused, cut=cut)
        except _Stale:
            self.resent += 1
            self._open()
            return self._exchange(op, body, new_connection=True, cut=cut)

    def _open(self) -> bool:
        """Make sure a connection is open; True when an existing one is reused."""
        sock = self.conn.sock
        if sock is not None and select.select([sock], [], [], 0)[0]:
            self.close()  # readable while idle: the server closed it (EOF)
        if self.conn.sock is not None:
            return True
        try:
            self.conn.connect()
        except OSError as exc:
            raise SoapFault("Client", f"cannot connect to {self.url}: {exc}") from exc
        return False

    def _exchange(self, op: str, body: bytes, *, new_connection: bool, cut: bool) -> bytes:
        conn = self.conn
        try:
            conn.putrequest("POST", self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers(op, len(body), self.netloc, new_connection=new_connection):
                conn.putheader(name, value)
            conn.endheaders()
            self._await_continue(op)
            if cut:
                conn.send(body[: len(body) // 2])
                raise ConnectionCut(f"connection cut in the middle of {op}")
            conn.send(body)
            response = conn.getresponse()  # skips any "100 Continue" still unread
            data = response.read()
            status = response.status
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            self.close()
            if not new_connection:
                raise _Stale from exc
            raise ConnectionCut(f"{op}: {exc!r}") from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise ConnectionCut(f"{op}: {exc!r}") from exc
        except (ConnectionCut, SoapFault):
            self.close()
            raise
        if status != 200:
            self.close()
            raise _fault(data, status)
        return data

    def _await_continue(self, op: str) -> None:
        """Wait briefly for ``100 Continue`` and consume it; a final answer first is an error."""
        sock = self.conn.sock
        if sock is None or not select.select([sock], [], [], self.continue_wait)[0]:
            return  # no interim answer in time: send the body anyway, as .NET does
        status_line = _read_line(sock)
        if not status_line:
            raise http.client.RemoteDisconnected("closed before the body was sent")
        fields = status_line.split(None, 2)
        if len(fields) < 2 or fields[1] != b"100":
            status = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
            raise SoapFault("HTTP", f"the server answered HTTP {status} before the body", status)
        while _read_line(sock).strip():
            pass  # the interim response's headers, up to the blank line


class _Stale(Exception):
    """A reused connection turned out to be closed before the server answered anything."""


def _read_line(sock: socket.socket) -> bytes:
    """One LF-terminated line read byte by byte, so nothing after it is consumed."""
    line = bytearray()
    while len(line) < 8192:
        byte = sock.recv(1)
        if not byte:
            break
        line += byte
        if byte == b"\n":
            break
    return bytes(line)


def _fault(data: bytes, status: int) -> SoapFault:
    try:
        root = parse_xml(data, what="SOAP response")
    except QbxmlError:
        return SoapFault("HTTP", f"the server answered HTTP {status} without a SOAP Fault", status)
    fault = root.find(f".//{{{ENV}}}Fault")
    if fault is None:
        return SoapFault("HTTP", f"the server answered HTTP {status}", status)
    return SoapFault(fault.findtext("faultcode") or "", fault.findtext("faultstring") or "", status)


def result(op: str, data: bytes) -> list[str] | str:
    """The ``<op>Result`` of a reply: its text, or its ``<string>`` items for arrays."""
    try:
        root = parse_xml(data, what="SOAP response")
    except QbxmlError as exc:
        raise SoapFault("Client", f"unreadable reply to {op}: {exc}") from exc
    fault = root.find(f".//{{{ENV}}}Fault")
    if fault is not None:
        raise SoapFault(fault.findtext("faultcode") or "", fault.findtext("faultstring") or "")
    element = root.find(f".//{{{NS}}}{op}Response/{{{NS}}}{op}Result")
    if element is None:
        raise SoapFault("Client", f"the reply to {op} has no {op}Result")
    items = element.findall(f"{{{NS}}}string")
    if items:
        return [item.text or "" for item in items]
    return element.text or ""
