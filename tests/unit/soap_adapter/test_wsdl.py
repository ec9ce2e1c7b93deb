"""Our WSDL against Intuit's: operations, elements, types, soapAction, names, address."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from werkzeug.test import Client

from qbxml.xmlparse import parse_xml
from tests.conftest import SHARED
from tests.unit.soap_adapter.conftest import PUBLIC_URL

W = "{http://schemas.xmlsoap.org/wsdl/}"
S = "{http://www.w3.org/2001/XMLSchema}"
SOAP = "{http://schemas.xmlsoap.org/wsdl/soap/}"
INTUIT = {
    "original": SHARED / "reference" / "wsdl" / "QBWebConnectorSvc.intuit-original.wsdl",
    "hosted": SHARED / "reference" / "wsdl" / "TroubleshootWebServiceFS.intuit-hosted.wsdl",
}


def _type_name(value: str | None) -> str:
    return (value or "").split(":")[-1]


def elements(root: etree._Element) -> dict[str, list[tuple[str, str, str]]]:
    """Each top-level schema element -> its children as (name, type, minOccurs)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for schema in root.iter(f"{S}schema"):
        for el in schema.findall(f"{S}element"):
            children = el.findall(f".//{S}sequence/{S}element")
            if not children and el.get("type"):
                ref = _type_name(el.get("type"))
                ctype = schema.find(f"{S}complexType[@name='{ref}']")
                children = [] if ctype is None else ctype.findall(f".//{S}sequence/{S}element")
            found[el.get("name") or ""] = [
                (c.get("name") or "", _type_name(c.get("type")), c.get("minOccurs", "1"))
                for c in children
            ]
    return found


def soap_actions(root: etree._Element) -> dict[str, str]:
    actions = {}
    for binding in root.iter(f"{W}binding"):
        if binding.find(f"{SOAP}binding") is None:
            continue  # the SOAP 1.2 binding of Intuit's hosted WSDL
        for op in binding.findall(f"{W}operation"):
            actions[op.get("name") or ""] = op.find(f"{SOAP}operation").get("soapAction") or ""  # type: ignore[union-attr]
    return actions


@pytest.fixture
def ours(client: Client) -> etree._Element:
    response = client.get("/?wsdl")
    assert response.status_code == 200
    return parse_xml(response.data)


def _intuit(which: str) -> etree._Element:
    path: Path = INTUIT[which]
    if not path.is_file():
        pytest.skip(f"Intuit's WSDL is not at {path}")
    return parse_xml(path.read_bytes())


@pytest.mark.parametrize("which", sorted(INTUIT))
def test_every_intuit_element_is_ours_with_the_same_children(
    ours: etree._Element, which: str
) -> None:
    theirs = elements(_intuit(which))
    mine = elements(ours)
    for name, children in theirs.items():
        if name == "ArrayOfString":
            continue
        assert name in mine, f"{name} missing from our WSDL"
        assert [(n, t) for n, t, _ in mine[name]] == [(n, t) for n, t, _ in children], name
        ints = {n for n, t, m in children if t == "int"}
        assert ints == {n for n, t, _ in mine[name] if t == "int"}, name


@pytest.mark.parametrize("which", sorted(INTUIT))
def test_soap_actions_match_intuits(ours: etree._Element, which: str) -> None:
    theirs = soap_actions(_intuit(which))
    mine = soap_actions(ours)
    for op, action in theirs.items():
        assert mine[op] == action == f"http://developer.intuit.com/{op}"


def test_names_types_and_address(ours: etree._Element) -> None:
    assert ours.get("targetNamespace") == "http://developer.intuit.com/"
    assert [c.get("name") for c in ours.iter(f"{S}complexType") if c.get("name")].count(
        "ArrayOfString"
    ) == 1
    array = next(c for c in ours.iter(f"{S}complexType") if c.get("name") == "ArrayOfString")
    item = array.find(f".//{S}element")
    assert item is not None and item.get("name") == "string"
    assert ours.find(f"{W}service").get("name") == "QBWebConnectorSvc"  # type: ignore[union-attr]
    assert {p.get("name") for p in ours.iter(f"{W}port")} == {"QBWebConnectorSvcSoap"}
    (address,) = list(ours.iter(f"{SOAP}address"))
    assert address.get("location") == PUBLIC_URL
    assert {"getInteractiveURL", "interactiveDone", "interactiveRejected"} <= set(
        soap_actions(ours)
    )


def test_wsdl_advertises_the_public_url_not_the_request_host(client: Client) -> None:
    data = client.get("/?wsdl", headers={"Host": "internal-host:9999"}).data
    assert b"internal-host" not in data and PUBLIC_URL.encode() in data


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "singleWsdl"])
def test_wsdl_query_spellings(client: Client, query: str) -> None:
    assert b"wsdl:definitions" in client.get(f"/?{query}").data


def test_a_plain_get_is_a_friendly_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Web Connector endpoint" in response.data and b"?wsdl" in response.data
