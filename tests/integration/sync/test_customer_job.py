"""Customers and jobs: a Sync Job adds them, links them, and never adds them twice."""

from __future__ import annotations

from tests.support.inprocess import Harness


def _project(h: Harness) -> None:
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace", email="ada@example.com")
    h.put(
        "project",
        "p1",
        number="1001",
        customer_id="c1",
        address={"line1": "12 Main St", "city": "Springfield"},
    )


def test_a_sync_job_adds_the_customer_and_the_job(harness: Harness) -> None:
    _project(harness)
    plan = harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert {(r.entity, r.action) for r in plan.queued} == {
        ("customer", "lookup"),
        ("job", "lookup"),
        ("customer", "export"),
        ("job", "export"),
    }
    run = harness.session()
    assert run.outcome == "completed", run
    customers = harness.qb.find("Customer")
    names = sorted(c["FullName"] for c in customers)
    assert names == ["Lovelace, Ada", "Lovelace, Ada:1001 - 12 Main St"]
    job = next(c for c in customers if c["FullName"].endswith("Main St"))
    assert harness.link("project", "p1").qb_id == job["ListID"]
    assert harness.link("customer", "c1").content_hash is not None
    assert harness.states()["failed"] == 0
    # Unchanged: a second Sync Job queues nothing and sends nothing.
    again = harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert again.queued == [] and len(again.unchanged) == 2
    assert harness.session().outcome == "none"


def test_pressing_sync_job_twice_queues_nothing_new(harness: Harness) -> None:
    _project(harness)
    first = harness.ops.syncs.sync_job(harness.company_id, "p1")
    second = harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert second.queued == []
    assert sorted(second.reused) == sorted(r.id for r in first.queued if r.action == "export")


def test_a_changed_customer_is_sent_as_a_mod(harness: Harness) -> None:
    _project(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    harness.session()
    before = harness.link("customer", "c1")
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace", phone="555-0100")
    plan = harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    assert [(r.entity, r.action) for r in plan.queued] == [("customer", "export")]
    run = harness.session()
    assert "CustomerModRq" in run.requests[0]
    after = harness.link("customer", "c1")
    assert after.qb_id == before.qb_id and after.edit_sequence != before.edit_sequence
    assert harness.qb.find("Customer", FullName="Lovelace, Ada")[0]["Phone"] == "555-0100"


def test_a_customer_typed_in_quickbooks_is_linked_not_added(harness: Harness) -> None:
    harness.qb.seed({"Customer": [{"Name": "Lovelace, Ada"}]})
    _project(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    run = harness.session()
    assert run.outcome == "completed"
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    assert not any("CustomerAddRq><CustomerAdd><Name>Lovelace, Ada<" in x for x in run.requests)
    events = [e.event for e in harness.log("customer", "c1")]
    assert "matched" in events
