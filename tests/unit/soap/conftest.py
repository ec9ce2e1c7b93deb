"""The SOAP adapter's peer in these tests: a handler that records calls and answers from a script.

Also the Web Connector's side of the wire: its HTTP headers and its envelope shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from qbwc_server.soap import make_soap_app
from qbxml.xmlparse import parse_xml

NS = "http://developer.intuit.com/"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PUBLIC_URL = "https://sync.example.com/qbwc"
MAX_BODY = 16 * 1024 * 1024
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "soap" / "qbwc"
# Intuit's published WSDLs, read in place from the shared reference material (never copied).
WSDL_DIR = Path(__file__).resolve().parents[4] / "shared" / "reference" / "wsdl"
INTUIT_WSDLS = {
    "original": WSDL_DIR / "QBWebConnectorSvc.intuit-original.wsdl",
    "hosted": WSDL_DIR / "TroubleshootWebServiceFS.intuit-hosted.wsdl",
}


def intuit_wsdl(which: str) -> Path:
    """The path of one of Intuit's WSDLs; skips the test when ../shared is absent."""
    path = INTUIT_WSDLS[which]
    if not path.is_file():
        pytest.skip(f"Intuit's WSDL is not available at {path} (../shared is absent)")
    return path


# What QBWC 2.x sends with every call (QBWC_FACTS.md section 1); SOAPAction is added per call.
QBWC_HEADERS = {
    "User-Agent": "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol "
    "2.0.50727.1433)",
    "Content-Type": "text/xml; charset=utf-8",
    "Expect": "100-continue",
    "Connection": "Keep-Alive",
}
QBWC_PREFIX = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)


def envelope(op: str, inner: str = "") -> bytes:
    """A request body in QBWC's byte format (like the files in fixtures/soap/qbwc)."""
    wrapper = f'<{op} xmlns="{NS}" />' if not inner else f'<{op} xmlns="{NS}">{inner}</{op}>'
    return QBWC_PREFIX + wrapper.encode() + b"</soap:Body></soap:Envelope>"


def fixture(name: str) -> bytes:
    """The raw bytes of fixtures/soap/qbwc/<name>.xml."""
    return (FIXTURES / f"{name}.xml").read_bytes()


def post(client: Client, op: str, body: bytes, path: str = "/") -> TestResponse:
    """POST ``body`` the way QBWC does: its headers and the quoted SOAPAction of ``op``."""
    headers = {**QBWC_HEADERS, "SOAPAction": f'"{NS}{op}"'}
    return client.post(path, data=body, headers=headers)


def result_of(response: TestResponse, op: str) -> Any:
    """The <opResult> element of a 200 text/xml answer (an lxml element)."""
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = parse_xml(response.data)
    assert root.tag == f"{{{ENV}}}Envelope"
    result = root.find(f"{{{ENV}}}Body/{{{NS}}}{op}Response/{{{NS}}}{op}Result")
    assert result is not None, response.data[:500]
    return result


class RecordingHandler:
    """A QbwcHandler that records (method, args) and answers ``answers[method]``.

    ``raise_on`` names a method that raises instead; its message quotes the arguments, as a
    careless handler's exception might.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.client_addresses: list[str] = []  # authenticate's client_address, per call
        self.raise_on: str | None = None
        self.answers: dict[str, Any] = {
            "server_version": "qbwc-server 1.0",
            "client_version": "",
            "authenticate": ["ticket-1", ""],
            "send_request_xml": "",
            "receive_response_xml": 100,
            "connection_error": "done",
            "get_last_error": "",
            "close_connection": "OK",
            "get_interactive_url": "",
            "interactive_done": "Done",
            "interactive_rejected": "",
        }

    def _record(self, method: str, *args: Any) -> Any:
        self.calls.append((method, args))
        if self.raise_on == method:
            raise RuntimeError(f"{method} broke on {args!r}")
        return self.answers[method]

    def server_version(self) -> str:
        return self._record("server_version")  # type: ignore[no-any-return]

    def client_version(self, str_version: str) -> str:
        return self._record("client_version", str_version)  # type: ignore[no-any-return]

    def authenticate(
        self, str_user_name: str, str_password: str, *, client_address: str = ""
    ) -> list[str]:
        self.client_addresses.append(client_address)
        return self._record("authenticate", str_user_name, str_password)  # type: ignore[no-any-return]

    def send_request_xml(
        self,
        ticket: str,
        str_hcp_response: str,
        str_company_file_name: str,
        qbxml_country: str,
        qbxml_major_vers: int,
        qbxml_minor_vers: int,
    ) -> str:
        return self._record(  # type: ignore[no-any-return]
            "send_request_xml",
            ticket,
            str_hcp_response,
            str_company_file_name,
            qbxml_country,
            qbxml_major_vers,
            qbxml_minor_vers,
        )

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        return self._record("receive_response_xml", ticket, response, hresult, message)  # type: ignore[no-any-return]

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        return self._record("connection_error", ticket, hresult, message)  # type: ignore[no-any-return]

    def get_last_error(self, ticket: str) -> str:
        return self._record("get_last_error", ticket)  # type: ignore[no-any-return]

    def close_connection(self, ticket: str) -> str:
        return self._record("close_connection", ticket)  # type: ignore[no-any-return]

    def get_interactive_url(self, wc_ticket: str, session_id: str) -> str:
        return self._record("get_interactive_url", wc_ticket, session_id)  # type: ignore[no-any-return]

    def interactive_done(self, wc_ticket: str) -> str:
        return self._record("interactive_done", wc_ticket)  # type: ignore[no-any-return]

    def interactive_rejected(self, wc_ticket: str, reason: str) -> str:
        return self._record("interactive_rejected", wc_ticket, reason)  # type: ignore[no-any-return]


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def client(handler: RecordingHandler) -> Client:
    return Client(make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY))
