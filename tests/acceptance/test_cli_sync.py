"""``qbwc put``, ``sync-job``, ``sync`` and ``log --record`` against a live server, and the
demo script's refusal to start on a port another server holds."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import BIN, LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-web-connector"
CUSTOMER = {
    "kind": "customer",
    "id": "C-100",
    "data": {"first_name": "Dana", "last_name": "Whitfield", "email": "dana@example.com"},
}
PROJECT = {
    "kind": "project",
    "id": "P-1001",
    "data": {
        "number": "1001",
        "customer_id": "C-100",
        "address": {"line1": "48 Alder Lane", "city": "Bend", "state": "OR"},
    },
}


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        live.qbwc(
            "company",
            "create",
            "--name",
            "Demo Contracting",
            "--username",
            "demo",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        yield live


def _run(
    server: LiveServer, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "qbwc"), *args],
        env=server.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _simulate(server: LiveServer, state: Path) -> subprocess.CompletedProcess[str]:
    args = ["--url", server.soap_url, "--username", "demo", "--password", PASSWORD]
    return _run(server, "simulate", *args, "--state", str(state))


def test_put_then_sync_job_lands_the_customer_and_its_job(
    server: LiveServer, tmp_path: Path
) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([CUSTOMER, PROJECT]))
    put = server.qbwc("put", "demo", "--file", str(records))
    assert put.splitlines() == [
        "customer C-100: created",
        "project P-1001: created",
        "2 created, 0 changed, 0 unchanged",
    ]

    queued = server.qbwc("sync-job", "demo", "P-1001").splitlines()
    assert queued[-1] == "4 queued, 0 already queued, 0 unchanged, 0 skipped"
    assert [line.split(": ", 1)[1] for line in queued[:-1]] == [
        "customer lookup customer C-100",
        "job lookup project P-1001",
        "customer export customer C-100",
        "job export project P-1001",
    ]
    again = server.qbwc("sync-job", "demo", "P-1001").splitlines()
    assert again == ["0 queued, 2 already queued, 0 unchanged, 0 skipped"]

    state = tmp_path / "quickbooks.json"
    ran = _simulate(server, state)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Synced 4, 0 failed" in ran.stdout

    (project,) = json.loads(server.qbwc("records", "demo", "project", "--json"))
    assert project["record_id"] == "P-1001"
    (link,) = project["links"]
    assert link["kind"] == "project" and link["qb_id"]
    assert link["full_name"] == "Whitfield, Dana:1001 - 48 Alder Lane"

    log = server.qbwc("log", "demo", "--record", "project:P-1001").splitlines()
    assert "Added to QuickBooks as Customer:Job" in log[0]  # newest first
    assert "project created in qbwc-server" in log[-1]
    assert all("(project P-1001" in line for line in log)

    # --state kept the fake company: what landed is in the file, and the next run sees it.
    saved = json.loads(state.read_text())
    assert {c["FullName"] for c in saved["Customer"]} >= {
        "Whitfield, Dana",
        "Whitfield, Dana:1001 - 48 Alder Lane",
    }
    unchanged = server.qbwc("sync-job", "demo", "P-1001").splitlines()
    assert unchanged == ["0 queued, 0 already queued, 2 unchanged, 0 skipped"]

    changed = dict(CUSTOMER, data={**CUSTOMER["data"], "phone": "555-0142"})  # type: ignore[dict-item]
    assert "customer C-100: changed" in server.qbwc(
        "put", "demo", "--file", "-", stdin=json.dumps(changed)
    )
    one = server.qbwc("sync", "demo", "customer", "C-100").splitlines()
    assert one[-1] == "1 queued, 0 already queued, 0 unchanged, 0 skipped"
    assert one[0].endswith(": customer export customer C-100")
    ran = _simulate(server, state)
    assert ran.returncode == 0 and "Synced 1, 0 failed" in ran.stdout, ran.stdout + ran.stderr
    saved = json.loads(state.read_text())
    (dana,) = [c for c in saved["Customer"] if c["FullName"] == "Whitfield, Dana"]
    assert dana["Phone"] == "555-0142"


def test_a_bad_put_is_one_line_per_bad_field_and_stores_nothing(server: LiveServer) -> None:
    bad = {"kind": "customer", "id": "C-2", "data": {"first_name": "Lee"}}
    result = _run(server, "put", "demo", "--file", "-", stdin=json.dumps([CUSTOMER, bad]))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["customer C-2: last_name: is required"]
    assert result.stdout == ""
    assert json.loads(server.qbwc("records", "demo", "customer", "--json")) == []

    worse = [{"kind": "project", "id": "P-1", "data": {"number": "1", "colour": "red"}}, 7]
    result = _run(server, "put", "demo", "--file", "-", stdin=json.dumps(worse))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "project P-1: customer_id: is required",
        "project P-1: colour: is not a known field",
        'item 2: item: must be an object {"kind", "id", "data"}',
    ]

    for stdin, message in (
        ("{not json", "standard input is not valid JSON"),
        (json.dumps(CUSTOMER), "no company with id or user name 'nobody'"),
    ):
        result = _run(server, "put", "nobody", "--file", "-", stdin=stdin)
        assert result.returncode == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("qbwc: error: ") and message in lines[0]
    assert json.loads(server.qbwc("records", "demo", "customer", "--json")) == []
    assert "record_saved" not in server.qbwc("log", "demo")


def test_sync_errors_are_one_line_and_non_zero(server: LiveServer) -> None:
    cases = [
        (["sync-job", "demo", "P-404"], "no project 'P-404'"),
        (["sync", "demo", "customer", "C-404"], "no customer 'C-404'"),
        (["sync", "demo", "widget", "W-1"], "'widget' is not an app record kind"),
        (["sync-job", "nobody", "P-1"], "no company with id or user name 'nobody'"),
        (["log", "demo", "--record", "project"], "--record takes KIND:ID"),
        (["records", "demo", "widget"], "'widget' is not a record kind"),
        (["sync-job", "demo"], "the following arguments are required: project"),
    ]
    for args, message in cases:
        result = _run(server, *args)
        assert result.returncode == 2, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and message in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_the_demo_will_not_start_on_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        database = tmp_path / "demo.db"
        started = time.monotonic()
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "demo.sh")],
            env={
                "PATH": "/usr/bin:/bin",
                "QBWC_BIND": f"127.0.0.1:{port}",
                "QBWC_DATABASE_URL": f"sqlite:///{database}",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert time.monotonic() - started < 20
    assert f"port 127.0.0.1:{port} is in use" in result.stderr
    assert "set QBWC_BIND=127.0.0.1:" in result.stderr
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert not database.exists()
