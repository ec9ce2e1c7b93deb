"""Applying one big answer: N accounts in one AccountQueryRs (qbXML has no iterator there).

For 1k, 10k and 50k accounts, on SQLite and on PostgreSQL (QBWC_BENCH_POSTGRES_URL, when a
server answers), receiveResponseXML is sent in-process and timed against lxml's own parse of
the same body (the baseline, the best of 5 in the same run). Memory is measured in a second
apply of the same size, in a fresh process of its own (tracing slows the first down, and a
process that already applied one answer reuses the memory it freed): the peak of Python's
heap (tracemalloc) and the growth of the process's peak resident memory (VmHWM, reset just
before the apply: lxml's tree and the drivers' buffers included), both against the body's
size in bytes.

Usage: .venv/bin/python bench/bulk_answers.py [--quick] [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qbwc_server.config import Settings
from request_queue.migrate import upgrade
from tests.conftest import Clock
from tests.support.inprocess import PASSWORD, Harness


def _database(kind: str, tmp: str) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{tmp}/bulk-{uuid.uuid4().hex[:8]}.db"
    else:
        from sqlalchemy import create_engine, text

        server = os.environ["QBWC_BENCH_POSTGRES_URL"]
        name = f"qbwc_bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(
            server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = server.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    return url


def _drop(url: str) -> None:
    """Drop a PostgreSQL benchmark database (SQLite's go with the temporary directory)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    server, name = url.rsplit("/", 1)
    engine = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _postgres_answers() -> bool:
    url = os.environ.get("QBWC_BENCH_POSTGRES_URL")
    if not url:
        return False
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:  # any failure means: no PostgreSQL figures
        return False
    return True


def _high_water_kib() -> int:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+)", status)
    return int(found.group(1)) if found else 0


def _reset_high_water() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def one(kind: str, accounts: int, tmp: str, *, memory: bool) -> dict[str, Any]:
    """Import ``accounts`` accounts in one answer; time it, or (``memory``) trace it."""
    url = _database(kind, tmp)
    h = Harness(Settings(database_url=url, password_hash_iterations=1000), Clock())
    h.qb.seed(
        {
            "Account": [
                {"Name": f"Account {n:06d}", "AccountType": "Expense"} for n in range(accounts)
            ]
        }
    )
    h.ops.syncs.queue_import(h.company_id, "accounts")
    ticket = h.service.authenticate(h.username, PASSWORD)[0]
    query = h.service.send_request_xml(ticket, h.qb.hcp_response(), h.qb.company_file, "US", 13, 0)
    body = h.qb.process(query)
    encoded = body.encode()
    out: dict[str, Any] = {"body": len(encoded)}
    if memory:
        rss = _reset_high_water()
        before = _high_water_kib()
        tracemalloc.start()
        percent = h.service.receive_response_xml(ticket, body, "", "")
        out["heap"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out["rss"] = (_high_water_kib() - before) * 1024 if rss else None
    else:
        parses = []
        for _ in range(5):
            started = time.perf_counter()
            etree.fromstring(encoded)
            parses.append(time.perf_counter() - started)
        out["parse"] = min(parses)
        started = time.perf_counter()
        percent = h.service.receive_response_xml(ticket, body, "", "")
        out["apply"] = time.perf_counter() - started
    assert percent == 100, percent
    with h.store.transaction() as tx:
        stored = len(tx.records.of_kind(h.company_id, "account", limit=accounts + 10))
    assert stored >= accounts, stored
    h.close()
    _drop(url)
    return out


def _traced(backend: str, n: int) -> dict[str, Any]:
    """``one(..., memory=True)`` in a fresh process."""
    command = [sys.executable, __file__, "--memory-of", backend, str(n)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--quick", action="store_true", help="1k and 10k only")
    args.add_argument("--sizes", type=int, nargs="*", default=None)
    args.add_argument("--memory-of", nargs=2, metavar=("DATABASE", "N"), help=argparse.SUPPRESS)
    parsed = args.parse_args()
    if parsed.memory_of:
        with tempfile.TemporaryDirectory() as tmp:
            traced = one(parsed.memory_of[0], int(parsed.memory_of[1]), tmp, memory=True)
        print(json.dumps(traced))
        return 0
    sizes = parsed.sizes or ((1_000, 10_000) if parsed.quick else (1_000, 10_000, 50_000))
    backends = ["sqlite"] + (["postgresql"] if _postgres_answers() else [])
    if "postgresql" not in backends:
        print("PostgreSQL: no server answers at QBWC_BENCH_POSTGRES_URL; SQLite only.\n")
    print(
        "| database | accounts | body MB | lxml parse s | apply s | apply / parse "
        "| peak heap / body | peak RSS growth / body |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            for n in sizes:
                timed = one(backend, n, tmp, memory=False)
                traced = _traced(backend, n)
                body = timed["body"]
                rss = "n/a" if traced["rss"] is None else f"{traced['rss'] / body:.1f}"
                print(
                    f"| {backend} | {n:,} | {body / 1e6:.1f} | {timed['parse']:.3f} | "
                    f"{timed['apply']:.2f} | {timed['apply'] / timed['parse']:.1f} | "
                    f"{traced['heap'] / body:.1f} | {rss} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
