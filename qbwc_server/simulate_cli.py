"""``qbwc simulate``: a simulated Web Connector and QuickBooks company against a server."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TextIO

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from qbwc_server.simulator.quickbooks import FakeQuickBooks, SeedError
from qbwc_server.simulator.runner import SimulatedCompany, simulate

DEMO_SEED = Path(__file__).resolve().parents[1] / "fixtures" / "simulator" / "demo-company.json"


def run_simulate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run one session per --username/--password pair; 0 when every session ended well.

    With ``--state FILE`` (one per user) the fake company is loaded from FILE when it exists
    and written back to it after the session, so several runs see one company file.
    """
    if len(args.username) != len(args.password):
        raise UsageError("give one --password for each --username, in the same order")
    states = [Path(s) for s in args.state or []]
    if states and len(states) != len(args.username):
        raise UsageError("give one --state for each --username, in the same order")
    seed = Path(args.seed) if args.seed else DEMO_SEED
    fakes: list[FakeQuickBooks] = []
    for index in range(len(args.username)):
        state = states[index] if states else None
        company = FakeQuickBooks()
        _load(company, state if state is not None and state.is_file() else seed)
        fakes.append(company)
    sessions = [
        SimulatedCompany(u, p, c)
        for u, p, c in zip(args.username, args.password, fakes, strict=True)
    ]
    try:
        return simulate(args.url or settings.public_url, sessions, out=out)
    finally:
        for state, company in zip(states, fakes, strict=False):
            _save(company, state)


def _load(company: FakeQuickBooks, path: Path) -> None:
    if not path.is_file():
        raise UsageError(f"no seed file at {path}")
    try:
        company.seed(path)
    except (OSError, ValueError, SeedError) as exc:  # ValueError: not JSON
        raise UsageError(f"cannot load the fake company from {path}: {exc}") from None


def _save(company: FakeQuickBooks, path: Path) -> None:
    """Write the company's dump to ``path`` (through a temporary file, so never half)."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(company.dump(), indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"cannot write the fake company to {path}: {exc.strerror}") from None
