"""A company created without a password gets a generated one, shown once, stored fast-hashed."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest

from qbwc_server.cli import main
from qbwc_server.config import Settings
from qbwc_server.models import RecordInvalid
from qbwc_server.operations import Operations
from qbwc_server.service import QbwcService
from qbwc_server.sync.registry import default_registry
from request_queue.store import Store


@pytest.fixture
def ops(settings: Settings) -> Iterator[Operations]:
    store = Store(settings.database_url)
    yield Operations(store, settings)
    store.dispose()


def _signs_in(settings: Settings, user: str, password: str) -> str:
    store = Store(settings.database_url)
    try:
        return QbwcService(store, settings, default_registry()).authenticate(user, password)[1]
    finally:
        store.dispose()


def test_the_operation_generates_returns_once_and_stores_a_fast_hash(
    ops: Operations, settings: Settings
) -> None:
    new = ops.companies.create_new({"name": "Lee Homes", "qbwc_username": "lee"})
    assert new.created and new.password is not None and len(new.password) == 32
    assert new.company.password_hash.startswith("sha256$")
    assert new.password not in new.company.password_hash
    assert _signs_in(settings, "lee", new.password) == "none"
    wrong = new.password[:-1] + ("y" if new.password.endswith("x") else "x")  # never the same
    assert _signs_in(settings, "lee", wrong) == "nvu"
    again = ops.companies.create_new({"name": "Lee", "qbwc_username": "lee"}, if_missing=True)
    assert (again.created, again.password, again.company.id) == (False, None, new.company.id)


def test_a_password_given_is_kept_as_a_pbkdf2_hash(ops: Operations) -> None:
    body = {"name": "Ann", "qbwc_username": "ann", "qbwc_password": "chosen password"}
    new = ops.companies.create_new(body)
    assert new.password is None
    assert new.company.password_hash.startswith("pbkdf2_sha256$1000$")


def test_create_still_requires_a_password(ops: Operations) -> None:
    with pytest.raises(RecordInvalid) as caught:
        ops.companies.create({"name": "Lee Homes", "qbwc_username": "lee"})
    assert [(e.field, e.code) for e in caught.value.errors] == [("qbwc_password", "missing")]
    with pytest.raises(RecordInvalid):
        ops.companies.create_new({"name": "X", "qbwc_username": "x", "qbwc_password": None})


def test_the_cli_prints_a_generated_password_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBWC_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QBWC_PASSWORD_HASH_ITERATIONS", "1000")
    out = io.StringIO()
    assert main(["company", "create", "--name", "Lee Homes", "--username", "lee"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Created company") and "shown only once" in lines[1]
    password = lines[2]
    assert len(password) == 32 and _signs_in(settings, "lee", password) == "none"
    again = io.StringIO()
    argv = ["company", "create", "--name", "Lee", "--username", "lee", "--if-missing"]
    assert main(argv, out=again) == 0
    assert "already exists" in again.getvalue() and password not in again.getvalue()
    given = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("chosen password\n"))
    argv = ["company", "create", "--name", "Ann", "--username", "ann", "--password-stdin"]
    assert main(argv, out=given) == 0
    assert len(given.getvalue().splitlines()) == 1  # nothing generated, nothing shown
    assert _signs_in(settings, "ann", "chosen password") == "none"
