"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from request_queue.migrate import current_revision, head_revision, upgrade
from request_queue.models import Base


def _engine_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(_engine_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_at_head(database_url: str) -> None:
    assert upgrade(database_url) == head_revision(database_url)
    assert current_revision(database_url) == head_revision(database_url)
