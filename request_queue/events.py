"""The event feed: what happened to each company's records, in an order a reader can resume.

The host app reads ``GET /api/v1/companies/{cid}/events?after=<seq>`` instead of polling
record by record. Each event names the record (kind and id) and its QuickBooks object
(``qb_id``: ListID or TxnID; ``details["edit_sequence"]``: its EditSequence, when known):

- ``linked``: QuickBooks' answer linked the record to its object or refreshed the link.
  ``details["how"]`` says which: ``added`` (an Add), ``updated`` (a Mod carrying the app's
  change), ``matched`` (found already in QuickBooks and linked instead of added), ``recovered``
  (the object of an answer that was lost had landed, and was linked).
- ``updated_in_quickbooks``: an import changed an app record from QuickBooks' copy.
- ``imported``: an import created a record of its own (id ``qb-<ListID or TxnID>``).
- ``conflict``: an import overwrote a change made on the other side (details say which).
- ``failed``: a request for the record failed; ``details["reason"]`` says why.

Order. ``seq`` counts 1, 2, 3... per company with no gaps, in commit order, so "everything
after the last seq I saw" never skips an event. A database autoincrement id cannot promise
that on PostgreSQL: ids are handed out when rows are inserted, not when they commit, so a
transaction holding id 7 may commit after another has committed id 8; a reader that saw 8
then asks for "after 8" and never sees 7. Here the seq is taken with ``UPDATE companies SET
event_seq = event_seq + n ... RETURNING event_seq`` inside the writing transaction: the row
lock makes a second writer wait until the first commits (or rolls back, and then the second
takes the same numbers), so seqs become visible in order and a rollback leaves no gap.

Events are kept in the transaction and written when it commits (one UPDATE per company and
one INSERT for all of them), which also keeps the company row locked only for that moment.
An event may ask for its ids to be read from the record's link at that point (``link_role``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from request_queue.bulk import insert_rows
from request_queue.keyed import key_groups
from request_queue.models import Company, Event, Link, QueuedRequest

EVENTS = ("linked", "updated_in_quickbooks", "imported", "conflict", "failed")


@dataclass(frozen=True)
class EventRow:
    """One event of the feed."""

    seq: int
    company_id: int
    at: datetime
    event: str
    record_kind: str
    record_id: str
    qb_id: str | None
    details: dict[str, Any]


@dataclass
class _Pending:
    company_id: int
    event: str
    record_kind: str
    record_id: str
    qb_id: str | None
    details: dict[str, Any]
    at: datetime
    link_role: str | None


class Events:
    """Emitting and reading feed events within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock
        self._pending: list[_Pending] = []
        self._hooked = False

    def emit(
        self,
        company_id: int,
        event: str,
        *,
        record_kind: str,
        record_id: str,
        qb_id: str | None = None,
        edit_sequence: str | None = None,
        details: dict[str, Any] | None = None,
        link_role: str | None = None,
    ) -> None:
        """Add an event, written when the transaction commits (and lost if it rolls back).

        ``link_role``: fill ``qb_id`` and ``edit_sequence`` (when not given) from the record's
        link in that role ("" for its own object) as it stands at commit.
        """
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
        extra = dict(details or {})
        if edit_sequence is not None:
            extra["edit_sequence"] = edit_sequence
        self._pending.append(
            _Pending(
                company_id, event, record_kind, record_id, qb_id, extra, self._now(), link_role
            )
        )
        if not self._hooked:
            sa_event.listen(self._s, "before_commit", self._before_commit)
            self._hooked = True

    def emit_for_requests(
        self,
        company_id: int,
        event: str,
        request_ids: Iterable[int],
        details: dict[str, Any],
        *,
        link_roles: Mapping[str, str] | None = None,
    ) -> None:
        """The same event for the record of each request (one query; requests without a
        record are left out), e.g. ``failed`` for the requests that waited on a failed one.
        Ids come from each record's link in the role ``link_roles`` gives its entity ("")."""
        ids = list(request_ids)
        if not ids:
            return
        rows = self._s.execute(
            select(
                QueuedRequest.id,
                QueuedRequest.entity,
                QueuedRequest.action,
                QueuedRequest.record_kind,
                QueuedRequest.record_id,
            )
            .where(QueuedRequest.id.in_(ids), QueuedRequest.record_id.is_not(None))
            .order_by(QueuedRequest.id)
        ).all()
        roles = link_roles or {}
        for request_id, entity, action, kind, record_id in rows:
            if kind is None or record_id is None:
                continue
            about = {"entity": entity, "action": action, "request_id": request_id}
            role = roles.get(entity, "")
            if role:
                about["role"] = role
            self.emit(
                company_id,
                event,
                record_kind=kind,
                record_id=record_id,
                details={**about, **details},
                link_role=role,
            )

    def after(self, company_id: int, seq: int, limit: int = 100) -> list[EventRow]:
        """The company's events with a seq above ``seq``, oldest first, at most ``limit``."""
        self.flush()
        query = (
            select(Event)
            .where(Event.company_id == company_id, Event.seq > seq)
            .order_by(Event.seq)
            .limit(limit)
        )
        return [
            EventRow(
                e.seq,
                e.company_id,
                e.at,
                e.event,
                e.record_kind,
                e.record_id,
                e.qb_id,
                e.details or {},
            )
            for e in self._s.scalars(query)
        ]

    def flush(self) -> None:
        """Write the pending events now: seqs for each company (in company id order, so two
        transactions never wait on each other's company rows in opposite orders), then one
        INSERT."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        self._fill_from_links(pending)
        by_company: dict[int, list[_Pending]] = {}
        for item in pending:
            by_company.setdefault(item.company_id, []).append(item)
        rows: list[dict[str, Any]] = []
        for company_id in sorted(by_company):
            items = by_company[company_id]
            last = self._s.execute(
                update(Company)
                .where(Company.id == company_id)
                .values(event_seq=Company.event_seq + len(items))
                .returning(Company.event_seq)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            first = int(last) - len(items) + 1
            rows += [
                {
                    "company_id": company_id,
                    "seq": first + index,
                    "at": item.at,
                    "event": item.event,
                    "record_kind": item.record_kind,
                    "record_id": item.record_id,
                    "qb_id": item.qb_id,
                    "details": item.details,
                }
                for index, item in enumerate(items)
            ]
        insert_rows(self._s, cast(Table, Event.__table__), rows)

    def _fill_from_links(self, pending: list[_Pending]) -> None:
        """qb_id and edit_sequence from the links of the events that asked (one query per
        company)."""
        wanted: dict[int, set[tuple[str, str, str]]] = {}
        for item in pending:
            if item.link_role is not None and item.qb_id is None:
                key = (item.record_kind, item.record_id, item.link_role)
                wanted.setdefault(item.company_id, set()).add(key)
        for company_id, keys in wanted.items():
            groups = key_groups(
                Link.company_id == company_id, (Link.kind, Link.app_id, Link.role), keys, varying=1
            )
            links = {
                (k.kind, k.app_id, k.role): k
                for condition in groups
                for k in self._s.scalars(select(Link).where(condition))
            }
            for item in pending:
                if item.company_id != company_id or item.link_role is None or item.qb_id:
                    continue
                link = links.get((item.record_kind, item.record_id, item.link_role))
                if link is not None:
                    item.qb_id = link.qb_id
                    if link.edit_sequence is not None:
                        item.details.setdefault("edit_sequence", link.edit_sequence)

    def _before_commit(self, session: Session) -> None:
        self.flush()
