"""Adding and modifying list objects: names, hierarchy, name spaces and edit sequences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qbwc_server.simulator.quickbooks.catalog import OBJECT_TYPES, ObjectType
from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.convert import Data, retify
from qbwc_server.simulator.quickbooks.refs import resolve_refs
from qbwc_server.simulator.quickbooks.responses import (
    StatusError,
    name_in_use,
    not_found,
    stale_edit_sequence,
    too_long,
)
from qbwc_server.simulator.quickbooks.values import stamp_text

_DEFAULTS: dict[str, dict[str, str]] = {
    "Customer": {"Balance": "0.00", "TotalBalance": "0.00", "JobStatus": "None"},
    "Vendor": {"Balance": "0.00"},
    "Account": {"Balance": "0.00", "TotalBalance": "0.00"},
}
_KEEP = ("ListID", "TimeCreated", "TimeModified", "EditSequence")


def add_list(
    company: Company,
    otype: ObjectType,
    payload: dict[str, Any],
    *,
    keep_ids: bool = False,
    taken: set[tuple[str, str]] | None = None,
) -> Data:
    """Add a list object from an XxxAdd payload; returns the stored object.

    ``keep_ids`` (seeding from a dump) keeps a ListID and times given in the payload.
    ``taken`` (seeding many) is every (name space, casefolded full name) in use, from
    taken_names(); it is checked and kept up to date instead of scanning every object.
    """
    data = retify(payload)
    resolve_refs(company, otype, data)
    _name_person(otype, data)
    data.setdefault("IsActive", "true")
    for key, value in _DEFAULTS.get(otype.name, {}).items():
        data.setdefault(key, value)
    _place(company, otype, data, exclude=None, taken=taken)
    if keep_ids and data.get("ListID"):
        company.list_counter = max(company.list_counter, int(data["ListID"].split("-")[0], 16))
        at = company.clock.now()
        data.setdefault("TimeCreated", stamp_text(at))
        data.setdefault("TimeModified", data["TimeCreated"])
        data.setdefault("EditSequence", str(int(at.timestamp())))
    else:
        at = company.clock.tick()
        data["ListID"] = company.new_list_id(at)
        _stamp(data, at, created=True)
    company.objects[otype.name][data["ListID"]] = data
    return data


def mod_list(company: Company, otype: ObjectType, payload: dict[str, Any]) -> Data:
    """Apply an XxxMod payload to the object it names; returns the stored object."""
    list_id = str(payload.get("ListID", ""))
    current = company.get(otype.name, list_id)
    if current is None:
        raise StatusError(not_found(list_id))
    check_edit_sequence(current, payload)
    changes = retify({k: v for k, v in payload.items() if k not in ("ListID", "EditSequence")})
    resolve_refs(company, otype, changes)
    updated = merge(current, changes)
    _place(company, otype, updated, exclude=list_id)
    at = company.clock.tick()
    _stamp(updated, at, created=False)
    company.objects[otype.name][list_id] = updated
    if otype.hierarchical:
        refresh_full_names(company, otype)
    return updated


def check_edit_sequence(current: Data, payload: dict[str, Any]) -> None:
    """Raise 3200 unless the payload carries the object's current EditSequence."""
    sent = str(payload.get("EditSequence", ""))
    if sent != current.get("EditSequence"):
        raise StatusError(stale_edit_sequence(sent))


def merge(current: Data, changes: Data) -> Data:
    """``current`` with each changed field replaced; an empty value clears the field."""
    updated = dict(current)
    for key, value in changes.items():
        if value == "":
            updated.pop(key, None)
        else:
            updated[key] = value
    return updated


def _stamp(data: Data, at: datetime, *, created: bool) -> None:
    if created:
        data["TimeCreated"] = stamp_text(at)
    data["TimeModified"] = stamp_text(at)
    data["EditSequence"] = str(int(at.timestamp()))


def _name_person(otype: ObjectType, data: Data) -> None:
    if otype.name == "Employee" and not data.get("Name"):
        parts = (data.get("FirstName"), data.get("MiddleName"), data.get("LastName"))
        data["Name"] = " ".join(str(p) for p in parts if p)


def taken_names(company: Company) -> set[tuple[str, str]]:
    """Every (name space, casefolded full name) of the company's list objects."""
    return {
        (otype.space, _name_key(otype, obj))
        for otype in OBJECT_TYPES.values()
        if not otype.is_txn
        for obj in company.objects[otype.name].values()
    }


def _name_key(otype: ObjectType, data: Data) -> str:
    return str(data.get("FullName") or data.get(otype.name_field) or "").casefold()


def _place(
    company: Company,
    otype: ObjectType,
    data: Data,
    *,
    exclude: str | None,
    taken: set[tuple[str, str]] | None = None,
) -> None:
    """Check the name, work out FullName and Sublevel, and refuse a name already in use."""
    name = str(data.get(otype.name_field, ""))
    if len(name) > otype.max_name:
        raise StatusError(too_long(name, otype.name_field))
    if otype.hierarchical:
        parent = data.get("ParentRef")
        parent_obj = company.get(otype.name, parent["ListID"]) if parent else None
        data["FullName"] = f"{parent_obj['FullName']}:{name}" if parent_obj else name
        data["Sublevel"] = str(int(parent_obj["Sublevel"]) + 1) if parent_obj else "0"
    wanted = str(data.get("FullName") or name).casefold()
    if taken is not None:
        if (otype.space, wanted) in taken:
            raise StatusError(name_in_use(name))
        taken.add((otype.space, wanted))
        return
    for other_type in OBJECT_TYPES.values():
        if other_type.space != otype.space or other_type.is_txn:
            continue
        for other_id, other in company.objects[other_type.name].items():
            if other_id == exclude:
                continue
            if _name_key(other_type, other) == wanted:
                raise StatusError(name_in_use(name))


def refresh_full_names(company: Company, otype: ObjectType) -> None:
    """Recompute FullName and Sublevel of every object of a hierarchical list (after a rename)."""
    objects = company.objects[otype.name]

    def full(obj: Data, depth: int = 0) -> tuple[str, int]:
        parent = obj.get("ParentRef")
        parent_obj = objects.get(parent["ListID"]) if parent else None
        if parent_obj is None or depth > 10:
            return str(obj[otype.name_field]), 0
        name, level = full(parent_obj, depth + 1)
        return f"{name}:{obj[otype.name_field]}", level + 1

    for obj in objects.values():
        obj["FullName"], level = full(obj)
        obj["Sublevel"] = str(level)
