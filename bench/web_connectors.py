"""N simulated Web Connectors against a live ``qbwc serve`` (gunicorn), all at once.

Each company has an accounts import and a customers import in pages of 10 (its fake
QuickBooks company has the demo file's records plus 40 customers): one session of about five
request sets, each spending 100 ms "in QuickBooks" before its answer is posted. SQLite runs
with 1 worker, PostgreSQL with 2 and 4 (4 threads each, the default). Every session must end
completed: anything else counts as an error.

Baselines, same run and server: a lone serverVersion round trip (the floor of one SOAP call
over HTTP here) for the latencies, and for throughput the calls per second the connectors
would make against a server that answered instantly (their sets x 100 ms). The connectors
are threads of this process, so at 200 their own XML work shares these 2 cores with the
server.

Then, on the same server, idle runs one after another (a company with nothing to do: the
whole QBWC sequence over HTTP), and the server's CPU for each: the gunicorn processes' (from
/proc) plus the database backends'. Companies per core is 30 s over that.

Usage: .venv/bin/python bench/web_connectors.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _db, _polls
from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.soapwire import Param, Transport, result
from qbwc_server.simulator.webconnector import Faults, SessionResult, WebConnector
from qbwc_server.sync.registry import IMPORT_KINDS
from request_queue.store import Store
from tests.support.live import live_server

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "simulator" / "demo-company.json"
IN_QUICKBOOKS = 0.1
EXTRA_CUSTOMERS = 40
PAGE = 10


@dataclass
class Company:
    username: str
    password: str
    quickbooks: FakeQuickBooks


class TimedConnector(WebConnector):
    """A WebConnector that records how long each SOAP call took."""

    def __init__(self, *args: Any, latencies: list[float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latencies = latencies

    def _call(self, state: Any, wire: Transport, op: str, params: list[Param]) -> Any:
        started = time.perf_counter()
        try:
            return super()._call(state, wire, op, params)
        finally:
            self.latencies.append(time.perf_counter() - started)


def make_companies(url: str, count: int, prefix: str, *, work: bool = True) -> list[Company]:
    """``count`` companies, each with its queued imports (unless not ``work``) and its fake
    QuickBooks company."""
    store = Store(url)
    ops = Operations(store, Settings(database_url=url, password_hash_iterations=1000))
    customers = IMPORT_KINDS["customers"]
    made = []
    for n in range(count):
        username = f"{prefix}-{n}"
        password = "bench password 1"
        create_new = getattr(ops.companies, "create_new", None)
        if create_new is not None:  # a generated password, where the server makes them
            new = create_new({"name": f"Bench {username}", "qbwc_username": username})
            company_id, password = new.company.id, new.password or password
        else:
            body = {"name": f"Bench {username}", "qbwc_username": username}
            company_id = ops.companies.create({**body, "qbwc_password": password})[0].id
        if not work:
            made.append(Company(username, password, FakeQuickBooks()))
            continue
        ops.syncs.queue_import(company_id, "accounts")
        with store.transaction() as tx:
            tx.queue.enqueue(
                company_id,
                entity=customers.entity,
                action=customers.action,
                params={"page_size": PAGE},
            )
        quickbooks = FakeQuickBooks()
        quickbooks.seed(DEMO)
        quickbooks.seed(
            {"Customer": [{"Name": f"Customer {k:03d}"} for k in range(EXTRA_CUSTOMERS)]}
        )
        made.append(Company(username, password, quickbooks))
    store.dispose()
    return made


def floor_ms(url: str, calls: int = 40) -> float:
    """p50 of a lone serverVersion round trip on a kept-alive connection."""
    wire = Transport(url, timeout=30)
    times = []
    try:
        for _ in range(calls):
            started = time.perf_counter()
            wire.post("serverVersion", [])
            times.append(time.perf_counter() - started)
    finally:
        wire.close()
    return statistics.median(times[5:]) * 1000


def drive(url: str, companies: list[Company]) -> dict[str, float]:
    """Run one session per company, all at once; calls, rates, latencies and errors."""
    latencies: list[float] = []
    results: list[SessionResult | None] = [None] * len(companies)
    start = threading.Barrier(len(companies) + 1)

    def run(index: int, company: Company) -> None:
        connector = TimedConnector(
            url,
            company.username,
            company.password,
            company.quickbooks,
            faults=Faults(delay_seconds=IN_QUICKBOOKS),
            latencies=latencies,
            timeout=120,
        )
        start.wait()
        try:
            results[index] = connector.run_session()
        except Exception as exc:  # counted as an error below
            results[index] = SessionResult(outcome="error", last_error=str(exc))

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(companies)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    done = [r or SessionResult(outcome="error", last_error="did not run") for r in results]
    errors = [r for r in done if r.outcome != "completed"]
    for r in errors[:3]:
        print(f"  (error: {r.outcome}: {r.last_error})", file=sys.stderr)
    ideal = max(r.requests_sent for r in done) * IN_QUICKBOOKS
    ordered = sorted(latencies)
    return {
        "calls": len(latencies),
        "wall": wall,
        "ideal": ideal,
        "sets": statistics.mean(r.requests_sent for r in done),
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "errors": len(errors),
    }


def server_cpu(port: str) -> float:
    """CPU seconds used so far by the gunicorn processes serving ``port`` (the master and its
    workers: every process whose environment binds that port)."""
    marker = f"QBWC_BIND=127.0.0.1:{port}".encode()
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def idle_cpu_ms(url: str, soap_url: str, sessions: int) -> tuple[float, float]:
    """Server CPU ms (gunicorn + database backends) of one idle Web Connector run over HTTP:
    the whole run (serverVersion, clientVersion, authenticate answered "none",
    closeConnection), and authenticate + closeConnection alone."""
    (company,) = make_companies(url, 1, "idle", work=False)
    port = soap_url.rsplit(":", 1)[1].split("/", 1)[0]
    database = _polls.backend_cpu(url)
    wire = Transport(soap_url, timeout=30)

    def whole() -> None:
        connector = WebConnector(soap_url, company.username, company.password, company.quickbooks)
        outcome = connector.run_session().outcome
        assert outcome == "no_work", outcome

    def sign_in_only() -> None:
        credentials: list[Param] = [
            ("strUserName", company.username),
            ("strPassword", company.password),
        ]
        ticket = result("authenticate", wire.post("authenticate", credentials))[0]
        wire.post("closeConnection", [("ticket", ticket)])

    spent = []
    for run in (whole, sign_in_only):
        for _ in range(10):
            run()
        server, db = server_cpu(port), database()
        for _ in range(sessions):
            run()
        spent.append((server_cpu(port) - server + database() - db) / sessions * 1000)
    wire.close()
    return spent[0], spent[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1, 10, 50 companies; 2 workers")
    quick = parser.parse_args().quick
    sizes = (1, 10, 50) if quick else (1, 10, 50, 200)
    idle_runs = 200 if quick else 500
    configs = [("sqlite", 1), ("postgresql", 2)] + ([] if quick else [("postgresql", 4)])
    if _db.postgres_server() is None:
        print("(PostgreSQL skipped: no server at QBWC_BENCH_POSTGRES_URL)")
        configs = [c for c in configs if c[0] == "sqlite"]
    print(
        "| database | workers | companies | sets/session | calls | calls/s | ideal calls/s | "
        "calls/s / ideal | p50 ms | p99 ms | floor ms | p50 / floor | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    failures = 0
    idle: list[tuple[str, int, tuple[float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, workers in configs:
            with (
                _db.database(kind, Path(tmp)) as url,
                live_server(url, Path(tmp), workers=workers) as server,
            ):
                floor = floor_ms(server.soap_url)
                for n in sizes:
                    companies = make_companies(url, n, f"w{workers}n{n}")
                    r = drive(server.soap_url, companies)
                    failures += int(r["errors"])
                    rate, ideal = r["calls"] / r["wall"], r["calls"] / r["ideal"]
                    print(
                        f"| {kind} | {workers} | {n} | {r['sets']:.1f} | {r['calls']:.0f} | "
                        f"{rate:.0f} | {ideal:.0f} | {rate / ideal:.2f} | {r['p50']:.1f} | "
                        f"{r['p99']:.1f} | {floor:.1f} | {r['p50'] / floor:.1f} | "
                        f"{r['errors']:.0f} |",
                        flush=True,
                    )
                idle.append((kind, workers, idle_cpu_ms(url, server.soap_url, idle_runs)))
    print()
    print(
        f"Idle Web Connector runs over HTTP ({idle_runs} in a row: serverVersion, clientVersion, "
        "authenticate answered none, closeConnection): server CPU, gunicorn processes plus "
        "database backends"
    )
    print()
    print(
        "| database | workers | server CPU ms per idle run | of which authenticate + "
        "closeConnection | companies per core at 30 s |"
    )
    print("|---|---|---|---|---|")
    for kind, workers, (cpu, sign_in) in idle:
        print(f"| {kind} | {workers} | {cpu:.2f} | {sign_in:.2f} | {30_000 / cpu:,.0f} |")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
