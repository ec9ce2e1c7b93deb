"""The queue at scale, on SQLite and PostgreSQL: the claim's plan, its statements, kept counts.

The speed targets live in bench/queue_scale.py; these tests pin the behaviour behind them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, func, insert, select, text

from request_queue.migrate import alembic_config, upgrade
from request_queue.models import Company, QbwcSession, QueuedRequest
from request_queue.store import Store

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
BIG = 1  # the company with a long queue, loaded last (so at the end of the id range)
SMALL = 200  # other companies, each with some history and a few queued requests
_NAMES = itertools.count()
STATE_COUNTS = ("queued", "sent", "done", "failed", "uncertain", "resolved", "cancelled")


def _request(company_id: int, state: str, not_before: datetime = NOW) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "entity": "account",
        "action": "import",
        "params": {},
        "state": state,
        "attempts": 0,
        "not_before": not_before,
        "solo": False,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _load(engine: Engine) -> int:
    """200 small companies (40 finished, 10 queued each), then BIG with 2,000 queued (ids at
    the end of the range), and statistics; returns an open session of BIG."""
    companies = [
        {
            "id": n,
            "name": f"Company {n}",
            "qbwc_username": f"user{n}",
            "password_hash": "x",
            "owner_id": "{o}",
            "file_id": "{f}",
            "settings": {},
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in range(1, SMALL + 2)
    ]
    history = [
        _request(n, "done" if k < 40 else "queued") for k in range(50) for n in range(2, SMALL + 2)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Company.__table__), companies)
        conn.execute(insert(QueuedRequest.__table__), history)
        later = NOW + timedelta(hours=1)
        conn.execute(
            insert(QueuedRequest.__table__),
            [_request(BIG, "queued", NOW if k < 1900 else later) for k in range(2000)],
        )
        session_id = conn.execute(
            insert(QbwcSession.__table__).returning(QbwcSession.__table__.c.id),
            {
                "company_id": BIG,
                "ticket_hash": "t",
                "state": "open",
                "created_at": NOW,
                "last_seen_at": NOW,
                "expires_at": NOW + timedelta(hours=1),
            },
        ).scalar_one()
        conn.execute(text("ANALYZE"))
    return int(session_id)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine sends while the block runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _verb(statement: str) -> str:
    return statement.split(None, 1)[0].upper()


def _plan(engine: Engine, statement: str, params: Any) -> list[str]:
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    return [str(r[3] if sqlite else r[0]) for r in rows]


def _assert_index_serves_filter_and_order(engine: Engine, plan: list[str]) -> None:
    shown = "\n".join(plan)
    if engine.dialect.name == "sqlite":
        assert any("requests USING INDEX ix_requests_queued" in line for line in plan), shown
        assert not any("TEMP B-TREE" in line for line in plan), shown
    else:
        assert any(
            "Index Scan using ix_requests_queued on requests" in line
            or "Index Only Scan using ix_requests_queued on requests" in line
            for line in plan
        ), shown
        assert not any(
            line.strip().lstrip("-> ").startswith(("Sort", "Incremental Sort")) for line in plan
        ), shown
        assert "Seq Scan on requests" not in shown, shown


def test_the_claim_reads_the_claim_index_for_its_filter_and_its_order(database_url: str) -> None:
    store = Store(database_url, clock=lambda: NOW)
    engine = store.db.engine
    session_id = _load(engine)
    with _statements(engine) as seen, store.transaction() as tx:
        claimed = tx.queue.claim(BIG, session_id, 50)
        assert tx.queue.ready_within(BIG, 0)
    assert len(claimed) == 50
    assert [r.id for r in claimed] == sorted(r.id for r in claimed)
    selects = [(s, p) for s, p in seen if _verb(s) == "SELECT"]
    claim_select, idle_select = selects[0], selects[-1]
    assert "FROM requests" in claim_select[0]
    _assert_index_serves_filter_and_order(engine, _plan(engine, *claim_select))
    _assert_index_serves_filter_and_order(engine, _plan(engine, *idle_select))
    store.dispose()


def test_a_claim_is_one_select_and_one_update(database_url: str) -> None:
    store = Store(database_url, clock=lambda: NOW)
    engine = store.db.engine
    session_id = _load(engine)
    with store.transaction() as tx:
        first = tx.queue.claim(BIG, session_id, 3)
        tx.queue.move(first[0].id, "sent", "queued")  # answered "try again": attempt 2 next
    with _statements(engine) as seen, store.transaction() as tx:
        again = tx.queue.claim(BIG, session_id, 3)
        during = [_verb(s) for s, _ in seen if _verb(s) not in ("BEGIN", "BEGIN IMMEDIATE")]
    assert during == ["SELECT", "UPDATE"]
    assert again[0].id == first[0].id  # due first, then in id order
    assert first[2].id < again[1].id < again[2].id
    assert again[0].qb_request_id == f"{first[0].id}-2"
    assert again[1].qb_request_id == f"{again[1].id}-1"
    assert {(r.state, r.session_id, r.attempts > 0) for r in again} == {("sent", session_id, True)}
    with _statements(engine) as seen, store.transaction() as tx:
        assert tx.queue.claim(SMALL + 1, session_id, 3) != []
        assert tx.queue.claim(SMALL + 1, session_id, 30) != []
        assert tx.queue.claim(SMALL + 1, session_id, 30) == []  # 10 queued: all claimed
    verbs = [_verb(s) for s, _ in seen if _verb(s) in ("SELECT", "UPDATE")]
    assert verbs == ["SELECT", "UPDATE", "SELECT", "UPDATE", "SELECT"]
    store.dispose()


def _recount(store: Store) -> dict[int, dict[str, int]]:
    with store.db.engine.connect() as conn:
        rows = conn.execute(
            select(QueuedRequest.company_id, QueuedRequest.state, func.count()).group_by(
                QueuedRequest.company_id, QueuedRequest.state
            )
        ).all()
    counted: dict[int, dict[str, int]] = {}
    for company_id, state, n in rows:
        counted.setdefault(company_id, dict.fromkeys(STATE_COUNTS, 0))[state] = n
    return counted


class _Rollback(Exception):
    """Raised inside a transaction so that it rolls back."""


def _run(store: Store, companies: list[int], sid: int, op: tuple[Any, ...]) -> None:
    """One step of the random sequence, each in its own transaction."""
    kind, c, n = op[0], companies[op[1]], op[2]
    if kind == "enqueue":
        with store.transaction() as tx:
            last = tx.queue.recent(c, limit=1)
            after = [last[0].id] if last and op[3] else []
            for _ in range(n):
                tx.queue.enqueue(c, entity="account", action="import", depends_on=after)
    elif kind == "claim":
        with store.transaction() as tx:
            tx.queue.claim(c, sid, n)
    elif kind == "answer":  # one sent request answered: done, failed, again, or lost
        with store.transaction() as tx:
            sent = tx.queue.in_state(c, "sent")
            if sent:
                req = sent[n % len(sent)]
                new = op[3]
                tx.queue.move(req.id, "sent", new)
                if new == "failed":
                    tx.queue.fail_dependents(req.id, "its parent failed")
    elif kind == "answer_all":  # the ids come from an earlier transaction (looked up)
        with store.transaction() as tx:
            ids = [r.id for r in tx.queue.in_state(c, "sent")]
        with store.transaction() as tx:
            tx.queue.move_many([(rid, "sent", op[3], {}) for rid in ids])
    elif kind == "unclaim":
        with store.transaction() as tx:
            tx.queue.unclaim([r.id for r in tx.queue.in_state(c, "sent")][:n])
    elif kind == "cancel":
        with store.transaction() as tx:
            queued = tx.queue.in_state(c, "queued")
            if queued:
                req = queued[n % len(queued)]
                tx.queue.move(req.id, "queued", "cancelled")
                tx.queue.fail_dependents(req.id, "cancelled")
    elif kind == "recover":
        with store.transaction() as tx:
            tx.queue.claim_uncertain(c, sid)
    else:  # rolled back: nothing it did may count
        with pytest.raises(_Rollback), store.transaction() as tx:
            tx.queue.enqueue(c, entity="account", action="import")
            tx.queue.claim(c, sid, n)
            raise _Rollback


_COMPANY = st.integers(0, 1)
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("enqueue"), _COMPANY, st.integers(1, 4), st.booleans()),
        st.tuples(st.just("claim"), _COMPANY, st.integers(1, 5)),
        st.tuples(
            st.just("answer"),
            _COMPANY,
            st.integers(0, 9),
            st.sampled_from(["done", "failed", "queued", "uncertain"]),
        ),
        st.tuples(st.just("answer_all"), _COMPANY, st.just(0), st.sampled_from(["done", "failed"])),
        st.tuples(st.just("unclaim"), _COMPANY, st.integers(1, 3)),
        st.tuples(st.just("cancel"), _COMPANY, st.integers(0, 9)),
        st.tuples(st.just("recover"), _COMPANY, st.just(0)),
        st.tuples(st.just("rollback"), _COMPANY, st.integers(1, 3)),
    ),
    max_size=20,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=_OPS)
def test_kept_counts_equal_a_recount_after_any_sequence(
    database_url: str, ops: list[tuple[Any, ...]]
) -> None:
    store = Store(database_url, clock=lambda: NOW)
    with store.transaction() as tx:
        base, other = (
            tx.companies.create(
                name=name,
                qbwc_username=f"{name}{next(_NAMES)}",
                password_hash="x",
                owner_id="{o}",
                file_id="{f}",
                settings={},
            ).id
            for name in ("a", "b")
        )
        sid = tx.sessions.create(
            company_id=base, ticket_hash=f"t{base}", state="open", idle_seconds=600
        ).id
    companies = [base, other]
    for op in ops:
        _run(store, companies, sid, op)
    counted = _recount(store)
    with store.transaction() as tx:
        for c in companies:
            assert tx.queue.kept_counts(c) == counted.get(c, dict.fromkeys(STATE_COUNTS, 0))
            assert tx.queue.counts(c).by_state == tx.queue.kept_counts(c)
    store.dispose()


def test_the_migration_fills_the_counts_from_the_requests_already_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    store = Store(url)
    with store.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (id, name, qbwc_username, password_hash, enabled, "
                "settings, owner_id, file_id, created_at, updated_at) VALUES "
                "(5, 'A', 'a', 'x', 1, '{}', 'o', 'f', :at, :at)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
        for state in ("done", "done", "queued", "failed"):
            conn.execute(
                text(
                    "INSERT INTO requests (company_id, entity, action, params, state, attempts,"
                    " not_before, solo, created_at, updated_at) VALUES "
                    "(5, 'account', 'import', '{}', :state, 0, :at, 0, :at, :at)"
                ),
                {"state": state, "at": NOW.replace(tzinfo=None)},
            )
    store.dispose()
    upgrade(url)
    store = Store(url)
    with store.transaction() as tx:
        kept = tx.queue.kept_counts(5)
    assert (kept["done"], kept["queued"], kept["failed"], kept["sent"]) == (2, 1, 1, 0)
    store.dispose()
