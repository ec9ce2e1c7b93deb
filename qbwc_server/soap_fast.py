"""The two calls of an idle poll, authenticate and closeConnection, read and answered without
spyne: spyne's own work is about 0.8 ms of CPU per call, many times what an idle poll needs.

Only an envelope of exactly the shape the Web Connector sends takes this way: a SOAP 1.1
Envelope holding only a Body, holding only the operation (in Intuit's namespace), holding only
its own parameters, each at most once, without attributes or child elements. Anything else
(a Header, xsi:nil, an unknown element, a comment) goes to spyne as before. The answers are
built the way spyne builds them, byte for byte (tests/unit/soap/test_fast_calls.py compares).
soap.py decides when to use it; this module never imports spyne.
"""

from __future__ import annotations

import re

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "http://developer.intuit.com/"
_ENVELOPE, _BODY = f"{{{SOAP_ENV}}}Envelope", f"{{{SOAP_ENV}}}Body"
_OPERATIONS = {
    f"{{{NS}}}authenticate": ("authenticate", ("strUserName", "strPassword")),
    f"{{{NS}}}closeConnection": ("closeConnection", ("ticket",)),
}
_OPEN = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n"
    b'<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:tns="http://developer.intuit.com/"><soap11env:Body>'
)
_CLOSE = b"</soap11env:Body></soap11env:Envelope>"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_FAULT_NAMES = {"soap11env": SOAP_ENV}


def _only_child(element: etree._Element) -> etree._Element | None:
    """The one child element of ``element`` when it has exactly that (and no text around)."""
    children = list(element)
    if len(children) != 1 or element.attrib or (element.text or "").strip():
        return None
    child = children[0]
    if not isinstance(child.tag, str) or (child.tail or "").strip():
        return None  # a comment or processing instruction, or text beside the element
    return child


def plain_call(root: etree._Element) -> tuple[str, dict[str, str]] | None:
    """(operation, {parameter: text}) for a plain authenticate or closeConnection envelope;
    a parameter that is not there is "" (as spyne's None becomes). None: not such a call."""
    if root.tag != _ENVELOPE:
        return None
    body = _only_child(root)
    if body is None or body.tag != _BODY:
        return None
    call = _only_child(body)
    if call is None or not isinstance(call.tag, str) or call.tag not in _OPERATIONS:
        return None
    if call.attrib or (call.text or "").strip():
        return None
    name, wanted = _OPERATIONS[call.tag]
    values = dict.fromkeys(wanted, "")
    seen: set[str] = set()
    for param in call:
        tag = param.tag
        if not isinstance(tag, str) or not tag.startswith(f"{{{NS}}}"):
            return None
        local = tag[len(NS) + 2 :]
        if local not in values or local in seen or param.attrib or len(param):
            return None
        if (param.tail or "").strip():
            return None
        seen.add(local)
        values[local] = param.text or ""
    return name, values


def answer(operation: str, result: str | list[str]) -> bytes:
    """The response envelope of ``operation`` carrying ``result`` (a string array for
    authenticate), as lxml writes it for spyne; raises ValueError for text XML cannot carry
    (a control character)."""
    name = operation.encode()
    if isinstance(result, list):
        text = b"".join(b"<tns:string>" + _text(item) + b"</tns:string>" for item in result)
    else:
        text = _text(result)
    if isinstance(result, list) and not result:
        value = b"<tns:%sResult/>" % name  # lxml writes an empty element short
    else:
        value = b"<tns:%sResult>%s</tns:%sResult>" % (name, text, name)
    return b"%s<tns:%sResponse>%s</tns:%sResponse>%s" % (_OPEN, name, value, name, _CLOSE)


def _text(value: str) -> bytes:
    """``value`` as XML text, escaped the way libxml2 escapes it."""
    if _NOT_XML.search(value):
        raise ValueError("a control character cannot be written in XML")
    return value.translate(_ESCAPES).encode("utf-8")


def fault(code: str, message: str) -> bytes:
    """A Fault envelope as spyne writes one (``code`` is Client or Server)."""
    envelope = etree.Element(_ENVELOPE, nsmap=_FAULT_NAMES)
    body = etree.SubElement(envelope, _BODY)
    element = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(element, "faultcode").text = f"soap11env:{code}"
    etree.SubElement(element, "faultstring").text = message
    etree.SubElement(element, "faultactor").text = ""
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))
