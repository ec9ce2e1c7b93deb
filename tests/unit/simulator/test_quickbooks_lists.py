"""FakeQuickBooks lists: Add then Query for each, Mod and EditSequence, names and references."""

from __future__ import annotations

from typing import Any

import pytest

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from tests.unit.simulator.test_quickbooks_support import (
    add,
    code,
    demo,
    mod,
    one,
    query,
    ret,
    run,
    text,
)

# (type, Add fields, the Ret field that identifies it, its expected value)
ADDS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "Customer",
        {"Name": "Park, Jin", "FirstName": "Jin", "LastName": "Park"},
        "FullName",
        "Park, Jin",
    ),
    ("Employee", {"FirstName": "Sam", "LastName": "Reyes"}, "Name", "Sam Reyes"),
    ("Vendor", {"Name": "Acme Tile", "CompanyName": "Acme Tile Inc."}, "Name", "Acme Tile"),
    (
        "SalesRep",
        {"Initial": "JL", "SalesRepEntityRef": {"FullName": "Maria Lopez"}},
        "Initial",
        "JL",
    ),
    (
        "ItemService",
        {
            "Name": "Tile Setting",
            "SalesOrPurchase": {
                "Price": "70.00",
                "AccountRef": {"FullName": "Construction Income"},
            },
        },
        "FullName",
        "Tile Setting",
    ),
    ("Class", {"Name": "Commercial"}, "FullName", "Commercial"),
    ("StandardTerms", {"Name": "Net 45", "StdDueDays": "45"}, "Name", "Net 45"),
    ("DateDrivenTerms", {"Name": "10th of month", "DayOfMonthDue": "10"}, "Name", "10th of month"),
]


@pytest.mark.parametrize(("kind", "fields", "field", "value"), ADDS, ids=[a[0] for a in ADDS])
def test_add_then_query_round_trip(
    kind: str, fields: dict[str, Any], field: str, value: str
) -> None:
    qb = demo()
    added = one(qb, add(kind, fields))
    assert code(added) == 0 and added.get("statusMessage") == "Status OK"
    created = ret(added)
    assert text(created, field) == value
    list_id = text(created, "ListID")
    assert list_id.startswith("8000") and list_id.split("-")[1].isdigit()
    assert text(created, "EditSequence") == list_id.split("-")[1]
    found = one(qb, query(kind, {"ListID": list_id}))
    assert code(found) == 0
    assert text(ret(found), "ListID") == list_id
    assert text(ret(found), "TimeCreated") == text(created, "TimeCreated")


def test_job_under_customer_has_full_name_and_sublevel() -> None:
    qb = demo()
    parent = ret(one(qb, add("Customer", {"Name": "Okafor, Ada"})))
    job = ret(
        one(
            qb,
            add(
                "Customer",
                {"Name": "3001 - 9 Elm", "ParentRef": {"ListID": text(parent, "ListID")}},
            ),
        )
    )
    assert text(job, "FullName") == "Okafor, Ada:3001 - 9 Elm"
    assert text(job, "Sublevel") == "1"
    assert text(job, "ParentRef/FullName") == "Okafor, Ada"
    by_name = one(qb, query("Customer", {"FullName": "okafor, ada:3001 - 9 elm"}))
    assert text(ret(by_name), "ListID") == text(job, "ListID")


def test_renaming_a_customer_renames_its_jobs() -> None:
    qb = demo()
    (customer,) = qb.find("Customer", FullName="Garcia, Luis")
    changed = one(
        qb,
        mod(
            "Customer",
            {
                "ListID": customer["ListID"],
                "EditSequence": customer["EditSequence"],
                "Name": "Garcia-Ruiz, Luis",
            },
        ),
    )
    assert code(changed) == 0
    assert qb.find("Customer", FullName="Garcia-Ruiz, Luis:2001 - 5 Oak Ave")


def test_mod_with_current_edit_sequence_changes_and_moves_it_on() -> None:
    qb = demo()
    (vendor,) = qb.find("Vendor", Name="Quick Electric")
    response = one(
        qb,
        mod(
            "Vendor",
            {
                "ListID": vendor["ListID"],
                "EditSequence": vendor["EditSequence"],
                "Phone": "510-555-0100",
            },
        ),
    )
    assert code(response) == 0
    changed = ret(response)
    assert text(changed, "Phone") == "510-555-0100"
    assert text(changed, "EditSequence") != vendor["EditSequence"]
    assert text(changed, "TimeModified") > vendor["TimeModified"]
    assert text(changed, "TimeCreated") == vendor["TimeCreated"]


def test_mod_with_stale_edit_sequence_is_3200_and_changes_nothing() -> None:
    qb = demo()
    (vendor,) = qb.find("Vendor", Name="Quick Electric")
    fields = {"ListID": vendor["ListID"], "EditSequence": vendor["EditSequence"], "Phone": "1"}
    assert code(one(qb, mod("Vendor", fields))) == 0
    stale = one(qb, mod("Vendor", {**fields, "Phone": "2"}))
    assert code(stale) == 3200
    assert (
        stale.get("statusMessage")
        == f'The provided edit sequence "{vendor["EditSequence"]}" is out-of-date. '
    )
    assert qb.find("Vendor", Name="Quick Electric")[0]["Phone"] == "1"


def test_mod_of_unknown_list_id_is_3120() -> None:
    response = one(
        demo(), mod("Class", {"ListID": "80009999-1767632400", "EditSequence": "1", "Name": "X"})
    )
    assert code(response) == 3120
    assert '"80009999-1767632400"' in response.get("statusMessage", "")


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("Vendor", {"Name": "nguyen, anh"}),  # a customer's name, other list, other case
        ("Employee", {"Name": "Bayshore Lumber"}),
        ("Customer", {"Name": "Quick Electric"}),
        ("ItemService", {"Name": "Lumber"}),  # items share one name space across types
        ("StandardTerms", {"Name": "15th of month"}),  # both kinds of terms share one
        ("Class", {"Name": "Repair"}),
    ],
)
def test_names_already_in_use_are_3100(kind: str, fields: dict[str, str]) -> None:
    response = one(demo(), add(kind, fields))
    assert code(response) == 3100
    assert (
        response.get("statusMessage")
        == f'The name "{fields["Name"]}" of the list element is already in use.'
    )


def test_same_name_in_an_unrelated_list_is_allowed() -> None:
    assert code(one(demo(), add("Class", {"Name": "Labor"}))) == 0


@pytest.mark.parametrize(
    ("kind", "fields", "label", "value"),
    [
        (
            "Customer",
            {"Name": "New Job", "ParentRef": {"FullName": "Nobody, No"}},
            "Customer",
            "Nobody, No",
        ),
        ("Customer", {"Name": "New", "TermsRef": {"FullName": "Net 99"}}, "Terms", "Net 99"),
        (
            "SalesRep",
            {"Initial": "ZZ", "SalesRepEntityRef": {"FullName": "Ghost"}},
            "Entity",
            "Ghost",
        ),
        (
            "ItemService",
            {"Name": "X", "SalesOrPurchase": {"AccountRef": {"ListID": "80000999-1"}}},
            "Account",
            "80000999-1",
        ),
    ],
)
def test_references_to_missing_objects_are_3140(
    kind: str, fields: dict[str, Any], label: str, value: str
) -> None:
    response = one(demo(), add(kind, fields))
    assert code(response) == 3140
    assert response.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {label} "{value}" in the {kind}.  '
        "QuickBooks error message: Invalid argument.  "
        "The specified record does not exist in the list."
    )


def test_a_reference_full_name_longer_than_the_list_allows_is_3070() -> None:
    long_name = "T" * 40
    response = one(demo(), add("Customer", {"Name": "Z", "TermsRef": {"FullName": long_name}}))
    assert code(response) == 3070
    assert (
        response.get("statusMessage")
        == f'The string "{long_name}" in the field "FullName" is too long.'
    )


def test_locked_lists_answer_3180_for_adds_and_mods() -> None:
    qb = demo()
    qb.locked = True
    response = one(qb, add("Customer", {"Name": "Locked Out"}))
    assert code(response) == 3180
    assert response.get("statusMessage") == (
        'There was an error when saving a Customer list, element "Locked Out". '
        "QuickBooks error message: This list has been modified by another user."
    )
    assert not qb.find("Customer", Name="Locked Out")
    assert code(one(qb, query("Customer"))) == 0  # reading still works
    qb.locked = False
    assert code(one(qb, add("Customer", {"Name": "Locked Out"}))) == 0


def test_terms_query_returns_both_kinds_and_item_query_every_item_type() -> None:
    qb = demo()
    terms = one(qb, query("Terms"))
    assert {child.tag for child in terms} == {"StandardTermsRet", "DateDrivenTermsRet"}
    items = one(qb, query("Item"))
    assert {child.tag for child in items} >= {
        "ItemServiceRet",
        "ItemNonInventoryRet",
        "ItemOtherChargeRet",
        "ItemSubtotalRet",
        "ItemSalesTaxRet",
    }


def test_accounts_and_sales_tax_codes_are_query_only() -> None:
    qb = demo()
    accounts = one(qb, query("Account", {"AccountType": "Income"}))
    assert {text(a, "FullName") for a in accounts} == {
        "Construction Income",
        "Construction Income:Labor Income",
        "Construction Income:Materials Income",
    }
    codes = one(qb, query("SalesTaxCode"))
    assert [text(c, "Name") for c in codes] == ["Non", "Tax"]
    assert code(one(qb, add("Account", {"Name": "Petty Cash", "AccountType": "Bank"}))) == 1030


def test_inactive_objects_are_hidden_unless_asked_for() -> None:
    qb = demo()
    (klass,) = qb.find("Class", FullName="Repair")
    one(
        qb,
        mod(
            "Class",
            {"ListID": klass["ListID"], "EditSequence": klass["EditSequence"], "IsActive": "false"},
        ),
    )

    def names(status: str | None) -> set[str]:
        fields = None if status is None else {"ActiveStatus": status}
        return {text(c, "FullName") for c in one(qb, query("Class", fields))}

    assert "Repair" not in names(None)
    assert names("InactiveOnly") == {"Repair"}
    assert "Repair" in names("All")


def test_two_requests_in_one_set_answer_in_order() -> None:
    qb = FakeQuickBooks()
    first, second = run(qb, add("Class", {"Name": "A"}, "a"), add("Class", {"Name": "B"}, "b"))
    assert (first.get("requestID"), second.get("requestID")) == ("a", "b")
