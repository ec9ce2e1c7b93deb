"""Raw envelopes written byte for byte the way the Web Connector writes them, every operation."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from werkzeug.test import Client

from qbxml.xmlparse import parse_xml
from tests.unit.soap_adapter.conftest import RecordingHandler

NS = "http://developer.intuit.com/"
HEADERS = {
    "User-Agent": "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol "
    "2.0.50727.1433)",
    "Content-Type": "text/xml; charset=utf-8",
    "Expect": "100-continue",
    "Connection": "Keep-Alive",
}


def envelope(op: str, body: str) -> bytes:
    """QBWC's envelope: soap/xsi/xsd prefixes, default namespace on the wrapper, no spaces."""
    inner = f'<{op} xmlns="{NS}" />' if not body else f'<{op} xmlns="{NS}">{body}</{op}>'
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{inner}</soap:Body>'
        "</soap:Envelope>"
    ).encode()


def call(client: Client, op: str, body: str) -> etree._Element:
    response = client.post(
        "/",
        data=envelope(op, body),
        headers={**HEADERS, "SOAPAction": f'"http://developer.intuit.com/{op}"'},
    )
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"].startswith("text/xml")
    root = parse_xml(response.data)
    result = root.find(f".//{{{NS}}}{op}Response/{{{NS}}}{op}Result")
    assert result is not None, response.data
    return result


QBXML = '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML/>'

CASES: list[tuple[str, str, str, tuple[Any, ...], Any, str]] = [
    ("serverVersion", "", "server_version", (), "qbwc-server test", "qbwc-server test"),
    (
        "clientVersion",
        "<strVersion>2.3.0.215</strVersion>",
        "client_version",
        ("2.3.0.215",),
        "",
        "",
    ),
    ("clientVersion", "<strVersion>1.5</strVersion>", "client_version", ("1.5",), "O:2.0", "O:2.0"),
    (
        "sendRequestXML",
        "<ticket>t-1</ticket><strHCPResponse /><strCompanyFileName>C:\\Co\\A &amp; B.QBW"
        "</strCompanyFileName><qbXMLCountry>US</qbXMLCountry><qbXMLMajorVers>13</qbXMLMajorVers>"
        "<qbXMLMinorVers>0</qbXMLMinorVers>",
        "send_request_xml",
        ("t-1", "", "C:\\Co\\A & B.QBW", "US", 13, 0),
        QBXML,
        QBXML,
    ),
    (
        "sendRequestXML",
        '<ticket>t-1</ticket><strHCPResponse>&lt;?xml version="1.0" ?&gt;&lt;QBXML/&gt;'
        "</strHCPResponse><strCompanyFileName /><qbXMLCountry>US</qbXMLCountry>"
        "<qbXMLMajorVers>13</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>",
        "send_request_xml",
        ("t-1", '<?xml version="1.0" ?><QBXML/>', "", "US", 13, 0),
        "",
        "",
    ),
    (
        "receiveResponseXML",
        "<ticket>t-1</ticket><response>&lt;QBXML/&gt;</response><hresult /><message />",
        "receive_response_xml",
        ("t-1", "<QBXML/>", "", ""),
        100,
        "100",
    ),
    (
        "receiveResponseXML",
        "<ticket>t-1</ticket><response /><hresult>0x80040400</hresult><message>QuickBooks found "
        "an error when parsing the provided XML text stream.</message>",
        "receive_response_xml",
        (
            "t-1",
            "",
            "0x80040400",
            "QuickBooks found an error when parsing the provided XML text stream.",
        ),
        -101,
        "-101",
    ),
    (
        "receiveResponseXML",
        "<ticket>t-1</ticket><response /><hresult /><message />",
        "receive_response_xml",
        ("t-1", "", "", ""),
        0,
        "0",
    ),
    (
        "connectionError",
        "<ticket>t-1</ticket><hresult>0x80040408</hresult><message>Could not start QuickBooks."
        "</message>",
        "connection_error",
        ("t-1", "0x80040408", "Could not start QuickBooks."),
        "done",
        "done",
    ),
    ("getLastError", "<ticket>t-1</ticket>", "get_last_error", ("t-1",), "NoOp", "NoOp"),
    ("getLastError", "<ticket>t-1</ticket>", "get_last_error", ("t-1",), "", ""),
    (
        "closeConnection",
        "<ticket>t-1</ticket>",
        "close_connection",
        ("t-1",),
        "Synced 12, 1 failed",
        "Synced 12, 1 failed",
    ),
    (
        "getInteractiveURL",
        "<wcTicket>t-1</wcTicket><sessionID>s</sessionID>",
        "get_interactive_url",
        ("t-1", "s"),
        "",
        "",
    ),
    ("interactiveDone", "<wcTicket>t-1</wcTicket>", "interactive_done", ("t-1",), "Done", "Done"),
    (
        "interactiveRejected",
        "<wcTicket>t-1</wcTicket><reason>user said no</reason>",
        "interactive_rejected",
        ("t-1", "user said no"),
        "ok",
        "ok",
    ),
]


@pytest.mark.parametrize(("op", "body", "method", "args", "answer", "text"), CASES)
def test_every_operation(
    client: Client,
    handler: RecordingHandler,
    op: str,
    body: str,
    method: str,
    args: tuple[Any, ...],
    answer: Any,
    text: str,
) -> None:
    handler.answers[method] = answer
    result = call(client, op, body)
    assert handler.calls == [(method, args)]
    assert (result.text or "") == text


@pytest.mark.parametrize("answer", [["t-9", "nvu"], ["t-9", ""], ["t-9", "C:\\x.QBW", "60", "30"]])
def test_authenticate_answers_an_array_of_strings(
    client: Client, handler: RecordingHandler, answer: list[str]
) -> None:
    handler.answers["authenticate"] = answer
    result = call(
        client,
        "authenticate",
        "<strUserName>ridgeline</strUserName><strPassword>p&amp;ss</strPassword>",
    )
    assert handler.calls == [("authenticate", ("ridgeline", "p&ss"))]
    strings = result.findall(f"{{{NS}}}string")
    assert [s.text or "" for s in strings] == answer
    assert all(s.get("{http://www.w3.org/2001/XMLSchema-instance}nil") is None for s in strings)


def test_missing_elements_arrive_as_empty_values(client: Client, handler: RecordingHandler) -> None:
    call(
        client,
        "sendRequestXML",
        "<ticket>t-1</ticket><qbXMLMajorVers>13</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>",
    )
    assert handler.calls == [("send_request_xml", ("t-1", "", "", "", 13, 0))]


def test_a_huge_qbxml_text_node_reaches_the_handler_intact(
    client: Client, handler: RecordingHandler
) -> None:
    big = "<QBXML>" + "<A>" + "x" * (12 * 1024 * 1024) + "</A></QBXML>"
    escaped = big.replace("<", "&lt;").replace(">", "&gt;")
    call(
        client,
        "receiveResponseXML",
        f"<ticket>t</ticket><response>{escaped}</response><hresult /><message />",
    )
    ((_, args),) = handler.calls
    assert args[1] == big
