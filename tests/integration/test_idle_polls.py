"""Idle polls on SQLite and PostgreSQL: one statement, nothing written, no slow hash, the right
words at closeConnection, back-off while paused or failing, and throttling as before."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, func, select

from qbwc_server import secrets
from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.polls import BACKOFF_MAX_SECONDS, MSG_BACKOFF, MSG_NONE, MSG_PAUSED
from qbwc_server.service import MSG_LOCKED, MSG_NVU, MSG_UNKNOWN_TICKET, QbwcService
from qbwc_server.sync.registry import default_registry
from request_queue.models import QbwcSession
from request_queue.store import Store
from tests.conftest import Clock
from tests.support import canned

CHOSEN = "correct horse battery"
FILE = r"C:\Company Files\Ridgeline.QBW"


class Kdf:
    """secrets.KDF, counting PBKDF2 iterations."""

    def __init__(self) -> None:
        self.iterations = 0

    def __call__(self, name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        self.iterations += iterations
        return hashlib.pbkdf2_hmac(name, password, salt, iterations)

    def take(self) -> int:
        spent, self.iterations = self.iterations, 0
        return spent


class Statements:
    """Every statement the database driver runs, as it reaches the driver: SQLite's trace
    callback, or each psycopg cursor execute (the pool's liveness ping included)."""

    def __init__(self, store: Store) -> None:
        self.sql: list[str] = []
        self.orm: list[str] = []  # what went through SQLAlchemy's execution
        engine = store.db.engine
        if engine.dialect.name == "sqlite":
            hook: Any = lambda dbapi, _record: dbapi.set_trace_callback(self.sql.append)  # noqa: E731
        else:
            import psycopg

            sql = self.sql

            class Counting(psycopg.Cursor):  # type: ignore[type-arg]
                def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                    sql.append(str(query))
                    return super().execute(query, *args, **kwargs)

            hook = lambda dbapi, _record: setattr(dbapi, "cursor_factory", Counting)  # noqa: E731
        event.listen(engine, "connect", hook)
        event.listen(engine, "before_cursor_execute", self._orm)
        engine.dispose()  # the next connections carry the hook

    def _orm(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.orm.append(statement)

    def take(self) -> tuple[list[str], list[str]]:
        taken = (list(self.sql), list(self.orm))
        self.sql.clear()
        self.orm.clear()
        return taken


class World:
    """A service with two companies: one with a generated password, one with a chosen one."""

    def __init__(self, settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kdf = Kdf()
        monkeypatch.setattr(secrets, "KDF", self.kdf)
        settings = replace(settings, message_set_max_requests=1)  # one answer per session
        self.settings, self.clock = settings, clock
        self.store = Store(settings.database_url, clock=clock)
        self.ops = Operations(self.store, settings)
        self.service = QbwcService(self.store, settings, default_registry())
        new = self.ops.companies.create_new({"name": "Generated", "qbwc_username": "gen"})
        assert new.password is not None
        self.generated, self.gen_id = new.password, new.company.id
        chosen = {"name": "Chosen", "qbwc_username": "chosen", "qbwc_password": CHOSEN}
        self.chosen_id = self.ops.companies.create(chosen)[0].id
        self.kdf.take()

    def poll(self, user: str = "gen", password: str | None = None, address: str = "") -> list[str]:
        """authenticate, then (when refused) closeConnection; the answer with its words."""
        if password is None:
            password = self.generated if user == "gen" else CHOSEN
        answer = self.service.authenticate(user, password, client_address=address)
        if answer[1] in ("none", "nvu", "busy"):
            answer = [*answer, self.service.close_connection(answer[0])]
        return answer

    def sessions(self) -> int:
        with self.store.db.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(QbwcSession)) or 0)

    def enqueue(self, company_id: int) -> int:
        with self.store.transaction() as tx:
            return tx.queue.enqueue(company_id, entity="account", action="import").id

    def failed_session(self, company_id: int, user: str = "gen") -> None:
        """A session that ends failed: QuickBooks cannot open the company file."""
        self.enqueue(company_id)
        ticket, path = self.poll(user)[:2]
        assert path not in ("none", "nvu", "busy"), path
        replies = [self.service.connection_error(ticket, "0x80040408", "no") for _ in range(3)]
        assert replies[-1] == "done"
        self.service.close_connection(ticket)

    def good_session(self, company_id: int, user: str = "gen") -> str:
        self.enqueue(company_id)
        ticket, path = self.poll(user)[:2]
        assert path not in ("none", "nvu", "busy"), path
        qbxml = self.service.send_request_xml(ticket, canned.hcp(), FILE, "US", 13, 0)
        rid = qbxml.split('requestID="', 1)[1].split('"', 1)[0]
        self.service.receive_response_xml(ticket, canned.account_query_rs(rid), "", "")
        return self.service.close_connection(ticket)


@pytest.fixture
def world(settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = World(settings, clock, monkeypatch)
    yield w
    w.store.dispose()


@pytest.mark.parametrize("user", ["gen", "chosen"])
def test_an_idle_poll_is_one_statement_and_writes_nothing(world: World, user: str) -> None:
    assert world.poll(user)[1:] == ["none", MSG_NONE]  # (a chosen password: checked once)
    statements = Statements(world.store)
    before = world.sessions()
    statements.take()
    for _ in range(3):
        assert world.poll(user)[1:] == ["none", MSG_NONE]
    driver, orm = statements.take()
    sign_ins = [s for s in driver if "FROM companies" in s]
    pings = [s for s in driver if s.strip().lower() in (";", "select 1")]
    assert len(sign_ins) == 3 and len(driver) == 3 + len(pings)  # nothing else at all
    assert len(pings) == (3 if world.store.db.dialect == "postgresql" else 0)  # pool_pre_ping
    assert not [s for s in driver if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert orm == []  # not one statement built or run by SQLAlchemy's execution
    assert world.sessions() == before


def test_no_slow_hash_on_the_hot_path(world: World) -> None:
    iterations = world.settings.password_hash_iterations
    for _ in range(3):
        world.poll("gen")
    assert world.kdf.take() == 0  # a generated password never costs PBKDF2
    world.poll("chosen")
    assert world.kdf.take() == iterations  # a chosen one, once...
    for _ in range(3):
        world.clock.advance(world.settings.password_cache_seconds - 1)
        assert world.poll("chosen")[1] == "none"
    assert world.kdf.take() == 0  # ...then it is remembered while the polls keep coming
    assert world.good_session(world.chosen_id, "chosen").startswith("Synced 1")
    assert world.kdf.take() == 0  # a session with work is no different
    world.clock.advance(world.settings.password_cache_seconds)
    world.poll("chosen")
    assert world.kdf.take() == iterations  # forgotten after the cache seconds of silence


def test_words_for_every_refusal_and_unknown_tickets(world: World) -> None:
    ticket = world.service.authenticate("gen", world.generated)[0]
    assert world.service.get_last_error(ticket) == MSG_NONE
    assert world.service.close_connection(ticket) == MSG_NONE
    world.ops.companies.update(world.gen_id, {"enabled": False})
    paused = world.service.authenticate("gen", world.generated)
    assert paused[1:] == ["none", "300"]
    assert world.service.close_connection(paused[0]) == MSG_PAUSED
    assert world.poll("gen", "wrong password")[1:] == ["nvu", MSG_NVU]
    assert world.service.close_connection("no-such-ticket") == MSG_UNKNOWN_TICKET
    assert world.service.get_last_error("nonsense.ticket") == MSG_UNKNOWN_TICKET
    # An idle answer's ticket opens nothing.
    assert world.service.send_request_xml(ticket, "", FILE, "US", 13, 0) == ""


def test_a_paused_company_is_postponed_whatever_its_queue(world: World) -> None:
    world.enqueue(world.gen_id)
    world.ops.companies.update(world.gen_id, {"enabled": False})
    before = world.sessions()
    assert world.poll("gen")[1:] == ["none", "300", MSG_PAUSED]
    assert world.sessions() == before
    world.ops.companies.update(world.gen_id, {"enabled": True})
    assert world.poll("gen")[1] == ""  # work: a session starts


def test_failing_sessions_postpone_the_next_ones_growing_to_a_cap(world: World) -> None:
    world.failed_session(world.gen_id)  # one failure may be passing: no wait
    waits = []
    for _ in range(8):
        world.failed_session(world.gen_id)
        answer = world.poll("gen")
        assert answer[1] == "none" and answer[3] == MSG_BACKOFF, answer
        waits.append(int(answer[2]))
        world.clock.advance(waits[-1] - 1)
        assert world.poll("gen")[2] == "1"
        world.clock.advance(1)
    assert waits == [60, 120, 240, 480, 960, 1920, BACKOFF_MAX_SECONDS, BACKOFF_MAX_SECONDS]
    assert world.good_session(world.gen_id).startswith("Synced 1")
    with world.store.transaction() as tx:
        company = tx.companies.get(world.gen_id)
    assert (company.failed_sessions, company.backoff_until) == (0, None)
    assert world.poll("gen")[1] == FILE  # the rest of the queue goes out at once


def test_throttling_holds_even_for_a_remembered_password(world: World) -> None:
    iterations = world.settings.password_hash_iterations
    world.poll("chosen", address="10.0.0.1")
    world.kdf.take()
    for _ in range(world.settings.login_max_failures):
        assert world.poll("chosen", "wrong password", address="10.0.0.2")[1] == "nvu"
    assert world.kdf.take() == iterations * world.settings.login_max_failures
    # The right, remembered password from the locked-out address: still refused, and it
    # costs what a check costs (the answer's speed must not tell that it was right).
    assert world.poll("chosen", address="10.0.0.2")[1:] == ["nvu", MSG_LOCKED]
    assert world.kdf.take() == iterations
    # The real Web Connector elsewhere is not locked out, and polls cheaply.
    assert world.poll("chosen", address="10.0.0.1")[1:] == ["none", MSG_NONE]
    assert world.kdf.take() == 0


def test_a_wrong_generated_password_is_counted_and_costs_a_full_check(world: World) -> None:
    for _ in range(world.settings.login_max_failures):
        assert world.poll("gen", "x" * 32, address="10.0.0.3")[1] == "nvu"
    assert world.kdf.take() == world.settings.password_hash_iterations * 5
    assert world.poll("gen", address="10.0.0.3")[1:] == ["nvu", MSG_LOCKED]
    assert world.poll("gen", address="10.0.0.4")[1:] == ["none", MSG_NONE]
