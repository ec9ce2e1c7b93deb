"""Bench databases: a fresh SQLite file or PostgreSQL database per run, and bulk loading.

Rows are loaded with the driver directly (COPY on PostgreSQL, one executemany in one
transaction on SQLite), not the ORM, so loading a million requests takes seconds.
PostgreSQL comes from QBWC_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/
postgres); when no server answers, the PostgreSQL figures are skipped with a note.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text

from request_queue.migrate import upgrade
from request_queue.models import Company, QbwcSession, QueuedRequest

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
REQUEST_COLUMNS = (
    "company_id",
    "entity",
    "action",
    "params",
    "state",
    "attempts",
    "not_before",
    "solo",
    "created_at",
    "updated_at",
)
STATES = ("queued", "sent", "done", "failed", "uncertain", "resolved", "cancelled")


def postgres_server() -> str | None:
    """The PostgreSQL server URL, or None when none answers."""
    url = os.environ.get("QBWC_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect():
            return url
    except Exception:
        return None
    finally:
        engine.dispose()


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A migrated, empty database of ``kind`` (sqlite or postgresql); dropped afterwards."""
    name = f"qbwc_bench_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        url = f"sqlite:///{tmp / name}.db"
        upgrade(url)
        yield url
        return
    server = postgres_server()
    if server is None:
        raise RuntimeError("no PostgreSQL server answers")
    admin = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def engine_for(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def add_companies(engine: Engine, count: int, first_id: int = 1) -> list[int]:
    """``count`` companies with ids from ``first_id`` (one executemany)."""
    ids = list(range(first_id, first_id + count))
    rows = [
        {
            "id": n,
            "name": f"Bench company {n}",
            "qbwc_username": f"bench{n}",
            "password_hash": "x",
            "owner_id": "{o}",
            "file_id": "{f}",
            "settings": {},
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in ids
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Company.__table__), rows[start : start + 5000])
    return ids


def add_session(engine: Engine, company_id: int) -> int:
    """An open Web Connector session of ``company_id``; its id."""
    table = QbwcSession.__table__
    with engine.begin() as conn:
        row = conn.execute(
            insert(table).returning(table.c.id),  # type: ignore[attr-defined]
            {
                "company_id": company_id,
                "ticket_hash": uuid.uuid4().hex,
                "state": "open",
                "created_at": NOW,
                "last_seen_at": NOW,
                "expires_at": NOW,
            },
        )
        return int(row.scalar_one())


def requests(company_ids: Sequence[int], per_company: int, state: str) -> Iterator[tuple[Any, ...]]:
    """Request rows (REQUEST_COLUMNS order), ``per_company`` for each company, interleaved
    across companies as a busy server would have written them."""
    for _ in range(per_company):
        for cid in company_ids:
            yield (cid, "account", "import", "{}", state, 0, NOW, False, NOW, NOW)


def load_requests(engine: Engine, rows: Iterable[tuple[Any, ...]]) -> int:
    """Bulk-insert request rows; refresh the kept counts and the planner's statistics."""
    columns = ", ".join(REQUEST_COLUMNS)
    raw = engine.raw_connection()
    loaded = 0
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY requests ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    loaded += 1
        else:
            at = _sqlite_datetime(engine)
            marks = ", ".join("?" for _ in REQUEST_COLUMNS)
            cursor.execute("BEGIN")
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append((*row[:5], row[5], at, int(row[7]), at, at))
                if len(batch) == 50_000:
                    cursor.executemany(f"INSERT INTO requests ({columns}) VALUES ({marks})", batch)
                    loaded += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO requests ({columns}) VALUES ({marks})", batch)
                loaded += len(batch)
            cursor.execute("COMMIT")
        raw.commit()
    finally:
        raw.close()
    recount(engine)
    return loaded


def recount(engine: Engine) -> None:
    """Rebuild queue_counts from the requests (as migration 0009 does); on PostgreSQL, VACUUM
    ANALYZE, so autovacuum does not run during the measurements."""
    sums = ", ".join(f"SUM(CASE WHEN state = '{s}' THEN 1 ELSE 0 END)" for s in STATES)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM queue_counts"))
        conn.execute(
            text(
                f"INSERT INTO queue_counts (company_id, {', '.join(STATES)}) "
                f"SELECT company_id, {sums} FROM requests GROUP BY company_id"
            )
        )
    if engine.dialect.name == "postgresql":  # what autovacuum would do, a little later
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def _sqlite_datetime(engine: Engine) -> Any:
    """NOW as the models store it on SQLite (through the column type's own processors)."""
    column_type = QueuedRequest.__table__.c.not_before.type
    processor = column_type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    return processor(NOW) if processor else NOW
