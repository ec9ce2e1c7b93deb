"""Writing a stored object as its Ret element, the way a query or an Add answers it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from qbwc_server.simulator.quickbooks.catalog import REFS, ObjectType
from qbwc_server.simulator.quickbooks.company import Company, display_name
from qbwc_server.simulator.quickbooks.convert import Data, to_element


def render(
    company: Company,
    otype: ObjectType,
    obj: Data,
    *,
    include_lines: bool = True,
    include: Iterable[str] | None = None,
) -> etree._Element:
    """The Ret element of ``obj``; references show the current name of what they point at."""
    data = {k: _fresh(company, otype, k, v) for k, v in obj.items()}
    if not include_lines:
        for tag in otype.lines:
            data.pop(tag, None)
    return to_element(otype.ret, data, only=include)


def _fresh(company: Company, owner: ObjectType, key: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_fresh(company, owner, key, v) for v in value]
    if not isinstance(value, dict):
        return value
    otypes = (owner.name,) if key == "ParentRef" else REFS[key][1] if key in REFS else None
    if otypes is None:
        return {k: _fresh(company, owner, k, v) for k, v in value.items()}
    found = company.find_id(otypes, str(value.get("ListID", "")))
    if found is None:
        return value
    return {"ListID": value["ListID"], "FullName": display_name(found[0], found[1])}
