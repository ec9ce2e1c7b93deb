"""Payments received in QuickBooks come in only when their customer is linked and they pay
invoices of a linked project; the others are skipped and counted in the log."""

from __future__ import annotations

from tests.integration.imports.support import edit, feed, import_, messages, record, records
from tests.support.inprocess import Harness

ACCOUNTS = {
    "Account": [
        {"Name": "Construction Income", "AccountType": "Income"},
        {"Name": "Accounts Receivable", "AccountType": "AccountsReceivable"},
        {
            "Name": "Undeposited Funds",
            "AccountType": "OtherCurrentAsset",
            "SpecialAccountType": "UndepositedFunds",
        },
    ]
}
JOB = "Lovelace, Ada:1001 - 12 Main St"


def _linked_project(h: Harness) -> None:
    """Customer c1, project p1 with invoice inv1 and the app's payment pay1, all in QuickBooks."""
    h.qb.seed(ACCOUNTS)
    import_(h, "accounts")
    income = next(
        r for r in records(h, "account").values() if r.data["name"] == "Construction Income"
    )
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.put("item", "labor", name="Labor", rate="100.00", income_account_id=income.record_id)
    line = {"item_id": "labor", "quantity": "3", "rate": "100.00", "amount": "300.00"}
    h.put("invoice", "inv1", number="INV-1", project_id="p1", date="2026-03-01", lines=[line])
    h.put(
        "payment",
        "pay1",
        project_id="p1",
        date="2026-03-02",
        amount="50.00",
        applications=[{"invoice_id": "inv1", "amount": "50.00"}],
    )
    h.ops.syncs.sync_job(h.company_id, "p1")
    assert h.session().outcome == "completed"
    assert h.link("payment", "pay1") is not None


def _invoice(customer: str, number: str) -> dict[str, object]:
    return {
        "CustomerRef": {"FullName": customer},
        "TxnDate": "2026-03-03",
        "RefNumber": number,
        "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1", "Rate": "100.00"}],
    }


def _payment(customer: str, number: str, txn_id: str, amount: str) -> dict[str, object]:
    return {
        "CustomerRef": {"FullName": customer},
        "TxnDate": "2026-03-04",
        "RefNumber": number,
        "TotalAmount": amount,
        "Memo": f"Payment {number}",
        "AppliedToTxnAdd": [{"TxnID": txn_id, "PaymentAmount": amount}],
    }


def test_the_payment_filter(harness: Harness) -> None:
    h = harness
    _linked_project(h)
    h.qb.seed(
        {
            "Customer": [{"Name": "Smith, Bob"}],
            "Invoice": [_invoice("Smith, Bob", "S-1"), _invoice("Lovelace, Ada", "D-1")],
        }
    )
    [smith] = h.qb.find("Invoice", RefNumber="S-1")
    [direct] = h.qb.find("Invoice", RefNumber="D-1")  # on the customer, not on a project
    inv1 = h.link("invoice", "inv1").qb_id
    h.qb.seed(
        {
            "ReceivePayment": [
                _payment(JOB, "CHK-1", inv1, "120.00"),  # comes in
                _payment("Smith, Bob", "CHK-2", smith["TxnID"], "100.00"),  # customer unlinked
                _payment("Lovelace, Ada", "CHK-3", direct["TxnID"], "100.00"),  # not a project's
            ]
        }
    )
    [good] = h.qb.find("ReceivePayment", RefNumber="CHK-1")
    import_(h, "payments")
    found = records(h, "payment")
    assert found.keys() == {"pay1", f"qb-{good['TxnID']}"}
    payment = found[f"qb-{good['TxnID']}"]
    assert payment.origin == "quickbooks" and payment.project_id == "p1"
    assert payment.data["amount"] == "120.00" and payment.data["reference"] == "CHK-1"
    assert payment.data["date"] == "2026-03-04" and payment.data["memo"] == "Payment CHK-1"
    assert payment.data["applications"] == [{"invoice_id": "inv1", "amount": "120.00"}]
    assert h.link("payment", f"qb-{good['TxnID']}").qb_id == good["TxnID"]
    message = messages(h, "imported")[0]  # newest first: the accounts' came before
    assert message == (
        "Imported payments: 1 added, 0 updated, 1 unchanged; 2 skipped: "
        "1 applied to an invoice that is not of a linked project; 1 their customer is not linked"
    )
    assert ("imported", "payment", f"qb-{good['TxnID']}") in feed(h)
    # The project's next Sync Job leaves the payment alone: it is QuickBooks' own.
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    assert ("payment", f"qb-{good['TxnID']}") in plan.unchanged
    assert plan.queued == []


def test_the_apps_own_payments_are_push_only(harness: Harness) -> None:
    h = harness
    _linked_project(h)
    before = record(h, "payment", "pay1").data
    edit(h, "ReceivePayment", h.link("payment", "pay1").qb_id, Memo="Changed in QuickBooks")
    import_(h, "payments")
    assert record(h, "payment", "pay1").data == before
    assert "1 kept" in messages(h, "imported")[0]
