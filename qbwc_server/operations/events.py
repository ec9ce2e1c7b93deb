"""The event feed as the host app reads it: a company's events after a cursor, in order.

The cursor is an event's ``seq`` (0: from the start). Events and their order are described in
request_queue/events.py.
"""

from __future__ import annotations

from typing import Any

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from qbwc_server.operations.companies import MAX_ID, find_company
from request_queue.events import EventRow
from request_queue.store import Store

MAX_LIMIT = 500


def event_view(event: EventRow) -> dict[str, Any]:
    """One event as the API and ``qbwc events --json`` show it: the record, its QuickBooks
    ids (``qb_id``: ListID or TxnID; ``edit_sequence``) and the rest of what is known."""
    details = dict(event.details)
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "event": event.event,
        "record_kind": event.record_kind,
        "record_id": event.record_id,
        "qb_id": event.qb_id,
        "edit_sequence": details.pop("edit_sequence", None),
        "details": details,
    }


class EventOps:
    """Reading a company's event feed."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def after(self, company: str | int, cursor: int = 0, limit: int = 100) -> list[EventRow]:
        """At most ``limit`` events with a seq above ``cursor``, oldest first."""
        if not 0 <= cursor <= MAX_ID:
            raise UsageError(f"the cursor must be a seq from 0 to {MAX_ID} (got {cursor})")
        if not 1 <= limit <= MAX_LIMIT:
            raise UsageError(f"the limit must be from 1 to {MAX_LIMIT} (got {limit})")
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            return tx.events.after(row.id, cursor, limit)
