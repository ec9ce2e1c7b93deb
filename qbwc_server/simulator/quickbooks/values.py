"""Small value helpers shared by the handlers: money sums and QuickBooks' time stamps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from qbxml.values import format_amount, format_datetime, parse_decimal


def stamp_text(at: datetime) -> str:
    """TimeCreated/TimeModified text: seconds and the UTC offset, like 2026-01-05T09:00:01-08:00."""
    return format_datetime(at)


def money(value: Any) -> Decimal:
    """A stored amount as a Decimal (absent or empty is zero)."""
    parsed = parse_decimal(None if value is None else str(value))
    return parsed if parsed is not None else Decimal(0)


def amount_text(value: Decimal) -> str:
    """An AMTTYPE string."""
    return format_amount(value)
