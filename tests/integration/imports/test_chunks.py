"""A big answer is applied a chunk of objects at a time (sync/imports/_apply.py CHUNK): every
object comes in once, a reference to an object of an earlier chunk is resolved to its record,
and the statements grow with the chunks, not with the objects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from qbwc_server.sync.imports import _apply
from tests.integration.imports.support import import_, records
from tests.support.inprocess import Harness


@contextmanager
def statements(h: Harness) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(h.store.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(h.store.db.engine, "before_cursor_execute", count)


def _chart(accounts: int) -> dict[str, Any]:
    """``accounts`` expense accounts, the last one a subaccount of the first."""
    chart: list[dict[str, Any]] = [
        {"Name": f"Account {n:03d}", "AccountType": "Expense"} for n in range(accounts - 1)
    ]
    chart.append(
        {"Name": "Sub", "AccountType": "Expense", "ParentRef": {"FullName": "Account 000"}}
    )
    return {"Account": chart}


def test_every_object_of_a_chunked_answer_comes_in_once_with_its_references(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_apply, "CHUNK", 4)
    harness.qb.seed(_chart(11))  # chunks of 4, 4 and 3; the parent is in the first
    import_(harness, "accounts")
    got = records(harness, "account")
    assert len(got) == 11
    parent = next(r for r in got.values() if r.data["name"] == "Account 000")
    sub = next(r for r in got.values() if r.data["name"] == "Sub")
    assert sub.data["parent_id"] == parent.record_id
    with harness.store.transaction() as tx:
        links = tx.records.links(harness.company_id, "account")
        imported = [e for e in tx.events.after(harness.company_id, 0, 100) if e.event == "imported"]
    assert len(links) == 11 and len({link.qb_id for link in links}) == 11
    assert sorted(e.record_id for e in imported if e.record_kind == "account") == sorted(got)


def test_the_statements_grow_with_the_chunks_not_the_objects(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_apply, "CHUNK", 10)
    harness.qb.seed(_chart(40))
    with statements(harness) as seen:
        import_(harness, "accounts")
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO RECORDS")]
    assert len(records(harness, "account")) == 40
    assert len(inserts) == 4  # one bulk upsert per chunk of 10, not one per account
    assert len(seen) < 80, len(seen)
