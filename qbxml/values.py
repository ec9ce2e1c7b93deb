"""Typed values to and from qbXML text: money, quantities, dates, times, booleans."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from qbxml.errors import BuildError, ResponseError

_CENT = Decimal("0.01")
# QuickBooks writes DATETIMETYPE as 2008-07-05T12:54:32-08:00 (offset optional).
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_INT = re.compile(r"^[+-]?\d+$", re.ASCII)
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$", re.ASCII)
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})?$")


def parse_decimal(text: str | None, *, field: str = "value") -> Decimal | None:
    """Read an AMTTYPE, QUANTYPE, PRICETYPE or PERCENTTYPE value; None for absent or empty."""
    if text is None or not text.strip():
        return None
    if not _DECIMAL.match(text.strip()):
        raise ResponseError(f"{field} is not a number: {text!r}")
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ResponseError(f"{field} is not a number: {text!r}") from exc
    if not value.is_finite():
        raise ResponseError(f"{field} is not a finite number: {text!r}")
    return value


def parse_date(text: str | None, *, field: str = "date") -> date | None:
    """Read a DATETYPE value (YYYY-MM-DD)."""
    if text is None or not text.strip():
        return None
    if not _DATE.match(text.strip()):
        raise ResponseError(f"{field} is not a date (YYYY-MM-DD): {text!r}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ResponseError(f"{field} is not a date: {text!r}") from exc


def parse_datetime(text: str | None, *, field: str = "time") -> datetime | None:
    """Read a DATETIMETYPE value, keeping its UTC offset when QuickBooks sent one."""
    if text is None or not text.strip():
        return None
    match = _DATETIME.match(text.strip())
    if match is None:
        raise ResponseError(f"{field} is not a date and time: {text!r}")
    day, clock, offset = match.groups()
    try:
        return datetime.fromisoformat(f"{day}T{clock}{'' if offset is None else offset}")
    except ValueError as exc:
        raise ResponseError(f"{field} is not a date and time: {text!r}") from exc


def parse_bool(text: str | None, *, field: str = "flag") -> bool | None:
    """Read a BOOLTYPE value ("true"/"false", as QuickBooks writes them)."""
    if text is None or not text.strip():
        return None
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ResponseError(f"{field} is not true or false: {text!r}")


def parse_int(text: str | None, *, field: str = "number") -> int | None:
    """Read an INTTYPE value."""
    if text is None or not text.strip():
        return None
    if not _INT.match(text.strip()):
        raise ResponseError(f"{field} is not a whole number: {text!r}")
    try:
        return int(text.strip())
    except ValueError as exc:
        raise ResponseError(f"{field} is not a whole number: {text!r}") from exc


def _quantize(value: Decimal, quantum: Decimal) -> Decimal:
    try:
        result = value.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise BuildError(f"the number {value} is too large for QuickBooks") from exc
    if not result.is_finite():
        raise BuildError(f"the number {value} is not finite")
    return result if result != 0 else abs(result)  # never write a negative zero


def format_amount(value: Decimal) -> str:
    """Write an AMTTYPE: two decimals, rounded half up, no exponent."""
    return f"{_quantize(value, _CENT):f}"


def format_decimal(value: Decimal, places: int = 5) -> str:
    """Write a QUANTYPE/PRICETYPE/PERCENTTYPE without an exponent, at most ``places`` decimals."""
    text = f"{_quantize(value, Decimal(1).scaleb(-places)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_date(value: date) -> str:
    """Write a DATETYPE."""
    return value.isoformat()


def format_datetime(value: datetime) -> str:
    """Write a DATETIMETYPE; an aware value keeps its offset, a naive one is sent without."""
    text = value.replace(microsecond=0).isoformat()
    return text


def format_bool(value: bool) -> str:
    """Write a BOOLTYPE."""
    return "true" if value else "false"
