"""Resolving references in an Add or Mod: every XxxRef must name an existing object."""

from __future__ import annotations

from typing import Any

from qbwc_server.simulator.quickbooks.catalog import OBJECT_TYPES, REFS, ObjectType
from qbwc_server.simulator.quickbooks.company import Company, display_name
from qbwc_server.simulator.quickbooks.convert import Data
from qbwc_server.simulator.quickbooks.responses import StatusError, invalid_reference, too_long


def resolve_refs(company: Company, owner: ObjectType, data: Data, *, line: bool = False) -> None:
    """Replace each known reference in ``data`` by the full ``{ListID, FullName}`` pair.

    Raises StatusError 3140 for a reference to nothing and 3070 for a FullName longer than the
    referenced list allows. References to lists the fake does not hold pass unchanged.
    """
    for key, value in list(data.items()):
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    resolve_refs(company, owner, item, line=line or key.endswith("LineRet"))
        elif isinstance(value, dict):
            target = _targets(owner, key)
            if target is None:
                resolve_refs(company, owner, value, line=line)
            else:
                data[key] = resolve_one(company, owner, key, value, target, line=line)


def _targets(owner: ObjectType, key: str) -> tuple[str, tuple[str, ...]] | None:
    if key == "ParentRef":
        return owner.name, (owner.name,)
    return REFS.get(key)


def resolve_one(
    company: Company,
    owner: ObjectType,
    key: str,
    ref: dict[str, Any],
    target: tuple[str, tuple[str, ...]],
    *,
    line: bool = False,
) -> Data:
    """One reference, resolved (see resolve_refs)."""
    label, otypes = target
    list_id = ref.get("ListID") or ""
    full_name = ref.get("FullName") or ""
    if not list_id and len(full_name) > OBJECT_TYPES[otypes[0]].max_full_name:
        raise StatusError(too_long(full_name, "FullName"))
    found = company.find_id(otypes, list_id) if list_id else company.find_name(otypes, full_name)
    if found is None:
        raise StatusError(invalid_reference(label, list_id or full_name, owner.name, line=line))
    otype, obj = found
    return {"ListID": obj["ListID"], "FullName": display_name(otype, obj)}
