"""The Web Connector's side of the wire: its exact envelopes and headers, and reading replies.

Envelopes are byte-for-byte what QBWC 2.x sends (QBWC_FACTS.md section 1): soap/xsi/xsd
prefixes, the default namespace on the operation wrapper, no whitespace, empty values as
``<x />``. Replies are read with the project's hardened parser; a Fault raises SoapFault.
"""

from __future__ import annotations

import http.client
from collections.abc import Sequence
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from qbxml.errors import QbxmlError
from qbxml.xmlparse import parse_xml

NS = "http://developer.intuit.com/"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"

Param = tuple[str, "str | int"]


class SoapFault(Exception):
    """The server answered a SOAP Fault, an HTTP error, or something unreadable."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


class ConnectionCut(Exception):
    """The connection was closed in the middle of a call (a fault switch, or the network)."""


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


def headers(op: str, length: int, host: str, *, first: bool) -> list[tuple[str, str]]:
    """QBWC's request headers, in its order (quoted SOAPAction, Expect: 100-continue)."""
    result = [
        ("User-Agent", USER_AGENT),
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", f'"{NS}{op}"'),
        ("Host", host),
        ("Content-Length", str(length)),
        ("Expect", "100-continue"),
    ]
    if first:
        result.append(("Connection", "Keep-Alive"))
    return result


def post(
    url: str,
    op: str,
    params: Sequence[Param],
    *,
    timeout: float,
    first: bool = False,
    cut: bool = False,
) -> bytes:
    """POST one call and return the response body; SoapFault for HTTP errors."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(host, port, timeout=timeout)
    body = envelope(op, params)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers(op, len(body), parts.netloc, first=first):
            conn.putheader(name, value)
        conn.endheaders()
        if cut:
            conn.send(body[: len(body) // 2])
            conn.close()
            raise ConnectionCut(f"connection cut in the middle of {op}")
        conn.send(body)
        response = conn.getresponse()  # skips "100 Continue" interim responses
        data = response.read()
        status = response.status
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise ConnectionCut(f"{op}: {exc}") from exc
    finally:
        conn.close()
    if status != 200:
        raise _fault(data, status)
    return data


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
