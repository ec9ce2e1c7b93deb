"""What people do, in one place: the CLI, the HTTP API and the admin pages call these and
nothing below them. No business rule lives in an interface.

``Operations(store, settings)`` groups them by subject: companies, records, syncs (Sync Job,
one record, imports), the queue (requests, retry, cancel, links, log) and access (API
tokens, unlocking a user name), and admins (the /admin/ pages' accounts and sessions).
"""

from __future__ import annotations

from qbwc_server.config import Settings
from qbwc_server.operations.access import Access
from qbwc_server.operations.admins import AdminOps
from qbwc_server.operations.companies import Companies
from qbwc_server.operations.events import EventOps
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
        self.access = Access(store, settings)
        self.admins = AdminOps(store, settings)
        self.events = EventOps(store, settings)


__all__ = ["Operations"]
