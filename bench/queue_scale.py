"""The queue at scale: claiming at 10k, 100k and 1M queued requests, and the idle poll with
and without a long finished history.

Claims: N queued requests over N/100 companies (1M over 10,000), loaded with COPY/executemany;
each sample claims 50 requests of a random company in its own transaction (rolled back, so
every sample sees the same queue) and times Queue.claim alone. Baseline, same run and table:
a primary-key SELECT of one request through the same session machinery.

Idle polls (bench/_polls.py): companies with nothing to do, polled through the WSGI app
in-process (authenticate answered "none", then closeConnection). Baseline: the empty
database; then 1M finished requests (100k with --quick) are added to one company's history,
and rounds alternate between it and a company without history. CPU is this process's plus,
on PostgreSQL, the database backends'; "companies per core" is 30 s over the highest CPU per
poll measured.

Usage: .venv/bin/python bench/queue_scale.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, select, text

from bench import _db, _polls
from request_queue.queue_sql import REQUESTS
from request_queue.store import Store

CLAIM = 50
PER_COMPANY = 100
_PK = select(REQUESTS).where(REQUESTS.c.id == bindparam("id"))


class _Rollback(Exception):
    """Leaves a sample's transaction without committing."""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def claim_latency(kind: str, total: int, samples: int, tmp: Path) -> dict[str, float]:
    """p50/p99 of a claim of 50 and of a primary-key read, in ms, at ``total`` queued."""
    with _db.database(kind, tmp) as url:
        engine = _db.engine_for(url)
        companies = _db.add_companies(engine, max(1, total // PER_COMPANY))
        session_id = _db.add_session(engine, companies[0])
        started = time.perf_counter()
        _db.load_requests(engine, _db.requests(companies, PER_COMPANY, "queued"))
        load = time.perf_counter() - started
        with engine.connect() as conn:
            top = int(conn.execute(text("SELECT MAX(id) FROM requests")).scalar_one())
        engine.dispose()
        store = Store(url, clock=lambda: _db.NOW)
        rng = random.Random(7)
        claims: list[float] = []
        cpus: list[float] = []
        lookups: list[float] = []
        got: list[int] = []
        for n in range(samples + 20):
            company = rng.choice(companies)
            try:
                with store.transaction() as tx:
                    t0, c0 = time.perf_counter(), time.process_time()
                    claimed = tx.queue.claim(company, session_id, CLAIM)
                    spent, cpu = time.perf_counter() - t0, time.process_time() - c0
                    raise _Rollback
            except _Rollback:
                pass
            with store.db.transaction() as session:
                t0 = time.perf_counter()
                session.execute(_PK, {"id": rng.randint(1, top)}).first()
                looked = time.perf_counter() - t0
            if n >= 20:  # the first ones warm caches and compile statements
                claims.append(spent * 1000)
                cpus.append(cpu * 1000)
                lookups.append(looked * 1000)
                got.append(len(claimed))
        store.dispose()
    assert min(got) == CLAIM, f"a claim found fewer than {CLAIM}: {min(got)}"
    return {
        "claim_p50": statistics.median(claims),
        "claim_p99": _pct(claims, 0.99),
        "claim_cpu": statistics.median(cpus),
        "pk_p50": statistics.median(lookups),
        "pk_p99": _pct(lookups, 0.99),
        "load_s": load,
    }


def idle_polls(kind: str, history: int, polls: int, rounds: int, tmp: Path) -> dict[str, float]:
    """CPU ms per idle poll (median of rounds): in an empty database; then, after
    ``history`` finished requests were added to one company, of a company without history
    and of that one, round by round in turn."""
    with _db.database(kind, tmp) as url:
        poller = _polls.IdlePoller(url)
        poller.add("quiet")
        busy = poller.add("long-history")
        empty = [poller.cpu_per_poll("long-history", polls) for _ in range(rounds)]
        engine = _db.engine_for(url)
        _db.load_requests(engine, _db.requests([busy], history, "done"))
        engine.dispose()
        quiet, full = [], []
        for _ in range(rounds):
            quiet.append(poller.cpu_per_poll("quiet", polls))
            full.append(poller.cpu_per_poll("long-history", polls))
        poller.close()
    return {
        "empty": statistics.median(empty),
        "quiet": statistics.median(quiet),
        "full": statistics.median(full),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="up to 100k; fewer samples")
    parser.add_argument("--only", choices=("claims", "idle"), help="run one part")
    args = parser.parse_args()
    quick = args.quick
    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000)
    samples, polls, rounds = (200, 150, 3) if quick else (500, 300, 5)
    history = 100_000 if quick else 1_000_000
    kinds = ["sqlite"] + (["postgresql"] if _db.postgres_server() else [])
    if len(kinds) == 1:
        print("(PostgreSQL skipped: no server at QBWC_BENCH_POSTGRES_URL)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "idle":
            claims(kinds, sizes, samples, Path(tmp))
        if args.only != "claims":
            idle(kinds, history, polls, rounds, Path(tmp))
    return 0


def claims(kinds: list[str], sizes: tuple[int, ...], samples: int, tmp: Path) -> None:
    """The claim table: p50/p99 against the primary-key read, and against the smallest size."""
    print(
        f"Claim {CLAIM} of N queued requests over N/{PER_COMPANY} companies "
        f"({samples} samples; baseline: a primary-key SELECT on the same table)"
    )
    print()
    print(
        "| database | queued | claim p50 ms | claim p99 ms | claim CPU p50 ms | PK p50 ms | "
        "claim p50 / PK p50 | claim p99 / PK p99 | p99 / p99 at 10k | p99 under 5 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        first: dict[str, float] = {}
        for total in sizes:
            r = claim_latency(kind, total, samples, tmp)
            first = first or r
            print(
                f"| {kind} | {total:,} | {r['claim_p50']:.2f} | {r['claim_p99']:.2f} | "
                f"{r['claim_cpu']:.2f} | {r['pk_p50']:.3f} | "
                f"{r['claim_p50'] / r['pk_p50']:.1f} | {r['claim_p99'] / r['pk_p99']:.1f} | "
                f"{r['claim_p99'] / first['claim_p99']:.2f} | "
                f"{'yes' if r['claim_p99'] < 5 else 'NO'} |",
                flush=True,
            )
    print()


def idle(kinds: list[str], history: int, polls: int, rounds: int, tmp: Path) -> None:
    """The idle-poll table: with and without a long history, and companies per core."""
    print(
        f"Idle poll (authenticate answered none + closeConnection, in-process WSGI): CPU ms "
        f"per poll, median of {rounds} rounds of {polls}; baseline: the empty database"
    )
    print()
    print(
        "| database | history | empty database | other company, same database | "
        "company with the history | with history / empty | companies per core at 30 s |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind in kinds:
        r = idle_polls(kind, history, polls, rounds, tmp)
        worst = max(r.values())
        print(
            f"| {kind} | {history:,} finished | {r['empty']:.2f} | {r['quiet']:.2f} | "
            f"{r['full']:.2f} | {r['full'] / r['empty']:.2f} | {30_000 / worst:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
