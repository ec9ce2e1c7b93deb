"""Invoices and credit memos: a Sync Job adds them on the project's job, links what a bookkeeper
typed (same RefNumber, same customer), sends changes as Mods, and follows the settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness

JOB = "Lovelace, Ada:1001 - 12 Main St"
BOOKS: dict[str, Any] = {"Account": [{"Name": "Construction Income", "AccountType": "Income"}]}
LINES = [
    {
        "item_id": "i1",
        "description": "Framing",
        "quantity": "8",
        "rate": "85.00",
        "amount": "680.00",
    },
    {"item_id": "i1", "description": "Trim", "amount": "120.00"},
]


@contextmanager
def company(settings: Settings, clock: Clock, **values: Any) -> Iterator[Harness]:
    h = Harness(settings, clock, **values)
    try:
        yield h
    finally:
        h.close()


def _setup(h: Harness, seed: dict[str, Any] | None = None) -> None:
    """Accounts imported, then a customer, its project and one item in the app."""
    h.qb.seed({**BOOKS, **(seed or {})})
    h.ops.syncs.queue_import(h.company_id, "accounts")
    assert h.session().outcome == "completed"
    account = h.qb.find("Account", Name="Construction Income")[0]["ListID"]
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.put("item", "i1", name="Labor", rate="85.00", income_account_id=f"qb-{account}")


def _invoice(h: Harness, record_id: str = "inv1", **changes: Any) -> None:
    data: dict[str, Any] = {
        "number": "1001",
        "project_id": "p1",
        "date": "2026-03-02",
        "due_date": "2026-04-01",
        "memo": "Kitchen, progress billing 1",
        "po_number": "PO-77",
        "lines": LINES,
    }
    h.put("invoice", record_id, **{**data, **changes})


def _credit_memo(h: Harness, record_id: str = "cm1", **changes: Any) -> None:
    data = {"number": "CM-1", "project_id": "p1", "date": "2026-03-05", "memo": "Returned"}
    lines = [{"item_id": "i1", "description": "Unused labor", "amount": "85.00"}]
    h.put("credit_memo", record_id, **{**data, "lines": lines, **changes})


def _events(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.event for e in h.log(kind, record_id)]


def _seeded_job(customer: str = "Lovelace, Ada", job: str = "1001 - 12 Main St") -> list[Any]:
    return [{"Name": customer}, {"Name": job, "ParentRef": {"FullName": customer}}]


def test_a_sync_job_adds_the_invoice_on_the_job(harness: Harness) -> None:
    _setup(harness)
    _invoice(harness)
    plan = harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert {("invoice", "lookup"), ("invoice", "export")} <= {
        (r.entity, r.action) for r in plan.queued
    }
    run = harness.session()
    assert run.outcome == "completed", run
    assert harness.states()["failed"] == 0
    (inv,) = harness.qb.find("Invoice", RefNumber="1001")
    assert inv["CustomerRef"]["FullName"] == JOB
    assert (inv["TxnDate"], inv["DueDate"]) == ("2026-03-02", "2026-04-01")
    assert (inv["PONumber"], inv["Memo"]) == ("PO-77", "Kitchen, progress billing 1")
    lines = inv["InvoiceLineRet"]
    assert [(x["ItemRef"]["FullName"], x["Desc"], x["Amount"]) for x in lines] == [
        ("Labor", "Framing", "680.00"),
        ("Labor", "Trim", "120.00"),
    ]
    assert (lines[0]["Quantity"], lines[0]["Rate"]) == ("8", "85")
    assert inv["Subtotal"] == "800.00"
    assert inv["IsToBePrinted"] == "false"
    assert not any("IsToBePrinted" in x for x in run.requests)
    link = harness.link("invoice", "inv1")
    assert (link.qb_id, link.edit_sequence) == (inv["TxnID"], inv["EditSequence"])
    assert link.content_hash is not None
    assert "added" in _events(harness, "invoice", "inv1")
    # Unchanged: a second Sync Job queues nothing and sends nothing.
    again = harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert again.queued == [] and ("invoice", "inv1") in again.unchanged
    assert harness.session().outcome == "none"


def test_a_changed_invoice_is_sent_as_a_mod_with_exactly_the_apps_lines(
    harness: Harness,
) -> None:
    _setup(harness)
    _invoice(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    harness.session()
    before = harness.link("invoice", "inv1")
    old_lines = {x["TxnLineID"] for x in harness.qb.find("Invoice")[0]["InvoiceLineRet"]}
    lines = [
        {
            "item_id": "i1",
            "description": "Framing",
            "quantity": "10",
            "rate": "85.00",
            "amount": "850.00",
        }
    ]
    _invoice(harness, memo="Revised", lines=lines)
    plan = harness.ops.syncs.sync_record(harness.company_id, "invoice", "inv1")
    assert [(r.entity, r.action) for r in plan.queued] == [("invoice", "export")]
    run = harness.session()
    assert run.outcome == "completed" and len(run.requests) == 1
    sent = run.requests[0]
    assert "<InvoiceModRq" in sent and f"<EditSequence>{before.edit_sequence}<" in sent
    assert sent.count("<TxnLineID>-1</TxnLineID>") == 1
    (inv,) = harness.qb.find("Invoice")
    assert inv["TxnID"] == before.qb_id and inv["Memo"] == "Revised"
    assert [(x["Desc"], x["Amount"]) for x in inv["InvoiceLineRet"]] == [("Framing", "850.00")]
    assert not old_lines & {x["TxnLineID"] for x in inv["InvoiceLineRet"]}
    after = harness.link("invoice", "inv1")
    assert after.edit_sequence == inv["EditSequence"] != before.edit_sequence
    assert after.content_hash != before.content_hash
    assert "updated" in _events(harness, "invoice", "inv1")
    # A second Mod uses the new EditSequence (a stale one would be refused with 3200).
    _invoice(harness, memo="Revised again", lines=lines)
    harness.ops.syncs.sync_record(harness.company_id, "invoice", "inv1")
    assert harness.session().outcome == "completed"
    assert harness.qb.find("Invoice")[0]["Memo"] == "Revised again"
    assert harness.states()["failed"] == 0


def test_an_invoice_typed_in_quickbooks_is_linked_not_added(harness: Harness) -> None:
    typed = {
        "Customer": _seeded_job(),
        "ItemService": [
            {
                "Name": "Labor",
                "SalesOrPurchase": {
                    "Price": "85.00",
                    "AccountRef": {"FullName": "Construction Income"},
                },
            }
        ],
        "Invoice": [
            {
                "CustomerRef": {"FullName": JOB},
                "RefNumber": "1001",
                "TxnDate": "2026-03-02",
                "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "8"}],
            }
        ],
    }
    _setup(harness, typed)
    _invoice(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    run = harness.session()
    assert run.outcome == "completed", run
    assert harness.states()["failed"] == 0
    assert not any("AddRq" in x or "ModRq" in x for x in run.requests)
    assert len(harness.qb.find("Customer")) == 2
    assert len(harness.qb.find("ItemService")) == 1
    (inv,) = harness.qb.find("Invoice")
    assert harness.link("invoice", "inv1").qb_id == inv["TxnID"]
    for kind, record_id in (
        ("customer", "c1"),
        ("project", "p1"),
        ("item", "i1"),
        ("invoice", "inv1"),
    ):
        assert "matched" in _events(harness, kind, record_id), (kind, record_id)


def test_the_same_ref_number_for_another_customer_is_not_matched(harness: Harness) -> None:
    other = "Babbage, Charles:2001 - 1 Elm St"
    typed = {
        "Customer": _seeded_job("Babbage, Charles", "2001 - 1 Elm St"),
        "ItemService": [{"Name": "Other work"}],
        "Invoice": [
            {
                "CustomerRef": {"FullName": other},
                "RefNumber": "1001",
                "InvoiceLineAdd": [{"ItemRef": {"FullName": "Other work"}, "Amount": "5.00"}],
            }
        ],
    }
    _setup(harness, typed)
    _invoice(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert harness.session().outcome == "completed"
    found = harness.qb.find("Invoice", RefNumber="1001")
    assert sorted(x["CustomerRef"]["FullName"] for x in found) == sorted([other, JOB])
    mine = next(x for x in found if x["CustomerRef"]["FullName"] == JOB)
    assert harness.link("invoice", "inv1").qb_id == mine["TxnID"]
    events = _events(harness, "invoice", "inv1")
    assert "not_found" in events and "added" in events and "matched" not in events


def test_mark_invoices_to_print(settings: Settings, clock: Clock) -> None:
    with company(settings, clock, mark_invoices_to_print=True) as h:
        _setup(h)
        _invoice(h)
        h.ops.syncs.sync_job(h.company_id, "p1")
        run = h.session()
        assert any("<IsToBePrinted>true</IsToBePrinted>" in x for x in run.requests)
        assert h.qb.find("Invoice", RefNumber="1001")[0]["IsToBePrinted"] == "true"


def test_invoice_export_off_skips_invoices(settings: Settings, clock: Clock) -> None:
    with company(settings, clock, invoice_export=False) as h:
        _setup(h)
        _invoice(h)
        plan = h.ops.syncs.sync_job(h.company_id, "p1")
        assert ("invoice", "inv1", "the company setting invoice_export is off") in plan.skipped
        assert not any(r.entity == "invoice" for r in plan.queued)
        assert h.session().outcome == "completed"
        assert h.qb.find("Invoice") == [] and h.link("invoice", "inv1") is None
        assert len(h.qb.find("Customer")) == 2  # the customer and job still go


def test_a_missing_item_fails_only_its_invoice(harness: Harness) -> None:
    _setup(harness)
    _invoice(harness)
    ghost = [LINES[0], {"item_id": "ghost", "amount": "10.00"}]
    _invoice(harness, "inv2", number="1002", lines=ghost)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert harness.session().outcome == "completed"
    assert harness.states()["failed"] == 1
    failed = [e for e in harness.log("invoice", "inv2") if e.event == "failed"]
    assert failed and "item 'ghost'" in failed[0].message
    assert "line 2 of invoice 1002" in failed[0].message
    assert harness.link("invoice", "inv2") is None
    assert [x["RefNumber"] for x in harness.qb.find("Invoice")] == ["1001"]
    assert harness.link("invoice", "inv1") is not None
    assert len(harness.qb.find("Customer")) == 2 and harness.link("project", "p1") is not None


def test_an_invoice_for_a_missing_project_fails_naming_it(harness: Harness) -> None:
    _setup(harness)
    _invoice(harness, project_id="nope")
    harness.ops.syncs.sync_record(harness.company_id, "invoice", "inv1")
    assert harness.session().outcome == "completed"
    failed = [e for e in harness.log("invoice", "inv1") if e.event == "failed"]
    assert failed and "project 'nope'" in failed[0].message
    assert harness.qb.find("Invoice") == []


def test_credit_memos_are_skipped_unless_the_setting_is_on(harness: Harness) -> None:
    _setup(harness)
    _credit_memo(harness)
    plan = harness.ops.syncs.sync_job(harness.company_id, "p1")
    why = "the company setting credit_memo_export is off"
    assert ("credit_memo", "cm1", why) in plan.skipped
    assert not any(r.entity == "credit_memo" for r in plan.queued)
    assert harness.session().outcome == "completed"
    assert harness.qb.find("CreditMemo") == [] and harness.link("credit_memo", "cm1") is None


def test_a_credit_memo_is_added_then_modded(settings: Settings, clock: Clock) -> None:
    with company(settings, clock, credit_memo_export=True) as h:
        _setup(h)
        _credit_memo(h)
        plan = h.ops.syncs.sync_job(h.company_id, "p1")
        assert ("credit_memo", "export") in {(r.entity, r.action) for r in plan.queued}
        assert h.session().outcome == "completed"
        assert h.states()["failed"] == 0
        (memo,) = h.qb.find("CreditMemo")
        assert memo["CustomerRef"]["FullName"] == JOB
        assert (memo["RefNumber"], memo["TxnDate"], memo["Memo"]) == (
            "CM-1",
            "2026-03-05",
            "Returned",
        )
        assert [(x["Desc"], x["Amount"]) for x in memo["CreditMemoLineRet"]] == [
            ("Unused labor", "85.00")
        ]
        link = h.link("credit_memo", "cm1")
        assert (link.qb_id, link.edit_sequence) == (memo["TxnID"], memo["EditSequence"])
        assert link.content_hash is not None
        again = h.ops.syncs.sync_job(h.company_id, "p1")
        assert again.queued == [] and ("credit_memo", "cm1") in again.unchanged
        assert h.session().outcome == "none"
        _credit_memo(h, memo="Returned, restocked")
        h.ops.syncs.sync_record(h.company_id, "credit_memo", "cm1")
        run = h.session()
        assert "<CreditMemoModRq" in run.requests[0]
        assert f"<EditSequence>{link.edit_sequence}<" in run.requests[0]
        (memo,) = h.qb.find("CreditMemo")
        assert memo["TxnID"] == link.qb_id and memo["Memo"] == "Returned, restocked"
        assert len(memo["CreditMemoLineRet"]) == 1
        assert h.link("credit_memo", "cm1").edit_sequence == memo["EditSequence"]


def test_a_credit_memo_typed_in_quickbooks_is_linked_by_ref_number_and_customer(
    settings: Settings, clock: Clock
) -> None:
    other = "Babbage, Charles:2001 - 1 Elm St"
    typed = {
        "Customer": _seeded_job() + _seeded_job("Babbage, Charles", "2001 - 1 Elm St"),
        "ItemService": [{"Name": "Other work"}],
        "CreditMemo": [
            {
                "CustomerRef": {"FullName": customer},
                "RefNumber": number,
                "CreditMemoLineAdd": [{"ItemRef": {"FullName": "Other work"}, "Amount": "5.00"}],
            }
            for customer, number in ((JOB, "CM-1"), (other, "CM-2"))
        ],
    }
    with company(settings, clock, credit_memo_export=True) as h:
        _setup(h, typed)
        _credit_memo(h)
        _credit_memo(h, "cm2", number="CM-2")
        h.ops.syncs.sync_job(h.company_id, "p1")
        assert h.session().outcome == "completed"
        assert h.states()["failed"] == 0
        mine = h.qb.find("CreditMemo", RefNumber="CM-1")
        assert len(mine) == 1 and h.link("credit_memo", "cm1").qb_id == mine[0]["TxnID"]
        assert "matched" in _events(h, "credit_memo", "cm1")
        two = h.qb.find("CreditMemo", RefNumber="CM-2")
        assert sorted(x["CustomerRef"]["FullName"] for x in two) == sorted([other, JOB])
        assert "matched" not in _events(h, "credit_memo", "cm2")
