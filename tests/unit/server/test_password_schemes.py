"""Generated passwords (fast salted SHA-256), chosen ones (PBKDF2), and remembered successes."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from qbwc_server import secrets
from qbwc_server.secrets import (
    RememberedChecks,
    generate_password,
    hash_generated,
    hash_iterations,
    hash_password,
    needs_rehash,
    verify_fast,
    verify_password,
)

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CONFIGURED = 5000


class Counter:
    """secrets.KDF, counting the PBKDF2 iterations spent."""

    def __init__(self) -> None:
        self.iterations = 0

    def __call__(self, name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        self.iterations += iterations
        return hashlib.pbkdf2_hmac(name, password, salt, iterations)


@pytest.fixture
def kdf(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    monkeypatch.setattr(secrets, "KDF", counter)
    return counter


def test_a_generated_password_has_192_random_bits_and_passes_the_model_rules() -> None:
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", password)  # 24 bytes, URL-safe base64


def test_the_stored_form_names_its_scheme_and_is_salted() -> None:
    a, b = hash_generated("same"), hash_generated("same")
    assert a.startswith("sha256$") and a.count("$") == 2 and a != b
    assert hash_password("same", iterations=10).startswith("pbkdf2_sha256$10$")


def test_a_right_generated_password_costs_no_pbkdf2_and_a_wrong_one_the_configured_count(
    kdf: Counter,
) -> None:
    password = generate_password()
    stored = hash_generated(password)
    assert verify_password(password, stored, min_iterations=CONFIGURED)
    assert kdf.iterations == 0
    assert not verify_password(password + "x", stored, min_iterations=CONFIGURED)
    assert kdf.iterations == CONFIGURED  # a refusal answers no faster than for anyone else


def test_verify_fast_answers_only_for_its_own_scheme() -> None:
    stored = hash_generated("p" * 32)
    assert verify_fast("p" * 32, stored) is True
    assert verify_fast("q" * 32, stored) is False
    assert verify_fast("p" * 32, hash_password("p" * 32, iterations=1)) is None
    assert verify_fast("p", None) is None and verify_fast("p", "sha256$not-base64!") is None


def test_a_fast_hash_is_never_rehashed_to_pbkdf2() -> None:
    assert hash_iterations(hash_generated("x")) is None
    assert not needs_rehash(hash_generated("x"), CONFIGURED)
    assert needs_rehash(hash_password("x", iterations=CONFIGURED - 1), CONFIGURED)
    assert not needs_rehash(hash_password("x", iterations=CONFIGURED), CONFIGURED)


def test_a_remembered_check_expires_after_its_seconds_without_use() -> None:
    checks = RememberedChecks(300)
    stored = hash_password("chosen password", iterations=1)
    assert not checks.recalls("chosen password", stored, T0)
    checks.remember("chosen password", stored, T0)
    assert checks.recalls("chosen password", stored, T0 + timedelta(seconds=299))
    # each use keeps it 300 s more: still there 299 s after the last use...
    assert checks.recalls("chosen password", stored, T0 + timedelta(seconds=598))
    # ...and gone 300 s after it
    assert not checks.recalls("chosen password", stored, T0 + timedelta(seconds=898))
    assert not checks.recalls("chosen password", stored, T0 + timedelta(seconds=899))


def test_a_remembered_check_is_for_that_password_and_that_stored_hash_only() -> None:
    checks = RememberedChecks(300)
    stored = hash_password("chosen password", iterations=1)
    checks.remember("chosen password", stored, T0)
    assert not checks.recalls("chosen passwore", stored, T0)
    changed = hash_password("chosen password", iterations=1)  # the admin set it again
    assert not checks.recalls("chosen password", changed, T0)


def test_nothing_is_remembered_with_zero_seconds() -> None:
    checks = RememberedChecks(0)
    checks.remember("chosen password", "h", T0)
    assert not checks.recalls("chosen password", "h", T0)


def test_the_password_itself_is_never_kept() -> None:
    checks = RememberedChecks(300)
    checks.remember("chosen password", "stored-hash", T0)
    kept = list(vars(checks)["_entries"])
    assert len(kept) == 1 and isinstance(kept[0], bytes) and len(kept[0]) == 32
    assert b"chosen" not in kept[0]
    other = RememberedChecks(300)  # another process: another random key
    other.remember("chosen password", "stored-hash", T0)
    assert list(vars(other)["_entries"]) != kept


def test_a_full_table_drops_expired_entries_then_the_oldest() -> None:
    checks = RememberedChecks(300, max_entries=3)
    for n in range(3):
        checks.remember(f"password {n}", "h", T0 + timedelta(seconds=n))
    checks.remember("password 3", "h", T0 + timedelta(seconds=3))
    assert not checks.recalls("password 0", "h", T0 + timedelta(seconds=4))
    assert all(checks.recalls(f"password {n}", "h", T0 + timedelta(seconds=4)) for n in (1, 2, 3))
    checks.remember("password 4", "h", T0 + timedelta(seconds=400))  # 1-3 have expired by now
    assert checks.recalls("password 4", "h", T0 + timedelta(seconds=401))
    assert len(vars(checks)["_entries"]) == 1
