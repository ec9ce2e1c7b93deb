"""Bad requests get SOAP Faults (text/xml), never HTML, never internals or secrets."""

from __future__ import annotations

import logging

import pytest
from werkzeug.test import Client

from qbwc_server.soap import make_soap_app
from qbxml.xmlparse import parse_xml
from tests.unit.soap_adapter.conftest import MAX_BODY, PUBLIC_URL, RecordingHandler
from tests.unit.soap_adapter.test_envelopes import HEADERS, envelope

AUTH = envelope(
    "authenticate", "<strUserName>u</strUserName><strPassword>secret-password</strPassword>"
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<getLastError xmlns="http://developer.intuit.com/"><ticket>&lol2;</ticket></getLastError>'
    b"</soap:Body></soap:Envelope>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<getLastError xmlns="http://developer.intuit.com/"><ticket>&e;</ticket></getLastError>'
    b"</soap:Body></soap:Envelope>"
)


def assert_fault(response: object, code: str | None = None) -> str:
    assert response.headers["Content-Type"].startswith("text/xml")  # type: ignore[attr-defined]
    data = response.data  # type: ignore[attr-defined]
    assert b"<html" not in data.lower() and b"Traceback" not in data
    root = parse_xml(data)
    fault = root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    assert fault is not None, data
    if code is not None:
        assert code in (fault.findtext("faultcode") or "")
    return fault.findtext("faultstring") or ""


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (BILLION_LAUGHS, "Client"),
        (XXE, "Client"),
        (b"<soap:Envelope", "Client"),
        (b"this is not XML", "Client"),
        (b"", "Client"),
        (envelope("noSuchOperation", "<x>1</x>"), "Client"),
        (
            envelope("getLastError", "<ticket>t</ticket>").replace(
                b"http://developer.intuit.com/", b"http://example.com/other/"
            ),
            "Client",
        ),
        (b"<a>not an envelope</a>", None),
    ],
)
def test_bad_requests_get_soap_faults(
    client: Client, handler: RecordingHandler, body: bytes, code: str | None
) -> None:
    response = client.post("/", data=body, headers=HEADERS)
    assert response.status_code in (400, 405, 413, 500)
    assert_fault(response, code)
    assert handler.calls == []


def test_dtds_are_refused_before_parsing(client: Client) -> None:
    text = assert_fault(client.post("/", data=XXE, headers=HEADERS), "Client")
    assert "DTD" in text


def test_a_handler_exception_is_a_server_fault_without_internals(
    client: Client, handler: RecordingHandler, caplog: pytest.LogCaptureFixture
) -> None:
    handler.raise_on = "authenticate"
    with caplog.at_level(logging.DEBUG):
        response = client.post("/", data=AUTH, headers=HEADERS)
    assert response.status_code == 500
    assert assert_fault(response, "Server") == "Internal error"
    assert b"boom" not in response.data
    assert "secret-password" not in caplog.text.replace("boom with secret-password inside", "")


class _RootRecords(logging.Handler):
    """What reaches the root logger's handlers, where gunicorn and any log shipper read."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_no_password_or_ticket_in_any_log_line(client: Client) -> None:
    # caplog is not used: pytest attaches its capture to non-propagating loggers too, so it
    # would show what no production handler ever receives.
    root = logging.getLogger()
    sink = _RootRecords()
    root.addHandler(sink)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        client.post("/", data=AUTH, headers=HEADERS)
        client.post("/", data=AUTH[:-30], headers=HEADERS)  # malformed: spyne dumps the body
        client.post(
            "/", data=envelope("getLastError", "<ticket>ticket-secret</ticket>"), headers=HEADERS
        )
    finally:
        root.removeHandler(sink)
        root.setLevel(old_level)
    text = "\n".join(sink.lines)
    assert "answered a SOAP Fault" in text  # the adapter's own line does get through
    assert "secret-password" not in text
    assert "ticket-secret" not in text


def test_bodies_over_the_limit_are_refused_with_a_fault(handler: RecordingHandler) -> None:
    client = Client(make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=1000))
    response = client.post(
        "/", data=envelope("getLastError", "<ticket>" + "t" * 2000 + "</ticket>"), headers=HEADERS
    )
    assert response.status_code == 413
    assert_fault(response, "Client")


def test_bodies_between_spynes_default_and_our_limit_are_accepted(
    client: Client, handler: RecordingHandler
) -> None:
    ticket = "t" * (3 * 1024 * 1024)
    assert 2 * 1024 * 1024 < len(ticket) < MAX_BODY
    response = client.post(
        "/", data=envelope("getLastError", f"<ticket>{ticket}</ticket>"), headers=HEADERS
    )
    assert response.status_code == 200
    assert handler.calls == [("get_last_error", (ticket,))]


def test_other_methods_are_refused_in_xml(client: Client) -> None:
    response = client.put("/", data=AUTH, headers=HEADERS)
    assert response.status_code == 405
    assert_fault(response, "Client")
