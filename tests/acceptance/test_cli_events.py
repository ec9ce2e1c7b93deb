"""``qbwc events``: a live server syncs a record while ``--follow`` runs, and the event shows up;
Ctrl-C ends it with 130 and no traceback; ``--json`` lines; a closed pipe ends it quietly."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from request_queue.migrate import upgrade
from request_queue.store import Store
from tests.support.live import BIN, LiveServer, live_server

PASSWORD = "s3cret-web-connector"
CUSTOMER = {"kind": "customer", "id": "C-100", "data": {"first_name": "Dana", "last_name": "Lee"}}


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=1) as live:
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


def _lines(stream: IO[str]) -> queue.Queue[str]:
    """The lines of ``stream`` as they come, read by a thread."""
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            found.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return found


def _next(lines: queue.Queue[str], seconds: float = 30) -> str:
    try:
        return lines.get(timeout=seconds)
    except queue.Empty:
        raise AssertionError(f"no line within {seconds} s") from None


def _follow(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "qbwc"), "events", "demo", "--follow", "--interval", "0.2", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def _stopped(proc: subprocess.Popen[str]) -> Iterator[None]:
    """Kill ``proc`` if a failed assertion leaves it running."""
    try:
        yield
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_follow_prints_an_event_that_arrives_while_it_runs_and_stops_on_ctrl_c(
    server: LiveServer, database_url: str
) -> None:
    server.qbwc("put", "demo", "--file", "-", stdin=json.dumps(CUSTOMER))
    server.qbwc("sync", "demo", "customer", "C-100")
    with _follow(server.env) as follow, _stopped(follow):
        assert follow.stdout is not None and follow.stderr is not None
        lines = _lines(follow.stdout)
        time.sleep(0.5)
        assert follow.poll() is None and lines.empty()  # running, nothing happened yet
        # A first event shows the command is polling before the session starts.
        store = Store(database_url)
        with store.transaction() as tx:
            company = tx.companies.find("demo").id
            tx.events.emit(company, "imported", record_kind="vendor", record_id="qb-8000")
        store.dispose()
        first = _next(lines)
        assert first.split()[0] == "1" and "imported" in first and "vendor qb-8000" in first
        assert lines.empty()
        simulate = ["simulate", "--url", server.soap_url, "--username", "demo"]
        ran = subprocess.run(
            [str(BIN / "qbwc"), *simulate, "--password", PASSWORD],
            env=server.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
        line = _next(lines)
        (record,) = json.loads(server.qbwc("records", "demo", "customer", "--json"))
        (link,) = record["links"]
        assert line.split()[0] == "2"
        assert "linked" in line and "customer C-100" in line and link["qb_id"] in line
        assert line.endswith("added")
        follow.send_signal(signal.SIGINT)
        assert follow.wait(timeout=10) == 130
        assert follow.stderr.read() == ""  # quietly: no traceback


def test_json_lines_after_a_cursor_and_a_closed_pipe(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qbwc.db'}"
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QBWC_")}
    env["QBWC_DATABASE_URL"] = url
    store = Store(url)
    with store.transaction() as tx:
        company = tx.companies.create(
            name="Demo",
            qbwc_username="demo",
            password_hash="x",
            owner_id="{o}",
            file_id="{f}",
            settings={},
        ).id
        for i in range(3):
            tx.events.emit(company, "linked", record_kind="invoice", record_id=f"i{i}", qb_id="1A")
    shown = subprocess.run(
        [str(BIN / "qbwc"), "events", "demo", "--json", "--after", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    assert [(e["seq"], e["record_id"], e["qb_id"]) for e in events] == [
        (2, "i1", "1A"),
        (3, "i2", "1A"),
    ]

    with _follow(env) as follow, _stopped(follow):
        assert follow.stdout is not None and follow.stderr is not None
        assert follow.stdout.readline().split()[0] == "1"
        follow.stdout.close()  # the reader goes away (like ``| head -1``)
        with store.transaction() as tx:  # the next event's line hits the closed pipe
            tx.events.emit(company, "failed", record_kind="invoice", record_id="i3")
        assert follow.wait(timeout=10) == 0
        assert follow.stderr.read() == ""
    store.dispose()
