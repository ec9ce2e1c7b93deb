"""Bill candidates: QuickBooks bills of the last 14 days whose lines charge a project's job are
listed for that project only, and the ones staff pick become its bills, linked to QuickBooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, Refused
from tests.conftest import Clock
from tests.integration.imports.support import feed, import_, records
from tests.support.inprocess import Harness

ACCOUNTS = {
    "Account": [
        {"Name": "Accounts Payable", "AccountType": "AccountsPayable"},
        {"Name": "Job Materials", "AccountType": "CostOfGoodsSold"},
        {"Name": "Construction Income", "AccountType": "Income"},
    ]
}
JOB1 = "Lovelace, Ada:1001 - 12 Main St"
JOB2 = "Lovelace, Ada:1002 - 9 Elm St"


@pytest.fixture
def h(settings: Settings, clock: Clock) -> Iterator[Harness]:
    harness = Harness(settings, clock, expense_export_status="paid_and_approved")
    yield harness
    harness.close()


def _expense(job: str, amount: str) -> dict[str, Any]:
    return {
        "AccountRef": {"FullName": "Job Materials"},
        "Amount": amount,
        "CustomerRef": {"FullName": job},
    }


def _bill(vendor: str, number: str, **lines: Any) -> dict[str, Any]:
    return {
        "VendorRef": {"FullName": vendor},
        "TxnDate": "2026-02-03",
        "RefNumber": number,
        **lines,
    }


def _setup(h: Harness) -> dict[str, str]:
    """Two linked projects of one customer, and five QuickBooks bills: their TxnIDs by number."""
    h.qb.seed(ACCOUNTS)
    import_(h, "accounts")
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.put("project", "p2", number="1002", customer_id="c1", address={"line1": "9 Elm St"})
    h.put("project", "p3", number="1003", customer_id="c1", address={"line1": "3 Oak St"})
    for project in ("p1", "p2"):
        h.ops.syncs.sync_job(h.company_id, project)
    assert h.session().outcome == "completed"
    h.qb.seed(
        {
            "Vendor": [{"Name": "Bayshore Lumber"}, {"Name": "Quick Electric"}],
            "ItemService": [
                {
                    "Name": "Electrical",
                    "SalesOrPurchase": {"AccountRef": {"FullName": "Construction Income"}},
                }
            ],
            "Bill": [_bill("Bayshore Lumber", "OLD-1", ExpenseLineAdd=[_expense(JOB1, "80.00")])],
        }
    )
    h.qb.advance_clock(30 * 86400)  # a month later in QuickBooks
    electrical = {
        "ItemRef": {"FullName": "Electrical"},
        "Amount": "600.00",
        "CustomerRef": {"FullName": JOB1},
    }
    h.qb.seed(
        {
            "Bill": [
                _bill(
                    "Bayshore Lumber",
                    "BL-1",
                    ExpenseLineAdd=[_expense(JOB1, "375.00"), _expense(JOB2, "100.00")],
                ),
                _bill("Quick Electric", "QE-1", ItemLineAdd=[electrical]),
                _bill("Bayshore Lumber", "BL-2", ExpenseLineAdd=[_expense(JOB2, "50.00")]),
                _bill(
                    "Bayshore Lumber",
                    "BL-3",
                    ExpenseLineAdd=[
                        {"AccountRef": {"FullName": "Job Materials"}, "Amount": "20.00"}
                    ],
                ),
            ]
        }
    )
    h.clock.now = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)  # this server's clock: two days later
    return {b["RefNumber"]: b["TxnID"] for b in h.qb.find("Bill")}


def test_candidates_are_listed_for_the_right_job_only(h: Harness) -> None:
    txn = _setup(h)
    req = h.ops.syncs.queue_import(h.company_id, "bills", project_id="p1")
    assert (req.entity, req.action, req.record_id) == ("bill", "candidates", "p1")
    assert h.ops.syncs.queue_bill_candidates(h.company_id, "p1").id == req.id  # not twice
    run = h.session()
    assert "<BillQueryRq" in run.requests[0] and "<IncludeLineItems>true<" in run.requests[0]
    assert "<FromModifiedDate>2026-01-22T12:00:00+00:00<" in run.requests[0]
    found = {c.data["txn_id"]: c.data for c in h.ops.syncs.bill_candidates(h.company_id, "p1")}
    assert set(found) == {txn["BL-1"], txn["QE-1"]}  # not BL-2 (p2), BL-3 (no job), OLD-1
    lumber = found[txn["BL-1"]]
    assert (lumber["vendor_name"], lumber["ref_number"], lumber["date"]) == (
        "Bayshore Lumber",
        "BL-1",
        "2026-02-03",
    )
    assert (lumber["amount"], lumber["bill_amount"]) == ("375.00", "475.00")  # p1's line only
    [line] = lumber["lines"]
    assert line["amount"] == "375.00" and line["name"] == "Job Materials"
    assert line["account_id"] in records(h, "account")
    [item_line] = found[txn["QE-1"]]["lines"]
    assert item_line["item_id"] == f"qb-{h.qb.find('ItemService')[0]['ListID']}"
    h.ops.syncs.queue_import(h.company_id, "bills", project_id="p2")
    h.session()
    second = {
        c.data["txn_id"]: c.data["amount"] for c in h.ops.syncs.bill_candidates(h.company_id, "p2")
    }
    assert second == {txn["BL-1"]: "100.00", txn["BL-2"]: "50.00"}
    assert len(h.ops.syncs.bill_candidates(h.company_id, "p1")) == 2  # p1's are still there
    with pytest.raises(Refused, match="not in QuickBooks yet"):
        h.ops.syncs.queue_bill_candidates(h.company_id, "p3")


def test_picked_candidates_become_the_projects_bills(h: Harness) -> None:
    txn = _setup(h)
    h.ops.syncs.queue_import(h.company_id, "bills", project_id="p1")
    h.session()
    with pytest.raises(Refused, match="import items from QuickBooks first"):
        h.ops.syncs.import_bills(h.company_id, "p1", [txn["BL-1"], txn["QE-1"]])
    assert records(h, "bill") == {}  # nothing half-done
    import_(h, "items")
    bills = h.ops.syncs.import_bills(h.company_id, "p1", [txn["BL-1"], txn["QE-1"]])
    assert [b.record_id for b in bills] == [f"qb-{txn['BL-1']}", f"qb-{txn['QE-1']}"]
    lumber = bills[0]
    assert lumber.project_id == "p1" and lumber.origin == "quickbooks"
    assert lumber.data["number"] == "BL-1" and lumber.data["status"] == "approved"
    assert [line["amount"] for line in lumber.data["lines"]] == ["375.00"]
    vendor = records(h, "vendor")[lumber.data["vendor_id"]]
    assert vendor.data["name"] == "Bayshore Lumber"
    assert (
        h.link("vendor", vendor.record_id).qb_id
        == h.qb.find("Vendor", Name="Bayshore Lumber")[0]["ListID"]
    )
    for bill in bills:
        link = h.link("bill", bill.record_id)
        assert link.qb_id == bill.record_id[3:] and link.content_hash is not None
    assert ("imported", "bill", f"qb-{txn['BL-1']}") in feed(h)
    assert h.ops.syncs.bill_candidates(h.company_id, "p1") == []
    # Picking them again changes nothing; a bill that is not the project's candidate is refused.
    again = h.ops.syncs.import_bills(h.company_id, "p1", [txn["BL-1"]])
    assert [b.record_id for b in again] == [f"qb-{txn['BL-1']}"]
    with pytest.raises(NotFound, match=txn["BL-2"]):
        h.ops.syncs.import_bills(h.company_id, "p1", [txn["BL-2"]])
    h.ops.syncs.queue_import(h.company_id, "bills", project_id="p2")
    h.session()
    assert {c.data["txn_id"] for c in h.ops.syncs.bill_candidates(h.company_id, "p2")} == {
        txn["BL-2"]
    }
    with pytest.raises(Refused, match="already the app's bill"):
        h.ops.syncs.import_bills(h.company_id, "p2", [txn["BL-1"]])
    # The project's Sync Job sends nothing for them: they are QuickBooks' own bills.
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert not any(tag in x for x in run.requests for tag in ("BillAdd", "BillMod", "VendorAdd"))
    assert len(h.qb.find("Bill")) == 5
