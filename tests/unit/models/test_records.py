"""validate_record: every record kind, its good form and every kind of bad field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from qbwc_server.errors import QbwcServerError
from qbwc_server.models import (
    APP_KINDS,
    IMPORTED_ONLY_KINDS,
    RECORD_MODELS,
    FieldError,
    RecordInvalid,
    validate_record,
)

_ABSENT = object()

# The smallest valid record of each kind (only the required fields).
MINIMAL: dict[str, dict[str, Any]] = {
    "customer": {"first_name": "Ann", "last_name": "Lee"},
    "project": {"number": "P-100", "customer_id": "cus-1"},
    "user": {"first_name": "Bo", "last_name": "Ray", "employment_type": "employee"},
    "vendor": {"name": "Acme", "vendor_type": "supplier", "updated_at": "2026-01-31T09:30:00Z"},
    "item": {"name": "Labor"},
    "class": {"name": "Remodel"},
    "terms": {"name": "Net 30", "due_days": 30},
    "invoice": {
        "number": "INV-1",
        "project_id": "prj-1",
        "date": "2026-02-03",
        "lines": [{"item_id": "itm-1", "amount": "120.00"}],
    },
    "payment": {"project_id": "prj-1", "date": "2026-02-03", "amount": "50.00", "applications": []},
    "bill": {
        "vendor_id": "ven-1",
        "project_id": "prj-1",
        "date": "2026-02-03",
        "status": "paid",
        "lines": [{"account_id": "acc-1", "amount": "10.00"}],
    },
    "credit_memo": {
        "number": "CM-1",
        "project_id": "prj-1",
        "date": "2026-02-03",
        "lines": [{"item_id": "itm-1", "amount": "5.00"}],
    },
}

ADDRESS = {
    "line1": "1 Main St",
    "line2": "Suite 2",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}

# A record of each kind with every field, and what validate_record must return for it.
FULL: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "customer": (
        {
            "first_name": "  Ann ",
            "last_name": "Lee",
            "company_name": "Lee Homes",
            "email": "ann@example.com",
            "phone": "555-0100",
            "mobile": "555-0101",
            "billing_address": {"line1": "1 Main St", "city": "Springfield", "line2": None},
        },
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "company_name": "Lee Homes",
            "email": "ann@example.com",
            "phone": "555-0100",
            "mobile": "555-0101",
            "billing_address": {"line1": "1 Main St", "city": "Springfield"},
        },
    ),
    "project": (
        {
            "number": "P-100",
            "customer_id": "cus-1",
            "name": "Kitchen",
            "address": ADDRESS,
            "contract_date": "2024-02-29",
            "sales_rep_user_id": "usr-1",
            "class_id": "cls-1",
            "work_completed": False,
        },
        {
            "number": "P-100",
            "customer_id": "cus-1",
            "name": "Kitchen",
            "address": ADDRESS,
            "contract_date": "2024-02-29",
            "sales_rep_user_id": "usr-1",
            "class_id": "cls-1",
            "work_completed": False,
        },
    ),
    "user": (
        {
            "first_name": "Bo",
            "last_name": "Ray",
            "employment_type": "1099_vendor",
            "email": "bo@example.com",
            "phone": "555-0102",
            "initials": "BR",
        },
        {
            "first_name": "Bo",
            "last_name": "Ray",
            "employment_type": "1099_vendor",
            "email": "bo@example.com",
            "phone": "555-0102",
            "initials": "BR",
        },
    ),
    "vendor": (
        {
            "name": "Acme",
            "vendor_type": "installer",
            "company_name": "Acme LLC",
            "email": "ap@acme.example",
            "phone": "555-0103",
            "address": {"city": "Dayton"},
            "terms_id": "trm-1",
            "updated_at": "2026-01-31T09:30:00+02:00",
        },
        {
            "name": "Acme",
            "vendor_type": "installer",
            "company_name": "Acme LLC",
            "email": "ap@acme.example",
            "phone": "555-0103",
            "address": {"city": "Dayton"},
            "terms_id": "trm-1",
            "updated_at": "2026-01-31T09:30:00+02:00",
        },
    ),
    "item": (
        {
            "name": "Labor",
            "description": "Hourly\tlabor\r\nper crew",
            "rate": "75",
            "income_account_id": "acc-4000",
            "class_id": "cls-1",
            "taxable": True,
        },
        {
            "name": "Labor",
            "description": "Hourly\tlabor\r\nper crew",
            "rate": "75.00",
            "income_account_id": "acc-4000",
            "class_id": "cls-1",
            "taxable": True,
        },
    ),
    "class": ({"name": "Remodel", "parent_id": "cls-0"}, {"name": "Remodel", "parent_id": "cls-0"}),
    "terms": (
        {"name": "2% 10 Net 30", "due_days": 30, "discount_days": 10, "discount_percent": "02.50"},
        {"name": "2% 10 Net 30", "due_days": 30, "discount_days": 10, "discount_percent": "2.50"},
    ),
    "invoice": (
        {
            "number": "INV-1",
            "project_id": "prj-1",
            "date": "2026-02-03",
            "due_date": "2026-03-05",
            "terms_id": "trm-1",
            "class_id": "cls-1",
            "memo": "Thanks!\nPay by check.",
            "po_number": "PO-7",
            "lines": [
                {
                    "item_id": "itm-1",
                    "description": "Demo",
                    "quantity": "001.50000",
                    "rate": "80",
                    "amount": "120.0",
                    "class_id": "cls-2",
                },
                {"item_id": "itm-2", "amount": "0"},
            ],
        },
        {
            "number": "INV-1",
            "project_id": "prj-1",
            "date": "2026-02-03",
            "due_date": "2026-03-05",
            "terms_id": "trm-1",
            "class_id": "cls-1",
            "memo": "Thanks!\nPay by check.",
            "po_number": "PO-7",
            "lines": [
                {
                    "item_id": "itm-1",
                    "description": "Demo",
                    "quantity": "1.50000",
                    "rate": "80.00",
                    "amount": "120.00",
                    "class_id": "cls-2",
                },
                {"item_id": "itm-2", "amount": "0.00"},
            ],
        },
    ),
    "payment": (
        {
            "project_id": "prj-1",
            "date": "2026-02-03",
            "amount": "9999999999999.99",
            "method": "Check",
            "reference": "1234",
            "memo": "deposit",
            "applications": [{"invoice_id": "inv-1", "amount": "1.5"}],
        },
        {
            "project_id": "prj-1",
            "date": "2026-02-03",
            "amount": "9999999999999.99",
            "method": "Check",
            "reference": "1234",
            "memo": "deposit",
            "applications": [{"invoice_id": "inv-1", "amount": "1.50"}],
        },
    ),
    "bill": (
        {
            "vendor_id": "ven-1",
            "project_id": "prj-1",
            "number": "B-9",
            "date": "2026-02-03",
            "due_date": "2026-02-17",
            "memo": "lumber",
            "status": "approved",
            "lines": [
                {"account_id": "acc-5000", "amount": "10", "description": "2x4s"},
                {"item_id": "itm-1", "amount": "2.5", "class_id": "cls-1"},
            ],
        },
        {
            "vendor_id": "ven-1",
            "project_id": "prj-1",
            "number": "B-9",
            "date": "2026-02-03",
            "due_date": "2026-02-17",
            "memo": "lumber",
            "status": "approved",
            "lines": [
                {"account_id": "acc-5000", "amount": "10.00", "description": "2x4s"},
                {"item_id": "itm-1", "amount": "2.50", "class_id": "cls-1"},
            ],
        },
    ),
    "credit_memo": (
        {
            "number": "CM-1",
            "project_id": "prj-1",
            "date": "2026-02-03",
            "memo": "refund",
            "lines": [{"item_id": "itm-1", "quantity": "2", "rate": "5", "amount": "10"}],
        },
        {
            "number": "CM-1",
            "project_id": "prj-1",
            "date": "2026-02-03",
            "memo": "refund",
            "lines": [{"item_id": "itm-1", "quantity": "2", "rate": "5.00", "amount": "10.00"}],
        },
    ),
}


def _set(payload: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A deep copy of ``payload`` with the dotted ``path`` set to ``value`` (or removed)."""
    result = copy.deepcopy(payload)
    *parents, last = path.split(".")
    node: Any = result
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _ABSENT:
        del node[last]
    else:
        node[last] = value
    return result


def _errors(kind: str, payload: object) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        validate_record(kind, payload)
    return [(error.field, error.code) for error in caught.value.errors]


def test_the_kinds() -> None:
    expected = (
        "customer",
        "project",
        "user",
        "vendor",
        "item",
        "class",
        "terms",
        "invoice",
        "payment",
        "bill",
        "credit_memo",
    )
    assert expected == APP_KINDS
    assert tuple(RECORD_MODELS) == expected
    assert IMPORTED_ONLY_KINDS == ("account", "sales_tax_code")
    assert set(MINIMAL) == set(FULL) == set(expected)


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_record_is_valid_and_unchanged(kind: str) -> None:
    assert validate_record(kind, MINIMAL[kind]) == MINIMAL[kind]


@pytest.mark.parametrize("kind", sorted(FULL))
def test_full_record_normalizes(kind: str) -> None:
    payload, expected = FULL[kind]
    before = copy.deepcopy(payload)
    assert validate_record(kind, payload) == expected
    assert payload == before  # the input is not modified


# (kind, dotted path, value to put there or _ABSENT to remove it, expected error field, code)
BAD: list[tuple[str, str, object, str, str]] = [
    # missing required fields, empty required names
    ("customer", "first_name", _ABSENT, "first_name", "missing"),
    ("customer", "last_name", "", "last_name", "missing"),
    ("customer", "last_name", "   ", "last_name", "missing"),
    ("project", "number", "", "number", "missing"),
    ("project", "customer_id", _ABSENT, "customer_id", "missing"),
    ("project", "customer_id", "", "customer_id", "missing"),
    ("user", "employment_type", _ABSENT, "employment_type", "missing"),
    ("vendor", "name", "", "name", "missing"),
    ("vendor", "updated_at", _ABSENT, "updated_at", "missing"),
    ("item", "name", "", "name", "missing"),
    ("class", "name", _ABSENT, "name", "missing"),
    ("terms", "name", "", "name", "missing"),
    ("terms", "due_days", _ABSENT, "due_days", "missing"),
    ("invoice", "number", "", "number", "missing"),
    ("invoice", "lines", [], "lines", "missing"),
    ("invoice", "lines.0", {"amount": "1.00"}, "lines.0.item_id", "missing"),
    ("payment", "applications", _ABSENT, "applications", "missing"),
    ("payment", "applications", [{"invoice_id": "inv-1"}], "applications.0.amount", "missing"),
    ("bill", "status", _ABSENT, "status", "missing"),
    ("bill", "lines", [], "lines", "missing"),
    ("bill", "lines.0", {"account_id": "acc-1"}, "lines.0.amount", "missing"),
    ("credit_memo", "number", "", "number", "missing"),
    ("credit_memo", "lines", _ABSENT, "lines", "missing"),
    # wrong types: nothing is coerced
    ("customer", "first_name", 7, "first_name", "wrong_type"),
    ("customer", "billing_address", "1 Main St", "billing_address", "wrong_type"),
    ("customer", "billing_address.city", 62701, "billing_address.city", "wrong_type"),
    ("project", "work_completed", "true", "work_completed", "wrong_type"),
    ("project", "work_completed", 1, "work_completed", "wrong_type"),
    ("project", "customer_id", 12, "customer_id", "wrong_type"),
    ("user", "employment_type", 1, "employment_type", "wrong_type"),
    ("vendor", "updated_at", 1767000000, "updated_at", "wrong_type"),
    ("item", "rate", 75.0, "rate", "wrong_type"),
    ("item", "rate", 75, "rate", "wrong_type"),
    ("item", "taxable", "yes", "taxable", "wrong_type"),
    ("terms", "due_days", "30", "due_days", "wrong_type"),
    ("terms", "due_days", 30.5, "due_days", "wrong_type"),
    ("terms", "due_days", True, "due_days", "wrong_type"),
    ("terms", "discount_percent", 2.5, "discount_percent", "wrong_type"),
    ("invoice", "date", 20260203, "date", "wrong_type"),
    ("invoice", "lines", {"item_id": "itm-1"}, "lines", "wrong_type"),
    ("invoice", "lines.0", "itm-1", "lines.0", "wrong_type"),
    ("invoice", "lines.0.amount", 120.0, "lines.0.amount", "wrong_type"),
    ("invoice", "lines.0.quantity", 2, "lines.0.quantity", "wrong_type"),
    ("payment", "amount", None, "amount", "wrong_type"),
    ("payment", "applications", None, "applications", "wrong_type"),
    ("bill", "lines.0.account_id", 5000, "lines.0.account_id", "wrong_type"),
    # too long
    ("customer", "first_name", "x" * 201, "first_name", "too_long"),
    ("customer", "email", "x" * 201, "email", "too_long"),
    ("customer", "billing_address.line1", "x" * 501, "billing_address.line1", "too_long"),
    ("customer", "billing_address.city", "x" * 201, "billing_address.city", "too_long"),
    ("project", "class_id", "x" * 201, "class_id", "too_long"),
    ("user", "initials", "x" * 201, "initials", "too_long"),
    ("item", "description", "x" * 4001, "description", "too_long"),
    ("invoice", "memo", "x" * 4001, "memo", "too_long"),
    ("invoice", "lines.0.description", "x" * 4001, "lines.0.description", "too_long"),
    ("payment", "reference", "x" * 201, "reference", "too_long"),
    ("bill", "number", "x" * 201, "number", "too_long"),
    # bad dates
    ("project", "contract_date", "2026-02-30", "contract_date", "bad_date"),
    ("invoice", "date", "2026-2-3", "date", "bad_date"),
    ("invoice", "due_date", "03/05/2026", "due_date", "bad_date"),
    ("payment", "date", "2026-02-03T00:00:00", "date", "bad_date"),
    ("bill", "due_date", "2025-02-29", "due_date", "bad_date"),
    ("credit_memo", "date", "", "date", "bad_date"),
    ("vendor", "updated_at", "2026-01-31T09:30:00", "updated_at", "bad_date"),
    ("vendor", "updated_at", "2026-01-31", "updated_at", "bad_date"),
    ("vendor", "updated_at", "yesterday", "updated_at", "bad_date"),
    # negative money, quantities, counts
    ("item", "rate", "-75.00", "rate", "negative"),
    ("invoice", "lines.0.amount", "-1", "lines.0.amount", "negative"),
    ("invoice", "lines.0.quantity", "-2", "lines.0.quantity", "negative"),
    ("payment", "amount", "-50.00", "amount", "negative"),
    ("bill", "lines.0.amount", "-10.00", "lines.0.amount", "negative"),
    ("terms", "due_days", -1, "due_days", "negative"),
    ("terms", "discount_days", -5, "discount_days", "negative"),
    ("terms", "discount_percent", "-2", "discount_percent", "negative"),
    # non-numeric or malformed money
    ("payment", "amount", "abc", "amount", "bad_money"),
    ("payment", "amount", "1e5", "amount", "bad_money"),
    ("payment", "amount", "NaN", "amount", "bad_money"),
    ("payment", "amount", "1,000.00", "amount", "bad_money"),
    ("payment", "amount", " 5.00", "amount", "bad_money"),
    ("payment", "amount", "1.234", "amount", "bad_money"),
    ("payment", "amount", "12345678901234", "amount", "bad_money"),
    ("payment", "amount", "", "amount", "bad_money"),
    ("payment", "amount", "-", "amount", "bad_money"),
    ("payment", "amount", "\u0663.00", "amount", "bad_money"),  # ARABIC-INDIC DIGIT THREE
    ("payment", "date", "\u0662\u0660\u0662\u0666-01-01", "date", "bad_date"),
    ("invoice", "lines.0.rate", "$80", "lines.0.rate", "bad_money"),
    ("invoice", "lines.0.quantity", "1.234567", "lines.0.quantity", "bad_money"),
    ("credit_memo", "lines.0.amount", "Infinity", "lines.0.amount", "bad_money"),
    ("terms", "discount_percent", "two", "discount_percent", "bad_money"),
    # out of range
    ("terms", "due_days", 1000, "due_days", "invalid"),
    ("terms", "discount_percent", "100.01", "discount_percent", "invalid"),
    # bill lines: exactly one of account_id and item_id
    ("bill", "lines.0", {"amount": "1.00"}, "lines.0", "invalid"),
    (
        "bill",
        "lines.0",
        {"account_id": "a", "item_id": "i", "amount": "1.00"},
        "lines.0",
        "invalid",
    ),
    # unknown enum values
    ("user", "employment_type", "contractor", "employment_type", "unknown_value"),
    ("user", "employment_type", "Employee", "employment_type", "unknown_value"),
    ("vendor", "vendor_type", "subcontractor", "vendor_type", "unknown_value"),
    ("bill", "status", "void", "status", "unknown_value"),
    # control characters
    ("customer", "last_name", "Lee\x00", "last_name", "control_characters"),
    ("customer", "last_name", "Lee\tJr", "last_name", "control_characters"),
    ("customer", "phone", "555\n0100", "phone", "control_characters"),
    (
        "customer",
        "billing_address.line1",
        "1 Main\nSt",
        "billing_address.line1",
        "control_characters",
    ),
    ("vendor", "name", "Acme\x7f", "name", "control_characters"),
    ("item", "name", "Labor\x85", "name", "control_characters"),
    ("item", "description", "bell\x07", "description", "control_characters"),
    ("class", "parent_id", "cls\r1", "parent_id", "control_characters"),
    ("invoice", "memo", "esc\x1b[0m", "memo", "control_characters"),
    ("invoice", "lines.0.item_id", "itm\x9f", "lines.0.item_id", "control_characters"),
    (
        "bill",
        "lines.0.description",
        "\x0bvertical tab",
        "lines.0.description",
        "control_characters",
    ),
    # unknown fields, including fields of other kinds
    ("customer", "updated_at", "2026-01-31T09:30:00Z", "updated_at", "unknown_field"),
    ("customer", "billing_address.zip", "62701", "billing_address.zip", "unknown_field"),
    ("customer", "id", "cus-1", "id", "unknown_field"),
    ("project", "updated_at", "2026-01-31T09:30:00Z", "updated_at", "unknown_field"),
    ("user", "middle_name", "Q", "middle_name", "unknown_field"),
    ("vendor", "vendor_tyep", "supplier", "vendor_tyep", "unknown_field"),
    ("item", "price", "1.00", "price", "unknown_field"),
    ("class", "full_name", "A:B", "full_name", "unknown_field"),
    ("terms", "discount_day", 10, "discount_day", "unknown_field"),
    ("invoice", "lines.0.qty", "1", "lines.0.qty", "unknown_field"),
    (
        "payment",
        "applications",
        [{"invoice_id": "i", "amount": "1", "x": 1}],
        "applications.0.x",
        "unknown_field",
    ),
    ("bill", "vendor", "ven-1", "vendor", "unknown_field"),
    ("credit_memo", "due_date", "2026-03-01", "due_date", "unknown_field"),
]


@pytest.mark.parametrize(("kind", "path", "value", "field", "code"), BAD)
def test_bad_field_is_named_with_its_code(
    kind: str, path: str, value: object, field: str, code: str
) -> None:
    assert _errors(kind, _set(MINIMAL[kind], path, value)) == [(field, code)]


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    [
        ("customer", "last_name", "x" * 200, "x" * 200),
        ("customer", "billing_address", {"line1": "y" * 500}, {"line1": "y" * 500}),
        ("invoice", "memo", "z" * 4000, "z" * 4000),
        ("project", "customer_id", " c" * 100, " c" * 100),  # ids are kept exactly
        ("invoice", "lines.0.amount", "0000000000001", "1.00"),
        ("invoice", "lines.0.quantity", "0.00001", "0.00001"),
        ("terms", "due_days", 999, 999),
        ("terms", "due_days", 30.0, 30),  # to JSON (Schema) 30.0 is the integer 30
        ("terms", "discount_percent", "100", "100"),
        ("terms", "discount_days", 0, 0),
        ("invoice", "due_date", None, _ABSENT),  # null is the same as leaving it out
        ("vendor", "updated_at", "2026-01-31T09:30:00.250+00:00", "2026-01-31T09:30:00.250000Z"),
    ],
)
def test_edge_values_that_are_good(kind: str, path: str, value: object, expected: object) -> None:
    result = validate_record(kind, _set(MINIMAL[kind], path, value))
    node: Any = result
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if expected is _ABSENT:
        assert last not in node
    else:
        assert node[last] == expected


def test_every_bad_field_is_reported_at_once() -> None:
    payload = {
        "number": "",
        "project_id": 5,
        "date": "2026-02-30",
        "memo": "ok\x00",
        "colour": "red",
        "lines": [
            {"item_id": "itm-1", "amount": "12.00"},
            {"item_id": "itm-2", "amount": 12, "quantity": "-1", "rate": "x", "extra": True},
        ],
    }
    assert sorted(_errors("invoice", payload)) == sorted(
        [
            ("number", "missing"),
            ("project_id", "wrong_type"),
            ("date", "bad_date"),
            ("memo", "control_characters"),
            ("colour", "unknown_field"),
            ("lines.1.amount", "wrong_type"),
            ("lines.1.quantity", "negative"),
            ("lines.1.rate", "bad_money"),
            ("lines.1.extra", "unknown_field"),
        ]
    )


def test_empty_payload_names_every_required_field() -> None:
    assert _errors("bill", {}) == [
        ("vendor_id", "missing"),
        ("project_id", "missing"),
        ("date", "missing"),
        ("status", "missing"),
        ("lines", "missing"),
    ]


def test_error_carries_sentences_a_developer_understands() -> None:
    payload = _set(MINIMAL["invoice"], "lines.0.amount", "abc")
    payload["number"] = 7
    with pytest.raises(RecordInvalid) as caught:
        validate_record("invoice", payload)
    error = caught.value
    assert isinstance(error, QbwcServerError)
    assert error.errors == [
        FieldError("number", "number: must be a string, not a number", "wrong_type"),
        FieldError(
            "lines.0.amount",
            'lines.0.amount: must be a non-negative decimal string like "120.00" '
            "(up to 2 decimals)",
            "bad_money",
        ),
    ]
    assert error.message == (
        "invoice record is invalid: number: must be a string, not a number; "
        'lines.0.amount: must be a non-negative decimal string like "120.00" (up to 2 decimals)'
    )
    assert error.details()[0] == {
        "field": "number",
        "message": "number: must be a string, not a number",
        "code": "wrong_type",
    }


@pytest.mark.parametrize(
    ("kind", "path", "value", "message"),
    [
        ("customer", "first_name", _ABSENT, "first_name: is required"),
        ("customer", "first_name", "", "first_name: must not be empty"),
        ("customer", "email", "e" * 201, "email: must be at most 200 characters (got 201)"),
        ("customer", "nick", "x", "nick: is not a known field"),
        ("invoice", "lines", [], "lines: must have at least 1 item"),
        ("terms", "due_days", 1000, "due_days: must be at most 999 (got 1000)"),
        ("bill", "status", "void", "status: must be one of 'pending', 'approved' or 'paid'"),
        ("bill", "lines.0", {"amount": "1"}, "lines.0: must have exactly one of account_id"),
        ("payment", "amount", "-5", "amount: must not be negative (got -5)"),
        ("vendor", "updated_at", "2026-01-31T09:30:00", "updated_at: must include a timezone"),
        ("project", "name", "a\x01", "name: must not contain control characters (found U+0001"),
    ],
)
def test_messages(kind: str, path: str, value: object, message: str) -> None:
    with pytest.raises(RecordInvalid) as caught:
        validate_record(kind, _set(MINIMAL[kind], path, value))
    (error,) = caught.value.errors
    assert error.message.startswith(message)


@pytest.mark.parametrize("payload", [None, [], "customer", 5])
def test_payload_that_is_not_an_object(payload: object) -> None:
    assert _errors("customer", payload) == [("body", "wrong_type")]


@pytest.mark.parametrize("kind", ["account", "sales_tax_code", "invoices", "", "Customer"])
def test_unknown_or_imported_only_kind(kind: str) -> None:
    with pytest.raises(RecordInvalid) as caught:
        validate_record(kind, {"name": "x"})
    (error,) = caught.value.errors
    assert (error.field, error.code) == ("kind", "unknown_value")
    assert "customer, project, user, vendor, item, class, terms, invoice" in error.message
    if kind in IMPORTED_ONLY_KINDS:
        assert "imported from QuickBooks only" in error.message


def test_unknown_key_with_control_characters_is_escaped_in_the_path() -> None:
    assert _errors("class", {"name": "A", "bad\nkey": 1}) == [("bad\\nkey", "unknown_field")]
