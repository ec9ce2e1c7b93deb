"""The log: what happened, per company, record, request and session, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from request_queue.bulk import insert_rows
from request_queue.models import LogEntry
from request_queue.rows import LogRow, to_row

LEVELS = ("debug", "info", "warning", "error")


class Logbook:
    """Writing and reading log entries within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def write(
        self,
        company_id: int | None,
        event: str,
        message: str,
        *,
        level: str = "info",
        record_kind: str | None = None,
        record_id: str | None = None,
        request_id: int | None = None,
        session_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown log level {level!r}")
        self._s.add(
            LogEntry(
                company_id=company_id,
                at=self._now(),
                level=level,
                event=event,
                message=message,
                record_kind=record_kind,
                record_id=record_id,
                request_id=request_id,
                session_id=session_id,
                details=details,
            )
        )

    def write_many(self, entries: list[dict[str, Any]]) -> None:
        """Write many entries in one INSERT; each is the keyword arguments of ``write`` plus
        ``company_id``, ``event`` and ``message``."""
        if not entries:
            return
        now = self._now()
        rows = [
            {
                "company_id": e["company_id"],
                "at": now,
                "level": e.get("level", "info"),
                "event": e["event"],
                "message": e["message"],
                "record_kind": e.get("record_kind"),
                "record_id": e.get("record_id"),
                "request_id": e.get("request_id"),
                "session_id": e.get("session_id"),
                "details": e.get("details"),
            }
            for e in entries
        ]
        insert_rows(self._s, cast(Table, LogEntry.__table__), rows)

    def read(
        self,
        company_id: int,
        *,
        record_kind: str | None = None,
        record_id: str | None = None,
        request_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[LogRow]:
        query = select(LogEntry).where(LogEntry.company_id == company_id)
        if record_kind is not None:
            query = query.where(LogEntry.record_kind == record_kind)
        if record_id is not None:
            query = query.where(LogEntry.record_id == record_id)
        if request_id is not None:
            query = query.where(LogEntry.request_id == request_id)
        if before_id is not None:
            query = query.where(LogEntry.id < before_id)
        query = query.order_by(LogEntry.id.desc()).limit(limit)
        return [to_row(LogRow, r) for r in self._s.scalars(query)]
