"""How many sendRequestXML calls a Sync Job takes: 1 customer, 1 job, 200 invoices, 200
payments and 20 bills with their vendors (421 objects, plus the item and accounts they use);
and how many a 20,000-item import takes, first and again when nothing changed.

Runs the service in-process against the fake QuickBooks company on a fresh SQLite database
and prints the calls per session. Baselines, same run: one request per message set for the
Sync Job; for the import, the pages its 20,000 items need at 500 per page (the iterator's
page size), and the Rets of the first import for the repeated one.
Usage: .venv/bin/python bench/sync_job_round_trips.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qbwc_server.config import Settings
from qbwc_server.simulator.quickbooks import generate_items
from qbwc_server.sync.imports._base import PAGE_SIZE
from request_queue.migrate import upgrade
from tests.conftest import Clock
from tests.support.inprocess import Harness

INVOICES, PAYMENTS, BILLS = 200, 200, 20
ITEMS = 20_000


def one_run(per_set: int) -> tuple[int, int, str]:
    """(sendRequestXML calls, requests queued, session outcome) with ``per_set`` requests
    at most in one message set."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        settings = Settings(
            database_url=url, password_hash_iterations=1000, message_set_max_requests=per_set
        )
        h = Harness(settings, Clock(), expense_export_status="paid_and_approved")
        h.qb.seed(
            {
                "Account": [
                    {"Name": "Construction Income", "AccountType": "Income"},
                    {"Name": "Job Materials", "AccountType": "CostOfGoodsSold"},
                ]
            }
        )
        h.ops.syncs.queue_import(h.company_id, "accounts")
        h.session()
        with h.store.transaction() as tx:
            accounts = {
                r.data["name"]: r.record_id for r in tx.records.of_kind(h.company_id, "account")
            }
        h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
        h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})
        h.put("item", "labor", name="Labor", income_account_id=accounts["Construction Income"])
        for n in range(INVOICES):
            line = {"item_id": "labor", "amount": "100.00"}
            h.put(
                "invoice",
                f"i{n}",
                number=f"INV{n}",
                project_id="p1",
                date="2026-03-01",
                lines=[line],
            )
        for n in range(PAYMENTS):
            h.put(
                "payment",
                f"pay{n}",
                project_id="p1",
                date="2026-03-05",
                amount="100.00",
                reference=f"CHK{n}",
                applications=[{"invoice_id": f"i{n}", "amount": "100.00"}],
            )
        for n in range(BILLS):
            h.put(
                "vendor",
                f"v{n}",
                name=f"Supplier {n}",
                vendor_type="supplier",
                updated_at="2026-03-01T00:00:00Z",
            )
            h.put(
                "bill",
                f"b{n}",
                vendor_id=f"v{n}",
                project_id="p1",
                number=f"B{n}",
                date="2026-03-02",
                status="paid",
                lines=[{"account_id": accounts["Job Materials"], "amount": "50.00"}],
            )
        plan = h.ops.syncs.sync_job(h.company_id, "p1")
        run = h.session(max_sends=2000)
        counts = {e: len(h.qb.find(e)) for e in ("Customer", "Invoice", "ReceivePayment", "Bill")}
        assert counts == {
            "Customer": 2,
            "Invoice": INVOICES,
            "ReceivePayment": PAYMENTS,
            "Bill": BILLS,
        }, counts
        h.close()
        return run.send_calls, len(plan.queued), f"{run.outcome}: {run.close}"


def item_imports() -> list[tuple[str, int, int, str]]:
    """(which, sendRequestXML calls, items in QuickBooks' answers, outcome) of an import of
    ITEMS items and of the same import again with nothing changed."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        h = Harness(Settings(database_url=url, password_hash_iterations=1000), Clock())
        h.qb.seed(
            {
                "Account": [{"Name": "Construction Income", "AccountType": "Income"}],
                **generate_items(ITEMS),
            }
        )
        process, seen = h.qb.process, [0]

        def counting(request_xml: str) -> str:
            answer = process(request_xml)
            seen[0] += answer.count("<ItemServiceRet>")
            return answer

        h.qb.process = counting  # type: ignore[method-assign]
        out = []
        for which in ("first import", "again, nothing changed"):
            seen[0] = 0
            h.ops.syncs.queue_import(h.company_id, "items")
            run = h.session(max_sends=1000)
            out.append((which, run.send_calls, seen[0], f"{run.outcome}: {run.close}"))
        with h.store.transaction() as tx:
            stored = len(tx.records.of_kind(h.company_id, "item", limit=ITEMS + 10))
        assert stored == ITEMS, stored
        h.close()
    return out


def main() -> int:
    started = time.perf_counter()
    ours, queued, outcome = one_run(Settings.message_set_max_requests)
    baseline, _, base_outcome = one_run(1)
    print(
        f"Sync Job of 1 customer, 1 job, {INVOICES} invoices, {PAYMENTS} payments, "
        f"{BILLS} bills and {BILLS} vendors ({queued} requests incl. lookups)"
    )
    print("| setup | sendRequestXML calls | session |")
    print("|---|---|---|")
    print(f"| default (ready requests share a set) | {ours} | {outcome} |")
    print(f"| baseline: one request per set | {baseline} | {base_outcome} |")
    print(f"ratio: {ours / baseline:.3f} ({time.perf_counter() - started:.0f} s)")
    pages = -(-ITEMS // PAGE_SIZE)
    print(f"\nImport of {ITEMS:,} service items, {PAGE_SIZE} per page (baseline: {pages} pages)\n")
    print("| import | sendRequestXML calls | calls / pages | items QuickBooks sent | session |")
    print("|---|---|---|---|---|")
    imports = item_imports()
    for which, calls, items, said in imports:
        print(f"| {which} | {calls} | {calls / pages:.2f} | {items:,} | {said} |")
    again = imports[1][2]
    return 0 if ours <= 10 and again < ITEMS // 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
