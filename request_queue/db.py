"""Engines and transactions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from request_queue.errors import Conflict, DatabaseError, DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (DatabaseError, in words and without the URL, which may hold a
    password, when the URL is malformed or names a driver that is not installed)."""
    unusable = DatabaseError(
        "the database URL is not one qbwc-server can use; give sqlite:///path/qbwc.db "
        "or postgresql://user@host/dbname"
    )
    if url.partition(":")[0].partition("+")[0] not in ("sqlite", "postgresql"):
        raise unusable
    try:
        return _engine(url)
    except ArgumentError:
        raise unusable from None
    except ImportError as exc:
        raise DatabaseError(
            f"the database driver is not installed ({exc.name or exc}); "
            "install qbwc-server with bash scripts/setup.sh"
        ) from None


def _engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, every transaction takes the write lock up front.

    pysqlite's own transaction handling is turned off and each transaction starts with
    ``BEGIN IMMEDIATE``, so two workers can never both read a row as queued and claim it
    (SQLite has no SELECT ... FOR UPDATE). WAL lets readers go on while one writes.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No server-side prepared statements (psycopg prepares a query after 5 runs by default).
    # A prepared query may be given a generic plan, and for the bulk lookups of an import
    # (``qb_id IN (...)`` of hundreds of ids, in a table filling up in the same transaction)
    # that plan read every row of the company: 25 ms a lookup instead of 3, 1.4 s of a
    # 10,000-account answer. Planned with its values, each query uses the index.
    return create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"prepare_threshold": None},
    )


def _described(exc: SQLAlchemyError) -> str:
    """The error in words without any value from the statement: the driver's exception class
    and the first line of its message ("UNIQUE constraint failed: companies.qbwc_username",
    'duplicate key value violates unique constraint "..."'). PostgreSQL's DETAIL line, which
    quotes the values ("Key (ticket_hash)=(...)"), and SQLAlchemy's [SQL: ...] part are left out.
    """
    orig = getattr(exc, "orig", None)
    source = orig if orig is not None else exc
    lines = str(source).strip().splitlines()
    first = lines[0].strip()[:300] if lines else ""
    if orig is None and first.startswith("("):
        first = ""  # SQLAlchemy's own text may quote the statement; the class name says enough
    name = type(source).__name__
    return f"{name}: {first}" if first else name


def _unreachable(exc: SQLAlchemyError) -> bool:
    """A failure to reach the server (refused, reset, shut down), not one of the statement:
    psycopg raises its OperationalError for both, so the first words tell them apart."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).lower()
    return any(words in text for words in _UNREACHABLE)


_UNREACHABLE = (
    "connection failed",
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "could not connect",
    "the database system is",  # starting up / shutting down / in recovery mode
    "consuming input failed",
    "ssl syscall",
)


class Database:
    """An engine and a session factory; ``transaction()`` is the only way in."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except IntegrityError as exc:
            # "from None": a logged traceback would print the cause, and with it the values.
            message = f"the change conflicts with existing data ({_described(exc)})"
            raise Conflict(message) from None
        except (OperationalError, InterfaceError) as exc:
            if exc.connection_invalidated or _unreachable(exc):
                raise DatabaseUnavailable(f"database unavailable ({_described(exc)})") from None
            raise DatabaseError(f"database error ({_described(exc)})") from None
        except SQLAlchemyError as exc:
            raise DatabaseError(f"database error ({_described(exc)})") from None
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
