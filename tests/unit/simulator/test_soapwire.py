"""QBWC's bytes on the wire: envelopes, header order, 100-continue, keep-alive, reading replies.

A raw socket peer sees exactly what the client writes, and when it writes it.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from qbwc_server.simulator.soapwire import (
    ENV,
    NS,
    USER_AGENT,
    ConnectionCut,
    SoapFault,
    Transport,
    envelope,
    result,
)
from qbxml.xmlparse import parse_xml

DECL = '<?xml version="1.0" encoding="utf-8"?>'
OPEN = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)
CLOSE = "</soap:Body></soap:Envelope>"


def reply_body(op: str, value: str) -> bytes:
    return (
        f'{DECL}{OPEN}<{op}Response xmlns="{NS}"><{op}Result>{value}</{op}Result>'
        f"</{op}Response>{CLOSE}"
    ).encode()


# -- envelopes -------------------------------------------------------------------------------
def test_server_version_envelope_is_byte_exact() -> None:
    assert (
        envelope("serverVersion", [])
        == (f'{DECL}{OPEN}<serverVersion xmlns="http://developer.intuit.com/" />{CLOSE}').encode()
    )


def test_send_request_xml_envelope_is_byte_exact() -> None:
    body = envelope(
        "sendRequestXML",
        [
            ("ticket", "T-1"),
            ("strHCPResponse", ""),
            ("strCompanyFileName", "C:\\KPALMER\\QBW\\Test Company.QBW"),
            ("qbXMLCountry", "US"),
            ("qbXMLMajorVers", 5),
            ("qbXMLMinorVers", 0),
        ],
    )
    assert (
        body
        == (
            f'{DECL}{OPEN}<sendRequestXML xmlns="http://developer.intuit.com/"><ticket>T-1</ticket>'
            "<strHCPResponse /><strCompanyFileName>C:\\KPALMER\\QBW\\Test Company.QBW"
            "</strCompanyFileName><qbXMLCountry>US</qbXMLCountry><qbXMLMajorVers>5</qbXMLMajorVers>"
            f"<qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML>{CLOSE}"
        ).encode()
    )


def test_qbxml_travels_as_escaped_text_and_round_trips() -> None:
    qbxml = '<?xml version="1.0" ?>\n<QBXML><A b="1 &amp; 2">x &lt; y</A></QBXML>'
    body = envelope("receiveResponseXML", [("ticket", "t"), ("response", qbxml)])
    assert b'<response>&lt;?xml version="1.0" ?&gt;\n&lt;QBXML&gt;' in body
    root = parse_xml(body)
    assert root.findtext(f".//{{{NS}}}response") == qbxml


@pytest.mark.parametrize(
    ("op", "params"),
    [
        ("clientVersion", [("strVersion", "2.3.0.215")]),
        ("authenticate", [("strUserName", "u"), ("strPassword", "p")]),
        (
            "receiveResponseXML",
            [("ticket", "t"), ("response", ""), ("hresult", ""), ("message", "")],
        ),
        ("closeConnection", [("ticket", "t")]),
    ],
)
def test_envelope_shape(op: str, params: list[tuple[str, str]]) -> None:
    root = parse_xml(envelope(op, params))
    assert root.prefix == "soap" and root.tag == f"{{{ENV}}}Envelope"
    assert set(root.nsmap) == {"soap", "xsi", "xsd"}
    (body,) = root
    (wrapper,) = body
    assert wrapper.tag == f"{{{NS}}}{op}" and wrapper.prefix is None
    assert [c.tag for c in wrapper] == [f"{{{NS}}}{name}" for name, _ in params]
    assert all(c.prefix is None for c in wrapper)


# -- a raw socket peer -----------------------------------------------------------------------
@dataclass
class RawPeer:
    """Accepts connections and hands each to ``handler``; records what arrived."""

    handler: Callable[[socket.socket, RawPeer], None]
    heads: list[bytes] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    connections: int = 0
    notes: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/qbwc"

    def read_request(self, conn: socket.socket, *, send_continue: bool = True) -> bool:
        head = read_head(conn)
        if not head:
            return False
        self.heads.append(head)
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        if send_continue:
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.bodies.append(read_exact(conn, length))
        return True


def read_head(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        chunk = conn.recv(1)
        if not chunk:
            return b""
        data += chunk
    return data


def read_exact(conn: socket.socket, length: int) -> bytes:
    data = b""
    while len(data) < length:
        chunk = conn.recv(length - len(data))
        if not chunk:
            break
        data += chunk
    return data


def send_reply(conn: socket.socket, body: bytes, extra: bytes = b"") -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
        + extra
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


Handler = Callable[[socket.socket, RawPeer], None]
Start = Callable[[Handler], RawPeer]


@pytest.fixture
def raw() -> Iterator[Start]:
    servers: list[tuple[socket.socket, threading.Thread]] = []

    def start(handler: Handler) -> RawPeer:
        peer = RawPeer(handler)
        listener = socket.create_server(("127.0.0.1", 0))
        peer.port = listener.getsockname()[1]

        def accept() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                peer.connections += 1
                with conn:
                    handler(conn, peer)

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        servers.append((listener, thread))
        return peer

    yield start
    for listener, thread in servers:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        listener.close()
        thread.join(timeout=5)


def serve_all(conn: socket.socket, peer: RawPeer) -> None:
    while peer.read_request(conn):
        op = peer.heads[-1].split(b'SOAPAction: "http://developer.intuit.com/')[1].split(b'"')[0]
        send_reply(conn, reply_body(op.decode(), "ok"))


def test_headers_are_qbwcs_in_order_on_one_kept_alive_connection(raw: Start) -> None:
    peer = raw(serve_all)
    transport = Transport(peer.url, timeout=5)
    assert result("serverVersion", transport.post("serverVersion", [])) == "ok"
    assert result("closeConnection", transport.post("closeConnection", [("ticket", "t")])) == "ok"
    transport.close()
    length = len(envelope("serverVersion", []))
    assert (
        peer.heads[0]
        == (
            "POST /qbwc HTTP/1.1\r\n"
            f"User-Agent: {USER_AGENT}\r\n"
            "Content-Type: text/xml; charset=utf-8\r\n"
            'SOAPAction: "http://developer.intuit.com/serverVersion"\r\n'
            f"Host: 127.0.0.1:{peer.port}\r\n"
            f"Content-Length: {length}\r\n"
            "Expect: 100-continue\r\n"
            "Connection: Keep-Alive\r\n\r\n"
        ).encode()
    )
    assert b"Connection:" not in peer.heads[1]  # the same connection, as .NET reuses it
    assert peer.connections == 1
    assert peer.bodies[1] == envelope("closeConnection", [("ticket", "t")])


def test_the_body_waits_for_100_continue(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        head = read_head(conn)
        early, _, _ = select.select([conn], [], [], 0.3)
        peer.notes.append("early body" if early else "waited")
        conn.sendall(b"HTTP/1.1 100 Continue\r\nX-Note: interim\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        peer.bodies.append(read_exact(conn, length))
        send_reply(conn, reply_body("serverVersion", "1.0"))

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5, continue_wait=5)
    assert result("serverVersion", transport.post("serverVersion", [])) == "1.0"
    transport.close()
    assert peer.notes == ["waited"]
    assert peer.bodies == [envelope("serverVersion", [])]


def test_the_body_goes_anyway_when_no_100_comes(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        while peer.read_request(conn, send_continue=False):
            send_reply(conn, reply_body("serverVersion", "1.0"))

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5, continue_wait=0.05)
    started = time.monotonic()
    assert result("serverVersion", transport.post("serverVersion", [])) == "1.0"
    assert time.monotonic() - started < 2
    transport.close()


def test_a_final_answer_before_the_body_is_an_http_error(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        peer.heads.append(read_head(conn))
        conn.sendall(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5, continue_wait=5)
    with pytest.raises(SoapFault) as caught:
        transport.post("serverVersion", [])
    assert caught.value.status == 417 and "417" in caught.value.message


@pytest.mark.parametrize("how", ["closed while idle", "Connection: close"])
def test_a_closed_connection_is_reopened_with_keep_alive(raw: Start, how: str) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        if peer.read_request(conn):
            extra = b"Connection: close\r\n" if how == "Connection: close" else b""
            send_reply(conn, reply_body("getLastError", "x"), extra)

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5)
    for _ in range(3):
        time.sleep(0.05)  # let the peer close first
        assert result("getLastError", transport.post("getLastError", [("ticket", "t")])) == "x"
    transport.close()
    assert peer.connections == 3
    assert all(head.endswith(b"Connection: Keep-Alive\r\n\r\n") for head in peer.heads)


def test_a_cut_sends_half_the_body_and_closes(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        peer.read_request(conn)

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5)
    with pytest.raises(ConnectionCut, match="sendRequestXML"):
        transport.post("sendRequestXML", [("ticket", "t")], cut=True)
    time.sleep(0.1)
    full = envelope("sendRequestXML", [("ticket", "t")])
    assert peer.bodies == [full[: len(full) // 2]]


def test_a_server_that_hangs_up_without_answering_is_a_cut(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        peer.read_request(conn)

    peer = raw(handler)
    with pytest.raises(ConnectionCut, match="authenticate"):
        Transport(peer.url, timeout=5).post("authenticate", [("strUserName", "u")])


def test_only_http_urls() -> None:
    with pytest.raises(ValueError, match="http"):
        Transport("ftp://example.com/qbwc", timeout=1)


def test_nobody_listening_is_a_client_fault() -> None:
    with pytest.raises(SoapFault, match="cannot connect"):
        Transport("http://127.0.0.1:9/", timeout=2).post("serverVersion", [])


# -- reading replies -------------------------------------------------------------------------
PREFIXED = (
    f'<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="{ENV}" '
    f'xmlns:ns1="{NS}"><SOAP-ENV:Body><ns1:authenticateResponse><ns1:authenticateResult>'
    "<ns1:string>abc</ns1:string><ns1:string></ns1:string></ns1:authenticateResult>"
    "</ns1:authenticateResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
)


@pytest.mark.parametrize(
    ("op", "data", "expected"),
    [
        ("serverVersion", reply_body("serverVersion", "1.2.3"), "1.2.3"),
        ("clientVersion", reply_body("clientVersion", ""), ""),
        ("sendRequestXML", reply_body("sendRequestXML", "&lt;QBXML/&gt;"), "<QBXML/>"),
        (
            "authenticate",
            reply_body("authenticate", "<string>t</string><string>none</string>"),
            ["t", "none"],
        ),
        ("authenticate", PREFIXED.encode(), ["abc", ""]),
    ],
)
def test_results_are_read(op: str, data: bytes, expected: object) -> None:
    assert result(op, data) == expected


FAULT = (
    f'{DECL}<soap:Envelope xmlns:soap="{ENV}"><soap:Body><soap:Fault><faultcode>soap:Server'
    "</faultcode><faultstring>Server was unable to process request.</faultstring></soap:Fault>"
    f"{CLOSE}"
).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (FAULT, "Server was unable to process request."),
        (reply_body("serverVersion", "1"), "has no closeConnectionResult"),
        (b"<html><body>502</body></html>", "has no closeConnectionResult"),
        (b"not xml at all", "unreadable reply"),
        (b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "unreadable reply"),
    ],
)
def test_faults_and_nonsense_raise(data: bytes, message: str) -> None:
    with pytest.raises(SoapFault) as caught:
        result("closeConnection", data)
    assert message in caught.value.message


def test_an_http_500_fault_keeps_code_text_and_status(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        peer.read_request(conn)
        conn.sendall(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml\r\n"
            + f"Content-Length: {len(FAULT)}\r\n\r\n".encode()
            + FAULT
        )

    peer = raw(handler)
    with pytest.raises(SoapFault) as caught:
        Transport(peer.url, timeout=5).post("serverVersion", [])
    fault = caught.value
    assert (fault.code, fault.message, fault.status) == (
        "soap:Server",
        "Server was unable to process request.",
        500,
    )


def test_a_reused_connection_dropped_before_any_answer_is_retried_once(raw: Start) -> None:
    def handler(conn: socket.socket, peer: RawPeer) -> None:
        if peer.connections == 1:
            peer.read_request(conn)
            send_reply(conn, reply_body("getLastError", "first"))
            peer.heads.append(read_head(conn))  # the next request's headers, then hang up
            return
        while peer.read_request(conn):
            send_reply(conn, reply_body("getLastError", "again"))

    peer = raw(handler)
    transport = Transport(peer.url, timeout=5, continue_wait=5)
    assert result("getLastError", transport.post("getLastError", [("ticket", "t")])) == "first"
    assert transport.resent == 0
    assert result("getLastError", transport.post("getLastError", [("ticket", "t")])) == "again"
    assert transport.resent == 1
    transport.close()
    assert peer.connections == 2
    assert [h.endswith(b"Keep-Alive\r\n\r\n") for h in peer.heads] == [True, False, True]
