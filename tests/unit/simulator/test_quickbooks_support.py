"""Helpers for the FakeQuickBooks tests: hand-built qbXML requests and reading the answers.

Requests are written with lxml here on purpose (not with qbxml.builders), so these tests
check the fake against qbXML itself.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbxml.xmlparse import parse_xml
from tests.support.schema import assert_valid, schema_dir

ROOT = pathlib.Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
DEMO = ROOT / "fixtures" / "simulator" / "demo-company.json"

Spec = Mapping[str, Any]


def node(tag: str, spec: Spec | str | None = None, **attrs: str) -> etree._Element:
    """An element from a nested spec: str -> text, dict -> children, list -> repeated children."""
    element = etree.Element(tag, {k: v for k, v in attrs.items() if v is not None})
    _fill(element, spec)
    return element


def _fill(element: etree._Element, spec: Spec | str | None) -> None:
    if spec is None:
        return
    if isinstance(spec, str):
        element.text = spec
        return
    for key, value in spec.items():
        for item in value if isinstance(value, list) else [value]:
            child = etree.SubElement(element, key)
            _fill(child, item)


def add(kind: str, fields: Spec, request_id: str = "1") -> etree._Element:
    """An XxxAddRq with its XxxAdd aggregate."""
    return node(f"{kind}AddRq", {f"{kind}Add": fields}, requestID=request_id)


def mod(kind: str, fields: Spec, request_id: str = "1") -> etree._Element:
    """An XxxModRq with its XxxMod aggregate."""
    return node(f"{kind}ModRq", {f"{kind}Mod": fields}, requestID=request_id)


def query(
    kind: str, fields: Spec | None = None, request_id: str = "1", **attrs: str
) -> etree._Element:
    """An XxxQueryRq with filters."""
    return node(f"{kind}QueryRq", fields, requestID=request_id, **attrs)


def message_set(
    *requests: etree._Element,
    on_error: str = "stopOnError",
    version: str = "13.0",
    new_id: str | None = None,
    old_id: str | None = None,
) -> str:
    """A complete qbXML request document."""
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    if old_id is not None:
        msgs.set("oldMessageSetID", old_id)
    if new_id is not None:
        msgs.set("newMessageSetID", new_id)
    for request in requests:
        msgs.append(request)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n{body}'


def answers(document: str) -> list[etree._Element]:
    """The XxxRs elements of a response document."""
    root = parse_xml(document)
    msgs = root.find("QBXMLMsgsRs")
    assert msgs is not None
    return [child for child in msgs if isinstance(child.tag, str)]


def run(qb: FakeQuickBooks, *requests: etree._Element, **kwargs: Any) -> list[etree._Element]:
    """Process requests as one set and return the XxxRs elements (checked against 13.0)."""
    document = qb.process(message_set(*requests, **kwargs))
    if (schema_dir() / "13.0").is_dir():
        assert_valid(document, "13.0")
    return answers(document)


def one(qb: FakeQuickBooks, request: etree._Element) -> etree._Element:
    """Process one request and return its XxxRs element."""
    (response,) = run(qb, request)
    return response


def code(response: etree._Element) -> int:
    """The statusCode of a response."""
    return int(response.get("statusCode", "-1"))


def ret(response: etree._Element) -> etree._Element:
    """The single Ret of a response."""
    (found,) = list(response)
    return found


def text(element: etree._Element, path: str) -> str:
    """The text at ``path`` (fails when absent)."""
    found = element.find(path)
    assert found is not None, f"{path} missing in {etree.tostring(element)!r}"
    return found.text or ""


def demo() -> FakeQuickBooks:
    """A fake company seeded with the demo contractor."""
    qb = FakeQuickBooks()
    qb.seed(DEMO)
    return qb


def sample_response(name: str) -> etree._Element:
    """The first XxxRs of a real sample (skips when the samples are absent)."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"real sample {path} is not present")
    return answers(path.read_text(encoding="utf-8"))[0]


def message_pattern(message: str) -> re.Pattern[str]:
    """A regex from a real status message with its quoted values made wildcards."""
    parts = re.split(r'"[^"]*"', message)
    return re.compile('"[^"]*"'.join(re.escape(p) for p in parts) + "$")


def same_shape(ours: etree._Element, real: etree._Element, *, ignore: Sequence[str] = ()) -> None:
    """Assert the element name, attribute set, severity, code and message pattern agree."""
    assert ours.tag == real.tag
    ours_attrs = set(ours.attrib) - {"requestID", *ignore}
    real_attrs = set(real.attrib) - {"requestID", *ignore}
    assert ours_attrs == real_attrs
    assert ours.get("statusCode") == real.get("statusCode")
    assert ours.get("statusSeverity") == real.get("statusSeverity")
    assert message_pattern(real.get("statusMessage", "")).match(ours.get("statusMessage", ""))
    assert len(ours) == 0 if len(real) == 0 else len(ours) > 0
