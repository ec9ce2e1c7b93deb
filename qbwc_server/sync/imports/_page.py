"""One answer's objects while they are applied: what they are linked to, read in bulk, and what
applying them writes, kept until ``flush`` writes it in a few statements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qbwc_server.sync.handlers import SyncEnv
from qbwc_server.sync.imports._base import ImportSpec, Incoming
from qbwc_server.sync.writes import LinkWrite
from qbxml.responses import RefValue
from request_queue.rows import LinkRow, RecordRow, RequestRow


def new_id(qb_id: str) -> str:
    """The id of a record created from QuickBooks: ``qb-<ListID or TxnID>``."""
    return f"qb-{qb_id}"


class Page:
    """Links and records of one page of an import, and the writes applying it makes."""

    def __init__(self, env: SyncEnv, req: RequestRow, spec: ImportSpec) -> None:
        self.env = env
        self.req = req
        self.spec = spec
        self.company_id = env.company.id
        self._by_qb: dict[str, list[LinkRow]] = {}
        self._records: dict[tuple[str, str], RecordRow | None] = {}
        self._links: dict[tuple[str, str, str], LinkRow | None] = {}
        self._saves: dict[tuple[str, str], tuple[str, str, str, dict[str, Any]]] = {}

    # -- reading ----------------------------------------------------------------------------
    def load(self, items: list[Incoming]) -> None:
        """Read, in bulk, the links of every object and of what they reference, and the
        records they are (or would become)."""
        wanted = {item.qb_id for item in items}
        for item in items:
            wanted.update(self.spec.refs(item.ret))
        self._by_qb = self.env.tx.imports.links_by_qb_ids(self.company_id, wanted)
        keys = []
        for item in items:
            owner = self.owner(item.qb_id)
            keys.append(
                (owner.kind, owner.app_id) if owner else (self.spec.kind, new_id(item.qb_id))
            )
        self.load_records(keys)

    def load_records(self, keys: Iterable[tuple[str, str]]) -> None:
        wanted = [k for k in set(keys) if k not in self._records]
        if wanted:
            found = self.env.tx.imports.records(self.company_id, wanted)
            for key in wanted:
                self._records[key] = found.get(key)

    def load_links(self, keys: Iterable[tuple[str, str, str]]) -> None:
        wanted = [k for k in set(keys) if k not in self._links]
        if wanted:
            found = self.env.tx.imports.links_of(self.company_id, wanted)
            for key in wanted:
                self._links[key] = found.get(key)

    def owner(self, qb_id: str) -> LinkRow | None:
        """The link of the app record this object is, among the spec's link kinds."""
        for kind in self.spec.linked_as:
            link = self.linked(kind, qb_id)
            if link is not None:
                return link
        return None

    def linked(self, kind: str, qb_id: str | None, role: str = "") -> LinkRow | None:
        """The link of ``kind`` (and role) to the QuickBooks object ``qb_id``, if loaded."""
        for link in self._by_qb.get(qb_id or "", ()):
            if link.kind == kind and link.role == role:
                return link
        return None

    def ref(
        self, kind: str, ref: RefValue | None, *, role: str = "", new: bool = True
    ) -> str | None:
        """The app id a QuickBooks reference stands for: the linked record's, else (``new``)
        the id the object gets when imported; None without a ListID."""
        if ref is None or not ref.list_id:
            return None
        link = self.linked(kind, ref.list_id, role)
        if link is not None:
            return link.app_id
        return new_id(ref.list_id) if new else None

    def record(self, kind: str, record_id: str) -> RecordRow | None:
        return self._records.get((kind, record_id))

    def link_of(self, kind: str, app_id: str, role: str = "") -> LinkRow | None:
        """A link by its app record (after ``load_links``)."""
        return self._links.get((kind, app_id, role))

    # -- writing ----------------------------------------------------------------------------
    def save(self, kind: str, record_id: str, origin: str, data: dict[str, Any]) -> None:
        self._saves[(kind, record_id)] = (kind, record_id, origin, data)

    def link(self, write: LinkWrite) -> None:
        self.env.link(write)

    def event(self, event: str, kind: str, record_id: str, item: Incoming, **details: Any) -> None:
        """A feed event for the record, naming the QuickBooks object and this import."""
        self.env.tx.events.emit(
            self.company_id,
            event,
            record_kind=kind,
            record_id=record_id,
            qb_id=item.qb_id,
            edit_sequence=item.edit_sequence,
            details={"import": self.spec.name, "request_id": self.req.id, **details},
        )

    def log(self, event: str, message: str, kind: str, record_id: str, **kw: Any) -> None:
        self.env.log(
            event, message, record_kind=kind, record_id=record_id, request_id=self.req.id, **kw
        )

    def flush(self) -> None:
        """Store the records saved while applying the page."""
        if self._saves:
            self.env.tx.imports.save_records(self.company_id, list(self._saves.values()))
            self._saves.clear()
