"""The queue on real SQLite and PostgreSQL: claims, dependencies, conditional state changes."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from request_queue.errors import Conflict, StateConflict
from request_queue.store import Store
from tests.conftest import Clock


def _company(store: Store, username: str = "acme") -> int:
    with store.transaction() as tx:
        return tx.companies.create(
            name="Acme",
            qbwc_username=username,
            password_hash="x",
            owner_id="{o}",
            file_id="{f}",
            settings={},
        ).id


def _session(store: Store, company_id: int, ticket: str = "t") -> int:
    with store.transaction() as tx:
        return tx.sessions.create(
            company_id=company_id, ticket_hash=ticket, state="open", idle_seconds=600
        ).id


def test_claim_hands_out_each_ready_request_once_in_order(database_url: str) -> None:
    store = Store(database_url)
    cid = _company(store)
    sid = _session(store, cid)
    with store.transaction() as tx:
        ids = [tx.queue.enqueue(cid, entity="account", action="import").id for _ in range(5)]
    with store.transaction() as tx:
        first = tx.queue.claim(cid, sid, 3)
    with store.transaction() as tx:
        second = tx.queue.claim(cid, sid, 3)
        third = tx.queue.claim(cid, sid, 3)
    assert [r.id for r in first] == ids[:3]
    assert [r.id for r in second] == ids[3:]
    assert third == []
    assert {r.state for r in first + second} == {"sent"}
    assert first[0].qb_request_id == f"{ids[0]}-1"
    store.dispose()


def test_a_request_waits_for_its_dependencies(database_url: str) -> None:
    store = Store(database_url)
    cid = _company(store)
    sid = _session(store, cid)
    with store.transaction() as tx:
        parent = tx.queue.enqueue(cid, entity="customer", action="add", record_id="c1")
        child = tx.queue.enqueue(cid, entity="job", action="add", depends_on=[parent.id])
    with store.transaction() as tx:
        assert [r.id for r in tx.queue.claim(cid, sid, 10)] == [parent.id]
        assert tx.queue.claim(cid, sid, 10) == []
        tx.queue.move(parent.id, "sent", "done")
    with store.transaction() as tx:
        assert [r.id for r in tx.queue.claim(cid, sid, 10)] == [child.id]
    store.dispose()


def test_failure_fails_the_requests_that_wait_for_it(database_url: str) -> None:
    store = Store(database_url)
    cid = _company(store)
    with store.transaction() as tx:
        a = tx.queue.enqueue(cid, entity="customer", action="add")
        b = tx.queue.enqueue(cid, entity="job", action="add", depends_on=[a.id])
        c = tx.queue.enqueue(cid, entity="invoice", action="add", depends_on=[b.id])
        other = tx.queue.enqueue(cid, entity="class", action="add")
    with store.transaction() as tx:
        tx.queue.move(a.id, "queued", "failed", error="bad name")
        assert sorted(tx.queue.fail_dependents(a.id, "customer failed")) == [b.id, c.id]
    with store.transaction() as tx:
        assert tx.queue.get(c.id).state == "failed"
        assert tx.queue.get(c.id).error == "customer failed"
        assert tx.queue.get(other.id).state == "queued"
    store.dispose()


def test_state_changes_are_conditional(database_url: str) -> None:
    store = Store(database_url)
    cid = _company(store)
    with store.transaction() as tx:
        rid = tx.queue.enqueue(cid, entity="account", action="import").id
    with pytest.raises(StateConflict), store.transaction() as tx:
        tx.queue.move(rid, "sent", "done")
    with store.transaction() as tx:
        assert tx.queue.get(rid).state == "queued"
    store.dispose()


def test_not_before_delays_a_retry(database_url: str, clock: Clock) -> None:
    store = Store(database_url, clock=clock)
    cid = _company(store)
    sid = _session(store, cid)
    with store.transaction() as tx:
        rid = tx.queue.enqueue(cid, entity="account", action="import").id
        tx.queue.claim(cid, sid, 1)
        tx.queue.retry_later(rid, "sent", 30)
    with store.transaction() as tx:
        assert tx.queue.claim(cid, sid, 1) == []
        counts = tx.queue.counts(cid, horizon_seconds=60)
        assert (counts.ready, counts.due_soon) == (0, 1)
    clock.advance(31)
    with store.transaction() as tx:
        assert [r.id for r in tx.queue.claim(cid, sid, 1)] == [rid]
    store.dispose()


def test_solo_requests_go_out_alone(database_url: str) -> None:
    store = Store(database_url)
    cid = _company(store)
    sid = _session(store, cid)
    with store.transaction() as tx:
        a = tx.queue.enqueue(cid, entity="account", action="import")
        b = tx.queue.enqueue(cid, entity="account", action="import")
        tx.queue.claim(cid, sid, 5)
        tx.queue.move(a.id, "sent", "queued", solo=True)
        tx.queue.move(b.id, "sent", "queued", solo=True)
    with store.transaction() as tx:
        assert [r.id for r in tx.queue.claim(cid, sid, 5)] == [a.id]
    store.dispose()


def test_user_names_are_unique(database_url: str) -> None:
    store = Store(database_url)
    _company(store, "same")
    with pytest.raises(Conflict):
        _company(store, "same")
    store.dispose()


def test_many_workers_claim_every_request_exactly_once(database_url: str) -> None:
    """Eight workers, each with its own engine, race for 400 requests of one company."""
    setup = Store(database_url)
    cid = _company(setup)
    sid = _session(setup, cid)
    with setup.transaction() as tx:
        for _ in range(400):
            tx.queue.enqueue(cid, entity="account", action="import")
    setup.dispose()
    claimed: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        store = Store(database_url)
        try:
            while True:
                with store.transaction() as tx:
                    batch = tx.queue.claim(cid, sid, 7)
                if not batch:
                    return
                with lock:
                    claimed.extend(r.id for r in batch)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    twice = [rid for rid, n in Counter(claimed).items() if n > 1]
    assert twice == []
    assert len(claimed) == 400
