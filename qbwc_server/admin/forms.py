"""The settings form: one field per CompanySettings setting, read from the model itself, and
the submitted form turned into the settings update the operations layer validates."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from qbwc_server.models.settings import CompanySettings
from qbwc_server.models.validation import FieldError

HELP: dict[str, str] = {
    "employee_export": "Send users who are employees to QuickBooks as Employees.",
    "customer_job_export": "Send customers and their projects (as Customer:Job).",
    "invoice_export": "Send invoices and the service items they use.",
    "credit_memo_export": "Send credit memos.",
    "payment_export": "Send payments received against invoices.",
    "bill_export": "Send vendors and their bills.",
    "mark_invoices_to_print": "Mark invoices sent to QuickBooks as to be printed.",
    "auto_export_expenses_on_completion": (
        "When a project is marked work-completed, queue its exportable bills."
    ),
    "sync_contracts_after": "Only sync projects whose contract date is on or after this day.",
    "sync_type": "manual: staff press Sync; automatic: every saved financial record is synced.",
    "uppercase": "Send names and text in capitals.",
    "customer_name_format": "Customer names: {first_name}, {last_name}, {company_name}.",
    "job_name_format": "Job names: {number}, {address}, {name}.",
    "payment_ar_account": (
        "A/R account for payments (an account id or full name); empty: QuickBooks' default, "
        "with the money in Undeposited Funds."
    ),
    "expense_export_status": "Which bills are sent: paid, or paid and approved.",
}


LABELS = {
    "customer_job_export": "Customer & job export",
    "payment_ar_account": "Payment A/R account",
}


@dataclass(frozen=True)
class FormField:
    """One input of the settings form."""

    name: str
    label: str
    widget: str  # checkbox | select | date | text
    choices: tuple[str, ...]
    nullable: bool
    help: str


def _shape(annotation: Any) -> tuple[Any, bool]:
    """The base type of a field's annotation (Optional and Annotated removed), and whether
    None is allowed."""
    nullable = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation, nullable


def settings_fields() -> list[FormField]:
    """Every setting of CompanySettings, in the model's order."""
    fields = []
    for name, info in CompanySettings.model_fields.items():
        base, nullable = _shape(info.annotation)
        choices: tuple[str, ...] = ()
        if base is bool:
            widget = "checkbox"
        elif typing.get_origin(base) is typing.Literal:
            widget, choices = "select", tuple(str(c) for c in typing.get_args(base))
        elif base is date:
            widget = "date"
        else:
            widget = "text"
        label = LABELS.get(name) or name.replace("_", " ").capitalize()
        fields.append(FormField(name, label, widget, choices, nullable, HELP.get(name, "")))
    return fields


def settings_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The settings update a submitted form means: a box not ticked is false, an empty
    optional field is none, everything else as typed (the model validates it)."""
    update: dict[str, Any] = {}
    for field in settings_fields():
        if field.widget == "checkbox":
            update[field.name] = field.name in form
            continue
        value = form.get(field.name, "")
        update[field.name] = None if field.nullable and value.strip() == "" else value
    return update


def form_values(settings: dict[str, Any]) -> dict[str, Any]:
    """What each input shows for stored settings (None as an empty field)."""
    return {key: ("" if value is None else value) for key, value in settings.items()}


def errors_by_field(errors: list[FieldError]) -> dict[str, str]:
    """Each bad setting's message without its ``settings.<name>:`` prefix, by setting name;
    an error that names no one setting is kept under ``""``."""
    shown: dict[str, str] = {}
    for error in errors:
        name = error.field.removeprefix("settings.").split(".")[0]
        text = error.message.split(": ", 1)[1] if ": " in error.message else error.message
        key = name if name in CompanySettings.model_fields else ""
        shown[key] = f"{shown[key]}; {text}" if key in shown else text
    return shown
