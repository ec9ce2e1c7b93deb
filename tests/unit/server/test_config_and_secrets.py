"""Settings from QBWC_* variables, password hashes and tickets."""

from __future__ import annotations

import pytest

from qbwc_server.config import Settings
from qbwc_server.errors import ConfigError
from qbwc_server.secrets import hash_password, new_ticket, ticket_hash, verify_password


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s.database_url == "sqlite:///qbwc.db"
    assert s.max_body_bytes == 64 * 1024 * 1024
    assert s.support_url == "http://localhost:8000/qbwc/support"


def test_every_field_is_read_from_its_variable() -> None:
    s = Settings.from_env(
        {
            "QBWC_WORKERS": "4",
            "QBWC_PUBLIC_URL": "https://x.example/qbwc",
            "QBWC_DATABASE_URL": "postgresql://u@h/db",
            "PATH": "/bin",
            "QBWC_TEST_DATABASE_URL": "ignored",
        }
    )
    assert (s.workers, s.public_url, s.database_url) == (
        4,
        "https://x.example/qbwc",
        "postgresql://u@h/db",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QBWC_WORKERS": "two"}, "QBWC_WORKERS must be a whole number"),
        ({"QBWC_WORKERS": "0"}, "QBWC_WORKERS must be at least 1"),
        ({"QBWC_PUBLIK_URL": "x"}, "unknown setting QBWC_PUBLIK_URL"),
        ({"QBWC_PUBLIC_URL": "http://sync.example.com/qbwc"}, "must use https"),
        ({"QBWC_PUBLIC_URL": "nonsense"}, "must be an http(s) URL"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(env)


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.workers = 3  # type: ignore[misc]


def test_password_hashes_are_salted_and_checked() -> None:
    a = hash_password("hunter2hunter2", iterations=1000)
    b = hash_password("hunter2hunter2", iterations=1000)
    assert a != b and "hunter2" not in a
    assert verify_password("hunter2hunter2", a)
    assert not verify_password("hunter2hunter3", a)
    assert not verify_password("hunter2hunter2", None)
    assert not verify_password("hunter2hunter2", "md5$1$x$y")
    assert not verify_password("hunter2hunter2", "garbage")


def test_tickets_are_unguessable_and_stored_as_hashes() -> None:
    tickets = {new_ticket() for _ in range(1000)}
    assert len(tickets) == 1000
    t = next(iter(tickets))
    assert len(t) >= 43 and ticket_hash(t) != t and len(ticket_hash(t)) == 64
