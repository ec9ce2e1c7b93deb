"""The request queue: enqueue, claim (safely, from many workers), and conditional state changes.

States: queued -> sent -> done | failed | uncertain -> resolved; queued -> cancelled.
Every state change is ``UPDATE ... WHERE id = :id AND state = :expected``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from request_queue.errors import NotFound, StateConflict
from request_queue.models import QueuedRequest, RequestDependency
from request_queue.rows import QueueCounts, RequestRow, to_row

FINISHED_OK = ("done", "resolved")
ACTIVE = ("queued", "sent", "uncertain")
STATES = ("queued", "sent", "done", "failed", "uncertain", "resolved", "cancelled")


class Queue:
    """Operations on one company's queued requests within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime], dialect: str) -> None:
        self._s = session
        self._now = clock
        self._dialect = dialect

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
        return to_row(RequestRow, row)  # type: ignore[no-any-return]

    def _ready(self, company_id: int, now: datetime) -> Any:
        parent = aliased(QueuedRequest)
        waiting = exists().where(
            RequestDependency.request_id == QueuedRequest.id,
            RequestDependency.depends_on_id == parent.id,
            parent.state.not_in(FINISHED_OK),
        )
        return and_(
            QueuedRequest.company_id == company_id,
            QueuedRequest.state == "queued",
            QueuedRequest.not_before <= now,
            ~waiting,
        )

    def claim(self, company_id: int, session_id: int, limit: int) -> list[RequestRow]:
        """Move up to ``limit`` ready requests to ``sent`` for ``session_id`` and return them.

        Ready: queued, due, and every request it depends on done. A request marked ``solo``
        (its last message set was refused as a whole) goes out alone. On PostgreSQL the rows
        are locked with FOR UPDATE SKIP LOCKED; on SQLite the transaction already holds the
        write lock (BEGIN IMMEDIATE). Either way the UPDATE re-checks the state.
        """
        now = self._now()
        query = (
            select(QueuedRequest)
            .where(self._ready(company_id, now))
            .order_by(QueuedRequest.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=QueuedRequest)
        candidates = list(self._s.scalars(query))
        if candidates and candidates[0].solo:
            candidates = candidates[:1]
        else:
            candidates = [c for c in candidates if not c.solo]
        claimed: list[RequestRow] = []
        for row in candidates:
            attempt = row.attempts + 1
            result = self._s.execute(
                update(QueuedRequest)
                .where(QueuedRequest.id == row.id, QueuedRequest.state == "queued")
                .values(
                    state="sent",
                    session_id=session_id,
                    attempts=attempt,
                    qb_request_id=f"{row.id}-{attempt}",
                    sent_at=now,
                    updated_at=now,
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                self._s.refresh(row)
                claimed.append(to_row(RequestRow, row))
        return claimed

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
            self._s.execute(
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
            )

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
        first = self._s.scalar(
            select(QueuedRequest)
            .where(QueuedRequest.company_id == company_id, QueuedRequest.state == "uncertain")
            .order_by(QueuedRequest.id)
            .limit(1)
        )
        if first is None:
            return []
        query = select(QueuedRequest).where(
            QueuedRequest.company_id == company_id, QueuedRequest.state == "uncertain"
        )
        if first.message_set_id is None:
            query = query.where(QueuedRequest.id == first.id)
        else:
            query = query.where(QueuedRequest.message_set_id == first.message_set_id)
        rows = list(self._s.scalars(query.order_by(QueuedRequest.id)))
        now = self._now()
        self._s.execute(
            update(QueuedRequest)
            .where(QueuedRequest.id.in_([r.id for r in rows]), QueuedRequest.state == "uncertain")
            .values(state="sent", session_id=session_id, sent_at=now, updated_at=now)
        )
        for row in rows:
            self._s.refresh(row)
        return [to_row(RequestRow, r) for r in rows if r.state == "sent"]

    def has_work(self, company_id: int) -> bool:
        """Is anything ready to hand out now (or waiting to be recovered)?"""
        ready = select(QueuedRequest.id).where(self._ready(company_id, self._now())).limit(1)
        uncertain = (
            select(QueuedRequest.id)
            .where(QueuedRequest.company_id == company_id, QueuedRequest.state == "uncertain")
            .limit(1)
        )
        return self._s.scalar(ready) is not None or self._s.scalar(uncertain) is not None

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
        result = self._s.execute(
            update(QueuedRequest)
            .where(QueuedRequest.id == request_id, QueuedRequest.state == expected)
            .values(state=new, **values)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise StateConflict(
                f"request {request_id} is not {expected}; it cannot become {new}",
                request_id=request_id,
            )

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
            for rid in waiting:
                result = self._s.execute(
                    update(QueuedRequest)
                    .where(QueuedRequest.id == rid, QueuedRequest.state == "queued")
                    .values(
                        state="failed",
                        error=reason,
                        updated_at=self._now(),
                        finished_at=self._now(),
                    )
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
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
            QueuedRequest.company_id == company_id, QueuedRequest.state == state
        )
        if session_id is not None:
            query = query.where(QueuedRequest.session_id == session_id)
        if exclude_session is not None:
            query = query.where(QueuedRequest.session_id != exclude_session)
        return [to_row(RequestRow, r) for r in self._s.scalars(query.order_by(QueuedRequest.id))]

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
        """Requests per state, how many are ready now, and how many fall due within the horizon."""
        now = self._now()
        by_state: dict[str, int] = dict.fromkeys(STATES, 0)
        rows = self._s.execute(
            select(QueuedRequest.state, func.count())
            .where(QueuedRequest.company_id == company_id)
            .group_by(QueuedRequest.state)
        )
        for state, count in rows:
            by_state[state] = count
        ready = self._s.scalar(select(func.count()).where(self._ready(company_id, now))) or 0
        soon = (
            self._s.scalar(
                select(func.count()).where(
                    self._ready(company_id, now + timedelta(seconds=horizon_seconds))
                )
            )
            or 0
        )
        return QueueCounts(by_state=by_state, ready=ready, due_soon=soon - ready)
