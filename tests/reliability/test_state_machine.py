"""A hypothesis state machine over the queue and the session logic, in-process on both
databases: enqueue, sign in, hand out, answer, lose an answer, let the ticket expire, kill
the session, wait. Invariants: no request is claimed by two live sessions, none is left in
``sent`` without an open session, nothing is added to QuickBooks twice, and in the end
(sessions after the dust settles) nothing is lost or stuck."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from qbwc_server.config import Settings
from request_queue.migrate import upgrade
from tests.conftest import Clock
from tests.support.databases import truncate_all
from tests.support.inprocess import PASSWORD, USER, Harness

REQUEST_ID = re.compile(r'requestID="(\d+)-\d+"')
FATES = ("answer", "late", "lose", "kill", "hold")


def _machine(make_url: object) -> type[RuleBasedStateMachine]:
    class Sessions(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            url = make_url()  # type: ignore[operator]
            config = Settings(
                database_url=url,
                password_hash_iterations=1000,
                public_url="https://qbwc.example.com/qbwc",
                max_noops_per_session=0,
            )
            self.h = Harness(config, Clock())
            self.customers: list[str] = []
            self.ticket: str | None = None
            self.first = True
            self.pending: str | None = None  # a message set handed out, not yet answered
            self.holder: dict[int, str] = {}  # request id -> the ticket it was handed to

        # -- the app ----------------------------------------------------------------------
        @initialize()
        def first_work(self) -> None:
            self.enqueue()

        @rule()
        def enqueue(self) -> None:
            rid = f"c{len(self.customers) + 1}"
            self.h.put("customer", rid, first_name="Ada", last_name=f"Client {rid}")
            self.h.ops.syncs.sync_record(self.h.company_id, "customer", rid)
            self.customers.append(rid)

        # -- the Web Connector ------------------------------------------------------------
        @rule(fate=st.sampled_from(FATES), close_after_error=st.booleans())
        def call(self, fate: str, close_after_error: bool) -> None:
            """The Web Connector's next step: sign in or ask for work if it has none in hand,
            then do with the set in hand as ``fate`` says: answer it, answer it after the
            ticket expired (and maybe not call closeConnection after the -1), let
            QuickBooks apply it and die, die before QuickBooks sees it, or hold it."""
            if self.ticket is None and not self._sign_in():
                return
            if self.pending is None and not self._send():
                return
            assert self.ticket is not None and self.pending is not None
            if fate == "hold":
                return  # QuickBooks is still working on it; other things happen meanwhile
            if fate == "kill":
                self.pending = self.ticket = None
                return
            answer = self.h.qb.process(self.pending)
            if fate == "lose":
                self.pending = self.ticket = None
                return
            if fate == "late":
                self.expire()
            self.pending = None
            percent = self.h.service.receive_response_xml(self.ticket, answer, "", "")
            if percent >= 100 or (percent < 0 and close_after_error):
                self._close()
            elif percent < 0:
                self.ticket = None

        def _sign_in(self) -> bool:
            ticket, status = self.h.service.authenticate(USER, PASSWORD)[:2]
            if status in ("nvu", "none", "busy"):
                self.h.service.close_connection(ticket)
                return False
            self.ticket, self.first = ticket, True
            return True

        def _send(self) -> bool:
            assert self.ticket is not None
            hcp = self.h.qb.hcp_response() if self.first else ""
            xml = self.h.service.send_request_xml(
                self.ticket, hcp, self.h.qb.company_file, "US", 13, 0
            )
            self.first = False
            if not xml:
                self._close()
                return False
            for rid in map(int, REQUEST_ID.findall(xml)):
                other = self.holder.get(rid)
                assert other is None or other == self.ticket or not self._open(other), (
                    f"request {rid} handed to a second live session"
                )
                self.holder[rid] = self.ticket
            self.pending = xml
            return True

        @rule()
        def expire(self) -> None:
            self.h.clock.advance(self.h.settings.session_idle_seconds + 1)

        @rule()
        def wait(self) -> None:
            self.h.clock.advance(self.h.settings.busy_seconds + 1)

        def _close(self) -> None:
            assert self.ticket is not None
            self.h.service.close_connection(self.ticket)
            self.ticket, self.pending = None, None

        def _open(self, ticket: str) -> bool:
            from qbwc_server.secrets import ticket_hash

            with self.h.store.transaction() as tx:
                row = tx.sessions.by_ticket_hash(ticket_hash(ticket))
            return row is not None and row.state == "open"

        # -- invariants -------------------------------------------------------------------
        @invariant()
        def nothing_sent_without_an_open_session(self) -> None:
            with self.h.store.transaction() as tx:
                for req in tx.queue.in_state(self.h.company_id, "sent"):
                    assert req.session_id is not None
                    state = tx.sessions.by_id(req.session_id).state
                    assert state == "open", f"request {req.id} sent, its session {state}"

        @invariant()
        def nothing_in_quickbooks_twice(self) -> None:
            names = Counter(c["FullName"] for c in self.h.qb.find("Customer"))
            assert all(n == 1 for n in names.values()), names

        def teardown(self) -> None:
            try:
                if self.ticket is not None and self.pending is None:
                    self._close()
                self.h.clock.advance(self.h.settings.busy_seconds + 1)
                for _ in range(10):
                    if self.h.session().outcome == "none":
                        break
                    self.h.clock.advance(self.h.settings.busy_seconds + 1)
                with self.h.store.transaction() as tx:
                    rows = tx.queue.recent(self.h.company_id, limit=10_000)
                    links = {
                        c: tx.records.link_by_app(self.h.company_id, "customer", c)
                        for c in self.customers
                    }
                stuck = [(r.id, r.action, r.state, r.error) for r in rows if r.state != "done"]
                assert not stuck, stuck
                in_qb = {c["ListID"] for c in self.h.qb.find("Customer")}
                assert len(in_qb) == len(self.customers)
                assert all(link is not None and link.qb_id in in_qb for link in links.values())
            finally:
                self.h.close()

    return Sessions


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_queue_and_sessions_keep_their_invariants(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        template = tmp_path / "template.db"
        upgrade(f"sqlite:///{template}")
        counter = iter(range(1_000_000))

        def make_url() -> str:
            copy = tmp_path / f"example-{next(counter)}.db"
            shutil.copy(template, copy)
            return f"sqlite:///{copy}"
    else:
        server: str = request.getfixturevalue("_postgres_url")

        def make_url() -> str:
            truncate_all(server)
            return server

    run_state_machine_as_test(
        _machine(make_url),
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
