"""Small conversions every export shares: app addresses, money and dates into builder values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from qbxml.context import Address


def address(value: Any) -> Address | None:
    """An app address object ({line1, line2, city, state, postal_code, country})."""
    if not isinstance(value, dict) or not any(value.values()):
        return None
    return Address(
        line1=value.get("line1"),
        line2=value.get("line2"),
        city=value.get("city"),
        state=value.get("state"),
        postal_code=value.get("postal_code"),
        country=value.get("country"),
    )


def money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def day(value: Any) -> date | None:
    return None if not value else date.fromisoformat(str(value))
