"""Crashes mid-session against a live ``qbwc serve``: SIGKILL of a worker at random moments of
Sync Job sessions, 50 times and more, and a whole-server crash and restart. Afterwards nothing
is lost, nothing is in QuickBooks twice, and nothing is stuck in sent or uncertain."""

from __future__ import annotations

import collections
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from qbwc_server.simulator.webconnector import SessionResult
from tests.reliability.support import Company, Server, drain, running

KILLS = 50
BUSY_SECONDS = 1  # a session a kill left open is taken as dead after 1 s of silence
ENV = {"QBWC_BUSY_SECONDS": str(BUSY_SECONDS), "QBWC_REQUEST_MAX_ATTEMPTS": "100"}


def _age(pid: int) -> float:
    """Seconds since process ``pid`` started (0 when it is gone)."""
    try:
        started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return 0.0
    return uptime - started / os.sysconf("SC_CLK_TCK")


class _Killer(threading.Thread):
    """SIGKILLs a random worker every 0.1-0.4 s, whatever it is doing, until it has killed
    ``goal`` of them; only a worker that has had half a second to boot, and only while another
    such worker is left, so the server keeps answering between kills."""

    def __init__(self, server: Server, goal: int, seed: int) -> None:
        super().__init__(name="worker-killer", daemon=True)
        self.server, self.goal, self.rng = server, goal, random.Random(seed)
        self.killed = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while self.killed < self.goal and not self.stop.is_set():
            time.sleep(self.rng.uniform(0.1, 0.4))
            booted = [p for p in self.server.worker_pids() if _age(p) >= 0.5]
            if len(booted) >= 2 and self.server.kill_worker(self.rng.choice(booted)):
                self.killed += 1


def test_workers_killed_at_random_moments_lose_and_duplicate_nothing(
    database_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(1 << 30)
    with running(database_url, tmp_path, workers=4, extra_env=ENV, init=False) as server:
        company = Company(database_url, "kills")
        killer = _Killer(server, KILLS, seed)
        outcomes: list[str] = []
        resent = 0
        try:
            try:
                killer.start()
                deadline = time.monotonic() + 120
                while killer.is_alive() and time.monotonic() < deadline:
                    # Work all along: a session with nothing to do is over in a few ms, and
                    # kills must meet Sync Jobs in flight (40 projects were once enough).
                    if len(company.projects) < 40 or (outcomes and outcomes[-1] == "no_work"):
                        company.add_project()
                    result: SessionResult = company.session(server.soap_url, timeout=10)
                    outcomes.append(result.outcome)
                    resent += result.resent
                    if result.outcome in ("busy", "error", "died"):
                        time.sleep(BUSY_SECONDS / 2)
            finally:
                killer.stop.set()
                killer.join()
            assert killer.killed >= KILLS, f"only {killer.killed} kills (seed {seed})"
            server.wait_ready()
            drain(company, server.soap_url, busy_seconds=BUSY_SECONDS)
            company.check_end_state()
            # Kills did land in the middle of calls: a call on a fresh connection dies with its
            # session; one on a kept-alive connection is sent again on a new one, as .NET does.
            counted = sorted(collections.Counter(outcomes).items())
            assert "died" in outcomes or resent > 0, counted
        finally:
            company.close()  # a failure above must not leave its connections to the next test


class _CrashAfter:
    """QuickBooks that applies the ``n``-th message set, then the whole server dies before its
    answer can be posted."""

    def __init__(self, company: Company, server: Server, n: int) -> None:
        self.inner, self.server, self.n, self.sets = company.qb, server, n, 0
        self.company_file = company.qb.company_file

    def hcp_response(self) -> str:
        return self.inner.hcp_response()

    def process(self, request_xml: str) -> str:
        answer = self.inner.process(request_xml)
        self.sets += 1
        if self.sets == self.n:
            self.server.crash()
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_whole_server_crash_mid_session_and_a_restart(database_url: str, tmp_path: Path) -> None:
    server = Server(database_url, tmp_path, workers=2, extra_env=ENV)
    server.start(init=False)
    try:
        company = Company(database_url, "restart")
        for _ in range(3):
            company.add_project()
        # Set 1: the lookups; set 2: the customers' Adds, applied by QuickBooks, then the crash.
        crashing = _CrashAfter(company, server, 2)
        died = company.connector(server.soap_url, timeout=10)
        died.company = crashing
        result = died.run_session()
        assert result.outcome in ("died", "error"), result
        assert crashing.sets == 2
        assert company.states()["sent"] > 0  # the answer never came
        server.start(init=False)  # same port, same database
        time.sleep(BUSY_SECONDS + 0.2)
        drain(company, server.soap_url, busy_seconds=BUSY_SECONDS)
        company.check_end_state()
        company.close()
    finally:
        server.stop()
