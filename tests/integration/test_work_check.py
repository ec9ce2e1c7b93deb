""" "Is there work?" at sign-in: the claim's own rule, in one statement that indexes serve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from request_queue.polls import SignInReads
from request_queue.store import Store, Tx
from tests.conftest import Clock


class _Rollback(Exception):
    """Leaves a transaction without committing it."""


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[Store]:
    s = Store(database_url, clock=clock)
    yield s
    s.dispose()


def _company(tx: Tx) -> int:
    return tx.companies.create(
        name="R", qbwc_username="r", password_hash="x", owner_id="o", file_id="f", settings={}
    ).id


def _claimable(store: Store, company_id: int) -> bool:
    """Would a claim hand anything out (or is an answer waiting to be recovered)?"""
    try:
        with store.transaction() as tx:
            session = tx.sessions.create(
                company_id=company_id, ticket_hash="h" * 64, state="open", idle_seconds=60
            )
            found = bool(tx.queue.claim(company_id, session.id, 10))
            found = found or bool(tx.queue.in_state(company_id, "uncertain"))
            raise _Rollback(found)
    except _Rollback as answer:
        return bool(answer.args[0])


def _checks(store: Store, company_id: int) -> tuple[bool, bool]:
    with store.transaction() as tx:
        queue = tx.queue.has_work(company_id)
    facts = SignInReads(store.db.engine).facts("r", "", store.clock())
    assert facts is not None
    return queue, facts.has_work


def test_has_work_is_the_claims_rule_in_every_state(store: Store, clock: Clock) -> None:
    with store.transaction() as tx:
        cid = _company(tx)

    def agree(expected: bool) -> None:
        assert _checks(store, cid) == (expected, expected)
        assert _claimable(store, cid) is expected

    agree(False)  # nothing queued
    with store.transaction() as tx:
        parent = tx.queue.enqueue(cid, entity="account", action="import")
        child = tx.queue.enqueue(cid, entity="account", action="import", depends_on=[parent.id])
        tx.queue.retry_later(parent.id, "queued", 30)  # not due for 30 s
    agree(False)  # the parent is not due, the child waits for it
    clock.advance(31)
    agree(True)  # the parent is due
    with store.transaction() as tx:
        tx.queue.move(parent.id, "queued", "sent")
    agree(False)  # the child still waits: its parent is not done
    with store.transaction() as tx:
        tx.queue.move(parent.id, "sent", "done")
    agree(True)  # now the child is ready
    with store.transaction() as tx:
        tx.queue.move(child.id, "queued", "sent")
        tx.queue.move(child.id, "sent", "uncertain")
    agree(True)  # an answer was lost: the sign-in must recover it
    with store.transaction() as tx:
        tx.queue.move(child.id, "uncertain", "resolved")
    agree(False)


def test_the_sign_in_read_is_served_by_indexes(store: Store) -> None:
    with store.transaction() as tx:
        _company(tx)
    reads = SignInReads(store.db.engine)
    reads.facts("r", "", store.clock())  # compiled on first use
    compiled = reads._select
    assert compiled is not None
    params = {"username": "r", "address": "a", "now": store.clock()}
    sql, bound = compiled.sql, compiled.bound(params)
    raw = store.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if store.db.dialect == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, bound)
            plan = [str(row[-1]) for row in cursor.fetchall()]
            tables = [line for line in plan if line.startswith(("SEARCH", "SCAN"))]
            assert tables and all(line.startswith("SEARCH") for line in tables), plan
            assert all(" USING " in line for line in tables), plan
        else:
            cursor.execute("SET enable_seqscan = off")  # a seq scan then means "no index"
            cursor.execute("EXPLAIN " + sql, bound)
            plan = [str(row[0]) for row in cursor.fetchall()]
            assert not [line for line in plan if "Seq Scan" in line], plan
            assert len([line for line in plan if "Index" in line]) >= 4, plan
        cursor.close()
    finally:
        raw.rollback()
        raw.close()
