"""Our WSDL against Intuit's two: operations, elements, children, types, minOccurs, soapAction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import Client

from qbxml.xmlparse import parse_xml
from tests.unit.soap.conftest import NS, PUBLIC_URL, intuit_wsdl

W = "{http://schemas.xmlsoap.org/wsdl/}"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP = "{http://schemas.xmlsoap.org/wsdl/soap/}"
INTERACTIVE = {
    "getInteractiveURL": ([("wcTicket", "string"), ("sessionID", "string")], "string"),
    "interactiveDone": ([("wcTicket", "string")], "string"),
    "interactiveRejected": ([("wcTicket", "string"), ("reason", "string")], "string"),
}


@dataclass(frozen=True)
class Child:
    """One element of a wrapper's sequence, with its type as {namespace}local."""

    name: str
    type: str
    min_occurs: str
    max_occurs: str
    nillable: bool


@dataclass(frozen=True)
class Operation:
    """One SOAP 1.1 operation: soapAction and its input/output wrapper elements' children."""

    soap_action: str
    style: str
    uses: tuple[str, ...]
    request: tuple[Child, ...]
    response: tuple[Child, ...]


def _qname(node: Any, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{node.nsmap.get(prefix or None)}}}{local}"


def _children(schema: Any, element: Any) -> tuple[Child, ...]:
    """A top-level element's sequence, inline or through a named complexType."""
    if element.get("type"):
        local = element.get("type").rpartition(":")[2]
        element = schema.find(f"{{{XS}}}complexType[@name='{local}']")
    return tuple(
        Child(
            c.get("name"),
            _qname(c, c.get("type")),
            c.get("minOccurs", "1"),
            c.get("maxOccurs", "1"),
            c.get("nillable") == "true",
        )
        for c in element.iter(f"{{{XS}}}element")
        if c is not element
    )


def operations(root: Any) -> dict[str, Operation]:
    """Every operation of the SOAP 1.1 binding, resolved down to its elements' children."""
    schema = root.find(f"{W}types/{{{XS}}}schema")
    elements = {e.get("name"): e for e in schema.findall(f"{{{XS}}}element")}
    messages = {
        m.get("name"): m.find(f"{W}part").get("element").rpartition(":")[2]
        for m in root.findall(f"{W}message")
    }
    port_type = {o.get("name"): o for o in root.find(f"{W}portType").findall(f"{W}operation")}
    (binding,) = [b for b in root.findall(f"{W}binding") if b.find(f"{SOAP}binding") is not None]
    found = {}
    for op in binding.findall(f"{W}operation"):
        name = op.get("name")
        abstract = port_type[name]
        wrappers = [
            messages[abstract.find(f"{W}{d}").get("message").rpartition(":")[2]]
            for d in ("input", "output")
        ]
        assert wrappers == [name, f"{name}Response"]
        found[name] = Operation(
            op.find(f"{SOAP}operation").get("soapAction"),
            op.find(f"{SOAP}operation").get("style") or binding.find(f"{SOAP}binding").get("style"),
            tuple(b.get("use") for b in op.iter(f"{SOAP}body")),
            _children(schema, elements[wrappers[0]]),
            _children(schema, elements[wrappers[1]]),
        )
    return found


def array_of_string(root: Any) -> tuple[Child, ...]:
    schema = root.find(f"{W}types/{{{XS}}}schema")
    (ctype,) = [
        c for c in schema.findall(f"{{{XS}}}complexType") if c.get("name") == "ArrayOfString"
    ]
    return _children(schema, ctype)


@pytest.fixture
def ours(client: Client) -> Any:
    response = client.get("/?wsdl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return parse_xml(response.data)


@pytest.mark.parametrize("which", ["original", "hosted"])
def test_every_intuit_operation_is_ours_unchanged(ours: Any, which: str) -> None:
    theirs = operations(parse_xml(intuit_wsdl(which).read_bytes()))
    mine = operations(ours)
    assert len(theirs) == {"original": 6, "hosted": 8}[which]
    for name, operation in theirs.items():
        assert mine[name] == operation, name
        assert operation.soap_action == f"{NS}{name}"
    assert array_of_string(ours) == array_of_string(parse_xml(intuit_wsdl(which).read_bytes()))


def test_the_types_are_the_ones_qbwc_expects(ours: Any) -> None:
    ops = operations(ours)
    string, integer, array = f"{{{XS}}}string", f"{{{XS}}}int", f"{{{NS}}}ArrayOfString"
    assert ops["authenticate"].response == (Child("authenticateResult", array, "0", "1", False),)
    assert [(c.name, c.type, c.min_occurs) for c in ops["sendRequestXML"].request][-2:] == [
        ("qbXMLMajorVers", integer, "1"),
        ("qbXMLMinorVers", integer, "1"),
    ]
    assert ops["receiveResponseXML"].response == (
        Child("receiveResponseXMLResult", integer, "1", "1", False),
    )
    assert ops["serverVersion"].request == ()
    assert array_of_string(ours) == (Child("string", string, "0", "unbounded", True),)


def test_the_interactive_operations_follow_the_same_style(ours: Any) -> None:
    ops = operations(ours)
    for name, (params, result) in INTERACTIVE.items():
        string = f"{{{XS}}}{result}"
        assert ops[name] == Operation(
            f"{NS}{name}",
            "document",
            ("literal", "literal"),
            tuple(Child(p, f"{{{XS}}}{t}", "0", "1", False) for p, t in params),
            (Child(f"{name}Result", string, "0", "1", False),),
        )


def test_names_and_address_match_intuits(ours: Any) -> None:
    theirs = parse_xml(intuit_wsdl("original").read_bytes())
    for root in (ours, theirs):
        assert root.get("targetNamespace") == NS
        schema = root.find(f"{W}types/{{{XS}}}schema")
        assert schema is not None and schema.get("elementFormDefault") == "qualified"
    names = [
        (e.tag, e.get("name"))
        for e in theirs.iter(
            f"{W}service", f"{W}port", f"{W}binding", f"{W}portType", f"{W}message"
        )
    ]
    mine = {
        (e.tag, e.get("name"))
        for e in ours.iter(f"{W}service", f"{W}port", f"{W}binding", f"{W}portType", f"{W}message")
    }
    assert set(names) <= mine
    (port,) = ours.iter(f"{W}port")
    assert port.get("binding") == "tns:QBWebConnectorSvcSoap"
    (address,) = ours.iter(f"{SOAP}address")
    assert address.get("location") == PUBLIC_URL


@pytest.mark.parametrize("host", ["internal-host:8000", "10.0.0.7", "sync.example.com"])
def test_the_wsdl_advertises_the_public_url_never_the_request_host(
    client: Client, host: str
) -> None:
    data = client.get("/?wsdl", headers={"Host": host}, base_url=f"http://{host}/").data
    (address,) = parse_xml(data).iter(f"{SOAP}address")
    assert address.get("location") == PUBLIC_URL
    assert host.encode() not in data or host in PUBLIC_URL


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "singleWsdl", "wsdl=", "WSDL&x=1"])
def test_wsdl_query_spellings(client: Client, query: str) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert parse_xml(response.data).tag == f"{W}definitions"


@pytest.mark.parametrize("path", ["/", "/?", "/?help"])
def test_a_plain_get_is_a_friendly_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"Web Connector endpoint" in response.data
    assert f"{PUBLIC_URL}?wsdl".encode() in response.data
