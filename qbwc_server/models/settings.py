"""Company settings (DESIGN.md section 3) and the company create/patch bodies.

``CompanySettings`` is the full set with its defaults; ``SettingsUpdate`` is a partial update
(only the keys sent are set: read them with ``model_dump(exclude_unset=True)``).
"""

from __future__ import annotations

from string import Formatter
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from qbwc_server.models.fields import (
    SINGLE_LINE_PATTERN,
    STRICT,
    TRIMMED_PATTERN,
    Day,
    Name,
    NotNull,
    RefId,
    single_line,
    whole_number,
)

CUSTOMER_NAME_PLACEHOLDERS = ("first_name", "last_name", "company_name")
JOB_NAME_PLACEHOLDERS = ("number", "address", "name")


def _check_format(value: object, allowed: tuple[str, ...]) -> object:
    """Accept a name template using only ``allowed`` ``{placeholders}``, at least one."""
    value = single_line(value)
    if not isinstance(value, str):
        return value  # the strict str schema reports the wrong type
    hint = ", ".join("{" + name + "}" for name in allowed)
    try:
        parts = list(Formatter().parse(value))
    except ValueError:
        raise PydanticCustomError(
            "invalid", f"is not a valid name template (unbalanced braces); use {hint}"
        ) from None
    used = []
    for _text, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            shown = value if len(value) <= 60 else value[:57] + "..."
            raise PydanticCustomError(
                "unknown_value", f"has an unknown placeholder in {shown!r}; use only {hint}"
            )
        used.append(field)
    if not used:
        raise PydanticCustomError("invalid", f"must contain at least one of {hint}")
    return value


def _template_schema(what: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """How the JSON Schema names a name template: as the string format ``<what>-template``
    (a pattern for it, with the length limit, makes schema-driven generators crawl)."""
    hint = ", ".join("{" + name + "}" for name in allowed)
    return {
        "format": f"{what}-template",
        "description": f"Text with at least one of {hint}; {{{{ and }}}} stand for braces; "
        "no other braces and no control characters.",
    }


def _customer_format(value: object) -> object:
    return _check_format(value, CUSTOMER_NAME_PLACEHOLDERS)


def _job_format(value: object) -> object:
    return _check_format(value, JOB_NAME_PLACEHOLDERS)


CustomerNameFormat = Annotated[
    str,
    StringConstraints(max_length=200),
    Field(json_schema_extra=_template_schema("customer-name", CUSTOMER_NAME_PLACEHOLDERS)),
    BeforeValidator(_customer_format),
]
JobNameFormat = Annotated[
    str,
    StringConstraints(max_length=200),
    Field(json_schema_extra=_template_schema("job-name", JOB_NAME_PLACEHOLDERS)),
    BeforeValidator(_job_format),
]
SyncType = Literal["manual", "automatic"]
#: How often the Web Connector polls, in seconds (the .qwc's RunEveryNSeconds, "Real Time").
PollSeconds = Annotated[int, Field(ge=10, le=3600), BeforeValidator(whole_number)]
ExpenseExportStatus = Literal["paid", "paid_and_approved"]


class CompanySettings(BaseModel):
    """Every per-company setting, with its default."""

    model_config = STRICT

    employee_export: bool = False
    customer_job_export: bool = True
    invoice_export: bool = True
    credit_memo_export: bool = False
    payment_export: bool = True
    bill_export: bool = True
    mark_invoices_to_print: bool = False
    auto_export_expenses_on_completion: bool = False
    sync_contracts_after: Day | None = None
    sync_type: SyncType = "manual"
    uppercase: bool = False
    customer_name_format: CustomerNameFormat = "{last_name}, {first_name}"
    job_name_format: JobNameFormat = "{number} - {address}"
    #: An account record id or an account FullName; None = QuickBooks' default.
    payment_ar_account: RefId | None = None
    expense_export_status: ExpenseExportStatus = "paid"
    #: None: the .qwc says RunEveryNMinutes; a number: RunEveryNSeconds (qbwc_server/qwc.py).
    poll_seconds: PollSeconds | None = None


class SettingsUpdate(BaseModel):
    """A partial settings update: same fields and rules, none required.

    ``None`` means "not sent"; an explicit ``null`` is accepted only where the setting itself
    may be null (``sync_contracts_after``, ``payment_ar_account``, ``poll_seconds``).
    """

    model_config = STRICT

    employee_export: Annotated[bool | None, NotNull] = None
    customer_job_export: Annotated[bool | None, NotNull] = None
    invoice_export: Annotated[bool | None, NotNull] = None
    credit_memo_export: Annotated[bool | None, NotNull] = None
    payment_export: Annotated[bool | None, NotNull] = None
    bill_export: Annotated[bool | None, NotNull] = None
    mark_invoices_to_print: Annotated[bool | None, NotNull] = None
    auto_export_expenses_on_completion: Annotated[bool | None, NotNull] = None
    sync_contracts_after: Day | None = None
    sync_type: Annotated[SyncType | None, NotNull] = None
    uppercase: Annotated[bool | None, NotNull] = None
    customer_name_format: Annotated[CustomerNameFormat | None, NotNull] = None
    job_name_format: Annotated[JobNameFormat | None, NotNull] = None
    payment_ar_account: RefId | None = None
    expense_export_status: Annotated[ExpenseExportStatus | None, NotNull] = None
    poll_seconds: PollSeconds | None = None


def _username(value: object) -> object:
    value = single_line(value)
    if isinstance(value, str) and value != value.strip():
        raise PydanticCustomError("invalid", "must not start or end with a space")
    return value


#: A QBWC user name: 1..200 characters, no control characters, no surrounding spaces.
QbwcUsername = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(json_schema_extra={"pattern": TRIMMED_PATTERN}),
    BeforeValidator(_username),
]
#: A QBWC password: 8..200 characters without control characters, kept exactly as typed.
QbwcPassword = Annotated[
    str,
    StringConstraints(min_length=8, max_length=200),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
    BeforeValidator(single_line),
]


class CompanyCreate(BaseModel):
    """The body of ``POST /api/v1/companies``."""

    model_config = STRICT

    name: Name
    qbwc_username: QbwcUsername
    #: Not sent: the server generates one (192 random bits), returned once.
    qbwc_password: Annotated[QbwcPassword | None, NotNull] = None
    settings: SettingsUpdate | None = None
    enabled: Annotated[bool | None, NotNull] = None


class CompanyPatch(BaseModel):
    """The body of ``PATCH /api/v1/companies/{cid}``: only the keys sent change.

    ``None`` means "not sent"; an explicit ``null`` is an error.
    """

    model_config = STRICT

    enabled: Annotated[bool | None, NotNull] = None
    name: Annotated[Name | None, NotNull] = None
    settings: Annotated[SettingsUpdate | None, NotNull] = None
    qbwc_password: Annotated[QbwcPassword | None, NotNull] = None
