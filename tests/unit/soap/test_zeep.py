"""A SOAP client built from Intuit's own WSDL files calls every operation on a live server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import zeep
from werkzeug.serving import make_server
from zeep.transports import Transport

from qbwc_server.soap import make_soap_app
from tests.unit.soap.conftest import MAX_BODY, NS, PUBLIC_URL, RecordingHandler, intuit_wsdl

BINDINGS = {"original": "QBWebConnectorSvcSoap", "hosted": "TroubleshootWebServiceFSSoap"}
HCP = '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs requestID="0"/></QBXMLMsgsRs></QBXML>'
RQ = '<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>'

# operation -> (zeep arguments, handler method, the arguments it must get, its answer, zeep's value)
CALLS: dict[str, tuple[dict[str, Any], str, tuple[Any, ...], Any, Any]] = {
    "serverVersion": ({}, "server_version", (), "qbwc-server 1.0", "qbwc-server 1.0"),
    "clientVersion": (
        {"strVersion": "2.3.0.215"},
        "client_version",
        ("2.3.0.215",),
        "O:2.3.0.215",
        "O:2.3.0.215",
    ),
    "authenticate": (
        {"strUserName": "ridgeline", "strPassword": "p&ss<word>"},
        "authenticate",
        ("ridgeline", "p&ss<word>"),
        ["tkt-1", "", "60", "300"],
        ["tkt-1", None, "60", "300"],  # zeep reads an empty <string/> as None
    ),
    "sendRequestXML": (
        {
            "ticket": "tkt-1",
            "strHCPResponse": HCP,
            "strCompanyFileName": "C:\\Co\\Ridgeline & Sons.QBW",
            "qbXMLCountry": "US",
            "qbXMLMajorVers": 13,
            "qbXMLMinorVers": 0,
        },
        "send_request_xml",
        ("tkt-1", HCP, "C:\\Co\\Ridgeline & Sons.QBW", "US", 13, 0),
        RQ,
        RQ,
    ),
    "receiveResponseXML": (
        {"ticket": "tkt-1", "response": HCP, "hresult": "", "message": ""},
        "receive_response_xml",
        ("tkt-1", HCP, "", ""),
        -101,
        -101,
    ),
    "connectionError": (
        {"ticket": "tkt-1", "hresult": "0x80040408", "message": "Could not start QuickBooks."},
        "connection_error",
        ("tkt-1", "0x80040408", "Could not start QuickBooks."),
        "done",
        "done",
    ),
    "getLastError": ({"ticket": "tkt-1"}, "get_last_error", ("tkt-1",), "NoOp", "NoOp"),
    "closeConnection": ({"ticket": "tkt-1"}, "close_connection", ("tkt-1",), "OK", "OK"),
    "getInteractiveURL": (
        {"wcTicket": "tkt-1", "sessionID": "s-9"},
        "get_interactive_url",
        ("tkt-1", "s-9"),
        "https://sync.example.com/i?t=1&s=9",
        "https://sync.example.com/i?t=1&s=9",
    ),
    "interactiveDone": ({"wcTicket": "tkt-1"}, "interactive_done", ("tkt-1",), "Done", "Done"),
    "interactiveRejected": (
        {"wcTicket": "tkt-1", "reason": "declined"},
        "interactive_rejected",
        ("tkt-1", "declined"),
        "Noted",
        "Noted",
    ),
}


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, RecordingHandler]]:
    """The adapter served on 127.0.0.1 on a free port, with its handler."""
    handler = RecordingHandler()
    app = make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", handler
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def url(live: tuple[str, RecordingHandler]) -> str:
    return live[0]


@pytest.fixture
def live_handler(live: tuple[str, RecordingHandler]) -> RecordingHandler:
    live[1].calls.clear()
    live[1].raise_on = None
    return live[1]


def _client(wsdl: str) -> Any:
    session = requests.Session()
    session.trust_env = False  # never a proxy for 127.0.0.1
    return zeep.Client(wsdl, transport=Transport(session=session))  # type: ignore[no-untyped-call]


def _value(result: Any) -> Any:
    return list(result.string) if hasattr(result, "string") else result


@pytest.mark.parametrize("which", ["original", "hosted"])
def test_every_operation_of_intuits_wsdl_round_trips(
    url: str, live_handler: RecordingHandler, which: str
) -> None:
    client = _client(str(intuit_wsdl(which)))
    service = client.create_service(f"{{{NS}}}{BINDINGS[which]}", url)
    binding = client.wsdl.bindings[f"{{{NS}}}{BINDINGS[which]}"]
    names = sorted(binding._operations)
    assert len(names) == {"original": 6, "hosted": 8}[which]
    for name in names:
        kwargs, method, args, answer, value = CALLS[name]
        live_handler.answers[method] = answer
        live_handler.calls.clear()
        assert _value(getattr(service, name)(**kwargs)) == value, name
        assert live_handler.calls == [(method, args)], name


def test_our_own_wsdl_serves_a_client_for_every_operation(
    url: str, live_handler: RecordingHandler
) -> None:
    client = _client(f"{url}?wsdl")
    binding_name = f"{{{NS}}}QBWebConnectorSvcSoap"
    assert sorted(client.wsdl.bindings[binding_name]._operations) == sorted(CALLS)
    service = client.create_service(binding_name, url)
    for name, (kwargs, method, args, answer, value) in CALLS.items():
        live_handler.answers[method] = answer
        live_handler.calls.clear()
        assert _value(getattr(service, name)(**kwargs)) == value, name
        assert live_handler.calls == [(method, args)], name


def test_a_handler_failure_reaches_the_client_as_a_soap_fault(
    url: str, live_handler: RecordingHandler
) -> None:
    client = _client(str(intuit_wsdl("original")))
    service = client.create_service(f"{{{NS}}}QBWebConnectorSvcSoap", url)
    live_handler.raise_on = "close_connection"
    with pytest.raises(zeep.exceptions.Fault) as caught:
        service.closeConnection(ticket="tkt-1")
    assert caught.value.message == "Internal error"


def test_authenticate_is_told_the_peers_address(url: str, live_handler: RecordingHandler) -> None:
    client = _client(str(intuit_wsdl("original")))
    service = client.create_service(f"{{{NS}}}QBWebConnectorSvcSoap", url)
    live_handler.answers["authenticate"] = ["tkt-1", "none"]
    service.authenticate(strUserName="ridgeline", strPassword="x")
    assert live_handler.client_addresses[-1] == "127.0.0.1"
