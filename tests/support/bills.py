"""A company ready for bill candidates: project p1 linked to its QuickBooks job, and two
QuickBooks bills modified "today", one charged to that job and one to another customer."""

from __future__ import annotations

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness

JOB = "Lovelace, Ada:1001 - 12 Main St"


def project_with_quickbooks_bills(settings: Settings, clock: Clock) -> Harness:
    """The harness, after an account import and a Sync Job of p1, with the two bills in
    QuickBooks."""
    h = Harness(settings, clock)
    h.qb.seed(
        {
            "Account": [{"Name": "Job Materials", "AccountType": "CostOfGoodsSold"}],
            "Vendor": [{"Name": "Bayshore Lumber"}],
            "Customer": [{"Name": "Byron, George"}],
        }
    )
    h.ops.syncs.queue_import(h.company_id, "accounts")  # the bills' lines name an account
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.ops.syncs.sync_job(h.company_id, "p1")
    assert h.session().outcome == "completed"
    h.qb.clock.set(clock.now)  # QuickBooks' own clock: the bills are modified "today"
    line = {"AccountRef": {"FullName": "Job Materials"}, "Amount": "375.00"}
    bills = [
        (ref, {**line, "CustomerRef": {"FullName": customer}})
        for ref, customer in (("BL-7781", JOB), ("BL-7782", "Byron, George"))
    ]
    h.qb.seed(
        {
            "Bill": [
                {
                    "VendorRef": {"FullName": "Bayshore Lumber"},
                    "TxnDate": clock.now.date().isoformat(),
                    "RefNumber": ref,
                    "ExpenseLineAdd": [expense],
                }
                for ref, expense in bills
            ]
        }
    )
    return h
