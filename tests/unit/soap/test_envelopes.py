"""QBWC's raw envelopes (fixtures/soap/qbwc) for every operation: plain values in, results out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response

from qbwc_server.soap import make_soap_app
from tests.unit.soap.conftest import (
    FIXTURES,
    NS,
    PUBLIC_URL,
    QBWC_PREFIX,
    RecordingHandler,
    envelope,
    fixture,
    post,
    result_of,
)

T = "{5b0e2f7a-91c3-4d6e-8a42-0c1f9e3b7d15}"
COMPANY = "C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\Ridgeline Builders.QBW"
PARSE_ERROR = "QuickBooks found an error when parsing the provided XML text stream."
QBXML_RQ = (
    '<?xml version="1.0" encoding="utf-8"?>\r\n<?qbxml version="13.0"?>\r\n<QBXML><QBXMLMsgsRq '
    'onError="continueOnError"><CustomerQueryRq requestID="7"><FullName>Müller &amp; Söhne Bau'
    "</FullName></CustomerQueryRq></QBXMLMsgsRq></QBXML>"
)


def _unescaped(raw: bytes, element: str) -> str:
    """The text of <element> in a fixture, unescaped and with XML's LF line ends."""
    match = re.search(rf"<{element}>(.*?)</{element}>".encode(), raw, re.DOTALL)
    assert match is not None
    text = match.group(1).decode()
    for escaped, plain in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        text = text.replace(escaped, plain)
    return text.replace("\r\n", "\n")


HCP = _unescaped(fixture("sendRequestXML.first"), "strHCPResponse")
CUSTOMER_RS = _unescaped(fixture("receiveResponseXML"), "response")

# fixture, handler method, the plain arguments it must get, its answer, the result text on the wire
CASES: list[tuple[str, str, tuple[Any, ...], Any, str | None]] = [
    ("serverVersion", "server_version", (), "qbwc-server 1.0", "qbwc-server 1.0"),
    ("clientVersion", "client_version", ("2.3.0.215",), "", ""),
    ("clientVersion", "client_version", ("2.3.0.215",), "W:Please update", "W:Please update"),
    ("clientVersion", "client_version", ("2.3.0.215",), "O:2.0", "O:2.0"),
    ("sendRequestXML.first", "send_request_xml", (T, HCP, COMPANY, "US", 13, 0), QBXML_RQ, None),
    ("sendRequestXML.next", "send_request_xml", (T, "", COMPANY, "US", 13, 0), "", ""),
    ("sendRequestXML.next", "send_request_xml", (T, "", COMPANY, "US", 13, 0), "NoOp", "NoOp"),
    ("receiveResponseXML", "receive_response_xml", (T, CUSTOMER_RS, "", ""), 100, "100"),
    ("receiveResponseXML", "receive_response_xml", (T, CUSTOMER_RS, "", ""), 42, "42"),
    ("receiveResponseXML", "receive_response_xml", (T, CUSTOMER_RS, "", ""), 0, "0"),
    (
        "receiveResponseXML.hresult",
        "receive_response_xml",
        (T, "", "0x80040400", PARSE_ERROR),
        -101,
        "-101",
    ),
    (
        "connectionError",
        "connection_error",
        (T, "0x80040408", "Could not start QuickBooks."),
        "done",
        "done",
    ),
    (
        "connectionError",
        "connection_error",
        (T, "0x80040408", "Could not start QuickBooks."),
        "",
        "",
    ),
    ("getLastError", "get_last_error", (T,), "", ""),
    ("getLastError", "get_last_error", (T,), "NoOp", "NoOp"),
    ("getLastError", "get_last_error", (T,), "Interactive mode", "Interactive mode"),
    ("closeConnection", "close_connection", (T,), "Synced 12 records, 1 failed", None),
    (
        "getInteractiveURL",
        "get_interactive_url",
        (T, "qbwc-session-42"),
        "https://x.example/i?s=1&t=2",
        None,
    ),
    ("getInteractiveURL", "get_interactive_url", (T, "qbwc-session-42"), "", ""),
    ("interactiveDone", "interactive_done", (T,), "Done", "Done"),
    ("interactiveDone", "interactive_done", (T,), "", ""),
    (
        "interactiveRejected",
        "interactive_rejected",
        (T, "The user declined the browser session."),
        "Understood",
        "Understood",
    ),
]


def _op(name: str) -> str:
    return name.split(".")[0]


def test_every_fixture_is_in_qbwcs_byte_format() -> None:
    files = sorted(FIXTURES.glob("*.xml"))
    assert {_op(f.stem) for f in files} == {
        "serverVersion", "clientVersion", "authenticate", "sendRequestXML", "receiveResponseXML",
        "connectionError", "getLastError", "closeConnection", "getInteractiveURL",
        "interactiveDone", "interactiveRejected",
    }  # fmt: skip
    for path in files:
        raw = path.read_bytes()
        wrapper = f'<{_op(path.stem)} xmlns="{NS}"'.encode()
        assert raw.startswith(QBWC_PREFIX + wrapper), path.name
        assert raw.endswith(b"</soap:Body></soap:Envelope>"), path.name
        raw.decode("utf-8")  # strict
        assert b"\n" not in raw.split(b"<soap:Body>")[0], path.name
    assert b"<strHCPResponse />" in fixture("sendRequestXML.next")
    assert b"<hresult /><message />" in fixture("receiveResponseXML")


@pytest.mark.parametrize(("name", "method", "args", "answer", "text"), CASES)
def test_every_operation_from_qbwcs_own_bytes(
    client: Client,
    handler: RecordingHandler,
    name: str,
    method: str,
    args: tuple[Any, ...],
    answer: Any,
    text: str | None,
) -> None:
    handler.answers[method] = answer
    result = result_of(post(client, _op(name), fixture(name)), _op(name))
    assert handler.calls == [(method, args)]
    assert (result.text or "") == (str(answer) if text is None else text)


@pytest.mark.parametrize(
    "answer",
    [
        [T, ""],
        [T, "nvu"],
        [T, "none"],
        [T, COMPANY],
        [T, "", "60", "300"],
        [T, "busy", "", ""],
    ],
)
def test_authenticate_answers_an_array_of_strings(
    client: Client, handler: RecordingHandler, answer: list[str]
) -> None:
    handler.answers["authenticate"] = answer
    result = result_of(post(client, "authenticate", fixture("authenticate")), "authenticate")
    assert handler.calls == [("authenticate", ("ridgeline-sync", "s3cret&Pa<ss"))]
    items = list(result)
    assert [i.tag for i in items] == [f"{{{NS}}}string"] * len(answer)
    assert [i.text or "" for i in items] == answer
    assert all(not i.attrib for i in items)  # no xsi:nil, even for ""


def test_none_from_a_handler_is_encoded_as_a_value(
    client: Client, handler: RecordingHandler
) -> None:
    # The contract forbids None; the adapter still never drops a result element.
    handler.answers["get_last_error"] = None
    handler.answers["authenticate"] = [T, None]
    assert (
        result_of(post(client, "getLastError", fixture("getLastError")), "getLastError") is not None
    )
    result = result_of(post(client, "authenticate", fixture("authenticate")), "authenticate")
    assert [i.text or "" for i in result] == [T, ""] and all(not i.attrib for i in result)


@pytest.mark.parametrize(
    ("op", "inner", "call"),
    [
        ("sendRequestXML", "", ("send_request_xml", ("", "", "", "", 0, 0))),
        ("sendRequestXML", "<ticket>t</ticket>", ("send_request_xml", ("t", "", "", "", 0, 0))),
        (
            "sendRequestXML",
            '<ticket xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true" />'
            "<qbXMLMajorVers /><qbXMLMinorVers></qbXMLMinorVers>",
            ("send_request_xml", ("", "", "", "", 0, 0)),
        ),
        ("receiveResponseXML", "<ticket>t</ticket>", ("receive_response_xml", ("t", "", "", ""))),
        ("authenticate", "<strUserName /><strPassword />", ("authenticate", ("", ""))),
        ("clientVersion", "", ("client_version", ("",))),
        ("connectionError", "<hresult />", ("connection_error", ("", "", ""))),
        ("getLastError", "<ticket />", ("get_last_error", ("",))),
        ("closeConnection", "", ("close_connection", ("",))),
        ("getInteractiveURL", "<wcTicket>t</wcTicket>", ("get_interactive_url", ("t", ""))),
        ("interactiveDone", "", ("interactive_done", ("",))),
        ("interactiveRejected", "<reason />", ("interactive_rejected", ("", ""))),
    ],
)
def test_missing_empty_and_nil_elements_arrive_as_empty_values(
    client: Client,
    handler: RecordingHandler,
    op: str,
    inner: str,
    call: tuple[str, tuple[Any, ...]],
) -> None:
    result_of(post(client, op, envelope(op, inner)), op)
    assert handler.calls == [call]


def test_text_survives_both_ways(client: Client, handler: RecordingHandler) -> None:
    tricky = "Ünïcødé 日本 & <tags> \"quotes\" 'apos' ]]> tab\tend"
    handler.answers["get_last_error"] = tricky
    inner = "<ticket>Ünïcødé 日本 &amp; &lt;tags&gt; ]]&gt;</ticket>"
    result = result_of(
        post(client, "getLastError", envelope("getLastError", inner)), "getLastError"
    )
    assert handler.calls == [("get_last_error", ("Ünïcødé 日本 & <tags> ]]>",))]
    assert result.text == tricky


def test_the_answer_is_a_soap_1_1_envelope_in_intuits_namespace(client: Client) -> None:
    response = post(client, "serverVersion", fixture("serverVersion"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert response.data.startswith(b"<?xml")
    assert b'"http://schemas.xmlsoap.org/soap/envelope/"' in response.data


def test_soapaction_is_not_needed_and_a_missing_content_type_is_tolerated(
    client: Client, handler: RecordingHandler
) -> None:
    response = client.post("/", data=fixture("getLastError"))
    result_of(response, "getLastError")
    assert handler.calls == [("get_last_error", (T,))]


def test_it_works_mounted_at_qbwc(handler: RecordingHandler) -> None:
    fallback = Response("not here", status=404)
    soap = make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=1 << 20)
    client = Client(DispatcherMiddleware(fallback, {"/qbwc": soap}))
    result = result_of(
        post(client, "closeConnection", fixture("closeConnection"), "/qbwc"), "closeConnection"
    )
    assert result.text == "OK" and handler.calls == [("close_connection", (T,))]
    wsdl = client.get("/qbwc?wsdl")
    assert wsdl.status_code == 200 and f'location="{PUBLIC_URL}"'.encode() in wsdl.data
    assert client.get("/qbwc").status_code == 200
