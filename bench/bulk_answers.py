"""Applying one big answer: N accounts in one AccountQueryRs (qbXML has no iterator there).

For 1k, 10k and 50k accounts, on SQLite (and PostgreSQL when QBWC_BENCH_POSTGRES_URL names a
server), it times receiveResponseXML in-process and, in the same run, lxml's own parse of the
same body (the baseline), and measures the peak Python memory of the apply (tracemalloc)
against the body's size. Usage: .venv/bin/python bench/bulk_answers.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

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


def one(kind: str, accounts: int, tmp: str) -> dict[str, float]:
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
    started = time.perf_counter()
    etree.fromstring(body.encode())
    parse = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    percent = h.service.receive_response_xml(ticket, body, "", "")
    apply = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert percent == 100, percent
    with h.store.transaction() as tx:
        stored = len(tx.records.of_kind(h.company_id, "account", limit=accounts + 10))
    assert stored >= accounts, stored
    h.close()
    return {"parse": parse, "apply": apply, "peak": peak, "body": len(body.encode())}


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--quick", action="store_true", help="1k and 10k only")
    quick = args.parse_args().quick
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 50_000)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("QBWC_BENCH_POSTGRES_URL") else [])
    print(
        "| database | accounts | body MB | lxml parse s | apply s | apply / parse | peak / body |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            for n in sizes:
                r = one(backend, n, tmp)
                print(
                    f"| {backend} | {n:,} | {r['body'] / 1e6:.1f} | {r['parse']:.3f} | "
                    f"{r['apply']:.2f} | {r['apply'] / r['parse']:.1f} | "
                    f"{r['peak'] / r['body']:.1f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
