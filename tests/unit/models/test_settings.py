"""Company settings: defaults, partial updates, and the company create/patch bodies."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from qbwc_server.models import (
    CompanyCreate,
    CompanyPatch,
    CompanySettings,
    RecordInvalid,
    SettingsUpdate,
    default_settings,
    merge_settings,
    validate_model,
)

DEFAULTS: dict[str, Any] = {
    "employee_export": False,
    "customer_job_export": True,
    "invoice_export": True,
    "credit_memo_export": False,
    "payment_export": True,
    "bill_export": True,
    "mark_invoices_to_print": False,
    "auto_export_expenses_on_completion": False,
    "sync_contracts_after": None,
    "sync_type": "manual",
    "uppercase": False,
    "customer_name_format": "{last_name}, {first_name}",
    "job_name_format": "{number} - {address}",
    "payment_ar_account": None,
    "expense_export_status": "paid",
    "poll_seconds": None,
}
_ABSENT = object()
BOOLEAN_SETTINGS = [key for key, value in DEFAULTS.items() if isinstance(value, bool)]


def _errors(current: dict[str, Any], patch: object) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        merge_settings(current, patch)
    return [(error.field, error.code) for error in caught.value.errors]


def _company_errors(
    model: type[CompanyCreate | CompanyPatch], body: object
) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        validate_model(model, body, what="company")
    return [(error.field, error.code) for error in caught.value.errors]


def test_defaults() -> None:
    assert default_settings() == DEFAULTS
    assert CompanySettings().model_dump(mode="json") == DEFAULTS


def test_update_model_has_exactly_the_settings() -> None:
    assert set(SettingsUpdate.model_fields) == set(CompanySettings.model_fields) == set(DEFAULTS)


def test_empty_patch_over_nothing_fills_in_every_default() -> None:
    assert merge_settings({}, {}) == DEFAULTS


def test_patch_changes_only_what_it_names() -> None:
    current = {**DEFAULTS, "uppercase": True, "sync_type": "automatic"}
    before = copy.deepcopy(current)
    merged = merge_settings(
        current,
        {
            "sync_contracts_after": "2026-01-05",
            "payment_ar_account": "Accounts Receivable",
            "credit_memo_export": True,
            "customer_name_format": "{company_name} ({last_name})",
            "job_name_format": "{name}",
            "expense_export_status": "paid_and_approved",
        },
    )
    assert merged == {
        **DEFAULTS,
        "uppercase": True,
        "sync_type": "automatic",
        "sync_contracts_after": "2026-01-05",
        "payment_ar_account": "Accounts Receivable",
        "credit_memo_export": True,
        "customer_name_format": "{company_name} ({last_name})",
        "job_name_format": "{name}",
        "expense_export_status": "paid_and_approved",
    }
    assert current == before


def test_partial_current_takes_defaults_and_drops_stale_keys() -> None:
    merged = merge_settings({"employee_export": True, "retired_setting": 1}, {})
    assert merged == {**DEFAULTS, "employee_export": True}


def test_nullable_settings_can_be_cleared() -> None:
    current = {**DEFAULTS, "sync_contracts_after": "2025-12-31", "payment_ar_account": "acc-1"}
    merged = merge_settings(current, {"sync_contracts_after": None, "payment_ar_account": None})
    assert merged == DEFAULTS


def test_patch_may_be_a_parsed_settings_update() -> None:
    patch = validate_model(CompanyPatch, {"settings": {"uppercase": True}}, what="company")
    assert patch.settings is not None
    assert merge_settings(DEFAULTS, patch.settings) == {**DEFAULTS, "uppercase": True}


@pytest.mark.parametrize("key", BOOLEAN_SETTINGS)
@pytest.mark.parametrize("value", ["true", 1, 0, None, [True]])
def test_booleans_are_strict(key: str, value: object) -> None:
    assert _errors(DEFAULTS, {key: value}) == [(f"settings.{key}", "wrong_type")]


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("sync_type", "sometimes", "unknown_value"),
        ("sync_type", "Manual", "unknown_value"),
        ("sync_type", None, "wrong_type"),
        ("sync_type", 1, "wrong_type"),
        ("expense_export_status", "approved", "unknown_value"),
        ("sync_contracts_after", "2026-02-30", "bad_date"),
        ("sync_contracts_after", "2026-01-05T00:00:00Z", "bad_date"),
        ("sync_contracts_after", 20260105, "wrong_type"),
        ("customer_name_format", "{first}", "unknown_value"),
        ("customer_name_format", "{number}", "unknown_value"),
        ("customer_name_format", "{first_name:>10}", "unknown_value"),
        ("customer_name_format", "{first_name!r}", "unknown_value"),
        ("customer_name_format", "{0}", "unknown_value"),
        ("customer_name_format", "{}", "unknown_value"),
        ("customer_name_format", "no placeholder", "invalid"),
        ("customer_name_format", "{{first_name}}", "invalid"),
        ("customer_name_format", "{first_name", "invalid"),
        ("customer_name_format", "", "invalid"),
        ("customer_name_format", "{last_name}\t{first_name}", "control_characters"),
        ("customer_name_format", "{last_name}" + "x" * 190, "too_long"),
        ("customer_name_format", None, "wrong_type"),
        ("job_name_format", "{first_name}", "unknown_value"),
        ("job_name_format", "- -", "invalid"),
        ("job_name_format", 5, "wrong_type"),
        ("payment_ar_account", "", "missing"),
        ("payment_ar_account", "a" * 201, "too_long"),
        ("payment_ar_account", "A/R\x00", "control_characters"),
        ("payment_ar_account", 1200, "wrong_type"),
        ("updated_at", "2026-01-05T00:00:00Z", "unknown_field"),
        ("enabled", False, "unknown_field"),
    ],
)
def test_bad_setting(key: str, value: object, code: str) -> None:
    assert _errors(DEFAULTS, {key: value}) == [(f"settings.{key}", code)]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("customer_name_format", "{first_name} {last_name}"),
        ("customer_name_format", "{company_name}"),
        ("customer_name_format", "{{{last_name}}}"),
        ("job_name_format", "{number}"),
        ("job_name_format", "Job {number}: {name} @ {address}"),
        ("payment_ar_account", "8000001A-1234567890"),
        ("sync_contracts_after", "2024-02-29"),
    ],
)
def test_good_setting(key: str, value: object) -> None:
    assert merge_settings(DEFAULTS, {key: value})[key] == value


def test_every_bad_setting_is_reported_at_once() -> None:
    patch = {
        "sync_type": "sometimes",
        "uppercase": 1,
        "customer_name_format": "{first}",
        "sync_contracts_after": "2026-13-01",
        "zzz": 1,
    }
    assert sorted(_errors(DEFAULTS, patch)) == sorted(
        [
            ("settings.sync_type", "unknown_value"),
            ("settings.uppercase", "wrong_type"),
            ("settings.customer_name_format", "unknown_value"),
            ("settings.sync_contracts_after", "bad_date"),
            ("settings.zzz", "unknown_field"),
        ]
    )


def test_bad_stored_value_is_reported_too() -> None:
    assert _errors({**DEFAULTS, "sync_type": "hourly"}, {"uppercase": True}) == [
        ("settings.sync_type", "unknown_value")
    ]


@pytest.mark.parametrize("patch", [None, [], "uppercase", 1])
def test_patch_that_is_not_an_object(patch: object) -> None:
    assert _errors(DEFAULTS, patch) == [("settings", "wrong_type")]


def test_setting_messages() -> None:
    with pytest.raises(RecordInvalid) as caught:
        merge_settings(DEFAULTS, {"sync_type": "x", "job_name_format": "plain"})
    assert [error.message for error in caught.value.errors] == [
        "settings.sync_type: must be one of 'manual' or 'automatic' (got 'x')",
        "settings.job_name_format: must contain at least one of {number}, {address}, {name}",
    ]
    assert caught.value.message.startswith("settings is invalid: settings.sync_type: ")


GOOD_COMPANY = {"name": "Lee Homes", "qbwc_username": "lee-qb", "qbwc_password": "s3cret-pass"}


def test_company_create() -> None:
    company = validate_model(CompanyCreate, GOOD_COMPANY, what="company")
    assert (company.name, company.qbwc_username, company.qbwc_password) == (
        "Lee Homes",
        "lee-qb",
        "s3cret-pass",
    )
    assert company.settings is None
    with_settings = validate_model(
        CompanyCreate, {**GOOD_COMPANY, "settings": {"uppercase": True}}, what="company"
    )
    assert with_settings.settings is not None
    assert with_settings.settings.model_dump(exclude_unset=True) == {"uppercase": True}


def test_company_password_is_kept_exactly() -> None:
    company = validate_model(
        CompanyCreate, {**GOOD_COMPANY, "qbwc_password": " 8 chars "}, what="company"
    )
    assert company.qbwc_password == " 8 chars "


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("name", _ABSENT, "missing"),
        ("name", "", "missing"),
        ("name", "n" * 201, "too_long"),
        ("name", 5, "wrong_type"),
        ("qbwc_username", "", "missing"),
        ("qbwc_username", " lee", "invalid"),
        ("qbwc_username", "lee ", "invalid"),
        ("qbwc_username", "le\te", "control_characters"),
        ("qbwc_username", "u" * 201, "too_long"),
        ("qbwc_password", "7 chars", "invalid"),
        ("qbwc_password", "p" * 201, "too_long"),
        ("qbwc_password", 12345678, "wrong_type"),
        ("qbwc_password", "pass\x00word", "control_characters"),
        ("settings", "uppercase", "wrong_type"),
        ("enabled", "yes", "wrong_type"),
        ("owner_id", "x", "unknown_field"),
    ],
)
def test_bad_company_create(key: str, value: object, code: str) -> None:
    body: dict[str, object] = {k: v for k, v in GOOD_COMPANY.items() if k != key}
    if value is not _ABSENT:
        body[key] = value
    assert _company_errors(CompanyCreate, body) == [(key, code)]


def test_company_create_names_nested_settings_and_every_error() -> None:
    body = {
        "name": "",
        "qbwc_username": " x",
        "qbwc_password": "short",
        "settings": {"sync_type": "x"},
    }
    assert _company_errors(CompanyCreate, body) == [
        ("name", "missing"),
        ("qbwc_username", "invalid"),
        ("qbwc_password", "invalid"),
        ("settings.sync_type", "unknown_value"),
    ]


def test_company_patch_keeps_only_what_was_sent() -> None:
    assert validate_model(CompanyPatch, {}, what="company").model_dump(exclude_unset=True) == {}
    patch = validate_model(
        CompanyPatch, {"enabled": False, "settings": {"sync_type": "automatic"}}, what="company"
    )
    assert patch.model_dump(exclude_unset=True) == {
        "enabled": False,
        "settings": {"sync_type": "automatic"},
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"enabled": "false"}, [("enabled", "wrong_type")]),
        ({"enabled": 0}, [("enabled", "wrong_type")]),
        ({"enabled": None}, [("enabled", "wrong_type")]),
        ({"name": ""}, [("name", "missing")]),
        ({"name": None}, [("name", "wrong_type")]),
        ({"settings": None}, [("settings", "wrong_type")]),
        ({"settings": {"uppercase": "yes"}}, [("settings.uppercase", "wrong_type")]),
        ({"qbwc_password": "short"}, [("qbwc_password", "invalid")]),
        ({"qbwc_password": None}, [("qbwc_password", "wrong_type")]),
        ({"password_hash": "x"}, [("password_hash", "unknown_field")]),
        ({"enabled": 1, "color": "red"}, [("enabled", "wrong_type"), ("color", "unknown_field")]),
    ],
)
def test_bad_company_patch(body: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert _company_errors(CompanyPatch, body) == expected
