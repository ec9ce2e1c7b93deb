"""``qbwc admin create``: the account is made with a hashed password; bad input is one line
and exit code 2."""

from __future__ import annotations

import io

import pytest

from qbwc_server.cli import main
from qbwc_server.config import Settings
from request_queue.store import Store


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["admin", "create", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_admin_create(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QBWC_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QBWC_PASSWORD_HASH_ITERATIONS", "1000")
    password = "correct horse battery"
    made = _run(monkeypatch, capsys, password + "\n", "--username", "boss", "--password-stdin")
    assert made == (0, "Created admin boss: sign in at /admin/\n", "")
    store = Store(settings.database_url)
    with store.transaction() as tx:
        account = tx.admins.by_username("boss")
    store.dispose()
    assert account is not None and account.password_hash.startswith("pbkdf2_sha256$1000$")
    assert password not in account.password_hash
    for stdin, args, said in (
        (password, ["--username", "boss"], "an admin named 'boss' already exists"),
        ("short", ["--username", "bob"], "the admin password must be 10 to 200 characters"),
        (password, ["--username", " bob"], "must not start or end with a space"),
        (password, ["--username", "b\x07b"], "must not contain control characters"),
        (password, ["--username", ""], "the admin user name must not be empty"),
    ):
        code, out, err = _run(monkeypatch, capsys, stdin, *args, "--password-stdin")
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err, err
    code, _, err = _run(monkeypatch, capsys, "", "--username", "carol")  # not a terminal
    assert code == 2 and "give --password-stdin" in err
