"""Reusable field types for the record and settings models.

Each type is an ``Annotated`` alias: a strict pydantic base type plus a "before" validator
that rejects what the contract forbids (non-strings, control characters, malformed money or
dates) with a ``PydanticCustomError`` whose type is one of the ``FieldError`` codes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

#: Shared by every model: unknown fields are errors, nothing is coerced.
STRICT = ConfigDict(extra="forbid", strict=True)

#: The control characters no string may hold (U+0000-U+001F, U+007F-U+009F).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# [0-9], not \d: \d also matches other scripts' digits, which Decimal would accept.
_MONEY = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")
_QUANTITY = re.compile(r"[0-9]{1,13}(\.[0-9]{1,5})?")
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,5})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The same rules as JSON Schema patterns (for the OpenAPI document; Python's re and
# ECMA-262 read them alike). SPACE is what str.strip() strips (str.isspace).
_CTRL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: A string without control characters.
SINGLE_LINE_PATTERN = f"^[^{_CTRL}]*$"
#: A string without control characters other than TAB, LF and CR.
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
#: Without control characters and with something left after stripping spaces.
NOT_BLANK_PATTERN = f"^[^{_CTRL}]*[^{_CTRL}{_SPACE}][^{_CTRL}]*$"
#: Without control characters and without a space at either end.
TRIMMED_PATTERN = f"^[^{_CTRL}{_SPACE}](?:[^{_CTRL}]*[^{_CTRL}{_SPACE}])?$"


def json_type(value: object) -> str:
    """Name the JSON type of ``value`` the way an API client would see it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wrong_type(expected: str, value: object) -> PydanticCustomError:
    return PydanticCustomError("wrong_type", f"must be {expected}, not {json_type(value)}")


def _reject_control(value: object, pattern: re.Pattern[str]) -> object:
    if isinstance(value, str):
        found = pattern.search(value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            raise PydanticCustomError(
                "control_characters",
                f"must not contain control characters (found {code} at position {found.start()})",
            )
    return value


def single_line(value: object) -> object:
    """Reject control characters (TAB, LF and CR included) in a string; pass others on."""
    return _reject_control(value, CONTROL_CHARACTERS)


def multi_line(value: object) -> object:
    """Reject control characters other than TAB, LF and CR in a string; pass others on."""
    return _reject_control(value, _CONTROL_MULTILINE)


def _decimal(value: object, pattern: re.Pattern[str], example: str, what: str) -> Decimal:
    """Check a non-negative decimal string; return it as a ``Decimal``."""
    if not isinstance(value, str):
        raise _wrong_type(f'a decimal string like "{example}"', value)
    if pattern.fullmatch(value):
        return Decimal(value)
    if value.startswith("-") and pattern.fullmatch(value[1:]):
        raise PydanticCustomError("negative", f"must not be negative (got {value})")
    raise PydanticCustomError("bad_money", f"must be a non-negative decimal string {what}")


def _money(value: object) -> str:
    amount = _decimal(value, _MONEY, "120.00", 'like "120.00" (up to 2 decimals)')
    return str(amount.quantize(Decimal("0.01")))


def _quantity(value: object) -> str:
    return str(_decimal(value, _QUANTITY, "1.5", 'like "1.5" (up to 5 decimals)'))


def _percent(value: object) -> str:
    percent = _decimal(value, _PERCENT, "2.5", 'from "0" to "100" like "2.5"')
    if percent > 100:
        raise PydanticCustomError("invalid", f"must be at most 100 (got {value})")
    return str(percent)


def _date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise _wrong_type('a date string like "2026-01-31"', value)
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "bad_date", 'must be a real date written YYYY-MM-DD like "2026-01-31"'
    )


def _parse_timestamp(value: str) -> datetime:
    try:
        if "T" in value or " " in value:
            return datetime.fromisoformat(value)
    except ValueError:
        pass
    raise PydanticCustomError(
        "bad_date", 'must be an ISO-8601 date-time like "2026-01-31T09:30:00Z"'
    )


def _timestamp(value: object) -> object:
    if isinstance(value, str):
        parsed = _parse_timestamp(value)
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise _wrong_type('an ISO-8601 date-time string like "2026-01-31T09:30:00Z"', value)
    if parsed.utcoffset() is None:
        raise PydanticCustomError(
            "bad_date", 'must include a timezone, like "2026-01-31T09:30:00Z" or "...+02:00"'
        )
    return parsed


def _reject_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("wrong_type", "must not be null (leave it out instead)")
    return value


class _NotNull:
    """Annotation for partial updates: rejects ``null``, and the JSON Schema says so (the
    type stays ``X | None`` only so that "not sent" can be ``None``)."""

    def __get_pydantic_core_schema__(
        self, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_reject_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        options = [o for o in value.get("anyOf", []) if o != {"type": "null"}]
        if len(options) == 1 and "anyOf" in value:
            rest = {k: v for k, v in value.items() if k != "anyOf"}
            return {**options[0], **rest}
        return value


#: For partial updates: the key may be left out, but not sent as ``null``.
NotNull = _NotNull()

#: A required name, number or title: 1..200 characters after stripping.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(json_schema_extra={"pattern": NOT_BLANK_PATTERN}),
    BeforeValidator(single_line),
]
#: Optional short text (names, email, phone, reference, initials): up to 200 characters.
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
    BeforeValidator(single_line),
]
#: An address line: up to 500 characters.
AddressLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
    BeforeValidator(single_line),
]
#: A memo or description: up to 4000 characters; TAB, LF and CR allowed; not stripped.
LongText = Annotated[
    str,
    StringConstraints(max_length=4000),
    Field(json_schema_extra={"pattern": MULTI_LINE_PATTERN}),
    BeforeValidator(multi_line),
]
#: The id of another record: 1..200 characters, kept exactly as given.
RefId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
    BeforeValidator(single_line),
]
#: Money: a non-negative decimal string, normalized to two decimals ("5" -> "5.00").
Money = Annotated[
    str, Field(json_schema_extra={"pattern": f"^{_MONEY.pattern}$"}), BeforeValidator(_money)
]
#: A quantity: a non-negative decimal string with up to 5 decimals.
Quantity = Annotated[
    str, Field(json_schema_extra={"pattern": f"^{_QUANTITY.pattern}$"}), BeforeValidator(_quantity)
]
#: A percentage: a decimal string from 0 to 100.
Percent = Annotated[
    str,
    Field(
        json_schema_extra={
            "pattern": r"^(?:(?:[0-9]{1,2}|0[0-9]{2})(?:\.[0-9]{1,5})?|100(?:\.0{1,5})?)$"
        }
    ),
    BeforeValidator(_percent),
]
#: A calendar date written ``YYYY-MM-DD``.
Day = Annotated[date, BeforeValidator(_date)]
#: An ISO-8601 date-time with a timezone.
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]


def whole_number(value: object) -> object:
    """A JSON number with no fraction as an int: to JSON (and JSON Schema) 30.0 is 30."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A whole number of days, 0..999 (30.0 is 30; 30.5 is an error).
DayCount = Annotated[int, Field(ge=0, le=999), BeforeValidator(whole_number)]
