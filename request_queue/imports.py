"""What imports from QuickBooks store: records in bulk, links found by QuickBooks id, candidate
records replaced per project, and the watermark of each company's imports per kind.

An import answer carries up to a page (500) of objects; each page is read and written in a few
statements, never several per object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from request_queue.keyed import key_groups
from request_queue.models import ImportWatermark, Link, Record
from request_queue.records import record_rows, upsert_records
from request_queue.rows import LinkRow, RecordRow, to_row

_CHUNK = 400  # keys or rows per statement: well under SQLite's limit on bound parameters


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class ImportData:
    """Bulk reads and writes of one import answer, and the import watermarks."""

    def __init__(self, session: Session, clock: Callable[[], datetime], dialect: str) -> None:
        self._s = session
        self._now = clock
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    # -- watermarks -------------------------------------------------------------------------
    def watermark(self, company_id: int, kind: str) -> datetime | None:
        """From when the next import of ``kind`` asks QuickBooks for changes (None: all)."""
        row = self._s.get(ImportWatermark, (company_id, kind))
        return None if row is None else row.modified_since

    def set_watermark(self, company_id: int, kind: str, modified_since: datetime) -> None:
        """Record where a complete import of ``kind`` got to."""
        now = self._now()
        statement: Any = self._insert(ImportWatermark).values(
            company_id=company_id, kind=kind, modified_since=modified_since, updated_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=["company_id", "kind"],
            set_={"modified_since": modified_since, "updated_at": now},
        )
        self._s.execute(statement)

    def clear_watermark(self, company_id: int, kind: str) -> None:
        """Forget the watermark: the next import of ``kind`` reads everything again."""
        self._s.execute(
            delete(ImportWatermark).where(
                ImportWatermark.company_id == company_id, ImportWatermark.kind == kind
            )
        )

    # -- reads ------------------------------------------------------------------------------
    def links_by_qb_ids(self, company_id: int, qb_ids: Iterable[str]) -> dict[str, list[LinkRow]]:
        """Every link (of any kind and role) to each of ``qb_ids``, a query per 400 ids."""
        found: dict[str, list[LinkRow]] = {}
        for chunk in _chunks(sorted(set(qb_ids))):
            query = select(Link).where(Link.company_id == company_id, Link.qb_id.in_(chunk))
            for row in self._s.scalars(query):
                found.setdefault(row.qb_id, []).append(to_row(LinkRow, row))
        return found

    def records(
        self, company_id: int, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], RecordRow]:
        """The records named by (kind, record_id), a query per kind and 400 keys."""
        found: dict[tuple[str, str], RecordRow] = {}
        scope = Record.company_id == company_id
        for chunk in _chunks(sorted(set(keys))):
            for condition in key_groups(scope, (Record.kind, Record.record_id), chunk, varying=1):
                for row in self._s.scalars(select(Record).where(condition)):
                    found[(row.kind, row.record_id)] = to_row(RecordRow, row)
        return found

    def links_of(
        self, company_id: int, keys: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], LinkRow]:
        """The links of (kind, app_id, role) keys, a query per kind and role and 400 keys."""
        found: dict[tuple[str, str, str], LinkRow] = {}
        scope, columns = Link.company_id == company_id, (Link.kind, Link.app_id, Link.role)
        for chunk in _chunks(sorted(set(keys))):
            for condition in key_groups(scope, columns, chunk, varying=1):
                for row in self._s.scalars(select(Link).where(condition)):
                    found[(row.kind, row.app_id, row.role)] = to_row(LinkRow, row)
        return found

    # -- writes -----------------------------------------------------------------------------
    def save_records(
        self, company_id: int, rows: Iterable[tuple[str, str, str, dict[str, Any]]]
    ) -> None:
        """Insert or replace many records, given as (kind, record_id, origin, data), in one
        statement (records.upsert_records). A stored record keeps its origin."""
        rows_list = list(rows)
        upsert_records(self._s, record_rows(company_id, rows_list, self._now()))
        self._expire({(kind, record_id) for kind, record_id, _origin, _data in rows_list})

    def _expire(self, keys: set[tuple[str, str]]) -> None:
        """Make records this session already holds re-read their written values."""
        for obj in list(self._s.identity_map.values()):
            if isinstance(obj, Record) and (obj.kind, obj.record_id) in keys:
                self._s.expire(obj)

    def delete_project_records(self, company_id: int, kind: str, project_id: str) -> int:
        """Delete a project's records of ``kind`` (e.g. its bill candidates); how many."""
        result = self._s.execute(
            delete(Record).where(
                Record.company_id == company_id,
                Record.kind == kind,
                Record.project_id == project_id,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def delete_records(self, company_id: int, kind: str, record_ids: Iterable[str]) -> None:
        """Delete records of ``kind`` by id (bill candidates once imported)."""
        for chunk in _chunks(sorted(set(record_ids))):
            self._s.execute(
                delete(Record).where(
                    Record.company_id == company_id,
                    Record.kind == kind,
                    Record.record_id.in_(chunk),
                )
            )
