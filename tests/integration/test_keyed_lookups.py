"""Rows named by composite keys are read from the unique index (request_queue/keyed.py), on
SQLite and PostgreSQL: many kinds at once, keys that are absent, and the plan."""

from __future__ import annotations

from sqlalchemy import select, text

from qbwc_server.config import Settings
from request_queue.keyed import key_groups
from request_queue.models import Record
from tests.conftest import Clock
from tests.support.inprocess import Harness


def test_records_of_several_kinds_come_back_and_absent_keys_do_not(
    settings: Settings, clock: Clock
) -> None:
    h = Harness(settings, clock)
    try:
        h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
        h.put("customer", "c2", first_name="Alan", last_name="Turing")
        h.put(
            "vendor",
            "v1",
            name="Acme Lumber",
            vendor_type="supplier",
            updated_at="2026-01-02T00:00:00Z",
        )
        with h.store.transaction() as tx:
            found = tx.records.many(
                h.company_id,
                [("customer", "c1"), ("vendor", "v1"), ("customer", "nope"), ("item", "c2")],
            )
        assert sorted(found) == [("customer", "c1"), ("vendor", "v1")]
    finally:
        h.close()


def test_the_lookup_uses_the_unique_index_for_the_kind_and_the_id(
    settings: Settings, clock: Clock
) -> None:
    h = Harness(settings, clock)
    try:
        keys = [("customer", f"c{n}") for n in range(50)] + [("vendor", "v1")]
        groups = key_groups(
            Record.company_id == h.company_id, (Record.kind, Record.record_id), keys, varying=1
        )
        assert len(groups) == 2  # one query per kind
        engine = h.store.db.engine
        for condition in groups:
            query = select(Record.id).where(condition)
            compiled = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                    plan = " ".join(str(r[-1]) for r in rows)
                    assert "company_id=? AND kind=? AND record_id=?" in plan, plan
                else:
                    conn.execute(text("SET enable_seqscan = off"))  # a tiny table: use an index
                    plan = " ".join(r[0] for r in conn.execute(text(f"EXPLAIN {compiled}")))
                    assert "record_id" in plan.split("Index Cond", 1)[-1], plan
    finally:
        h.close()
