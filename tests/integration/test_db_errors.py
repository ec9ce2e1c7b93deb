"""Database errors are wrapped without the statement's values, in messages and in logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from request_queue.errors import Conflict, DatabaseError
from request_queue.store import Store

SECRET = "tkt-hash-5f9c0e7d1b2a4c6e8f0a1b2c3d4e5f60"
OTHER_SECRET = "api-token-9b8a7c6d5e4f3a2b1c0d"


def _log_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy logs each statement and, unless hidden, its parameters at INFO.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")


def test_a_unique_violation_does_not_show_the_value(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _log_everything(caplog)
    store = Store(database_url)
    try:
        with store.transaction() as tx:
            tx.sessions.create(company_id=None, ticket_hash=SECRET, state="open", idle_seconds=60)
        with pytest.raises(Conflict) as caught, store.transaction() as tx:
            tx.sessions.create(company_id=None, ticket_hash=SECRET, state="open", idle_seconds=60)
        # What a caller that logs the error with its traceback would write.
        logging.getLogger("tests.db_errors").error("refused", exc_info=caught.value)
    finally:
        store.dispose()
    message = caught.value.message
    assert message.startswith("the change conflicts with existing data (")
    assert "IntegrityError" in message or "UniqueViolation" in message  # says what happened
    assert SECRET not in message and SECRET not in str(caught.value)
    assert "[SQL" not in message
    assert any("SQL parameters hidden" in r.getMessage() for r in caplog.records)
    assert any(r.name == "tests.db_errors" for r in caplog.records)
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()


def test_other_database_errors_do_not_show_the_values(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _log_everything(caplog)
    store = Store(database_url)
    try:
        with pytest.raises(DatabaseError) as caught, store.db.transaction() as session:
            session.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": OTHER_SECRET})
        logging.getLogger("tests.db_errors").error("failed", exc_info=caught.value)
    finally:
        store.dispose()
    message = caught.value.message
    assert message.startswith("database error (") and "no_such_table" in message
    assert OTHER_SECRET not in message and "[SQL" not in message
    assert OTHER_SECRET not in caplog.text
