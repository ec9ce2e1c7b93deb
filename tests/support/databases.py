"""Test databases: a fresh SQLite file, or a fresh PostgreSQL database per test run.

PostgreSQL comes from QBWC_TEST_DATABASE_URL (a server URL whose user may create databases).
Without it the PostgreSQL cases skip, saying why, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from request_queue.migrate import upgrade
from request_queue.models import Base

BACKENDS = ("sqlite", "postgresql")


def postgres_server_url() -> str:
    url = os.environ.get("QBWC_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "CI=true but QBWC_TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI"
            )
        pytest.skip("QBWC_TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql+psycopg" if parts.scheme in ("postgresql", "postgres") else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme, path="/" + name))


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a uniquely named database, migrate it, yield its URL, drop it afterwards."""
    server = postgres_server_url()
    name = f"qbwc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        _with_database(server, urlsplit(server).path.lstrip("/") or "postgres"),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server must be reachable under CI
        admin.dispose()
        pytest.fail(f"cannot create a PostgreSQL test database at {server}: {exc}")
    url = _with_database(server, name)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def truncate_all(url: str) -> None:
    """Empty every table (between tests on a shared PostgreSQL database)."""
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
