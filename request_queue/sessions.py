"""Web Connector sessions: tickets (stored hashed), liveness, expiry and counters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from request_queue.errors import NotFound, StateConflict
from request_queue.models import QbwcSession
from request_queue.rows import SessionRow, to_row


class Sessions:
    """Operations on Web Connector sessions within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def create(
        self,
        *,
        company_id: int | None,
        ticket_hash: str,
        state: str,
        idle_seconds: int,
        last_error: str = "",
        company_file: str | None = None,
        client_version: str | None = None,
    ) -> SessionRow:
        now = self._now()
        row = QbwcSession(
            company_id=company_id,
            ticket_hash=ticket_hash,
            state=state,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=idle_seconds),
            last_error=last_error,
            company_file=company_file,
            client_version=client_version,
            pending_noop=False,
            noops=0,
            connection_errors=0,
            sets_sent=0,
            done_count=0,
            failed_count=0,
        )
        self._s.add(row)
        self._s.flush()
        return to_row(SessionRow, row)  # type: ignore[no-any-return]

    def by_ticket_hash(self, ticket_hash: str) -> SessionRow | None:
        row = self._s.scalar(select(QbwcSession).where(QbwcSession.ticket_hash == ticket_hash))
        return None if row is None else to_row(SessionRow, row)

    def by_id(self, session_id: int) -> SessionRow:
        row = self._s.get(QbwcSession, session_id)
        if row is None:
            raise NotFound(f"no session {session_id}")
        return to_row(SessionRow, row)  # type: ignore[no-any-return]

    def touch(self, session_id: int, idle_seconds: int) -> None:
        """Note a call: the ticket lives ``idle_seconds`` more from now."""
        now = self._now()
        self._s.execute(
            update(QbwcSession)
            .where(QbwcSession.id == session_id)
            .values(last_seen_at=now, expires_at=now + timedelta(seconds=idle_seconds))
        )

    def update(self, session_id: int, *, expected_state: str | None = None, **values: Any) -> None:
        """Set fields of a session; with ``expected_state``, only if it is still in that state."""
        stmt = update(QbwcSession).where(QbwcSession.id == session_id)
        if expected_state is not None:
            stmt = stmt.where(QbwcSession.state == expected_state)
        result = self._s.execute(stmt.values(**values))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise StateConflict(f"session {session_id} is not {expected_state or 'there'}")

    def add_counts(self, session_id: int, *, done: int = 0, failed: int = 0, sets: int = 0) -> None:
        self._s.execute(
            update(QbwcSession)
            .where(QbwcSession.id == session_id)
            .values(
                done_count=QbwcSession.done_count + done,
                failed_count=QbwcSession.failed_count + failed,
                sets_sent=QbwcSession.sets_sent + sets,
            )
        )

    def open_for_company(self, company_id: int) -> list[SessionRow]:
        rows = self._s.scalars(
            select(QbwcSession)
            .where(QbwcSession.company_id == company_id, QbwcSession.state == "open")
            .order_by(QbwcSession.id)
            .with_for_update()
        )
        return [to_row(SessionRow, r) for r in rows]

    def last_for_company(self, company_id: int) -> SessionRow | None:
        row = self._s.scalar(
            select(QbwcSession)
            .where(QbwcSession.company_id == company_id, QbwcSession.state != "refused")
            .order_by(QbwcSession.id.desc())
            .limit(1)
        )
        return None if row is None else to_row(SessionRow, row)
