"""Fixtures shared by every test layer: databases on both backends, settings, a clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qbwc_server.config import Settings
from request_queue.migrate import upgrade
from tests.support.databases import postgres_database, truncate_all

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        sqlite_url = f"sqlite:///{tmp_path / 'qbwc.db'}"
        upgrade(sqlite_url)
        return sqlite_url
    postgres_url: str = request.getfixturevalue("_postgres_url")
    truncate_all(postgres_url)
    return postgres_url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        password_hash_iterations=1000,
        public_url="https://qbwc.example.com/qbwc",
    )
