"""Applying an answer costs a handful of SQL statements per answer, not several per object."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import PASSWORD, Harness


@contextmanager
def counting(h: Harness) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(h.store.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(h.store.db.engine, "before_cursor_execute", count)


def _statements_to_apply(settings: Settings, clock: Clock, customers: int) -> int:
    """SQL statements run by the receiveResponseXML that answers ``customers`` Adds."""
    h = Harness(settings, clock, username=f"co{customers}")
    try:
        for n in range(customers):
            h.put("customer", f"c{n}", first_name="Ada", last_name=f"Lovelace{n}")
            h.ops.syncs.sync_record(h.company_id, "customer", f"c{n}")
        ticket = h.service.authenticate(h.username, PASSWORD)[0]
        hcp = h.qb.hcp_response()
        lookups = h.service.send_request_xml(ticket, hcp, h.qb.company_file, "US", 13, 0)
        h.service.receive_response_xml(ticket, h.qb.process(lookups), "", "")
        adds = h.service.send_request_xml(ticket, "", h.qb.company_file, "US", 13, 0)
        assert adds.count("<CustomerAddRq ") == customers
        answer = h.qb.process(adds)
        with counting(h) as seen:
            assert h.service.receive_response_xml(ticket, answer, "", "") == 100
        assert len(h.qb.find("Customer")) == customers
        with h.store.transaction() as tx:
            assert len(tx.records.links(h.company_id, "customer")) == customers
        return len(seen)
    finally:
        h.close()


def test_the_statements_do_not_grow_with_the_objects(settings: Settings, clock: Clock) -> None:
    few = _statements_to_apply(settings, clock, 3)
    many = _statements_to_apply(settings, clock, 60)
    assert many == few, (few, many)
    assert many <= 20
