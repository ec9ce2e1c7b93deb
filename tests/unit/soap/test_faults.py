"""Bad requests get SOAP Faults (text/xml), never HTML, internals or secrets; big bodies pass."""

from __future__ import annotations

import io
import logging

import pytest
from werkzeug.test import Client, EnvironBuilder, TestResponse, run_wsgi_app

from qbwc_server.soap import make_soap_app
from qbxml.xmlparse import parse_xml
from tests.unit.soap.conftest import (
    ENV,
    MAX_BODY,
    PUBLIC_URL,
    QBWC_HEADERS,
    RecordingHandler,
    envelope,
    post,
    result_of,
)

PASSWORD = "Pa55-very-secret"
TICKET = "ticket-7f3a9c21-secret"
AUTH = envelope(
    "authenticate", f"<strUserName>ridgeline</strUserName><strPassword>{PASSWORD}</strPassword>"
)
WRAPPER = b'<getLastError xmlns="http://developer.intuit.com/"><ticket>&e;</ticket></getLastError>'
SOAP_OPEN = b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
SOAP_CLOSE = b"</soap:Body></soap:Envelope>"
DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE soap:Envelope>' + SOAP_OPEN + SOAP_CLOSE
ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "expanded">]>' + SOAP_OPEN + WRAPPER + SOAP_CLOSE
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    + SOAP_OPEN
    + WRAPPER
    + SOAP_CLOSE
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    ).replace(b"&lol0;", b"&lol;")
    + b"]>"
    + SOAP_OPEN
    + WRAPPER.replace(b"&e;", b"&lol9;")
    + SOAP_CLOSE
)
LOWERCASE_DOCTYPE = DOCTYPE.replace(b"<!DOCTYPE", b"<! doctype")

# body, fault code, a word the faultstring must contain (None: any)
BAD_BODIES: list[tuple[str, bytes, str, str | None]] = [
    ("doctype", DOCTYPE, "Client", "DTDs and entities are not allowed"),
    ("doctype-lowercase", LOWERCASE_DOCTYPE, "Client", "DTDs and entities are not allowed"),
    ("entity", ENTITY, "Client", "DTDs and entities are not allowed"),
    ("xxe", XXE, "Client", "DTDs and entities are not allowed"),
    ("billion-laughs", LAUGHS, "Client", "DTDs and entities are not allowed"),
    ("undeclared-entity", SOAP_OPEN + WRAPPER + SOAP_CLOSE, "Client", None),
    # Other encodings (UTF-16 without a BOM, UTF-7, gzip, bad UTF-8): test_encodings.py.
    ("utf16-doctype", DOCTYPE.decode().encode("utf-16"), "Client", "DTDs and entities"),
    ("truncated", AUTH[:-40], "Client", None),
    ("not-xml", b"hello, this is not XML", "Client", None),
    ("json", b'{"op": "authenticate"}', "Client", None),
    ("empty", b"", "Client", "empty"),
    ("whitespace", b"  \r\n ", "Client", "empty"),
    ("no-envelope", b"<authenticate/>", "Client", None),
    # spyne itself crashes on an empty Body: the adapter's last line of defence answers.
    ("empty-body", SOAP_OPEN + SOAP_CLOSE, "Server", "Internal error"),
    ("unknown-operation", envelope("getEverything", "<ticket>t</ticket>"), "Client", None),
    ("wrong-namespace", AUTH.replace(b"developer.intuit.com", b"example.com"), "Client", None),
    (
        "soap12-envelope",
        AUTH.replace(b"schemas.xmlsoap.org/soap/envelope/", b"www.w3.org/2003/05/soap-envelope"),
        "Client",
        None,
    ),
    (
        "int-not-a-number",
        envelope("sendRequestXML", "<qbXMLMajorVers>thirteen</qbXMLMajorVers>"),
        "Client",
        None,
    ),
    (
        "int-out-of-range",
        envelope("sendRequestXML", "<qbXMLMajorVers>2147483648</qbXMLMajorVers>"),
        "Client",
        "xs:int",
    ),
]


def fault_of(response: TestResponse, code: str) -> str:
    """Check a Fault answer in full; return its faultstring."""
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    data = response.data
    assert b"<html" not in data.lower() and b"Traceback" not in data and b"spyne" not in data
    root = parse_xml(data)
    fault = root.find(f"{{{ENV}}}Body/{{{ENV}}}Fault")
    assert fault is not None, data
    assert (fault.findtext("faultcode") or "").split(":")[-1].split(".")[0] == code
    return fault.findtext("faultstring") or ""


@pytest.mark.parametrize(
    ("case", "body", "code", "says"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES]
)
def test_bad_requests_get_a_soap_fault(
    client: Client, handler: RecordingHandler, case: str, body: bytes, code: str, says: str | None
) -> None:
    text = fault_of(post(client, "authenticate", body), code)
    assert says is None or says in text
    assert "expanded" not in text and "root:" not in text
    assert handler.calls == []


def test_a_handler_exception_is_a_server_fault_and_logged_without_secrets(
    client: Client, handler: RecordingHandler, caplog: pytest.LogCaptureFixture
) -> None:
    handler.raise_on = "authenticate"
    with caplog.at_level(logging.DEBUG):
        text = fault_of(post(client, "authenticate", AUTH), "Server")
    assert text == "Internal error"
    errors = [r for r in caplog.records if r.name == "qbwc_server.soap" and r.levelname == "ERROR"]
    assert len(errors) == 1 and "authenticate" in errors[0].getMessage()
    assert "RuntimeError" in errors[0].getMessage()  # the traceback is there...
    assert PASSWORD not in caplog.text  # ...but not the password its message quoted


@pytest.mark.parametrize(
    ("op", "method", "inner"),
    [
        ("getLastError", "get_last_error", f"<ticket>{TICKET}</ticket>"),
        ("receiveResponseXML", "receive_response_xml", f"<ticket>{TICKET}</ticket>"),
        ("interactiveDone", "interactive_done", f"<wcTicket>{TICKET}</wcTicket>"),
    ],
)
def test_tickets_are_not_logged_when_a_handler_fails(
    client: Client,
    handler: RecordingHandler,
    caplog: pytest.LogCaptureFixture,
    op: str,
    method: str,
    inner: str,
) -> None:
    handler.raise_on = method
    with caplog.at_level(logging.DEBUG):
        fault_of(post(client, op, envelope(op, inner)), "Server")
    assert caplog.records and TICKET not in caplog.text


def test_no_password_or_ticket_in_any_log_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # caplog also listens on non-propagating loggers, so spyne's own lines would show here.
    ticket_call = envelope("getLastError", f"<ticket>{TICKET}</ticket>")
    with caplog.at_level(logging.DEBUG):
        result_of(post(client, "authenticate", AUTH), "authenticate")
        result_of(post(client, "getLastError", ticket_call), "getLastError")
        fault_of(post(client, "authenticate", AUTH[:-30]), "Client")  # spyne dumps bad bodies
        fault_of(post(client, "getLastError", ticket_call.replace(b"</ticket>", b"")), "Client")
        fault_of(post(client, "authenticate", b"<!DOCTYPE x>" + AUTH), "Client")
    assert any(r.name == "qbwc_server.soap" for r in caplog.records)  # the adapter does log
    assert PASSWORD not in caplog.text and TICKET not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("spyne")]


class _RootRecords(logging.Handler):
    """What reaches the root logger's handlers, where gunicorn and any log shipper read."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_no_password_or_ticket_reaches_the_root_loggers_handlers(client: Client) -> None:
    # caplog sees non-propagating loggers too; this sees only what production handlers get.
    root = logging.getLogger()
    sink = _RootRecords()
    root.addHandler(sink)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        post(client, "authenticate", AUTH)
        post(client, "authenticate", AUTH[:-30])  # malformed: spyne would dump the body
        post(client, "getLastError", envelope("getLastError", f"<ticket>{TICKET}</ticket>"))
        post(client, "getLastError", envelope("getLastError", f"<ticket>{TICKET}"))
    finally:
        root.removeHandler(sink)
        root.setLevel(old_level)
    text = "\n".join(sink.lines)
    assert "refused a request before parsing" in text  # the adapter's own lines get through
    assert PASSWORD not in text and TICKET not in text


def test_a_body_over_the_limit_is_a_fault(handler: RecordingHandler) -> None:
    client = Client(make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=4096))
    body = envelope("getLastError", "<ticket>" + "t" * 5000 + "</ticket>")
    assert "4096" in fault_of(post(client, "getLastError", body), "Client")
    assert handler.calls == []


def test_a_body_without_content_length_is_still_limited(handler: RecordingHandler) -> None:
    # Chunked transfer: no CONTENT_LENGTH, the server marks the stream as terminated.
    app = make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=4096)

    def run(body: bytes) -> TestResponse:
        builder = EnvironBuilder(method="POST", headers=list(QBWC_HEADERS.items()))
        environ = builder.get_environ()
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = True
        return TestResponse(*run_wsgi_app(app, environ), request=builder.get_request())

    big = envelope("getLastError", "<ticket>" + "t" * 5000 + "</ticket>")
    assert "4096" in fault_of(run(big), "Client")
    assert (
        result_of(run(envelope("getLastError", "<ticket>t</ticket>")), "getLastError") is not None
    )
    assert handler.calls == [("get_last_error", ("t",))]


def test_a_body_between_spynes_2_mib_default_and_the_limit_is_accepted(
    client: Client, handler: RecordingHandler
) -> None:
    message = "m" * (3 * 1024 * 1024)
    body = envelope(
        "connectionError", f"<ticket>t</ticket><hresult>0x1</hresult><message>{message}</message>"
    )
    assert 2 * 1024 * 1024 < len(body) < MAX_BODY
    result_of(post(client, "connectionError", body), "connectionError")
    assert handler.calls == [("connection_error", ("t", "0x1", message))]


def test_a_12_mb_qbxml_text_node_reaches_the_handler_intact(
    client: Client, handler: RecordingHandler
) -> None:
    memo = ("Ä&<x>" + "y" * 95) * (12 * 1024 * 1024 // 100 + 1)
    qbxml = f"<QBXML><QBXMLMsgsRs><R><Memo>{memo}</Memo></R></QBXMLMsgsRs></QBXML>"
    escaped = qbxml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = envelope(
        "receiveResponseXML",
        f"<ticket>t</ticket><response>{escaped}</response><hresult /><message />",
    )
    assert len(qbxml) > 12 * 1024 * 1024 and len(body) < MAX_BODY
    handler.answers["receive_response_xml"] = 37
    assert result_of(post(client, "receiveResponseXML", body), "receiveResponseXML").text == "37"
    ((method, args),) = handler.calls
    assert method == "receive_response_xml" and args[1] == qbxml


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_http_methods_are_refused_without_html(client: Client, method: str) -> None:
    response = client.open("/", method=method, data=AUTH, headers=QBWC_HEADERS)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert parse_xml(response.data).find(f"{{{ENV}}}Body/{{{ENV}}}Fault") is not None
