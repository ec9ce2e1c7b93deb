"""Creating and upgrading the database with Alembic (what ``qbwc init`` runs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from request_queue.db import _described, make_engine
from request_queue.errors import DatabaseUnavailable, NotInitialized

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _reaching() -> Iterator[None]:
    """Database errors as DatabaseUnavailable, in words (never with the URL's password)."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot use the database ({_described(exc)})") from None


def upgrade(url: str) -> str:
    """Bring the database at ``url`` to the newest schema; return the revision it is at."""
    with _reaching():
        command.upgrade(alembic_config(url), "head")
    return current_revision(url) or ""


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with _reaching(), engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: not SQLite, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def ensure_current(url: str) -> None:
    """NotInitialized unless the database exists and has the newest schema. A SQLite file
    that does not exist is not created (connecting would create it, empty)."""
    hint = "run `qbwc init` first"
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise NotInitialized(f"there is no database at {path}: {hint}")
    make_engine(url).dispose()  # a malformed URL says so before anything else
    revision, head = current_revision(url), head_revision(url)
    if revision is None:
        raise NotInitialized(f"the database has no qbwc-server tables yet: {hint}")
    if revision != head:
        raise NotInitialized(
            f"the database schema is at revision {revision} and this qbwc-server needs {head}: "
            "run `qbwc init` to upgrade it"
        )


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()
