"""Concurrency and infrastructure failures against live servers: SQLite with 2 workers and 4
Web Connectors at once; two servers on one PostgreSQL with each Web Connector's calls
alternating between them; PostgreSQL restarted while sessions run."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbwc_server.simulator.webconnector import SessionResult
from request_queue.migrate import upgrade
from tests.reliability.proxy import alternating_proxy
from tests.reliability.support import Company, Server, drain, running
from tests.support.live import free_port

ENV = {"QBWC_BUSY_SECONDS": "2"}


def _sessions_at_once(companies: list[Company], url: str, rounds: int) -> list[SessionResult]:
    """Every company runs ``rounds`` sessions (new work before each), all companies at once."""
    results: list[SessionResult] = []
    lock = threading.Lock()

    def run(company: Company) -> None:
        for _ in range(rounds):
            company.add_project()
            result = company.session(url)
            with lock:
                results.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in companies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sqlite_two_workers_four_web_connectors_never_locked(
    sqlite_url: str, tmp_path: Path
) -> None:
    with running(sqlite_url, tmp_path, workers=2, extra_env=ENV, init=False) as server:
        companies = [Company(sqlite_url, f"sq{i}") for i in range(4)]
        results = _sessions_at_once(companies, server.soap_url, rounds=3)
        assert [r.outcome for r in results] == ["completed"] * 12, results
        for company in companies:
            company.check_end_state()
            company.close()
        log = server.log()
    assert "database is locked" not in log
    assert "Internal error" not in log and "Traceback" not in log


def test_two_servers_on_one_postgres_with_calls_alternating(
    postgres_url: str, tmp_path: Path
) -> None:
    first, second = (
        Server(postgres_url, tmp_path, extra_env=ENV),
        Server(postgres_url, tmp_path, extra_env=ENV),
    )
    starters = [threading.Thread(target=s.start, kwargs={"init": False}) for s in (first, second)]
    for thread in starters:
        thread.start()
    for thread in starters:
        thread.join()
    try:
        with alternating_proxy([first.base_url, second.base_url]) as (proxy, served):
            companies = [Company(postgres_url, f"pg{i}") for i in range(2)]
            results = _sessions_at_once(companies, proxy + "/qbwc", rounds=3)
            assert [r.outcome for r in results] == ["completed"] * 6, results
            assert min(served.values()) >= 20, served  # both servers answered half the calls
            for company in companies:
                company.check_end_state()  # nothing claimed twice: nothing added twice
                sends = [r.attempts for r in company.requests()]
                assert sends == [1] * len(sends)  # every request handed out exactly once
                company.close()
    finally:
        first.stop()
        second.stop()


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found or shutil.which("runuser") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but PostgreSQL's pg_ctl (or runuser) is not installed")
        pytest.skip("PostgreSQL's server binaries are not installed")
    return Path(found[-1]).parent


class _Cluster:
    """A PostgreSQL cluster of this test's own (the machine's main cluster is shared, so it is
    not the one restarted), run as the postgres user on a free port."""

    def __init__(self) -> None:
        self.bin, self.port = _pg_bin(), free_port()
        # Outside pytest's tmp (root's, closed to the postgres user).
        self.dir = Path(tempfile.mkdtemp(prefix="qbwc-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")
        self.ctl("start")

    def _pg(self, tool: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        args = ["-D", str(self.dir), "-w", "-l", str(self.dir / "postgres.log"), "-o", options]
        self._pg("pg_ctl", action, *args, *(["-m", "fast"] if action != "start" else []))

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster() -> Iterator[_Cluster]:
    own = _Cluster()
    try:
        yield own
    finally:
        own.ctl("stop")
        shutil.rmtree(own.dir, ignore_errors=True)


def test_postgres_restarted_under_load(cluster: _Cluster, tmp_path: Path) -> None:
    upgrade(cluster.url)
    with running(cluster.url, tmp_path, workers=2, extra_env=ENV, init=False) as server:
        companies = [Company(cluster.url, f"re{i}") for i in range(2)]
        for company in companies:
            for _ in range(6):
                company.add_project()
        outcomes: list[str] = []
        stop = threading.Event()

        def load(company: Company) -> None:
            while not stop.is_set():
                outcomes.append(company.session(server.soap_url, timeout=15).outcome)
                time.sleep(0.05)

        threads = [threading.Thread(target=load, args=(c,)) for c in companies]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        cluster.ctl("restart")  # connections cut under the sessions' feet
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
        for company in companies:
            company.store.dispose()  # the test's own pool still holds the cut connections
            drain(company, server.soap_url, busy_seconds=2)
            company.check_end_state()
            company.close()
        log = server.log()
    assert "Internal error" not in log
    outage = [line for line in log.splitlines() if "database" in line and "ERROR" in line]
    assert len(outage) <= 8, outage  # a line per worker and minute, not one per call
