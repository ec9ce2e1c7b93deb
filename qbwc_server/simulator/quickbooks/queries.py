"""Query requests: the filters QuickBooks applies, in the order it applies them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from lxml import etree

from qbwc_server.simulator.quickbooks.catalog import OBJECT_TYPES, ObjectType
from qbwc_server.simulator.quickbooks.company import Company, display_name
from qbwc_server.simulator.quickbooks.convert import Data
from qbwc_server.simulator.quickbooks.responses import Status, partly_found
from qbxml.values import parse_date, parse_datetime

Match = tuple[str, str]  # (object type name, ListID or TxnID)


@dataclass(frozen=True)
class QueryResult:
    """What a query found, and the 500 warning when some asked-for object was missing."""

    matches: list[Match]
    warning: Status | None = None


def _texts(request: etree._Element, tag: str) -> list[str]:
    return [child.text or "" for child in request.findall(tag)]


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return None if found is None else (found.text or "")


def _when(text: str | None, tz: Any, *, end: bool) -> datetime | None:
    if not text:
        return None
    if len(text) == 10:
        day = parse_date(text)
        assert day is not None
        return datetime.combine(day, time.max if end else time.min, tzinfo=tz)
    value = parse_datetime(text)
    assert value is not None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def run_query(
    company: Company, otypes: tuple[ObjectType, ...], request: etree._Element
) -> QueryResult:
    """Every object of ``otypes`` the request's filters select, in QuickBooks' order."""
    is_txn = otypes[0].is_txn
    ids = _texts(request, "TxnID" if is_txn else "ListID")
    names = [] if is_txn else _texts(request, "FullName")
    pool = [(otype, obj) for otype in otypes for obj in company.iter_type(otype.name)]
    if not is_txn:
        pool.sort(key=lambda pair: display_name(pair[0], pair[1]).casefold())
    if ids or names:
        return _by_identity(pool, ids, names, is_txn)
    tz = company.clock.now().tzinfo
    selected = [pair for pair in pool if _keep(company, pair[0], pair[1], request, tz)]
    limit = _text(request, "MaxReturned")
    if limit:
        selected = selected[: int(limit)]
    return QueryResult([(otype.name, obj[otype.id_field]) for otype, obj in selected])


def _by_identity(
    pool: list[tuple[ObjectType, Data]], ids: list[str], names: list[str], is_txn: bool
) -> QueryResult:
    field = "TxnID" if is_txn else "ListID"
    matches: list[Match] = []
    missing: list[str] = []
    for wanted in ids or names:
        hit = next(
            (
                (otype, obj)
                for otype, obj in pool
                if (
                    obj[field] == wanted
                    if ids
                    else display_name(otype, obj).casefold() == wanted.casefold()
                )
            ),
            None,
        )
        if hit is None:
            missing.append(wanted)
        elif (hit[0].name, hit[1][field]) not in matches:
            matches.append((hit[0].name, hit[1][field]))
    return QueryResult(matches, partly_found(missing[0]) if missing else None)


def _keep(company: Company, otype: ObjectType, obj: Data, request: etree._Element, tz: Any) -> bool:
    checks = _list_checks if not otype.is_txn else _txn_checks
    return checks(company, otype, obj, request, tz)


def _modified_ok(obj: Data, start: str | None, stop: str | None, tz: Any) -> bool:
    modified = parse_datetime(obj["TimeModified"])
    assert modified is not None
    low, high = _when(start, tz, end=False), _when(stop, tz, end=True)
    return (low is None or modified >= low) and (high is None or modified <= high)


def _match(value: str, criterion: str | None, wanted: str) -> bool:
    value, wanted = value.casefold(), wanted.casefold()
    if criterion == "StartsWith":
        return value.startswith(wanted)
    if criterion == "EndsWith":
        return value.endswith(wanted)
    return wanted in value


def _list_checks(
    company: Company, otype: ObjectType, obj: Data, request: etree._Element, tz: Any
) -> bool:
    status = _text(request, "ActiveStatus") or "ActiveOnly"
    active = obj.get("IsActive", "true") == "true"
    if (status == "ActiveOnly" and not active) or (status == "InactiveOnly" and active):
        return False
    if not _modified_ok(
        obj, _text(request, "FromModifiedDate"), _text(request, "ToModifiedDate"), tz
    ):
        return False
    name = display_name(otype, obj)
    name_filter = request.find("NameFilter")
    if name_filter is not None and not _match(
        name, _text(name_filter, "MatchCriterion"), _text(name_filter, "Name") or ""
    ):
        return False
    name_range = request.find("NameRangeFilter")
    if name_range is not None:
        low, high = _text(name_range, "FromName"), _text(name_range, "ToName")
        if (low and name.casefold() < low.casefold()) or (
            high and name.casefold() > high.casefold()
        ):
            return False
    types = _texts(request, "AccountType")
    return not (types and obj.get("AccountType") not in types)


def _txn_checks(
    company: Company, otype: ObjectType, obj: Data, request: etree._Element, tz: Any
) -> bool:
    refs = _texts(request, "RefNumber")
    if refs and obj.get("RefNumber", "").casefold() not in {r.casefold() for r in refs}:
        return False
    exact = _texts(request, "RefNumberCaseSensitive")
    if exact and obj.get("RefNumber") not in exact:
        return False
    modified = request.find("ModifiedDateRangeFilter")
    if modified is not None and not _modified_ok(
        obj, _text(modified, "FromModifiedDate"), _text(modified, "ToModifiedDate"), tz
    ):
        return False
    dates = request.find("TxnDateRangeFilter")
    if dates is not None:
        low, high = _text(dates, "FromTxnDate"), _text(dates, "ToTxnDate")
        if (low and obj["TxnDate"] < low) or (high and obj["TxnDate"] > high):
            return False
    entity = request.find("EntityFilter")
    if entity is not None and not _entity_ok(company, otype, obj, entity):
        return False
    ref_filter = request.find("RefNumberFilter")
    if ref_filter is not None and not _match(
        obj.get("RefNumber", ""),
        _text(ref_filter, "MatchCriterion"),
        _text(ref_filter, "RefNumber") or "",
    ):
        return False
    ref_range = request.find("RefNumberRangeFilter")
    if ref_range is not None:
        low, high = _text(ref_range, "FromRefNumber"), _text(ref_range, "ToRefNumber")
        number = obj.get("RefNumber", "")
        if (low and number < low) or (high and number > high):
            return False
    paid = _text(request, "PaidStatus")
    if paid in ("PaidOnly", "NotPaidOnly"):
        return (obj.get("IsPaid") == "true") == (paid == "PaidOnly")
    return True


def _entity_ok(company: Company, otype: ObjectType, obj: Data, entity: etree._Element) -> bool:
    ref = obj.get(otype.entity_ref) or {}
    own_id = ref.get("ListID", "")
    owner_types = ("Customer",) if otype.entity_ref == "CustomerRef" else ("Vendor",)
    found = company.find_id(owner_types, own_id)
    full = display_name(found[0], found[1]).casefold() if found else ""
    if _texts(entity, "ListID"):
        return own_id in _texts(entity, "ListID")
    if _texts(entity, "FullName"):
        return full in {n.casefold() for n in _texts(entity, "FullName")}
    parents: list[str] = []
    for list_id in _texts(entity, "ListIDWithChildren"):
        parent = company.find_id(owner_types, list_id)
        if parent is not None:
            parents.append(display_name(parent[0], parent[1]).casefold())
    parents += [n.casefold() for n in _texts(entity, "FullNameWithChildren")]
    return any(full == p or full.startswith(p + ":") for p in parents)


def types_for(type_or_group: str) -> tuple[ObjectType, ...]:
    """The object types a query answers: one, or every type of a group (Item, Terms)."""
    from qbwc_server.simulator.quickbooks.catalog import GROUPS

    if type_or_group in GROUPS:
        return GROUPS[type_or_group]
    return (OBJECT_TYPES[type_or_group],)
