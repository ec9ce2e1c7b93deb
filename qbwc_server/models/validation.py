"""Validate app records and settings, turning pydantic's errors into ``RecordInvalid``.

``RecordInvalid`` lists every bad field at once as ``FieldError(field, message, code)``,
``field`` being a dotted path (``lines.0.amount``) and ``code`` one of ``ERROR_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from qbwc_server.errors import QbwcServerError
from qbwc_server.models.fields import CONTROL_CHARACTERS, json_type
from qbwc_server.models.records import (
    Bill,
    Class,
    CreditMemo,
    Customer,
    Invoice,
    Item,
    Payment,
    Project,
    Terms,
    User,
    Vendor,
)
from qbwc_server.models.settings import CompanySettings, SettingsUpdate

ERROR_CODES = (
    "missing",
    "wrong_type",
    "too_long",
    "bad_date",
    "bad_money",
    "negative",
    "unknown_value",
    "control_characters",
    "unknown_field",
    "invalid",
)

RECORD_MODELS: dict[str, type[BaseModel]] = {
    "customer": Customer,
    "project": Project,
    "user": User,
    "vendor": Vendor,
    "item": Item,
    "class": Class,
    "terms": Terms,
    "invoice": Invoice,
    "payment": Payment,
    "bill": Bill,
    "credit_memo": CreditMemo,
}
APP_KINDS: tuple[str, ...] = tuple(RECORD_MODELS)
IMPORTED_ONLY_KINDS: tuple[str, ...] = ("account", "sales_tax_code")

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "date_type": 'a date string like "2026-01-31"',
    "datetime_type": "an ISO-8601 date-time string",
}

_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}


@dataclass(frozen=True)
class FieldError:
    """One bad field: its dotted path, a sentence naming it, and a machine code."""

    field: str
    message: str
    code: str


class RecordInvalid(QbwcServerError):
    """A record, settings update or company body failed validation (an HTTP 400)."""

    code = "invalid_record"

    def __init__(
        self, errors: list[FieldError], *, what: str = "record", request_id: str | None = None
    ) -> None:
        summary = "; ".join(error.message for error in errors)
        super().__init__(f"{what} is invalid: {summary}", request_id=request_id)
        self.errors = errors

    def details(self) -> list[dict[str, str]]:
        """The errors as JSON-ready dicts, for the API's ``error.details``."""
        return [asdict(error) for error in self.errors]


def _path(loc: tuple[int | str, ...], prefix: str) -> str:
    parts = [prefix] if prefix else []
    for part in loc:
        text = str(part)
        if CONTROL_CHARACTERS.search(text):  # an unknown key: never echo raw control characters
            text = text.encode("unicode_escape").decode("ascii")
        parts.append(text)
    return ".".join(parts) or "body"


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _translate(error: ErrorDetails) -> tuple[str, str]:
    """Map one pydantic error to ``(code, message without the field)``."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "missing", "is required"
    if kind == "extra_forbidden":
        return "unknown_field", "is not a known field"
    if kind in ERROR_CODES:  # raised by our own validators: the message is already ours
        return kind, error["msg"]
    if kind in _EXPECTED:
        return "wrong_type", f"must be {_EXPECTED[kind]}, not {json_type(value)}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "missing", "must not be empty"
        return "invalid", f"must be at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        got = f" (got {len(value)})" if isinstance(value, str) else ""
        return "too_long", f"must be at most {ctx.get('max_length')} characters{got}"
    if kind == "too_short":  # a list that needs items, such as invoice lines
        return "missing", f"must have at least {_items(ctx.get('min_length'))}"
    if kind == "too_long":
        return "too_long", f"must have at most {_items(ctx.get('max_length'))}"
    if kind == "literal_error":
        expected = ctx.get("expected")
        if not isinstance(value, str):
            return "wrong_type", f"must be one of {expected}, not {json_type(value)}"
        return "unknown_value", f"must be one of {expected} (got {value!r})"
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return "negative", f"must not be negative (got {value})"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return "invalid", f"must be {words} {ctx.get(key)} (got {value})"
    return "invalid", error["msg"]


def field_errors(exc: ValidationError, *, prefix: str = "") -> list[FieldError]:
    """Every error of a pydantic ``ValidationError``, as ``FieldError``s under ``prefix``."""
    result = []
    for error in exc.errors(include_url=False):
        field = _path(error["loc"], prefix)
        code, message = _translate(error)
        result.append(FieldError(field=field, message=f"{field}: {message}", code=code))
    return result


def validate_model(model: type[M], payload: object, *, what: str, prefix: str = "") -> M:
    """Validate ``payload`` as ``model`` or raise ``RecordInvalid`` naming every bad field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise RecordInvalid(field_errors(exc, prefix=prefix), what=what) from None


def validate_record(kind: str, payload: object) -> dict[str, Any]:
    """Validate an app record of ``kind``; return it normalized and JSON-ready.

    Absent optional fields are left out; money has two decimals; dates are ``YYYY-MM-DD``.
    """
    model = RECORD_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(APP_KINDS)
        if kind in IMPORTED_ONLY_KINDS:
            why = f"{kind!r} records are imported from QuickBooks only and cannot be written"
        else:
            why = f"unknown record kind {kind!r}"
        error = FieldError("kind", f"kind: {why}; the app's kinds are: {known}", "unknown_value")
        raise RecordInvalid([error], what="record")
    record = validate_model(model, payload, what=f"{kind} record")
    return record.model_dump(mode="json", exclude_none=True)


def default_settings() -> dict[str, Any]:
    """Every company setting at its default, JSON-ready (dates as ``YYYY-MM-DD``)."""
    return CompanySettings().model_dump(mode="json")


def merge_settings(current: Mapping[str, Any], patch: object) -> dict[str, Any]:
    """Apply a partial settings update over ``current``; return the full, JSON-ready set.

    Settings missing from ``current`` take their defaults; keys in ``current`` that are not
    settings (left by an older version) are dropped. Errors are named ``settings.<key>``.
    """
    update = validate_model(SettingsUpdate, patch, what="settings", prefix="settings")
    known = CompanySettings.model_fields
    merged = default_settings()
    merged.update((key, value) for key, value in current.items() if key in known)
    merged.update(update.model_dump(mode="json", exclude_unset=True))
    settings = validate_model(CompanySettings, merged, what="settings", prefix="settings")
    return settings.model_dump(mode="json")
