"""What people do, in one place: the CLI, the HTTP API and the admin pages call these and
nothing below them. No business rule lives in an interface.

``Operations(store, settings)`` groups them by subject: companies, records, syncs (Sync Job,
one record, imports) and the queue (requests, retry, cancel, links, log).
"""

from __future__ import annotations

from qbwc_server.config import Settings
from qbwc_server.operations.companies import Companies
from qbwc_server.operations.queue import QueueOps
from qbwc_server.operations.records import RecordOps
from qbwc_server.operations.syncs import Syncs
from request_queue.store import Store


class Operations:
    """Every operation of the service, over one store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.companies = Companies(store, settings)
        self.records = RecordOps(store, settings)
        self.syncs = Syncs(store, settings)
        self.queue = QueueOps(store, settings)


__all__ = ["Operations"]
