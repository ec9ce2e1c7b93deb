"""Between qbXML elements and the JSON-like dicts the fake company stores.

A stored object mirrors its Ret element: text children are strings, aggregates are dicts and
repeating aggregates (lines, applied transactions) are lists of dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from qbwc_server.simulator.quickbooks.order import REPEATED, child_order, is_aggregate

Data = dict[str, Any]
_REPEATED_SUFFIXES = ("LineAdd", "LineMod", "AppliedToTxnAdd", "AppliedToTxnMod", "DataExt")


def to_data(element: etree._Element) -> Data:
    """Read the children of ``element`` into a dict (repeating tags become lists)."""
    data: Data = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag
        value: Any = to_data(child) if len(child) else (child.text or "")
        if tag in REPEATED or tag.endswith(_REPEATED_SUFFIXES) or tag in data:
            existing = data.get(tag)
            if existing is None:
                data[tag] = [value]
            elif isinstance(existing, list):
                existing.append(value)
            else:
                data[tag] = [existing, value]
        else:
            data[tag] = value
    return data


def ret_tag(tag: str) -> str:
    """The Ret-side name of a request tag: InvoiceLineAdd -> InvoiceLineRet, ...Mod -> ..."""
    if tag.endswith(("Add", "Mod")):
        base = tag[:-3]
        if is_aggregate(base + "Ret"):
            return base + "Ret"
        if is_aggregate(base):
            return base
    return tag


def retify(data: Mapping[str, Any]) -> Data:
    """Rename request aggregates to their Ret names, recursively."""
    out: Data = {}
    for key, value in data.items():
        name = ret_tag(key)
        if isinstance(value, list):
            out[name] = [retify(v) if isinstance(v, Mapping) else v for v in value]
        elif isinstance(value, Mapping):
            out[name] = retify(value)
        else:
            out[name] = value
    return out


def to_element(
    tag: str, data: Mapping[str, Any], *, only: Iterable[str] | None = None
) -> etree._Element:
    """Write ``data`` as element ``tag``, children in QuickBooks' order; unknown keys are dropped.

    ``only`` keeps just the named top-level children (IncludeRetElement).
    """
    element = etree.Element(tag)
    _fill(element, tag, data, None if only is None else set(only))
    return element


def _fill(
    element: etree._Element, tag: str, data: Mapping[str, Any], only: set[str] | None
) -> None:
    order = child_order(tag) or tuple(data)
    for name in order:
        if name not in data or (only is not None and name not in only):
            continue
        value = data[name]
        for item in value if isinstance(value, list) else [value]:
            child = etree.SubElement(element, name)
            if isinstance(item, Mapping):
                _fill(child, name, item, None)
            else:
                child.text = str(item)
