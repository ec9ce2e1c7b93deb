"""The request queue: enqueue, claim (safely, from many workers), and conditional state changes.

States: queued -> sent -> done | failed | uncertain -> resolved; queued -> cancelled.
Every state change is ``UPDATE ... WHERE id = :id AND state = :expected``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from request_queue import queue_sql as sql
from request_queue.errors import NotFound, StateConflict
from request_queue.models import QueuedRequest, RequestDependency
from request_queue.rows import QueueCounts, RequestRow, to_row
from request_queue.tally import Tally

FINISHED_OK = sql.FINISHED_OK
ACTIVE = ("queued", "sent", "uncertain")
STATES = ("queued", "sent", "done", "failed", "uncertain", "resolved", "cancelled")


class Queue:
    """Operations on one company's queued requests within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime], dialect: str) -> None:
        self._s = session
        self._now = clock
        self._dialect = dialect
        self._tally = Tally(session, dialect)

    def enqueue(
        self,
        company_id: int,
        *,
        entity: str,
        action: str,
        record_kind: str | None = None,
        record_id: str | None = None,
        params: dict[str, Any] | None = None,
        depends_on: Iterable[int] = (),
    ) -> RequestRow:
        """Add one intent to the queue; it waits for every request in ``depends_on``."""
        now = self._now()
        row = QueuedRequest(
            company_id=company_id,
            entity=entity,
            action=action,
            record_kind=record_kind,
            record_id=record_id,
            params=params or {},
            state="queued",
            attempts=0,
            not_before=now,
            solo=False,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        self._s.flush()
        for target in set(depends_on):
            self._s.add(RequestDependency(request_id=row.id, depends_on_id=target))
        self._s.flush()
        self._tally.add(company_id, "queued")
        self._tally.seen([(row.id, company_id)])
        return to_row(RequestRow, row)  # type: ignore[no-any-return]

    def _ready(self, company_id: int, now: datetime) -> Any:
        return sql.ready_where(company_id, now)

    def claim(self, company_id: int, session_id: int, limit: int) -> list[RequestRow]:
        """Move up to ``limit`` ready requests to ``sent`` for ``session_id`` and return them.

        Ready: queued, due, and every request it depends on done. A request marked ``solo``
        (its last message set was refused as a whole) goes out alone. One SELECT reads the
        next ready rows from the claim index (on PostgreSQL locking them with FOR UPDATE SKIP
        LOCKED; on SQLite the transaction already holds the write lock, BEGIN IMMEDIATE), and
        one UPDATE ... WHERE id IN (...) AND state = 'queued' claims them all. The locks
        guarantee it changes every row read; if it ever did not, StateConflict.
        """
        now = self._now()
        find = sql.CLAIMABLE_LOCKED if self._dialect == "postgresql" else sql.CLAIMABLE
        conn = self._conn()
        found = conn.execute(find, {"company_id": company_id, "at": now, "n": limit}).all()
        if not found:
            return []
        found = found[:1] if found[0].solo else [r for r in found if not r.solo]
        ids = [r.id for r in found]
        claimed = conn.execute(sql.CLAIM, {"ids": ids, "session_id": session_id, "at": now})
        if claimed.rowcount != len(ids):
            raise StateConflict(f"{len(ids) - claimed.rowcount} claimed requests changed state")
        self._expire(ids)
        self._tally.move(company_id, "queued", "sent", len(ids))
        self._tally.seen((rid, company_id) for rid in ids)
        return [sql.claimed_row(r, session_id, now) for r in found]

    def ready_within(self, company_id: int, seconds: float = 0) -> bool:
        """Is a request ready now, or due within ``seconds``? One read of the claim index."""
        at = self._now() + timedelta(seconds=seconds)
        params = {"company_id": company_id, "at": at, "n": 1}
        return self._conn().execute(sql.NEXT, params).first() is not None

    def kept_counts(self, company_id: int) -> dict[str, int]:
        """The company's requests per state as kept (one row read; nothing is counted)."""
        return self._tally.read(company_id)

    def _conn(self) -> Connection:
        """The transaction's connection, for Core statements (no ORM execution machinery);
        pending ORM changes are flushed first, as a Session.execute would."""
        self._s.flush()
        return self._s.connection()

    def _expire(self, ids: Iterable[int]) -> None:
        """Forget loaded ORM copies of requests changed by a Core statement."""
        if len(self._s.identity_map):
            for rid in ids:
                obj = self._s.identity_map.get(identity_key(QueuedRequest, rid))
                if obj is not None:
                    self._s.expire(obj)

    def active(self, company_id: int, action: str) -> dict[tuple[str, str], int]:
        """Requests of ``action`` not yet finished, by (entity, record_id): their ids."""
        rows = self._s.execute(
            select(QueuedRequest.entity, QueuedRequest.record_id, QueuedRequest.id).where(
                QueuedRequest.company_id == company_id,
                QueuedRequest.state.in_(ACTIVE),
                QueuedRequest.action == action,
            )
        )
        return {(entity, record_id or ""): rid for entity, record_id, rid in rows}

    def add_dependency(self, request_id: int, depends_on_id: int) -> None:
        """Make ``request_id`` wait for ``depends_on_id`` as well."""
        exists_already = self._s.get(RequestDependency, (request_id, depends_on_id))
        if exists_already is None:
            self._s.add(RequestDependency(request_id=request_id, depends_on_id=depends_on_id))
            self._s.flush()

    def unclaim(self, request_ids: Sequence[int]) -> None:
        """Put claimed requests back unsent (they did not fit in the message set)."""
        if request_ids:
            moved = self._s.execute(
                update(QueuedRequest)
                .where(QueuedRequest.id.in_(request_ids), QueuedRequest.state == "sent")
                .values(
                    state="queued",
                    attempts=QueuedRequest.attempts - 1,
                    session_id=None,
                    qb_request_id=None,
                    sent_at=None,
                    updated_at=self._now(),
                )
                .returning(QueuedRequest.company_id)
            )
            for (company_id,) in moved:
                self._tally.move(company_id, "sent", "queued")

    def merge_params(self, updates: dict[int, dict[str, Any]], current: dict[int, Any]) -> None:
        """Merge ``updates[id]`` into each request's params (``current[id]``), in one statement."""
        if not updates:
            return
        table = QueuedRequest.__table__
        self._s.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.id == bindparam("rid"))
            .values(params=bindparam("new_params")),
            [
                {"rid": rid, "new_params": {**current.get(rid, {}), **extra}}
                for rid, extra in updates.items()
            ],
        )

    def claim_uncertain(self, company_id: int, session_id: int) -> list[RequestRow]:
        """Claim every uncertain request of one lost message set (the oldest) for recovery.

        Their requestIDs stay as they were sent, so QuickBooks' stored answer matches them.
        """
        conn = self._conn()
        first = conn.execute(sql.FIRST_UNCERTAIN, {"company_id": company_id}).first()
        if first is None:
            return []
        if first.message_set_id is None:
            ids = [first.id]
        else:
            params = {"company_id": company_id, "message_set_id": first.message_set_id}
            ids = list(conn.execute(sql.UNCERTAIN_SET, params).scalars())
        params = {"ids": ids, "session_id": session_id, "at": self._now()}
        taken = conn.execute(sql.RECLAIM, params)
        rows = sorted((sql.request_row(r._mapping) for r in taken), key=lambda r: r.id)
        self._expire(ids)
        self._tally.move(company_id, "uncertain", "sent", len(rows))
        self._tally.seen((r.id, company_id) for r in rows)
        return rows

    def has_work(self, company_id: int) -> bool:
        """Is anything ready to hand out now (or waiting to be recovered)?"""
        ready = select(QueuedRequest.id).where(self._ready(company_id, self._now())).limit(1)
        uncertain = (
            select(QueuedRequest.id)
            .where(QueuedRequest.company_id == company_id, QueuedRequest.state == "uncertain")
            .limit(1)
        )
        return self._s.scalar(ready) is not None or self._s.scalar(uncertain) is not None

    def move_many(self, moves: Sequence[tuple[int, str, str, dict[str, Any]]]) -> None:
        """Many conditional state changes, (id, expected, new, values), in one executemany per
        set of columns; StateConflict when any request was not in its expected state."""
        now = self._now()
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for request_id, expected, new, values in moves:
            if new not in STATES:
                raise ValueError(f"unknown request state {new!r}")
            row = {"updated_at": now, **values, "state": new}
            if new in ("done", "failed", "resolved", "cancelled"):
                row.setdefault("finished_at", now)
            row.update(b_id=request_id, b_expected=expected)
            groups.setdefault(tuple(sorted(row)), []).append(row)
        table = QueuedRequest.__table__
        for columns, rows in groups.items():
            statement = (
                update(table)  # type: ignore[arg-type]
                .where(table.c.id == bindparam("b_id"), table.c.state == bindparam("b_expected"))
                .values({c: bindparam(c) for c in columns if not c.startswith("b_")})
            )
            result = self._s.execute(statement, rows)
            if result.rowcount != len(rows):  # type: ignore[attr-defined]
                raise StateConflict(
                    f"{len(rows) - result.rowcount} of {len(rows)} requests "  # type: ignore[attr-defined]
                    "were no longer in the state they were answered in"
                )
            self._tally.moved([(r["b_id"], r["b_expected"], r["state"]) for r in rows])

    def set_message_set(self, request_ids: Sequence[int], message_set_id: str) -> None:
        """Record the newMessageSetID the requests were sent under (for error recovery)."""
        if request_ids:
            self._s.execute(
                update(QueuedRequest)
                .where(QueuedRequest.id.in_(request_ids))
                .values(message_set_id=message_set_id)
            )

    def move(self, request_id: int, expected: str, new: str, **values: Any) -> None:
        """Change a request's state from ``expected`` to ``new``; StateConflict if it was not."""
        if new not in STATES:
            raise ValueError(f"unknown request state {new!r}")
        now = self._now()
        values.setdefault("updated_at", now)
        if new in ("done", "failed", "resolved", "cancelled"):
            values.setdefault("finished_at", now)
        company_id = self._s.scalar(
            update(QueuedRequest)
            .where(QueuedRequest.id == request_id, QueuedRequest.state == expected)
            .values(state=new, **values)
            .returning(QueuedRequest.company_id)
        )
        if company_id is None:
            raise StateConflict(
                f"request {request_id} is not {expected}; it cannot become {new}",
                request_id=request_id,
            )
        self._tally.move(company_id, expected, new)

    def retry_later(
        self, request_id: int, expected: str, delay_seconds: float, **values: Any
    ) -> None:
        """Put a request back in the queue, due after ``delay_seconds``."""
        self.move(
            request_id,
            expected,
            "queued",
            not_before=self._now() + timedelta(seconds=delay_seconds),
            **values,
        )

    def fail_dependents(self, request_id: int, reason: str) -> list[int]:
        """Fail every queued request that (transitively) waits for ``request_id``."""
        failed: list[int] = []
        frontier = [request_id]
        while frontier:
            waiting = list(
                self._s.scalars(
                    select(RequestDependency.request_id).where(
                        RequestDependency.depends_on_id.in_(frontier)
                    )
                )
            )
            frontier = []
            if not waiting:
                break
            moved = self._s.execute(
                update(QueuedRequest)
                .where(QueuedRequest.id.in_(waiting), QueuedRequest.state == "queued")
                .values(
                    state="failed",
                    error=reason,
                    updated_at=self._now(),
                    finished_at=self._now(),
                )
                .returning(QueuedRequest.id, QueuedRequest.company_id)
            )
            for rid, company_id in sorted((r.id, r.company_id) for r in moved):
                self._tally.move(company_id, "queued", "failed")
                failed.append(rid)
                frontier.append(rid)
        return failed

    def get(self, request_id: int) -> RequestRow:
        row = self._s.get(QueuedRequest, request_id)
        if row is None:
            raise NotFound(f"no request {request_id}", request_id=request_id)
        return to_row(RequestRow, row)  # type: ignore[no-any-return]

    def in_state(
        self,
        company_id: int,
        state: str,
        *,
        session_id: int | None = None,
        exclude_session: int | None = None,
    ) -> list[RequestRow]:
        query = select(QueuedRequest).where(
            QueuedRequest.company_id == company_id, sql.state_is(state)
        )
        if session_id is not None:
            query = query.where(QueuedRequest.session_id == session_id)
        if exclude_session is not None:
            query = query.where(QueuedRequest.session_id != exclude_session)
        rows = [to_row(RequestRow, r) for r in self._s.scalars(query.order_by(QueuedRequest.id))]
        self._tally.seen((r.id, r.company_id) for r in rows)
        return rows

    def recent(
        self,
        company_id: int,
        *,
        state: str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[RequestRow]:
        """Newest first, ``limit`` at a time (``before_id`` pages back)."""
        query = select(QueuedRequest).where(QueuedRequest.company_id == company_id)
        if state is not None:
            query = query.where(QueuedRequest.state == state)
        if before_id is not None:
            query = query.where(QueuedRequest.id < before_id)
        query = query.order_by(QueuedRequest.id.desc()).limit(limit)
        return [to_row(RequestRow, r) for r in self._s.scalars(query)]

    def counts(self, company_id: int, *, horizon_seconds: int = 0) -> QueueCounts:
        """Requests per state (kept, not counted), how many are ready now, and how many fall
        due within the horizon (counted on the claim index: queued requests only). For admin
        views and tests; the Web Connector's calls use kept_counts and ready_within."""
        now = self._now()
        ready, soon = (
            self._s.scalar(sql.READY_COUNT, {"company_id": company_id, "at": at}) or 0
            for at in (now, now + timedelta(seconds=horizon_seconds))
        )
        by_state = self._tally.read(company_id)
        return QueueCounts(by_state=by_state, ready=ready, due_soon=soon - ready)

    def depth_by_state(self) -> dict[str, int]:
        """Requests per state over every company, counted in one GROUP BY (for /metrics, at
        scrape time; never on a Web Connector call)."""
        rows = self._s.execute(
            select(QueuedRequest.state, func.count()).group_by(QueuedRequest.state)
        )
        depth = dict.fromkeys(STATES, 0)
        depth.update({state: int(count) for state, count in rows})
        return depth
