"""Records and links as the exports see them, cached for the length of one SOAP call.

Builders reference linked QuickBooks objects by ListID or TxnID. ``Refs`` looks both up
(records by kind and id, links by kind, id and role), remembers what it read, and can load
many at once, so a message set of 200 invoices over the same job and items reads each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qbwc_server.errors import MissingRecord, NotLinked
from qbxml.context import Ref
from request_queue.rows import LinkRow
from request_queue.store import Tx

_ABSENT = object()


class RecordData(dict[str, Any]):
    """A record's data as the exports see it, knowing which record it is (``kind``,
    ``record_id``): a sales rep is its user in another role and must name that user."""

    def __init__(self, kind: str, record_id: str, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.kind, self.record_id = kind, record_id


class Refs:
    """A cache of one company's records and links within one transaction."""

    def __init__(self, tx: Tx, company_id: int) -> None:
        self._tx = tx
        self._company_id = company_id
        self._records: dict[tuple[str, str], Any] = {}
        self._links: dict[tuple[str, str, str], Any] = {}

    # -- records ----------------------------------------------------------------------------
    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        """Read the records named by (kind, id) in one query, with their own links."""
        wanted = [k for k in set(keys) if k not in self._records]
        if not wanted:
            return
        found = self._tx.records.many(self._company_id, wanted)
        for key in wanted:
            row = found.get(key)
            self._records[key] = _ABSENT if row is None else RecordData(*key, row.data)
        self.preload_links((kind, rid, role) for kind, rid in wanted for role in ("", "sales_rep"))

    def find(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The record's data, or None when the app never sent it."""
        key = (kind, record_id)
        if key not in self._records:
            row = self._tx.records.get(self._company_id, kind, record_id)
            self._records[key] = _ABSENT if row is None else RecordData(kind, record_id, row.data)
        value = self._records[key]
        return None if value is _ABSENT else value

    def record(self, kind: str, record_id: str, *, needed_by: str | None = None) -> dict[str, Any]:
        """The record's data; MissingRecord naming it when it does not exist."""
        data = self.find(kind, record_id)
        if data is None:
            raise MissingRecord(kind, record_id, needed_by=needed_by)
        return data

    # -- links ------------------------------------------------------------------------------
    def preload_links(self, keys: Iterable[tuple[str, str, str]]) -> None:
        wanted = [k for k in set(keys) if k not in self._links]
        if not wanted:
            return
        found = self._tx.records.links_of(self._company_id, wanted)
        for key in wanted:
            self._links[key] = found.get(key, _ABSENT)

    def link(self, kind: str, record_id: str, role: str = "") -> LinkRow | None:
        key = (kind, record_id, role)
        if key not in self._links:
            row = self._tx.records.link_by_app(self._company_id, kind, record_id, role=role)
            self._links[key] = _ABSENT if row is None else row
        value = self._links[key]
        return None if value is _ABSENT else value

    def remember_link(self, link: LinkRow) -> None:
        """Cache a link written during this call, so later reads see it."""
        self._links[(link.kind, link.app_id, link.role)] = link

    def forget_link(self, kind: str, record_id: str, role: str = "") -> None:
        """Drop a cached link after it was written or removed."""
        self._links.pop((kind, record_id, role), None)

    def ref(self, kind: str, record_id: str, role: str = "", *, why: str = "") -> Ref:
        """A reference by ListID to the linked object; NotLinked when there is none."""
        return Ref(list_id=self.qb_id(kind, record_id, role, why=why))

    def qb_id(self, kind: str, record_id: str, role: str = "", *, why: str = "") -> str:
        link = self.link(kind, record_id, role)
        if link is None:
            if self.find(kind, record_id) is None:
                raise MissingRecord(kind, record_id)
            raise NotLinked(kind, record_id, role=role, why=why)
        return link.qb_id

    def optional_ref(self, kind: str, record_id: str | None) -> Ref | None:
        """A reference when ``record_id`` is given (it must then be linked), else None."""
        return None if not record_id else self.ref(kind, record_id)
