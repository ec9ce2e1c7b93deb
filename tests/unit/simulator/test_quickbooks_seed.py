"""FakeQuickBooks fixtures: the demo company, dump and seed round trips, generated items."""

from __future__ import annotations

import json

import pytest

from qbwc_server.simulator.quickbooks import FakeQuickBooks, SeedError, generate_items
from tests.unit.simulator.test_quickbooks_support import (
    DEMO,
    add,
    code,
    demo,
    one,
    query,
    ret,
    text,
)


def test_demo_company_is_a_small_contractor() -> None:
    dumped = demo().dump()
    assert len(dumped["Account"]) >= 15
    account_names = {a["FullName"] for a in dumped["Account"]}
    assert {"Accounts Receivable", "Undeposited Funds", "Accounts Payable"} <= account_names
    assert {a["AccountType"] for a in dumped["Account"]} >= {"Income", "Expense", "Bank"}
    assert {c["Name"] for c in dumped["SalesTaxCode"]} == {"Tax", "Non"}
    assert dumped["StandardTerms"] and dumped["DateDrivenTerms"] and dumped["Class"]
    assert len(dumped["Vendor"]) >= 3 and len(dumped["ItemService"]) >= 3
    jobs = [c for c in dumped["Customer"] if c["Sublevel"] == "1"]
    assert len(jobs) == 2 and all(":" in j["FullName"] for j in jobs)
    assert dumped["Bill"] and dumped["ReceivePayment"] and dumped["Invoice"]


def test_the_seeded_payment_is_applied_to_its_invoice() -> None:
    (invoice,) = demo().find("Invoice", RefNumber="1001")
    assert invoice["AppliedAmount"] == "-1000.00"
    assert invoice["BalanceRemaining"] == "2102.50"


def test_dump_is_json_and_seeding_it_reproduces_the_company() -> None:
    original = demo()
    one(original, add("Customer", {"Name": "Late Add"}))
    dumped = original.dump()
    copy = FakeQuickBooks()
    copy.seed(json.loads(json.dumps(dumped)))
    assert copy.dump() == dumped
    # the copy keeps handing out new ids after the old ones
    added = ret(one(copy, add("Class", {"Name": "Fresh"})))
    assert text(added, "ListID") not in {
        o.get("ListID") for objects in dumped.values() if isinstance(objects, list) for o in objects
    }


def test_seeding_from_a_path_or_a_dict_is_the_same() -> None:
    from_path = FakeQuickBooks()
    from_path.seed(DEMO)
    from_dict = FakeQuickBooks()
    from_dict.seed(json.loads(DEMO.read_text(encoding="utf-8")))
    assert from_path.dump() == from_dict.dump()


def test_generate_items_makes_n_distinct_service_items() -> None:
    qb = demo()
    qb.seed(generate_items(40))
    items = one(
        qb,
        query("ItemService", {"NameFilter": {"MatchCriterion": "StartsWith", "Name": "Service "}}),
    )
    assert len(items) == 40
    assert code(items) == 0


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ({"Widget": []}, "unknown types in fixture: Widget"),
        (
            {"Class": [{"Name": "A"}, {"Name": "a"}]},
            'The name "a" of the list element is already in use.',
        ),
    ],
)
def test_bad_fixtures_raise_seed_error(fixture: dict[str, object], message: str) -> None:
    with pytest.raises(SeedError, match=message):
        FakeQuickBooks().seed(fixture)


def test_find_matches_reference_fields_by_name() -> None:
    qb = demo()
    assert [
        i["RefNumber"] for i in qb.find("Invoice", CustomerRef="Garcia, Luis:2001 - 5 Oak Ave")
    ] == ["1002"]
    assert len(qb.find("Terms")) == 5
    with pytest.raises(KeyError):
        qb.find("Widget")
