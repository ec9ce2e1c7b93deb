"""Small conversions of QuickBooks values into the app's, and comparing them with the app's.

A value QuickBooks hands back equal to the app's but for case or spacing (the ``uppercase``
setting capitalises what is sent; QuickBooks collapses runs of spaces) is the app's value, so
an import does not turn "Acme" into "ACME" nor call that a change.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from qbxml.builders._entity import AddressValue
from qbxml.values import format_amount, format_decimal

NUMERIC_FIELDS = frozenset({"rate", "amount", "discount_percent", "balance"})
_CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    """An amount or price as the app writes money ("10.00"); more decimals are kept."""
    if value is None:
        return None
    return format_amount(value) if value == value.quantize(_CENT) else format_decimal(value)


def number(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def address(value: AddressValue | None) -> dict[str, str] | None:
    """A QuickBooks address block as an app address ({line1, line2, city, ...})."""
    if value is None:
        return None
    parts = {
        "line1": value.lines[0] if value.lines else None,
        "line2": value.lines[1] if len(value.lines) > 1 else None,
        "city": value.city,
        "state": value.state,
        "postal_code": value.postal_code,
        "country": value.country,
    }
    kept = {k: v for k, v in parts.items() if v}
    return kept or None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def same(key: str, app: Any, qb: Any) -> bool:
    """Whether QuickBooks' value of ``key`` is the app's (module docstring)."""
    if isinstance(app, str) and isinstance(qb, str):
        if key in NUMERIC_FIELDS:
            try:
                return Decimal(app) == Decimal(qb)
            except InvalidOperation:
                return False
        return _fold(app) == _fold(qb)
    if isinstance(app, dict) and isinstance(qb, dict):
        keys = set(app) | set(qb)
        return all(same(k, app.get(k), qb.get(k)) for k in keys)
    return bool(app == qb)


def merged(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``data`` with ``fields`` applied: a None clears the field, a value equal to the app's
    (``same``) keeps the app's spelling."""
    out = dict(data)
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        elif key not in out or not same(key, out[key], value):
            out[key] = value
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ: {field: {"app": before, "quickbooks": after}}."""
    keys = sorted((set(before) | set(after)) - {"quickbooks", "updated_at"})
    return {
        k: {"app": before.get(k), "quickbooks": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k)
    }


def plain(extra: dict[str, Any]) -> dict[str, Any]:
    """QuickBooks-only values as JSON: Decimals as text, Nones left out."""
    out: dict[str, Any] = {}
    for key, value in extra.items():
        if value is None:
            continue
        if isinstance(value, Decimal):
            value = format_decimal(value)
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        out[key] = value
    return out
