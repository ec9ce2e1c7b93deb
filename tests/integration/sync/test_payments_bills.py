"""Payments and bills: a Sync Job lands them on the job, links them, and never adds them twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness

JOB = "Lovelace, Ada:1001 - 12 Main St"
ACCOUNTS = {
    "Account": [
        {"Name": "Construction Income", "AccountType": "Income"},
        {"Name": "Job Materials", "AccountType": "CostOfGoodsSold"},
        {"Name": "Accounts Receivable", "AccountType": "AccountsReceivable"},
        {"Name": "Retail A/R", "AccountType": "AccountsReceivable"},
        {
            "Name": "Undeposited Funds",
            "AccountType": "OtherCurrentAsset",
            "SpecialAccountType": "UndepositedFunds",
        },
        {"Name": "Accounts Payable", "AccountType": "AccountsPayable"},
    ]
}
PAYMENT: dict[str, Any] = {
    "project_id": "p1",
    "date": "2026-03-05",
    "amount": "300.00",
    "reference": "CHK-77",
    "memo": "Progress payment",
    "applications": [
        {"invoice_id": "inv1", "amount": "170.00"},
        {"invoice_id": "inv2", "amount": "130.00"},
    ],
}

Make = Callable[..., Harness]


@pytest.fixture
def make(settings: Settings, clock: Clock) -> Iterator[Make]:
    """A harness with the given company settings, accounts imported and a project with two
    invoices ready (items, invoices and accounts as the app would send them)."""
    made: list[Harness] = []

    def build(**company_settings: Any) -> Harness:
        h = Harness(settings, clock, **company_settings)
        made.append(h)
        h.qb.seed(ACCOUNTS)
        h.ops.syncs.queue_import(h.company_id, "accounts")
        assert h.session().outcome == "completed"
        h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
        h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
        income = account_id(h, "Construction Income")
        h.put("item", "labor", name="Labor", rate="85.00", income_account_id=income)
        for n in (1, 2):
            h.put(
                "invoice",
                f"inv{n}",
                number=f"INV-{n}",
                project_id="p1",
                date="2026-03-01",
                lines=[{"item_id": "labor", "quantity": "2", "rate": "85.00", "amount": "170.00"}],
            )
        return h

    yield build
    for h in made:
        h.close()


def account_id(h: Harness, name: str) -> str:
    """The record id of an imported account ("qb-<ListID>")."""
    with h.store.transaction() as tx:
        rows = tx.records.of_kind(h.company_id, "account")
    found = [r.record_id for r in rows if r.data["name"] == name]
    assert len(found) == 1 and found[0].startswith("qb-"), found
    return found[0]


def _events(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.event for e in h.log(kind, record_id)]


def _messages(h: Harness, kind: str, record_id: str) -> str:
    return "\n".join(e.message for e in h.log(kind, record_id))


# -- payments --------------------------------------------------------------------------------


def test_a_payment_is_applied_to_both_linked_invoices(make: Make) -> None:
    h = make()
    h.put("payment", "pay1", **PAYMENT)
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    assert ("payment", "export") in {(r.entity, r.action) for r in plan.queued}
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 0
    [landed] = h.qb.find("ReceivePayment")
    assert landed["CustomerRef"]["FullName"] == JOB
    assert (landed["RefNumber"], landed["TxnDate"]) == ("CHK-77", "2026-03-05")
    assert (landed["TotalAmount"], landed["Memo"]) == ("300.00", "Progress payment")
    applied = {a["TxnID"]: a["Amount"] for a in landed["AppliedToTxnRet"]}
    assert applied == {
        h.link("invoice", "inv1").qb_id: "170.00",
        h.link("invoice", "inv2").qb_id: "130.00",
    }
    [inv2] = h.qb.find("Invoice", RefNumber="INV-2")
    assert inv2["BalanceRemaining"] == "40.00"
    # No A/R account named (QuickBooks' default) and the money is in Undeposited Funds.
    sent = next(x for x in run.requests if "<ReceivePaymentAddRq" in x)
    assert "ARAccountRef" not in sent and "DepositToAccountRef" not in sent
    assert landed["DepositToAccountRef"]["FullName"] == "Undeposited Funds"
    link = h.link("payment", "pay1")
    assert link.qb_id == landed["TxnID"]
    assert link.edit_sequence == landed["EditSequence"]
    assert link.content_hash is not None
    assert "added" in _events(h, "payment", "pay1")
    # Unchanged: nothing is queued or sent again.
    again = h.ops.syncs.sync_job(h.company_id, "p1")
    assert again.queued == [] and ("payment", "pay1") in again.unchanged
    assert h.session().outcome == "none"


def test_a_changed_payment_goes_out_as_a_mod(make: Make) -> None:
    h = make()
    h.put("payment", "pay1", **PAYMENT)
    h.ops.syncs.sync_job(h.company_id, "p1")
    h.session()
    before = h.link("payment", "pay1")
    changed = {**PAYMENT, "memo": "Corrected", "applications": PAYMENT["applications"][:1]}
    h.put("payment", "pay1", **{**changed, "amount": "170.00"})
    plan = h.ops.syncs.sync_record(h.company_id, "payment", "pay1")
    assert [(r.entity, r.action) for r in plan.queued] == [("payment", "export")]
    run = h.session()
    assert run.outcome == "completed", run
    [mod] = [x for x in run.requests if "ReceivePaymentModRq" in x]
    assert f"<TxnID>{before.qb_id}</TxnID><EditSequence>{before.edit_sequence}<" in mod
    [landed] = h.qb.find("ReceivePayment")
    assert (landed["Memo"], landed["TotalAmount"]) == ("Corrected", "170.00")
    inv1 = h.link("invoice", "inv1").qb_id
    assert [(a["TxnID"], a["Amount"]) for a in landed["AppliedToTxnRet"]] == [(inv1, "170.00")]
    after = h.link("payment", "pay1")
    assert after.qb_id == before.qb_id and after.edit_sequence == landed["EditSequence"]
    assert after.content_hash != before.content_hash
    assert "updated" in _events(h, "payment", "pay1")


def test_the_ar_account_setting_names_an_imported_account(make: Make) -> None:
    h = make()
    retail = account_id(h, "Retail A/R")
    h.ops.companies.update(h.company_id, {"settings": {"payment_ar_account": retail}})
    h.put("payment", "pay1", **PAYMENT)
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    [landed] = h.qb.find("ReceivePayment")
    assert landed["ARAccountRef"]["ListID"] == retail.removeprefix("qb-")
    assert landed["ARAccountRef"]["FullName"] == "Retail A/R"
    sent = next(x for x in run.requests if "<ReceivePaymentAddRq" in x)
    assert f"<ARAccountRef><ListID>{retail.removeprefix('qb-')}</ListID>" in sent
    assert "DepositToAccountRef" not in sent


def test_the_ar_account_setting_as_a_full_name(make: Make) -> None:
    h = make(payment_ar_account="Retail A/R")
    h.put("payment", "pay1", **PAYMENT)
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    sent = next(x for x in run.requests if "<ReceivePaymentAddRq" in x)
    assert "<ARAccountRef><FullName>Retail A/R</FullName></ARAccountRef>" in sent
    [landed] = h.qb.find("ReceivePayment")
    assert landed["ARAccountRef"]["FullName"] == "Retail A/R"


def test_the_payment_method_is_not_sent_and_the_log_says_so(make: Make) -> None:
    h = make()
    h.put("payment", "pay1", **{**PAYMENT, "method": "Check"})
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert "PaymentMethodRef" not in "".join(run.requests)
    assert len(h.qb.find("ReceivePayment")) == 1
    assert "PaymentMethodRef: 'Check'" in _messages(h, "payment", "pay1")


def _typed_in_quickbooks(h: Harness, *payments: dict[str, Any]) -> None:
    """The customer, the job and payments as a bookkeeper typed them."""
    h.qb.seed(
        {
            "Customer": [
                {"Name": "Lovelace, Ada"},
                {"Name": "1001 - 12 Main St", "ParentRef": {"FullName": "Lovelace, Ada"}},
            ],
            "ReceivePayment": [{"CustomerRef": {"FullName": JOB}, **p} for p in payments],
        }
    )


def test_a_payment_typed_in_quickbooks_is_linked_not_added(make: Make) -> None:
    h = make()
    _typed_in_quickbooks(
        h, {"TxnDate": "2026-03-05", "RefNumber": "chk-77", "TotalAmount": "300.00"}
    )
    [typed] = h.qb.find("ReceivePayment")
    h.put("payment", "pay1", **PAYMENT)
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert len(h.qb.find("ReceivePayment")) == 1
    assert not any("<ReceivePaymentAddRq" in x for x in run.requests)
    assert h.link("payment", "pay1").qb_id == typed["TxnID"]
    assert "matched" in _events(h, "payment", "pay1")
    assert h.states()["failed"] == 0


def test_a_payment_with_another_amount_or_date_is_not_matched(make: Make) -> None:
    h = make()
    _typed_in_quickbooks(
        h,
        {"TxnDate": "2026-03-05", "RefNumber": "CHK-77", "TotalAmount": "299.00"},
        {"TxnDate": "2026-03-07", "RefNumber": "CHK-78", "TotalAmount": "50.00"},
    )
    unapplied = {**PAYMENT, "amount": "50.00", "applications": []}
    h.put("payment", "pay1", **PAYMENT)
    h.put("payment", "pay2", **{**unapplied, "reference": "CHK-78", "date": "2026-03-06"})
    h.put("payment", "pay3", **{**unapplied, "reference": None})
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 0
    assert len(h.qb.find("ReceivePayment")) == 5
    for rid in ("pay1", "pay2", "pay3"):
        assert "matched" not in _events(h, "payment", rid)
        assert "added" in _events(h, "payment", rid)


def test_a_payment_of_a_missing_invoice_fails_naming_it(make: Make) -> None:
    h = make()
    h.put("payment", "pay1", **PAYMENT)
    ghost = [{"invoice_id": "ghost", "amount": "10.00"}]
    h.put("payment", "pay2", **{**PAYMENT, "reference": "CHK-78", "applications": ghost})
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 1
    assert "invoice 'ghost'" in _messages(h, "payment", "pay2")
    assert h.link("payment", "pay2") is None
    [landed] = h.qb.find("ReceivePayment")
    assert landed["RefNumber"] == "CHK-77"
    assert len(h.qb.find("Invoice")) == 2


def test_payments_stay_home_when_payment_export_is_off(make: Make) -> None:
    h = make(payment_export=False)
    h.put("payment", "pay1", **PAYMENT)
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    assert ("payment", "pay1", "the company setting payment_export is off") in plan.skipped
    assert h.session().outcome == "completed"
    assert h.qb.find("ReceivePayment") == []
    assert len(h.qb.find("Invoice")) == 2


# -- bills -----------------------------------------------------------------------------------


def _bill(h: Harness, record_id: str = "b1", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "vendor_id": "v1",
        "project_id": "p1",
        "number": "B-9",
        "date": "2026-03-02",
        "due_date": "2026-04-01",
        "memo": "Framing lumber",
        "status": "paid",
        "lines": [
            {
                "account_id": account_id(h, "Job Materials"),
                "amount": "120.00",
                "description": "2x4 studs",
            },
            {"item_id": "labor", "amount": "30.00", "description": "Delivery labor"},
        ],
        **changes,
    }
    h.put("bill", record_id, **data)
    return data


def _vendor(h: Harness, record_id: str = "v1", name: str = "Acme Lumber") -> None:
    h.put("vendor", record_id, name=name, vendor_type="supplier", updated_at="2026-03-01T00:00:00Z")


def test_a_bill_lands_with_its_vendor_and_charges_the_job(make: Make) -> None:
    h = make()
    _vendor(h)
    _bill(h)
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    assert {("vendor", "export"), ("bill", "export")} <= {(r.entity, r.action) for r in plan.queued}
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 0
    [vendor] = h.qb.find("Vendor")
    [landed] = h.qb.find("Bill")
    assert landed["VendorRef"] == {"ListID": vendor["ListID"], "FullName": "Acme Lumber"}
    assert (landed["RefNumber"], landed["TxnDate"]) == ("B-9", "2026-03-02")
    assert (landed["DueDate"], landed["Memo"]) == ("2026-04-01", "Framing lumber")
    [expense] = landed["ExpenseLineRet"]
    assert expense["AccountRef"]["FullName"] == "Job Materials"
    assert (expense["Amount"], expense["Memo"]) == ("120.00", "2x4 studs")
    assert expense["CustomerRef"]["FullName"] == JOB
    [item] = landed["ItemLineRet"]
    assert item["ItemRef"]["FullName"] == "Labor"
    assert (item["Amount"], item["Desc"]) == ("30.00", "Delivery labor")
    assert item["CustomerRef"]["FullName"] == JOB
    assert landed["AmountDue"] == "150.00"
    link = h.link("bill", "b1")
    assert (link.qb_id, link.edit_sequence) == (landed["TxnID"], landed["EditSequence"])
    assert link.content_hash is not None
    assert h.link("vendor", "v1").qb_id == vendor["ListID"]
    again = h.ops.syncs.sync_job(h.company_id, "p1")
    assert again.queued == [] and ("bill", "b1") in again.unchanged
    assert h.session().outcome == "none"


def test_a_changed_bill_goes_out_as_a_mod(make: Make) -> None:
    h = make()
    _vendor(h)
    data = _bill(h)
    h.ops.syncs.sync_job(h.company_id, "p1")
    h.session()
    before = h.link("bill", "b1")
    h.put("bill", "b1", **{**data, "memo": "Lumber, corrected", "lines": data["lines"][:1]})
    plan = h.ops.syncs.sync_record(h.company_id, "bill", "b1")
    assert [(r.entity, r.action) for r in plan.queued] == [("bill", "export")]
    run = h.session()
    assert run.outcome == "completed", run
    [mod] = [x for x in run.requests if "BillModRq" in x]
    assert f"<TxnID>{before.qb_id}</TxnID><EditSequence>{before.edit_sequence}<" in mod
    [landed] = h.qb.find("Bill")
    assert landed["Memo"] == "Lumber, corrected"
    assert len(landed["ExpenseLineRet"]) == 1 and "ItemLineRet" not in landed
    assert landed["AmountDue"] == "120.00"
    after = h.link("bill", "b1")
    assert after.qb_id == before.qb_id and after.edit_sequence == landed["EditSequence"]


@pytest.mark.parametrize(
    ("setting", "landed"),
    [("paid", {"PAID-1"}), ("paid_and_approved", {"PAID-1", "APPR-1"})],
)
def test_expense_export_status_decides_which_bills_go(
    make: Make, setting: str, landed: set[str]
) -> None:
    h = make(expense_export_status=setting)
    _vendor(h)
    for rid, status in (("bp", "paid"), ("ba", "approved"), ("bn", "pending")):
        _bill(h, rid, status=status, number=f"{status[:4].upper()}-1")
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    skipped = {rid: why for kind, rid, why in plan.skipped if kind == "bill"}
    assert set(skipped) == {"ba", "bn"} - ({"ba"} if setting == "paid_and_approved" else set())
    for why in skipped.values():
        assert "expense_export_status" in why and repr(setting) in why
    assert "'pending'" in skipped["bn"]
    run = h.session()
    assert run.outcome == "completed", run
    assert {b["RefNumber"] for b in h.qb.find("Bill")} == landed
    assert h.link("bill", "bn") is None


def test_a_bill_typed_in_quickbooks_is_linked_not_added(make: Make) -> None:
    h = make()
    line = {"AccountRef": {"FullName": "Job Materials"}, "Amount": "150.00"}
    h.qb.seed(
        {
            "Vendor": [{"Name": "Acme Lumber"}, {"Name": "Other Supply"}],
            "Bill": [
                {
                    "VendorRef": {"FullName": "Other Supply"},
                    "RefNumber": "B-9",
                    "TxnDate": "2026-03-02",
                    "ExpenseLineAdd": [line],
                },
                {
                    "VendorRef": {"FullName": "Acme Lumber"},
                    "RefNumber": "b-9",
                    "TxnDate": "2026-03-02",
                    "ExpenseLineAdd": [line],
                },
            ],
        }
    )
    [typed] = h.qb.find("Bill", RefNumber="b-9")
    _vendor(h)
    _bill(h)
    _bill(h, "b2", number=None, memo="No number: always added")
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 0
    assert len(h.qb.find("Vendor", Name="Acme Lumber")) == 1
    assert h.link("bill", "b1").qb_id == typed["TxnID"]
    assert "matched" in _events(h, "bill", "b1")
    bills = h.qb.find("Bill")
    assert len(bills) == 3
    assert len([b for b in bills if b["VendorRef"]["FullName"] == "Acme Lumber"]) == 2
    assert "added" in _events(h, "bill", "b2")


def test_a_bill_naming_a_missing_vendor_or_account_fails_naming_it(make: Make) -> None:
    h = make()
    _vendor(h)
    _bill(h)
    _bill(h, "b2", vendor_id="ghost", number="B-10")
    lines = [{"account_id": "qb-NOPE", "amount": "5.00"}]
    _bill(h, "b3", number="B-11", lines=lines)
    h.ops.syncs.sync_job(h.company_id, "p1")
    run = h.session()
    assert run.outcome == "completed", run
    assert h.states()["failed"] == 2
    assert "vendor 'ghost'" in _messages(h, "bill", "b2")
    assert "account 'qb-NOPE'" in _messages(h, "bill", "b3")
    assert [b["RefNumber"] for b in h.qb.find("Bill")] == ["B-9"]
    assert h.link("bill", "b1") is not None


def test_bills_and_vendors_stay_home_when_bill_export_is_off(make: Make) -> None:
    h = make(bill_export=False)
    _vendor(h)
    _bill(h)
    plan = h.ops.syncs.sync_job(h.company_id, "p1")
    assert ("bill", "b1", "the company setting bill_export is off") in plan.skipped
    assert h.session().outcome == "completed"
    assert h.qb.find("Bill") == [] and h.qb.find("Vendor") == []
