"""Lost answers: QuickBooks applied a set but its answer never reached us. Nothing is added
twice: the next session asks QuickBooks (oldMessageSetID), or looks the objects up."""

from __future__ import annotations

from tests.support.inprocess import Harness


def _project(h: Harness) -> None:
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.ops.syncs.sync_job(h.company_id, "p1")


def _forget_sets(h: Harness) -> None:
    """QuickBooks no longer knows the lost set (it keeps them only so long)."""
    h.qb.process(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML>'
        '<QBXMLMsgsRq onError="continueOnError" oldMessageSetID="ClearAllMessageSets"/></QBXML>'
    )


def _kill_and_wait(h: Harness, lose: int) -> None:
    died = h.session(lose_answer_of=lose)
    assert died.outcome == "died"
    h.clock.advance(h.settings.busy_seconds + 1)  # the dead session is now taken as dead


def test_a_lost_add_answer_is_recovered_from_quickbooks(harness: Harness) -> None:
    _project(harness)
    # Set 1 is the lookups, set 2 the customer's Add: lose that answer.
    _kill_and_wait(harness, 2)
    assert len(harness.qb.find("Customer")) == 1
    with harness.store.transaction() as tx:
        in_flight = tx.queue.in_state(harness.company_id, "sent")
    assert [r.entity for r in in_flight] == ["customer"]
    run = harness.session()
    assert run.outcome == "completed", run
    assert 'oldMessageSetID="' in run.requests[0]
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    assert harness.link("customer", "c1").qb_id == harness.qb.find("Customer")[0]["ListID"]
    assert len(harness.qb.find("Customer")) == 2  # and the job landed after it
    assert harness.states()["uncertain"] == 0 and harness.states()["failed"] == 0


def test_when_quickbooks_forgot_the_set_the_object_is_looked_up(harness: Harness) -> None:
    _project(harness)
    _kill_and_wait(harness, 2)
    _forget_sets(harness)
    run = harness.session()
    assert run.outcome == "completed", run
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    events = [e.event for e in harness.log("customer", "c1")]
    assert "recovered" in events
    assert harness.states()["failed"] == 0


def test_a_lost_set_that_never_ran_is_added_once(harness: Harness) -> None:
    _project(harness)
    before = harness.qb.company.snapshot()
    _kill_and_wait(harness, 2)
    harness.qb.company.restore(before)  # as if the set never reached QuickBooks
    _forget_sets(harness)
    run = harness.session()
    assert run.outcome == "completed", run
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    assert "not_landed" in [e.event for e in harness.log("customer", "c1")]
