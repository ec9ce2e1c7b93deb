"""``qbwc simulate``: a simulated Web Connector and QuickBooks company against a server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.runner import SimulatedCompany, simulate

DEMO_SEED = Path(__file__).resolve().parents[1] / "fixtures" / "simulator" / "demo-company.json"


def run_simulate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run one session per --username/--password pair; 0 when every session ended well."""
    if len(args.username) != len(args.password):
        raise UsageError("give one --password for each --username, in the same order")
    seed = Path(args.seed) if args.seed else DEMO_SEED
    if not seed.is_file():
        raise UsageError(f"no seed file at {seed}")
    companies = []
    for username, password in zip(args.username, args.password, strict=True):
        company = FakeQuickBooks()
        company.seed(seed)
        companies.append(SimulatedCompany(username, password, company))
    return simulate(args.url or settings.public_url, companies, out=out)
