"""Work is never stuck and never re-sent without limit: a late answer after the ticket expired
releases what it answered; an answer the database refuses counts a try, capped; an over-long
QuickBooks id fails its one request before the database sees it. Both databases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DataError

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import PASSWORD, USER, Harness


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock)
    yield h
    h.close()


def _project(h: Harness) -> None:
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
    h.ops.syncs.sync_job(h.company_id, "p1")


def _open(h: Harness) -> str:
    ticket, status = h.service.authenticate(USER, PASSWORD)[:2]
    assert status not in ("nvu", "none", "busy"), status
    return ticket


def _send(h: Harness, ticket: str, first: bool = False) -> str:
    hcp = h.qb.hcp_response() if first else ""
    return h.service.send_request_xml(ticket, hcp, h.qb.company_file, "US", 13, 0)


def _requests(h: Harness) -> list[Any]:
    with h.store.transaction() as tx:
        return tx.queue.recent(h.company_id, limit=1000)


def _states(h: Harness) -> Counter[str]:
    """Requests per state, counted from the rows themselves."""
    return Counter(r.state for r in _requests(h))


def test_a_late_answer_after_expiry_releases_the_reads_it_answered(harness: Harness) -> None:
    _project(harness)
    ticket = _open(harness)
    xml = _send(harness, ticket, first=True)
    assert "CustomerQueryRq" in xml
    answer = harness.qb.process(xml)
    harness.clock.advance(harness.settings.session_idle_seconds + 1)
    assert harness.service.receive_response_xml(ticket, answer, "", "") == -1
    assert _states(harness)["sent"] == 0  # was: stuck in sent, later sessions told "none"
    harness.service.close_connection(ticket)
    run = harness.session()
    assert run.outcome == "completed", run
    assert "CustomerQueryRq" in run.requests[0]  # the reads were simply asked again
    assert len(harness.qb.find("Customer")) == 2
    states = _states(harness)
    assert states["sent"] == states["uncertain"] == states["failed"] == 0


def test_a_late_answer_after_expiry_leaves_a_write_to_be_checked(harness: Harness) -> None:
    _project(harness)
    ticket = _open(harness)
    first = _send(harness, ticket, first=True)
    assert harness.service.receive_response_xml(ticket, harness.qb.process(first), "", "") < 100
    add = _send(harness, ticket)
    assert "CustomerAddRq" in add
    answer = harness.qb.process(add)  # QuickBooks added the customer ...
    harness.clock.advance(harness.settings.session_idle_seconds + 1)
    assert harness.service.receive_response_xml(ticket, answer, "", "") == -1  # ... too late
    states = _states(harness)
    assert states["sent"] == 0 and states["uncertain"] == 1
    run = harness.session()
    assert run.outcome == "completed", run
    assert 'oldMessageSetID="' in run.requests[0]  # asked QuickBooks, not re-sent blindly
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    assert len(harness.qb.find("Customer")) == 2
    assert _states(harness)["uncertain"] == _states(harness)["sent"] == 0


def _refuse_links_of(h: Harness, app_id: str) -> list[int]:
    """Make the database refuse every write of a link for ``app_id`` (as PostgreSQL refuses a
    value too long for its column); returns a list that counts the refusals."""
    refused: list[int] = []

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any
    ) -> None:
        writes = statement.lstrip().upper().startswith(("INSERT INTO LINKS", "UPDATE LINKS"))
        if writes and app_id in _values(params):
            refused.append(1)
            raise DataError(statement, params, Exception("value too long for its column"))

    event.listen(h.store.db.engine, "before_cursor_execute", before)
    return refused


def _values(params: Any) -> list[Any]:
    """Every bound value of a statement (one parameter set, or many)."""
    if isinstance(params, dict):  # a bulk write binds a list of values per column
        return [x for v in params.values() for x in (v if isinstance(v, list) else [v])]
    if isinstance(params, list | tuple):
        return [
            v for p in params for v in (_values(p) if isinstance(p, dict | list | tuple) else [p])
        ]
    return [params]


def test_an_answer_the_database_refuses_is_tried_at_most_max_attempts(harness: Harness) -> None:
    _project(harness)
    refused = _refuse_links_of(harness, "c1")
    run = harness.session()
    assert run.outcome == "completed", run
    most = harness.settings.request_max_attempts
    by_entity = {(r.entity, r.action): r for r in _requests(harness)}
    customer = by_entity[("customer", "export")]
    assert customer.state == "failed" and customer.attempts == most
    assert "could not be stored" in (customer.error or "")
    assert f"Gave up after {most} tries" in (customer.error or "")
    assert by_entity[("job", "export")].state == "failed"  # it waits for the customer
    assert 0 < len(refused) <= most
    # The summary counts them (it said "Synced 0, 0 failed" while the answer looped).
    assert run.close.startswith("Synced ") and run.close.endswith(", 2 failed"), run.close
    # Added once: the retries asked QuickBooks what became of the Add, they did not re-send it.
    assert len(harness.qb.find("Customer", FullName="Lovelace, Ada")) == 1
    assert _states(harness)["sent"] == _states(harness)["uncertain"] == 0
    assert harness.session().outcome == "none"  # nothing is handed out again


def test_a_refused_read_in_a_set_is_isolated_and_capped(harness: Harness) -> None:
    harness.qb.seed({"Customer": [{"Name": "Lovelace, Ada"}, {"Name": "Hopper, Grace"}]})
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    harness.put("customer", "c2", first_name="Grace", last_name="Hopper")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c2")
    _refuse_links_of(harness, "c1")  # the lookup that finds Ada links her: refused
    run = harness.session()
    assert run.outcome == "completed", run
    lookups = {r.params["record_ids"][0]: r for r in _requests(harness) if r.action == "lookup"}
    assert lookups["c1"].state == "failed"
    assert lookups["c1"].attempts == harness.settings.request_max_attempts
    assert lookups["c2"].state == "done"  # sent alone after the set was refused
    assert harness.link("customer", "c2") is not None
    assert len(harness.qb.find("Customer")) == 2  # nothing added


def test_an_over_long_list_id_fails_its_request_once_with_the_reason(harness: Harness) -> None:
    long_id = "8000" + "0" * 66  # 70 characters: PostgreSQL refuses it for links.qb_id
    harness.qb.seed({"Customer": [{"Name": "Lovelace, Ada", "ListID": long_id}]})
    _project(harness)
    run = harness.session()
    assert run.outcome == "completed", run
    lookup = next(r for r in _requests(harness) if r.action == "lookup" and r.entity == "customer")
    assert lookup.state == "failed" and lookup.attempts == 1  # not re-sent
    assert "ListID is 70 characters long" in (lookup.error or "")
    assert harness.link("customer", "c1") is None
    assert "failed" in run.close and run.close != "Synced 0, 0 failed"
    assert harness.session().outcome == "none"
