"""Password checks cost the configured PBKDF2 iterations whatever is stored (counted, not timed)."""

from __future__ import annotations

import hashlib

import pytest

from qbwc_server import secrets
from qbwc_server.secrets import dummy_verify, hash_iterations, hash_password, verify_password

CONFIGURED = 5000


class Counter:
    def __init__(self) -> None:
        self.iterations = 0

    def __call__(self, name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        self.iterations += iterations
        return hashlib.pbkdf2_hmac(name, password, salt, iterations)


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Counter:
    kdf = Counter()
    monkeypatch.setattr(secrets, "KDF", kdf)
    return kdf


def _spent(counter: Counter, ok: bool, expected: bool) -> int:
    assert ok is expected
    spent, counter.iterations = counter.iterations, 0
    return spent


@pytest.mark.parametrize("stored", [CONFIGURED // 10, CONFIGURED - 1, CONFIGURED])
def test_a_weaker_stored_hash_costs_the_configured_count(counter: Counter, stored: int) -> None:
    encoded = hash_password("right", iterations=stored)
    counter.iterations = 0
    wrong = _spent(counter, verify_password("wrong", encoded, min_iterations=CONFIGURED), False)
    right = _spent(counter, verify_password("right", encoded, min_iterations=CONFIGURED), True)
    dummy_verify("whatever", CONFIGURED)
    unknown = _spent(counter, False, False)
    assert wrong == right == unknown == CONFIGURED


@pytest.mark.parametrize("encoded", [None, "garbage", "md5$1$x$y", "pbkdf2_sha256$0$AA==$AA=="])
def test_an_unreadable_hash_costs_the_configured_count_too(
    counter: Counter, encoded: str | None
) -> None:
    assert not verify_password("x", encoded, min_iterations=CONFIGURED)
    assert counter.iterations == CONFIGURED


def test_a_stronger_stored_hash_is_checked_at_its_own_count(counter: Counter) -> None:
    encoded = hash_password("right", iterations=CONFIGURED * 2)
    counter.iterations = 0
    assert verify_password("right", encoded, min_iterations=CONFIGURED)
    assert counter.iterations == CONFIGURED * 2  # the service rehashes on the next sign-in


def test_hash_iterations_reads_the_stored_count() -> None:
    assert hash_iterations(hash_password("p", iterations=1234)) == 1234
    assert hash_iterations("garbage") is None and hash_iterations(None) is None


def test_without_min_iterations_the_old_behaviour_holds() -> None:
    encoded = hash_password("p", iterations=1000)
    assert verify_password("p", encoded) and not verify_password("q", encoded)
