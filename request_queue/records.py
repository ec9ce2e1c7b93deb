"""App and imported records, and the links between app records and QuickBooks objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, tuple_
from sqlalchemy.orm import Session

from request_queue.bulk import insert_rows
from request_queue.errors import Conflict
from request_queue.keyed import key_groups
from request_queue.models import Link, Record
from request_queue.rows import LinkRow, RecordRow, to_row


class Records:
    """Operations on records and links within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def upsert_many(self, company_id: int, records: list[dict[str, Any]]) -> None:
        """Create or replace many records in one statement (INSERT .. ON CONFLICT DO UPDATE
        on (company_id, kind, record_id)); each dict has kind, record_id, origin and data. An
        existing record keeps its origin."""
        items = [(r["kind"], r["record_id"], r["origin"], r["data"]) for r in records]
        upsert_records(self._s, record_rows(company_id, items, self._now()))

    def link_many(self, company_id: int, links: list[dict[str, Any]]) -> None:
        """Write many links at once (see ``upsert_links``); ``links`` are dicts of kind,
        app_id, role and the LINK_COLUMNS but last_synced_at, which is now."""
        now = self._now()
        rows = [{"company_id": company_id, **link, "last_synced_at": now} for link in links]
        upsert_links(self._s, rows)

    def upsert(
        self, company_id: int, kind: str, record_id: str, *, origin: str, data: dict[str, Any]
    ) -> tuple[RecordRow, RecordRow | None]:
        """Create the record or replace its data; return (the record now, what it was)."""
        row = self._s.scalar(
            select(Record)
            .where(
                Record.company_id == company_id, Record.kind == kind, Record.record_id == record_id
            )
            .with_for_update()
        )
        before = None if row is None else to_row(RecordRow, row)
        now = self._now()
        project_id = data.get("project_id") if kind != "project" else None
        if row is None:
            row = Record(
                company_id=company_id,
                kind=kind,
                record_id=record_id,
                origin=origin,
                data=data,
                updated_at=now,
                project_id=project_id,
            )
            self._s.add(row)
        else:
            row.data, row.updated_at, row.project_id = data, now, project_id
        self._s.flush()
        return to_row(RecordRow, row), before

    def get(self, company_id: int, kind: str, record_id: str) -> RecordRow | None:
        row = self._s.scalar(
            select(Record).where(
                Record.company_id == company_id, Record.kind == kind, Record.record_id == record_id
            )
        )
        return None if row is None else to_row(RecordRow, row)

    def many(self, company_id: int, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """The records named by (kind, record_id), a query per kind; missing keys are absent."""
        wanted = list(set(keys))
        if not wanted:
            return {}
        groups = key_groups(
            Record.company_id == company_id, (Record.kind, Record.record_id), wanted, varying=1
        )
        return {
            (r.kind, r.record_id): to_row(RecordRow, r)
            for condition in groups
            for r in self._s.scalars(select(Record).where(condition))
        }

    def of_kind(
        self, company_id: int, kind: str, *, limit: int = 1000, after: str | None = None
    ) -> list[RecordRow]:
        query = select(Record).where(Record.company_id == company_id, Record.kind == kind)
        if after is not None:
            query = query.where(Record.record_id > after)
        query = query.order_by(Record.record_id).limit(limit)
        return [to_row(RecordRow, r) for r in self._s.scalars(query)]

    def of_project(self, company_id: int, kind: str, project_id: str) -> list[RecordRow]:
        """A project's documents of one kind (invoices, payments, bills, credit memos)."""
        query = (
            select(Record)
            .where(
                Record.company_id == company_id,
                Record.kind == kind,
                Record.project_id == project_id,
            )
            .order_by(Record.record_id)
        )
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
        role: str = "",
        content_hash: str | None = None,
        name_suffix: str = "",
    ) -> LinkRow:
        """Link ``app_id`` to the QuickBooks object ``qb_id``, or refresh that link."""
        row = self._s.scalar(
            select(Link)
            .where(
                Link.company_id == company_id,
                Link.kind == kind,
                Link.app_id == app_id,
                Link.role == role,
            )
            .with_for_update()
        )
        other = self.link_by_qb_id(company_id, kind, qb_id, role=role)
        if other is not None and other.app_id != app_id:
            raise Conflict(f"QuickBooks {kind} {qb_id} is already linked to {other.app_id}")
        now = self._now()
        if row is None:
            row = Link(
                company_id=company_id,
                kind=kind,
                app_id=app_id,
                role=role,
                qb_id=qb_id,
                last_synced_at=now,
            )
            self._s.add(row)
        row.qb_id, row.edit_sequence, row.full_name = qb_id, edit_sequence, full_name
        row.qb_time_modified, row.last_synced_at = qb_time_modified, now
        row.content_hash, row.name_suffix = content_hash, name_suffix
        self._s.flush()
        return to_row(LinkRow, row)  # type: ignore[no-any-return]

    def set_link_hash(
        self, company_id: int, kind: str, app_id: str, content_hash: str, *, role: str = ""
    ) -> None:
        """Record that the linked object matches what the app would send now."""
        row = self._s.scalar(
            select(Link).where(
                Link.company_id == company_id,
                Link.kind == kind,
                Link.app_id == app_id,
                Link.role == role,
            )
        )
        if row is not None:
            row.content_hash = content_hash
            self._s.flush()

    def unlink(self, company_id: int, kind: str, app_id: str, *, role: str = "") -> None:
        self._s.execute(
            delete(Link).where(
                Link.company_id == company_id,
                Link.kind == kind,
                Link.app_id == app_id,
                Link.role == role,
            )
        )

    def link_by_app(
        self, company_id: int, kind: str, app_id: str, *, role: str = ""
    ) -> LinkRow | None:
        row = self._s.scalar(
            select(Link).where(
                Link.company_id == company_id,
                Link.kind == kind,
                Link.app_id == app_id,
                Link.role == role,
            )
        )
        return None if row is None else to_row(LinkRow, row)

    def links_of(
        self, company_id: int, keys: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], LinkRow]:
        """The links of (kind, app_id, role) keys, a query per kind and role."""
        wanted = list(set(keys))
        if not wanted:
            return {}
        groups = key_groups(
            Link.company_id == company_id, (Link.kind, Link.app_id, Link.role), wanted, varying=1
        )
        return {
            (r.kind, r.app_id, r.role): to_row(LinkRow, r)
            for condition in groups
            for r in self._s.scalars(select(Link).where(condition))
        }

    def links_of_record(self, company_id: int, kind: str, app_id: str) -> list[LinkRow]:
        """Every link of one record (a user has its Employee or Vendor and its SalesRep)."""
        query = (
            select(Link)
            .where(Link.company_id == company_id, Link.kind == kind, Link.app_id == app_id)
            .order_by(Link.role)
        )
        return [to_row(LinkRow, r) for r in self._s.scalars(query)]

    def link_of_qb_object(self, company_id: int, qb_id: str) -> LinkRow | None:
        """Whichever link points at ``qb_id`` (to find the record behind a 3140's ListID)."""
        row = self._s.scalar(
            select(Link).where(Link.company_id == company_id, Link.qb_id == qb_id).limit(1)
        )
        return None if row is None else to_row(LinkRow, row)

    def link_by_qb_id(
        self, company_id: int, kind: str, qb_id: str, *, role: str = ""
    ) -> LinkRow | None:
        row = self._s.scalar(
            select(Link).where(
                Link.company_id == company_id,
                Link.kind == kind,
                Link.role == role,
                Link.qb_id == qb_id,
            )
        )
        return None if row is None else to_row(LinkRow, row)

    def links(
        self,
        company_id: int,
        kind: str | None = None,
        *,
        limit: int = 1000,
        after: tuple[str, str, str] | None = None,
    ) -> list[LinkRow]:
        """Links ordered by (kind, app_id, role), ``limit`` at a time after the key ``after``."""
        query = select(Link).where(Link.company_id == company_id)
        if kind is not None:
            query = query.where(Link.kind == kind)
        if after is not None:
            query = query.where(tuple_(Link.kind, Link.app_id, Link.role) > after)
        query = query.order_by(Link.kind, Link.app_id, Link.role).limit(limit)
        return [to_row(LinkRow, r) for r in self._s.scalars(query)]


_LINKS = cast(Table, Link.__table__)  # Core, not the ORM: no ORM bookkeeping per row
_RECORDS = cast(Table, Record.__table__)
_RECORD_UPDATE = ("data", "updated_at", "project_id")
LINK_COLUMNS = (
    "qb_id",
    "edit_sequence",
    "full_name",
    "qb_time_modified",
    "content_hash",
    "name_suffix",
    "last_synced_at",
)


def upsert_links(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or refresh many links in one statement: INSERT .. ON CONFLICT DO UPDATE on
    (company_id, kind, app_id, role). Each row has every Link column but the id."""
    conflict = ("company_id", "kind", "app_id", "role")
    insert_rows(session, _LINKS, rows, conflict=conflict, update=LINK_COLUMNS)


def record_rows(
    company_id: int, items: Iterable[tuple[str, str, str, dict[str, Any]]], now: datetime
) -> list[dict[str, Any]]:
    """The rows of records given as (kind, record_id, origin, data), stored at ``now``."""
    return [
        {
            "company_id": company_id,
            "kind": kind,
            "record_id": record_id,
            "origin": origin,
            "data": data,
            "updated_at": now,
            "project_id": None if kind == "project" else data.get("project_id"),
        }
        for kind, record_id, origin, data in items
    ]


def upsert_records(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or replace many records (rows of ``record_rows``) in one statement; a stored
    record keeps its origin."""
    conflict = ("company_id", "kind", "record_id")
    insert_rows(session, _RECORDS, rows, conflict=conflict, update=_RECORD_UPDATE)
