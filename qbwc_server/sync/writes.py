"""Links written while one answer is applied, kept and then stored in a few statements.

Applying a QuickBooks answer of 200 invoices must not cost several SQL statements per
invoice. Handlers hand their links to ``Writes``; reads during the same answer see them
(through ``Refs``), and ``flush`` stores them all with one bulk upsert per 500 links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qbwc_server.sync.refs import Refs
from request_queue.rows import LinkRow
from request_queue.store import Tx


@dataclass(frozen=True)
class LinkWrite:
    """One link to store: app record (kind, app_id, role) <-> QuickBooks object."""

    kind: str
    app_id: str
    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    qb_time_modified: datetime | None
    role: str = ""
    content_hash: str | None = None
    name_suffix: str = ""


class Writes:
    """Pending links of one company, stored by ``flush``."""

    def __init__(self, tx: Tx, company_id: int, refs: Refs) -> None:
        self._tx = tx
        self._company_id = company_id
        self._refs = refs
        self._pending: dict[tuple[str, str, str], LinkWrite] = {}
        self._by_qb_id: dict[str, tuple[str, str, str]] = {}
        self._log: list[dict[str, Any]] = []
        self._records: dict[tuple[str, str], dict[str, Any]] = {}

    def record(self, kind: str, record_id: str, origin: str, data: dict[str, Any]) -> None:
        """A record to create or replace (an existing record keeps its origin)."""
        self._records[(kind, record_id)] = {
            "kind": kind,
            "record_id": record_id,
            "origin": origin,
            "data": data,
        }

    def log(self, event: str, message: str, **fields: Any) -> None:
        """A log entry of this company, written with the others in one INSERT."""
        self._log.append(
            {"company_id": self._company_id, "event": event, "message": message, **fields}
        )

    def link(self, write: LinkWrite) -> None:
        key = (write.kind, write.app_id, write.role)
        old = self._pending.get(key)
        if old is not None:
            self._by_qb_id.pop(old.qb_id, None)
        self._pending[key] = write
        self._by_qb_id[write.qb_id] = key
        self._refs.remember_link(
            LinkRow(
                company_id=self._company_id,
                kind=write.kind,
                app_id=write.app_id,
                qb_id=write.qb_id,
                edit_sequence=write.edit_sequence,
                full_name=write.full_name,
                qb_time_modified=write.qb_time_modified,
                last_synced_at=self._tx.now(),
                role=write.role,
                content_hash=write.content_hash,
                name_suffix=write.name_suffix,
            )
        )

    def owner_of(self, qb_id: str) -> tuple[str, str, str] | None:
        """(kind, app_id, role) of the record linked to ``qb_id``: pending, else stored."""
        if qb_id in self._by_qb_id:
            return self._by_qb_id[qb_id]
        stored = self._tx.records.link_of_qb_object(self._company_id, qb_id)
        return None if stored is None else (stored.kind, stored.app_id, stored.role)

    def flush(self) -> int:
        """Store every pending link; returns how many."""
        rows = [
            {
                "kind": w.kind,
                "app_id": w.app_id,
                "role": w.role,
                "qb_id": w.qb_id,
                "edit_sequence": w.edit_sequence,
                "full_name": w.full_name,
                "qb_time_modified": w.qb_time_modified,
                "content_hash": w.content_hash,
                "name_suffix": w.name_suffix,
            }
            for w in self._pending.values()
        ]
        if self._records:
            self._tx.records.upsert_many(self._company_id, list(self._records.values()))
            self._records.clear()
        if rows:
            self._tx.records.link_many(self._company_id, rows)
        self._tx.log.write_many(self._log)
        self._pending.clear()
        self._by_qb_id.clear()
        self._log.clear()
        return len(rows)
