"""App and imported records, and the links between app records and QuickBooks objects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from request_queue.errors import Conflict
from request_queue.models import Link, Record
from request_queue.rows import LinkRow, RecordRow, to_row


class Records:
    """Operations on records and links within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def upsert(
        self, company_id: int, kind: str, record_id: str, *, origin: str, data: dict[str, Any]
    ) -> RecordRow:
        """Create the record or replace its data."""
        row = self._s.scalar(
            select(Record)
            .where(
                Record.company_id == company_id, Record.kind == kind, Record.record_id == record_id
            )
            .with_for_update()
        )
        now = self._now()
        if row is None:
            row = Record(
                company_id=company_id,
                kind=kind,
                record_id=record_id,
                origin=origin,
                data=data,
                updated_at=now,
            )
            self._s.add(row)
        else:
            row.data, row.updated_at = data, now
        self._s.flush()
        return to_row(RecordRow, row)  # type: ignore[no-any-return]

    def get(self, company_id: int, kind: str, record_id: str) -> RecordRow | None:
        row = self._s.scalar(
            select(Record).where(
                Record.company_id == company_id, Record.kind == kind, Record.record_id == record_id
            )
        )
        return None if row is None else to_row(RecordRow, row)

    def of_kind(
        self, company_id: int, kind: str, *, limit: int = 1000, after: str | None = None
    ) -> list[RecordRow]:
        query = select(Record).where(Record.company_id == company_id, Record.kind == kind)
        if after is not None:
            query = query.where(Record.record_id > after)
        query = query.order_by(Record.record_id).limit(limit)
        return [to_row(RecordRow, r) for r in self._s.scalars(query)]

    def link(
        self,
        company_id: int,
        kind: str,
        app_id: str,
        *,
        qb_id: str,
        edit_sequence: str | None,
        full_name: str | None,
        qb_time_modified: datetime | None,
    ) -> LinkRow:
        """Link ``app_id`` to the QuickBooks object ``qb_id``, or refresh that link."""
        row = self._s.scalar(
            select(Link)
            .where(Link.company_id == company_id, Link.kind == kind, Link.app_id == app_id)
            .with_for_update()
        )
        other = self.link_by_qb_id(company_id, kind, qb_id)
        if other is not None and other.app_id != app_id:
            raise Conflict(f"QuickBooks {kind} {qb_id} is already linked to {other.app_id}")
        now = self._now()
        if row is None:
            row = Link(
                company_id=company_id, kind=kind, app_id=app_id, qb_id=qb_id, last_synced_at=now
            )
            self._s.add(row)
        row.qb_id, row.edit_sequence, row.full_name = qb_id, edit_sequence, full_name
        row.qb_time_modified, row.last_synced_at = qb_time_modified, now
        self._s.flush()
        return to_row(LinkRow, row)  # type: ignore[no-any-return]

    def link_by_app(self, company_id: int, kind: str, app_id: str) -> LinkRow | None:
        row = self._s.scalar(
            select(Link).where(
                Link.company_id == company_id, Link.kind == kind, Link.app_id == app_id
            )
        )
        return None if row is None else to_row(LinkRow, row)

    def link_by_qb_id(self, company_id: int, kind: str, qb_id: str) -> LinkRow | None:
        row = self._s.scalar(
            select(Link).where(
                Link.company_id == company_id, Link.kind == kind, Link.qb_id == qb_id
            )
        )
        return None if row is None else to_row(LinkRow, row)

    def links(
        self, company_id: int, kind: str | None = None, *, limit: int = 1000
    ) -> list[LinkRow]:
        query = select(Link).where(Link.company_id == company_id)
        if kind is not None:
            query = query.where(Link.kind == kind)
        query = query.order_by(Link.kind, Link.app_id).limit(limit)
        return [to_row(LinkRow, r) for r in self._s.scalars(query)]
