"""``qbwc simulate``: run one simulated Web Connector session per company and report."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from qbwc_server.simulator.webconnector import QuickBooksLike, SessionResult, WebConnector

GOOD_OUTCOMES = ("completed", "no_work")


@dataclass(frozen=True)
class SimulatedCompany:
    """A Web Connector user and the QuickBooks company it has open."""

    username: str
    password: str
    company: QuickBooksLike


def simulate(
    url: str, sessions: Sequence[SimulatedCompany], *, out: TextIO, noop_pause: float = 5.0
) -> int:
    """Run the sessions (concurrently when several); 0 when every one ended well, else 1."""
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            print(line, file=out, flush=True)

    results: dict[str, SessionResult] = {}

    def run(sim: SimulatedCompany) -> None:
        connector = WebConnector(
            url, sim.username, sim.password, sim.company, on_event=say, noop_pause=noop_pause
        )
        results[sim.username] = connector.run_session()

    threads = [threading.Thread(target=run, args=(s,), name=s.username) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    say("")
    say(f"{'USER':<20} {'OUTCOME':<18} {'SETS':>5}  RESULT")
    for sim in sessions:
        r = results.get(sim.username, SessionResult(outcome="error", last_error="did not run"))
        say(
            f"{sim.username:<20} {r.outcome:<18} {r.requests_sent:>5}  "
            f"{r.close_message or r.last_error}"
        )
    return (
        0
        if all(
            results.get(s.username) and results[s.username].outcome in GOOD_OUTCOMES
            for s in sessions
        )
        else 1
    )
