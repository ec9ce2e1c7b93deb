"""Automatic sync and completion (DESIGN.md section 3): what an upsert queues by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness

Make = Callable[..., Harness]
INVOICE: dict[str, Any] = {
    "number": "INV-1",
    "project_id": "p1",
    "date": "2026-03-02",
    "lines": [{"item_id": "labor", "quantity": "2", "rate": "85.00", "amount": "170.00"}],
}


def _bill(status: str, number: str) -> dict[str, Any]:
    return {
        "vendor_id": "v1",
        "project_id": "p1",
        "number": number,
        "date": "2026-03-01",
        "status": status,
        "lines": [{"item_id": "labor", "amount": "40.00"}],
    }


@pytest.fixture
def make(settings: Settings, clock: Clock) -> Iterator[Make]:
    """A harness with the given company settings and a customer, project, item and vendor."""
    made: list[Harness] = []

    def build(**company_settings: Any) -> Harness:
        h = Harness(settings, clock, **company_settings)
        made.append(h)
        h.qb.seed({"Account": [{"Name": "Construction Income", "AccountType": "Income"}]})
        h.ops.syncs.queue_import(h.company_id, "accounts")
        assert h.session().outcome == "completed"
        with h.store.transaction() as tx:
            (income,) = [r.record_id for r in tx.records.of_kind(h.company_id, "account")]
        h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
        h.put(
            "project",
            "p1",
            number="1001",
            customer_id="c1",
            address={"line1": "12 Main St"},
            contract_date="2026-02-01",
        )
        h.put("item", "labor", name="Labor", rate="85.00", income_account_id=income)
        h.put(
            "vendor",
            "v1",
            name="Acme Lumber",
            vendor_type="supplier",
            updated_at="2026-03-01T00:00:00Z",
        )
        return h

    yield build
    for h in made:
        h.close()


def _queued(h: Harness) -> list[Any]:
    """The requests queued by the test (the setup's account import left out)."""
    return [r for r in h.ops.queue.requests(h.company_id, limit=500) if r.action != "import"]


def _exports(h: Harness) -> list[tuple[str, str | None]]:
    """(entity, record id) of every export request, sorted."""
    return sorted((r.entity, r.record_id) for r in _queued(h) if r.action == "export")


def test_manual_upserts_queue_nothing(make: Make) -> None:
    h = make()
    h.put("invoice", "inv1", **INVOICE)
    h.put("bill", "b1", **_bill("paid", "B-1"))
    assert _queued(h) == []


def test_automatic_an_invoice_upsert_queues_its_sync_and_twice_queues_once(make: Make) -> None:
    h = make(sync_type="automatic")
    h.put("customer", "c2", first_name="Alan", last_name="Turing")  # not financial
    assert _queued(h) == []
    h.put("invoice", "inv1", **INVOICE)
    first = _exports(h)
    assert first == [
        ("customer", "c1"),
        ("invoice", "inv1"),
        ("item", "labor"),
        ("job", "p1"),
    ]
    count = len(_queued(h))
    h.put("invoice", "inv1", **{**INVOICE, "memo": "changed while queued"})
    h.ops.records.upsert_many(h.company_id, [{"kind": "invoice", "id": "inv1", "data": INVOICE}])
    assert len(_queued(h)) == count
    # What was queued lands, with the latest data.
    assert h.session().outcome == "completed"
    (invoice,) = h.qb.find("Invoice")
    assert invoice["RefNumber"] == "INV-1"
    assert h.link("invoice", "inv1") is not None
    # Synced and unchanged: another upsert of the same data queues nothing.
    h.put("invoice", "inv1", **INVOICE)
    assert [r for r in _queued(h) if r.state == "queued"] == []


def test_automatic_a_batch_queues_each_record_once(make: Make) -> None:
    h = make(sync_type="automatic")
    items = [
        {"kind": "invoice", "id": "inv1", "data": INVOICE},
        {"kind": "invoice", "id": "inv2", "data": {**INVOICE, "number": "INV-2"}},
        {"kind": "bill", "id": "b1", "data": _bill("paid", "B-1")},
        {"kind": "bill", "id": "b2", "data": _bill("pending", "B-2")},
    ]
    h.ops.records.upsert_many(h.company_id, items)
    exports = _exports(h)
    assert [e for e in exports if e[0] in ("invoice", "bill")] == [
        ("bill", "b1"),
        ("invoice", "inv1"),
        ("invoice", "inv2"),
    ]
    assert len(exports) == len(set(exports))  # customer, job, item, vendor: once each


def test_automatic_respects_the_export_settings_and_the_contract_date(make: Make) -> None:
    h = make(sync_type="automatic", invoice_export=False, sync_contracts_after="2026-03-01")
    h.put("invoice", "inv1", **INVOICE)
    h.put("bill", "b1", **_bill("paid", "B-1"))
    assert _queued(h) == []
    said = [e.message for e in h.log("project", "p1") if e.event == "not_queued"]
    assert len(said) == 2  # once per upsert
    assert all("sync_contracts_after (2026-03-01)" in m for m in said)


def test_completion_queues_the_exportable_bills_only(make: Make) -> None:
    h = make(auto_export_expenses_on_completion=True)
    h.put("bill", "b1", **_bill("paid", "B-1"))
    h.put("bill", "b2", **_bill("pending", "B-2"))
    h.put("bill", "b3", **_bill("approved", "B-3"))
    project = {"number": "1001", "customer_id": "c1", "address": {"line1": "12 Main St"}}
    h.put("project", "p1", **project, work_completed=False)
    assert _queued(h) == []
    h.put("project", "p1", **project, work_completed=True)
    exports = _exports(h)
    assert [e for e in exports if e[0] == "bill"] == [("bill", "b1")]
    assert ("vendor", "v1") in exports and ("job", "p1") in exports
    count = len(_queued(h))
    h.put("project", "p1", **project, work_completed=True)  # already completed: nothing new
    assert len(_queued(h)) == count
    assert h.session().outcome == "completed"
    (bill,) = h.qb.find("Bill")
    assert bill["RefNumber"] == "B-1"


def test_completion_with_paid_and_approved_exports_approved_bills_too(make: Make) -> None:
    h = make(auto_export_expenses_on_completion=True, expense_export_status="paid_and_approved")
    h.put("bill", "b1", **_bill("paid", "B-1"))
    h.put("bill", "b2", **_bill("pending", "B-2"))
    h.put("bill", "b3", **_bill("approved", "B-3"))
    h.put("project", "p1", number="1001", customer_id="c1", work_completed=True)
    assert [e for e in _exports(h) if e[0] == "bill"] == [("bill", "b1"), ("bill", "b3")]


def test_completion_queues_nothing_when_the_setting_is_off(make: Make) -> None:
    h = make()
    h.put("bill", "b1", **_bill("paid", "B-1"))
    h.put("project", "p1", number="1001", customer_id="c1", work_completed=True)
    assert _queued(h) == []
