"""The reliability suite's tools: a ``qbwc serve`` whose workers can be killed, work queued
in-process, the fake Web Connector, and the end-state checks (nothing lost, nothing twice).

Every server's log file and every secret a test used are noted in LOGS and SECRETS, so the
suite's last test can read every line the servers wrote (test_zz_log_hygiene.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.webconnector import Faults, SessionResult, WebConnector
from request_queue.store import Store
from tests.support.live import free_port
from tests.support.schema import schema_dir

BIN = Path(sys.executable).parent
PASSWORD = "Reliable-Web-Connector-7"
LOGS: list[Path] = []  # every server log written during the suite
SECRETS: set[str] = {PASSWORD}  # every password, token and ticket the suite used


def quickbooks() -> FakeQuickBooks:
    directory = schema_dir()
    return FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)


@dataclass
class Server:
    """One ``qbwc serve`` (the gunicorn master is the process started here)."""

    database_url: str
    tmp: Path
    workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def soap_url(self) -> str:
        return self.base_url + "/qbwc"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QBWC_")}
        # Metrics files in the test's folder: a crashed server cannot leave them in /tmp.
        env["PROMETHEUS_MULTIPROC_DIR"] = str(self.tmp / f"metrics-{self.port}")
        env.update(
            {
                "QBWC_DATABASE_URL": self.database_url,
                "QBWC_PUBLIC_URL": f"{self.base_url}/qbwc",
                "QBWC_BIND": f"127.0.0.1:{self.port}",
                "QBWC_WORKERS": str(self.workers),
                "QBWC_PASSWORD_HASH_ITERATIONS": "1000",
                **self.extra_env,
            }
        )
        return env

    @property
    def log_path(self) -> Path:
        return self.tmp / f"server-{self.port}.log"

    def qbwc(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [str(BIN / "qbwc"), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"qbwc {' '.join(args)}: {result.stderr}"
        return result.stdout

    def start(self, *, init: bool = True) -> None:
        if init:
            self.qbwc("init")
        if self.log_path not in LOGS:
            LOGS.append(self.log_path)
        (self.tmp / f"metrics-{self.port}").mkdir(exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "qbwc"), "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            assert self.proc is not None
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"qbwc serve did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except FileNotFoundError:
            return []

    def kill_worker(self, pid: int) -> bool:
        try:
            os.kill(pid, signal.SIGKILL)
            return True
        except ProcessLookupError:
            return False

    def crash(self) -> None:
        """SIGKILL the master and every worker at once (a power cut, in effect)."""
        assert self.proc is not None
        for pid in [*self.worker_pids(), self.proc.pid]:
            self.kill_worker(pid)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


@contextmanager
def running(database_url: str, tmp: Path, *, init: bool = True, **kw: Any) -> Iterator[Server]:
    """A started server; ``init=False`` for a database the fixtures already migrated."""
    server = Server(database_url, tmp, **kw)
    server.start(init=init)
    try:
        yield server
    finally:
        server.stop()


class Company:
    """One company seen from the app's side (records and syncs in-process, on the server's
    database) and from QuickBooks' (its own fake company file)."""

    def __init__(self, database_url: str, username: str, **settings: Any) -> None:
        self.store = Store(database_url)
        config = Settings(database_url=database_url, password_hash_iterations=1000)
        self.ops = Operations(self.store, config)
        row, _ = self.ops.companies.create(
            {
                "name": f"Company {username}",
                "qbwc_username": username,
                "qbwc_password": PASSWORD,
                "settings": settings,
            }
        )
        self.id, self.username = row.id, username
        with self.store.transaction() as tx:
            SECRETS.add(tx.companies.get(row.id).password_hash)
        self.qb = quickbooks()
        self.projects: list[tuple[str, str]] = []  # (customer id, project id)

    def add_project(self) -> str:
        """A customer and a project, queued as a Sync Job (4 requests: 2 lookups, 2 adds)."""
        n = len(self.projects) + 1
        customer, project = f"{self.username}-c{n}", f"{self.username}-p{n}"
        self.ops.records.upsert(
            self.id, "customer", customer, {"first_name": "Ada", "last_name": f"Client {n}"}
        )
        self.ops.records.upsert(
            self.id,
            "project",
            project,
            {"number": str(1000 + n), "customer_id": customer, "address": {"line1": f"{n} Main"}},
        )
        self.ops.syncs.sync_job(self.id, project)
        self.projects.append((customer, project))
        return project

    def connector(self, url: str, **kw: Any) -> WebConnector:
        kw.setdefault("sleep", lambda s: time.sleep(min(s, 0.05)))
        kw.setdefault("timeout", 30.0)
        return WebConnector(url, self.username, PASSWORD, self.qb, **kw)

    def session(self, url: str, faults: Faults | None = None, **kw: Any) -> SessionResult:
        result = self.connector(url, faults=faults or Faults(), **kw).run_session()
        if result.ticket:
            SECRETS.add(result.ticket)
        return result

    def requests(self) -> list[Any]:
        with self.store.transaction() as tx:
            return tx.queue.recent(self.id, limit=100_000)

    def states(self) -> Counter[str]:
        return Counter(r.state for r in self.requests())

    def check_end_state(self) -> None:
        """Nothing lost, nothing twice, nothing stuck: every request done, every project's
        customer and job in QuickBooks once, and linked to that very object."""
        rows = self.requests()
        stuck = [(r.id, r.entity, r.action, r.state, r.error) for r in rows if r.state != "done"]
        assert not stuck, stuck
        names = Counter(c["FullName"] for c in self.qb.find("Customer"))
        twice = {name: n for name, n in names.items() if n > 1}
        assert not twice, f"in QuickBooks twice: {twice}"
        assert len(names) == 2 * len(self.projects), names
        ids = {c["ListID"] for c in self.qb.find("Customer")}
        with self.store.transaction() as tx:
            for customer, project in self.projects:
                for kind, app_id in (("customer", customer), ("project", project)):
                    link = tx.records.link_by_app(self.id, kind, app_id)
                    assert link is not None and link.qb_id in ids, (kind, app_id, link)

    def close(self) -> None:
        self.store.dispose()


def drain(company: Company, url: str, *, busy_seconds: float, rounds: int = 12) -> list[str]:
    """Run sessions until the company has nothing left to do; the outcomes in order."""
    outcomes: list[str] = []
    for _ in range(rounds):
        result = company.session(url)
        outcomes.append(result.outcome)
        if result.outcome == "no_work":
            return outcomes
        if result.outcome == "busy":
            time.sleep(busy_seconds + 0.2)  # a session a kill left open is taken as dead
    raise AssertionError(f"{company.username} still has work after {rounds} sessions: {outcomes}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
