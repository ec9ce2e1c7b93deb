"""``qbwc company set``, ``token create|list|revoke``, ``unlock``, ``queue ... retry|cancel``,
``--version`` and ``--json``, in-process on both databases."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from qbwc_server.cli import main
from qbwc_server.config import Settings
from qbwc_server.secrets import ticket_hash
from request_queue.store import Store

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def qbwc(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("QBWC_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QBWC_PASSWORD_HASH_ITERATIONS", "1000")

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        out = io.StringIO()
        return main(list(args), out=out), out.getvalue()

    code, _ = run("company", "create", "--name", "Ridgeline", "--username", "ridgeline",
                  "--password-stdin", stdin="s3cret-web-connector\n")  # fmt: skip
    assert code == 0
    return run


def _json(run: Run, *args: str) -> Any:
    code, out = run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


def test_company_set_changes_settings_name_and_pause_all_or_nothing(qbwc: Run) -> None:
    shown = _json(
        qbwc, "company", "set", "ridgeline", "--name", "Ridgeline LLC", "--disable",
        "--setting", "uppercase=true", "--setting", "sync_contracts_after=2026-01-01",
        "--setting", "customer_name_format={first_name} {last_name}",
    )  # fmt: skip
    assert shown["name"] == "Ridgeline LLC" and shown["enabled"] is False
    settings = shown["settings"]
    assert settings["uppercase"] is True and settings["sync_contracts_after"] == "2026-01-01"
    assert settings["customer_name_format"] == "{first_name} {last_name}"
    code, _ = qbwc("company", "set", "ridgeline", "--enable", "--setting", "uppercase=7")
    assert code == 2
    assert _json(qbwc, "company", "show", "ridgeline")["enabled"] is False  # nothing changed
    assert _json(qbwc, "company", "set", "1", "--enable")["enabled"] is True
    listed = _json(qbwc, "company", "list")
    assert [c["qbwc_username"] for c in listed] == ["ridgeline"]


def test_company_set_takes_a_new_password_from_stdin(qbwc: Run, settings: Settings) -> None:
    store = Store(settings.database_url)
    with store.transaction() as tx:
        before = tx.companies.find("ridgeline").password_hash
    code, _ = qbwc("company", "set", "ridgeline", "--password-stdin", stdin="another-secret-1\n")
    with store.transaction() as tx:
        after = tx.companies.find("ridgeline").password_hash
    store.dispose()
    assert code == 0 and after != before and "another-secret-1" not in after


def test_tokens_are_created_scoped_listed_and_revoked(qbwc: Run, settings: Settings) -> None:
    made = _json(qbwc, "token", "create", "--name", "app", "--company", "ridgeline")
    assert made["role"] == "staff" and made["company_id"] == 1 and len(made["token"]) > 30
    code, secret = qbwc("token", "create", "--name", "ops", "--role", "admin")
    assert code == 0 and secret.strip()
    listed = _json(qbwc, "token", "list")
    assert [(t["name"], t["company_id"], t["revoked"]) for t in listed] == [
        ("app", 1, False),
        ("ops", None, False),
    ]
    assert all("token" not in t and "token_hash" not in t for t in listed)
    assert made["token"] not in qbwc("token", "list")[1]
    assert _json(qbwc, "token", "revoke", str(made["id"]))["revoked"] is True
    store = Store(settings.database_url)
    with store.transaction() as tx:
        assert tx.tokens.by_hash(ticket_hash(made["token"])) is None
        assert tx.tokens.by_hash(ticket_hash(secret.strip())) is not None
    store.dispose()


def test_unlock_clears_the_user_names_failures_from_every_address(
    qbwc: Run, settings: Settings
) -> None:
    store = Store(settings.database_url)
    with store.transaction() as tx:
        for address in ("10.0.0.1", "10.0.0.2"):
            for _ in range(5):
                tx.throttle.failure(address, "ridgeline", max_failures=5, lockout_seconds=300)
        tx.throttle.failure("10.0.0.1", "someone", max_failures=5, lockout_seconds=300)
    assert _json(qbwc, "unlock", "ridgeline") == {"user": "ridgeline", "cleared": 2}
    with store.transaction() as tx:
        assert not tx.throttle.locked("10.0.0.1", "ridgeline")
        assert not tx.throttle.locked("10.0.0.2", "ridgeline")
    nothing = "'ridgeline' had no failed sign-ins; nothing to clear\n"
    assert qbwc("unlock", "ridgeline") == (0, nothing)
    assert _json(qbwc, "unlock", "someone")["cleared"] == 1
    store.dispose()


def test_queue_retry_and_cancel(qbwc: Run) -> None:
    queued = _json(qbwc, "import", "ridgeline", "account")["queued"]
    rid = str(queued[0]["id"])
    assert _json(qbwc, "queue", "ridgeline", "cancel", rid)["state"] == "cancelled"
    assert qbwc("queue", "ridgeline", "cancel", rid)[0] == 2  # only queued ones
    code, out = qbwc("queue", "ridgeline", "retry", rid)
    assert code == 0 and out == f"Request {rid} queued again: account import (queued)\n"
    rows = _json(qbwc, "queue", "ridgeline", "--status", "queued")
    assert [r["id"] for r in rows] == [int(rid)]


def test_every_kind_word_is_taken_singular_or_plural(qbwc: Run) -> None:
    for word in ("account", "accounts"):
        assert _json(qbwc, "records", "ridgeline", word) == []
        assert _json(qbwc, "import", "ridgeline", word)["queued"][0]["entity"] == "account"
    assert qbwc("log", "ridgeline", "--record", "customers:c1")[0] == 0


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("qbwc 0.")


def test_put_and_sync_answer_json(qbwc: Run) -> None:
    items = [{"kind": "customer", "id": "c1", "data": {"first_name": "A", "last_name": "B"}}]
    code, out = qbwc("put", "ridgeline", "--file", "-", "--json", stdin=json.dumps(items))
    assert code == 0 and json.loads(out) == [{"kind": "customer", "id": "c1", "outcome": "created"}]
    plan = _json(qbwc, "sync", "ridgeline", "customers", "c1")
    assert set(plan) == {"queued", "reused", "unchanged", "skipped"}
    assert [r["action"] for r in plan["queued"]] == ["lookup", "export"]
