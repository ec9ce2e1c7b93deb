"""``qbwc simulate``: run simulated Web Connector sessions (concurrently) and report them.

Each session's progress is written as it happens, one line per event like QBWC's status
column (prefixed with the user), then a summary table with one row per session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from qbwc_server.simulator.webconnector import Faults, QuickBooksLike, SessionResult, WebConnector

GOOD_OUTCOMES = ("completed", "no_work")


@dataclass(frozen=True)
class SimulatedCompany:
    """A Web Connector user and the QuickBooks company it has open."""

    username: str
    password: str
    company: QuickBooksLike


def simulate(
    url: str,
    sessions: Sequence[SimulatedCompany],
    *,
    out: TextIO,
    faults: Faults | None = None,
    noop_pause: float = 5.0,
    timeout: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run one session per company, concurrently when several; 0 when every one ended well.

    "Ended well" means completed or had no work; any other outcome makes the exit code 1.
    """
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            out.write(line + "\n")
            out.flush()

    results: list[SessionResult | None] = [None] * len(sessions)

    def run(index: int, sim: SimulatedCompany) -> None:
        connector = WebConnector(
            url,
            sim.username,
            sim.password,
            sim.company,
            faults=faults or Faults(),
            sleep=sleep,
            on_event=lambda line: write(f"[{sim.username}] {line}"),
            timeout=timeout,
            noop_pause=noop_pause,
        )
        try:
            results[index] = connector.run_session()
        except Exception as exc:  # a broken company or bad URL must not hide the others
            write(f"[{sim.username}] Error: {exc}")
            results[index] = SessionResult(outcome="error", last_error=str(exc))

    threads = [
        threading.Thread(target=run, args=(i, s), name=f"qbwc-{s.username}")
        for i, s in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = [r or SessionResult(outcome="error", last_error="did not run") for r in results]
    for line in summary(sessions, finished):
        write(line)
    return 0 if all(r.outcome in GOOD_OUTCOMES for r in finished) else 1


def summary(sessions: Sequence[SimulatedCompany], results: Sequence[SessionResult]) -> list[str]:
    """The table printed at the end: user, outcome, request sets, calls, and the result."""
    lines = ["", f"{'USER':<20} {'OUTCOME':<17} {'SETS':>5} {'CALLS':>6}  RESULT"]
    for sim, r in zip(sessions, results, strict=True):
        shown = r.close_message if r.outcome in GOOD_OUTCOMES else r.last_error
        lines.append(
            f"{sim.username:<20} {r.outcome:<17} {r.requests_sent:>5} {len(r.calls):>6}  "
            f"{shown or r.close_message}"
        )
    good = sum(r.outcome in GOOD_OUTCOMES for r in results)
    lines.append(f"{good} of {len(results)} sessions ended well")
    return lines
