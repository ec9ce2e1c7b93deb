"""Tickets never cross companies: company A's ticket reaches only A's work, whatever it carries.
In-process (QbwcService), both databases."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest

from qbwc_server.config import Settings
from qbwc_server.simulator.quickbooks import FakeQuickBooks
from tests.conftest import Clock
from tests.support.inprocess import PASSWORD, USER, Harness
from tests.support.schema import schema_dir

OTHER = "bluebird"


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock)
    yield h
    h.close()


def _states(h: Harness, company_id: int) -> Counter[str]:
    with h.store.transaction() as tx:
        return Counter(r.state for r in tx.queue.recent(company_id, limit=1000))


def test_a_ticket_of_one_company_gets_nothing_of_another(harness: Harness) -> None:
    other, _ = harness.ops.companies.create(
        {"name": "Bluebird Builders", "qbwc_username": OTHER, "qbwc_password": PASSWORD}
    )
    harness.put("customer", "a1", first_name="Ada", last_name="Ours")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "a1")
    harness.ops.records.upsert(
        other.id, "customer", "b1", {"first_name": "Bo", "last_name": "Theirs"}
    )
    harness.ops.syncs.sync_record(other.id, "customer", "b1")
    directory = schema_dir()
    theirs = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)

    ticket_a = harness.service.authenticate(USER, PASSWORD)[0]
    ticket_b = harness.service.authenticate(OTHER, PASSWORD)[0]
    set_a = harness.service.send_request_xml(ticket_a, harness.qb.hcp_response(), "", "US", 13, 0)
    set_b = harness.service.send_request_xml(ticket_b, theirs.hcp_response(), "", "US", 13, 0)
    assert "Ours" in set_a and "Theirs" not in set_a
    assert "Theirs" in set_b and "Ours" not in set_b
    ids_b = set(re.findall(r'requestID="([^"]+)"', set_b))
    assert ids_b and not ids_b & set(re.findall(r'requestID="([^"]+)"', set_a))

    before_b = _states(harness, other.id)
    # B's answer posted with A's ticket: ignored, B's requests untouched.
    assert harness.service.receive_response_xml(ticket_a, theirs.process(set_b), "", "") >= 0
    assert _states(harness, other.id) == before_b
    with harness.store.transaction() as tx:
        assert tx.records.link_by_app(other.id, "customer", "b1") is None
        events = [e.event for e in tx.log.read(harness.company_id, limit=100)]
    assert "unmatched_response" in events
    # A's ticket answers for A alone; B's own ticket still completes B's work.
    assert "Theirs" not in harness.service.get_last_error(ticket_a)
    assert harness.service.receive_response_xml(ticket_b, theirs.process(set_b), "", "") >= 0
    assert _states(harness, other.id)["done"] == before_b["sent"]  # B's answer, B's ticket
    with harness.store.transaction() as tx:
        assert tx.records.link_by_app(harness.company_id, "customer", "b1") is None
    summary_a = harness.service.close_connection(ticket_a)
    assert summary_a == "Synced 0, 0 failed"


def test_tokens_scoped_to_one_company(harness: Harness) -> None:
    """A token scoped to company A reads and writes A only: B's records, queue, .qwc and the
    company list are refused, and what it tried on B changed nothing."""
    from werkzeug.test import Client

    from qbwc_server.secrets import ticket_hash
    from qbwc_server.wsgi import Application

    other, _ = harness.ops.companies.create(
        {"name": "Theirs", "qbwc_username": "theirs", "qbwc_password": PASSWORD}
    )
    with harness.store.transaction() as tx:
        tx.tokens.create(
            name="A only",
            role="admin",
            token_hash=ticket_hash("scoped-a"),
            company_id=harness.company_id,
        )
    client = Client(Application(harness.settings, harness.store))
    auth = {"Authorization": "Bearer scoped-a"}
    mine, theirs = f"/api/v1/companies/{harness.company_id}", f"/api/v1/companies/{other.id}"
    body = {"first_name": "Ada", "last_name": "Lovelace"}
    assert client.put(f"{mine}/records/customer/c1", json=body, headers=auth).status_code == 201
    assert client.get(f"{mine}/records/customer/c1", headers=auth).status_code == 200
    for method, path in [
        ("GET", theirs),
        ("GET", f"{theirs}/requests"),
        ("GET", f"{theirs}/qwc"),
        ("PUT", f"{theirs}/records/customer/c1"),
        ("POST", f"{theirs}/syncs"),
        ("GET", "/api/v1/companies"),
    ]:
        answer = client.open(path, method=method, json=body, headers=auth)
        assert answer.status_code == 403, (method, path, answer.get_data(as_text=True))
    with harness.store.transaction() as tx:
        assert tx.records.get(other.id, "customer", "c1") is None
