"""Many rows in one statement (request_queue/bulk.py), on SQLite and PostgreSQL: inserts,
upserts, the last of two rows with one key, JSON, times and empty values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, event, select

from qbwc_server.config import Settings
from request_queue.bulk import insert_rows
from request_queue.errors import DatabaseError
from request_queue.models import Record
from tests.conftest import Clock
from tests.support.inprocess import Harness

RECORDS = cast(Table, Record.__table__)
AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
KEY = ("company_id", "kind", "record_id")


def _row(cid: int, record_id: str, data: dict[str, Any], project: str | None = None) -> dict:
    return {
        "company_id": cid,
        "kind": "customer",
        "record_id": record_id,
        "origin": "app",
        "data": data,
        "updated_at": AT,
        "project_id": project,
    }


def test_rows_are_written_in_one_statement_and_upserts_keep_the_last(
    settings: Settings, clock: Clock
) -> None:
    h = Harness(settings, clock)
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    try:
        cid = h.company_id
        rows = [_row(cid, f"c{n}", {"n": n, "name": f"Ann {n}", "tags": ["a"]}) for n in range(50)]
        rows.append(_row(cid, "c7", {"n": 700}, project="p1"))  # the same key again: it wins
        event.listen(h.store.db.engine, "before_cursor_execute", count)
        with h.store.db.transaction() as session:
            insert_rows(session, RECORDS, rows, conflict=KEY, update=("data", "project_id"))
        event.remove(h.store.db.engine, "before_cursor_execute", count)
        assert len([s for s in seen if s.lstrip().upper().startswith("INSERT")]) == 1
        with h.store.db.transaction() as session:
            insert_rows(
                session,
                RECORDS,
                [_row(cid, "c3", {"n": 3, "again": True})],
                conflict=KEY,
                update=("data",),
            )
            got = {
                r.record_id: r
                for r in session.scalars(select(Record).where(Record.company_id == cid))
            }
        assert len(got) == 50
        assert got["c7"].data == {"n": 700} and got["c7"].project_id == "p1"
        assert got["c3"].data == {"n": 3, "again": True}
        assert got["c1"].data == {"n": 1, "name": "Ann 1", "tags": ["a"]}
        assert got["c1"].updated_at == AT and got["c1"].project_id is None
    finally:
        h.close()


def test_nothing_to_write_writes_nothing(settings: Settings, clock: Clock) -> None:
    h = Harness(settings, clock)
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    try:
        event.listen(h.store.db.engine, "before_cursor_execute", count)
        with h.store.db.transaction() as session:
            insert_rows(session, RECORDS, [], conflict=KEY, update=("data",))
        event.remove(h.store.db.engine, "before_cursor_execute", count)
        assert [s for s in seen if "INSERT" in s.upper()] == []
    finally:
        h.close()


def test_a_value_too_long_for_its_column_is_refused_not_cut(
    settings: Settings, clock: Clock
) -> None:
    h = Harness(settings, clock)
    try:
        if h.store.db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite does not enforce column lengths; the ids are checked before")
        too_long = "x" * 201  # record_id is VARCHAR(200)
        with pytest.raises(DatabaseError, match="too long"), h.store.db.transaction() as session:
            insert_rows(
                session, RECORDS, [_row(h.company_id, too_long, {})], conflict=KEY, update=("data",)
            )
    finally:
        h.close()
