"""Sign-in throttling per (client address, user name), on SQLite and PostgreSQL.

Failures from one address lock out that address only, so nobody can lock the real Web
Connector out from elsewhere; the right password is always checked; every refusal is on record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from qbwc_server import secrets
from qbwc_server.config import Settings
from qbwc_server.secrets import hash_iterations, hash_password
from qbwc_server.service import MSG_LOCKED, MSG_NVU, QbwcService
from qbwc_server.sync.registry import default_registry
from request_queue.companies import Throttle
from request_queue.models import LogEntry, LoginThrottle
from request_queue.store import Store
from tests.conftest import Clock

PASSWORD = "correct horse battery"
USER = "ridgeline"
WC = "203.0.113.10"  # the real Web Connector
ATTACKER = "198.51.100.66"


class KdfCounter:
    """Stands in for hashlib.pbkdf2_hmac and adds up the iterations each sign-in spends."""

    def __init__(self) -> None:
        self.iterations = 0
        self.salts: list[bytes] = []

    def __call__(self, name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        self.iterations += iterations
        self.salts.append(salt)
        return REAL_KDF(name, password, salt, iterations)

    def spent(self, fn: Any) -> int:
        self.iterations = 0
        fn()
        return self.iterations


REAL_KDF = secrets.KDF


class World:
    def __init__(self, settings: Settings, clock: Clock, *, stored_iterations: int) -> None:
        self.settings, self.clock = settings, clock
        self.store = Store(settings.database_url, clock=clock)
        self.service = QbwcService(self.store, settings, default_registry())
        with self.store.transaction() as tx:
            self.company_id = tx.companies.create(
                name="Ridgeline Remodeling",
                qbwc_username=USER,
                password_hash=hash_password(PASSWORD, iterations=stored_iterations),
                owner_id="{o}",
                file_id="{f}",
                settings={},
            ).id

    def sign_in(self, address: str, password: str = PASSWORD, user: str = USER) -> list[str]:
        return self.service.authenticate(user, password, client_address=address)

    def signed_in(self, address: str, password: str = PASSWORD) -> bool:
        """True when the sign-in was accepted ("none": no work, but the credentials passed)."""
        return self.sign_in(address, password)[1] != "nvu"

    def lock_out(self, address: str) -> None:
        for _ in range(self.settings.login_max_failures):
            assert self.sign_in(address, "wrong password")[1] == "nvu"

    def throttle_rows(self) -> list[tuple[str, str, int]]:
        with self.store.db.transaction() as s:
            rows = s.scalars(select(LoginThrottle).order_by(LoginThrottle.address)).all()
            return [(r.address, r.username, r.failures) for r in rows]

    def refusals(self) -> list[LogEntry]:
        with self.store.db.transaction() as s:
            query = select(LogEntry).where(LogEntry.event == "sign_in_refused")
            return list(s.scalars(query.order_by(LogEntry.id)).all())


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> KdfCounter:
    kdf = KdfCounter()
    monkeypatch.setattr(secrets, "KDF", kdf)
    return kdf


@pytest.fixture
def world(settings: Settings, clock: Clock) -> Iterator[World]:
    w = World(settings, clock, stored_iterations=settings.password_hash_iterations)
    yield w
    w.store.dispose()


def test_a_lockout_at_one_address_does_not_refuse_the_real_web_connector(world: World) -> None:
    world.lock_out(ATTACKER)
    ticket, answer = world.sign_in(ATTACKER)  # the right password, from the locked address
    assert answer == "nvu"
    assert world.service.close_connection(ticket) == MSG_LOCKED
    assert world.signed_in(WC)  # the same user from its own address signs in
    assert world.signed_in(WC)
    assert not world.signed_in(ATTACKER)  # the lockout holds for its pair
    world.clock.advance(world.settings.login_lockout_seconds + 1)
    assert world.signed_in(ATTACKER)


def test_failures_are_counted_per_address(world: World) -> None:
    for _ in range(world.settings.login_max_failures - 1):
        world.sign_in(ATTACKER, "wrong")
        world.sign_in(WC, "wrong")
    assert world.signed_in(WC)  # 4 + 4 failures: neither pair reached 5
    assert world.signed_in(ATTACKER)
    assert world.throttle_rows() == []  # a success clears its own pair's count


def test_failures_older_than_the_window_no_longer_count(world: World) -> None:
    for _ in range(world.settings.login_max_failures - 1):
        world.sign_in(ATTACKER, "wrong")
    world.clock.advance(world.settings.login_lockout_seconds + 1)
    world.sign_in(ATTACKER, "wrong")  # counts from 1 again, not 5
    assert world.signed_in(ATTACKER)


def test_the_right_password_is_checked_even_for_a_locked_pair(
    world: World, counter: KdfCounter
) -> None:
    world.lock_out(ATTACKER)
    with world.store.transaction() as tx:
        stored = tx.companies.get(world.company_id).password_hash
    salt = secrets._parse(stored)[1]  # type: ignore[index]
    counter.salts.clear()
    assert world.sign_in(ATTACKER)[1] == "nvu"
    assert salt in counter.salts  # verified against the real hash, not a dummy
    assert world.throttle_rows()[0][2] == world.settings.login_max_failures  # not counted again


@pytest.mark.parametrize("user", ["u" * 201, "x" * 10_000, "ridge\x00line", "ridge\nline"])
def test_impossible_user_names_are_nvu_without_the_database(
    world: World, monkeypatch: pytest.MonkeyPatch, user: str
) -> None:
    def no_database() -> Any:
        raise AssertionError("the database was asked")

    monkeypatch.setattr(world.store, "transaction", no_database)
    ticket, answer = world.sign_in(ATTACKER, user=user)
    assert answer == "nvu" and ticket


def test_a_200_character_user_name_is_still_looked_up(world: World) -> None:
    user = "u" * 200
    assert world.sign_in(ATTACKER, user=user)[1] == "nvu"
    assert world.throttle_rows() == [(ATTACKER, user, 1)]


def test_every_refusal_is_on_record_with_address_and_user_never_the_password(
    world: World,
) -> None:
    world.sign_in(ATTACKER, "Hunter2-wrong-secret")
    world.sign_in(WC, "Hunter2-other-secret", user="nobody")
    for _ in range(world.settings.login_max_failures - 1):
        world.sign_in(ATTACKER, "Hunter2-wrong-secret")  # the last of these locks the pair
    world.sign_in(ATTACKER)  # locked
    entries = world.refusals()
    assert len(entries) == 2 + world.settings.login_max_failures
    first, unknown = entries[0], entries[1]
    assert first.company_id == world.company_id and first.level == "warning"
    assert ATTACKER in first.message and repr(USER) in first.message
    assert first.details == {"address": ATTACKER, "user_name": USER, "locked": False}
    assert unknown.company_id is None and "'nobody'" in unknown.message and WC in unknown.message
    assert "now locked out" in entries[-2].message and entries[-2].details["locked"] is True  # type: ignore[index]
    assert "locked out after too many failures" in entries[-1].message
    for entry in entries:
        text = entry.message + str(entry.details)
        assert "Hunter2" not in text and PASSWORD not in text
    with world.store.transaction() as tx:
        assert tx.log.read(world.company_id)[0].event == "sign_in_refused"
    ticket, _ = world.sign_in(WC, "wrong")
    assert world.service.close_connection(ticket) == MSG_NVU


def test_old_counters_are_purged_at_most_once_a_minute(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.sign_in(ATTACKER, "wrong")  # the first sign-in of a process purges (nothing yet)
    world.lock_out("192.0.2.1")
    assert len(world.throttle_rows()) == 2
    world.clock.advance(world.settings.login_lockout_seconds + 1)
    world.sign_in(WC, "wrong")  # more than a minute later: a purge runs before the count
    assert world.throttle_rows() == [(WC, USER, 1)]
    calls: list[dict[str, Any]] = []
    real_purge = Throttle.purge

    def counting(self: Throttle, **kw: Any) -> int:
        calls.append(kw)
        return real_purge(self, **kw)

    monkeypatch.setattr(Throttle, "purge", counting)
    for _ in range(3):
        world.clock.advance(10)
        world.sign_in(WC, "wrong")
    assert calls == []  # within the minute: no purge
    world.clock.advance(31)
    world.sign_in(WC, "wrong")
    assert calls == [{"older_than_seconds": world.settings.login_lockout_seconds}]


def test_the_purge_is_bounded_and_spares_live_lockouts(world: World) -> None:
    with world.store.transaction() as tx:
        for i in range(5):
            tx.throttle.failure(f"10.0.0.{i}", USER, max_failures=5, lockout_seconds=300)
    world.clock.advance(301)
    with world.store.transaction() as tx:
        tx.throttle.failure("10.9.9.9", USER, max_failures=1, lockout_seconds=300)  # locked now
        assert tx.throttle.purge(older_than_seconds=300, limit=2) == 2
        assert tx.throttle.purge(older_than_seconds=300, limit=10) == 3
        assert tx.throttle.purge(older_than_seconds=300, limit=10) == 0
    with world.store.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(LoginThrottle)) == 1


def test_a_wrong_password_costs_the_same_as_an_unknown_user_whatever_the_stored_hash(
    settings: Settings, clock: Clock, counter: KdfCounter
) -> None:
    configured = settings.password_hash_iterations
    weak = World(settings, clock, stored_iterations=configured // 10)
    try:
        unknown = counter.spent(lambda: weak.sign_in(WC, "x", user="nobody"))
        wrong = counter.spent(lambda: weak.sign_in(WC, "wrong"))
        locked_unknown = counter.spent(lambda: weak.sign_in(ATTACKER, "x", user="nobody"))
        assert unknown == wrong == locked_unknown == configured
        # The right password is accepted and the weak hash brought up to the configured count.
        assert weak.signed_in(WC)
        with weak.store.transaction() as tx:
            stored = tx.companies.get(weak.company_id).password_hash
        assert hash_iterations(stored) == configured
        assert counter.spent(lambda: weak.sign_in(WC, "wrong")) == configured
        assert weak.signed_in(WC)  # the new hash works
    finally:
        weak.store.dispose()
