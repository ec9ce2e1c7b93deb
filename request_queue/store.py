"""The store's one entry point: ``Store.transaction()`` yields a Tx with every operation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from request_queue.admins import Admins
from request_queue.companies import Companies, Throttle
from request_queue.db import Database
from request_queue.events import Events
from request_queue.imports import ImportData
from request_queue.logbook import Logbook
from request_queue.queue import Queue
from request_queue.records import Records
from request_queue.sessions import Sessions
from request_queue.tokens import Tokens


def utc_now() -> datetime:
    """The wall clock, UTC-aware (the default clock of a Store)."""
    return datetime.now(UTC)


class Tx:
    """One transaction's view of the store, grouped by subject."""

    def __init__(self, db_session: object, clock: Callable[[], datetime], dialect: str) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(db_session, Session)
        self.companies = Companies(db_session, clock)
        self.throttle = Throttle(db_session, clock)
        self.admins = Admins(db_session, clock)
        self.sessions = Sessions(db_session, clock)
        self.queue = Queue(db_session, clock, dialect)
        self.records = Records(db_session, clock)
        self.log = Logbook(db_session, clock)
        self.tokens = Tokens(db_session, clock)
        self.events = Events(db_session, clock)
        self.imports = ImportData(db_session, clock, dialect)
        self.now = clock


class Store:
    """The database behind the service: SQLite by default, PostgreSQL for many workers."""

    def __init__(self, url: str, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = Database(url)
        self.clock = clock

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.db.transaction() as session:
            yield Tx(session, self.clock, self.db.dialect)

    def dispose(self) -> None:
        self.db.dispose()
