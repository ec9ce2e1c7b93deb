"""``qbwc events COMPANY [--after SEQ] [--follow] [--interval S] [--json]``: the event feed.

Prints the company's events after ``--after`` (default 0: from the first), oldest first, one
line each (``--json``: one JSON object per line, as the API shows them). With ``--follow`` it
then asks again every ``--interval`` seconds and prints what arrived, until Ctrl-C (exit 130,
quietly; Ctrl-C is noticed between polls, never in the middle of a database call) or until
whoever reads its output goes away (a closed pipe: exit 0).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

from qbwc_server.errors import UsageError
from qbwc_server.operations import Operations
from qbwc_server.operations.events import MAX_LIMIT, event_view
from request_queue.events import EventRow


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """The ``events`` command's arguments."""
    events = sub.add_parser(
        "events",
        help="print what happened to a company's records, in order (--follow: as it happens)",
        description="Events: linked, updated_in_quickbooks, imported, conflict, failed. "
        "Each line starts with the event's seq; --after SEQ resumes after it.",
    )
    events.add_argument("company")
    events.add_argument(
        "--after", type=int, default=0, metavar="SEQ", help="only events after this seq"
    )
    events.add_argument("--follow", action="store_true", help="keep printing new events")
    events.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="with --follow: how often to ask for new events (default 1)",
    )
    events.add_argument("--json", action="store_true", help="one JSON object per line")


def event_line(event: EventRow) -> str:
    """One event for a person: seq, time, event, record, QuickBooks id, how or why."""
    view = event_view(event)
    said = view["details"].get("how") or view["details"].get("reason") or ""
    qb = event.qb_id or "-"
    return (
        f"{event.seq:>6}  {event.at:%Y-%m-%d %H:%M:%S}  {event.event:<21} "
        f"{event.record_kind} {event.record_id}  {qb}  {said}".rstrip()
    )


def run_events(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """Print the events; with --follow, keep polling until interrupted."""
    if args.after < 0:
        raise UsageError(f"--after takes a seq of 0 or more (got {args.after})")
    if not args.interval > 0:
        raise UsageError(f"--interval takes a number of seconds above 0 (got {args.interval})")
    stop = _Stop()
    restore = stop.on_ctrl_c()
    cursor = args.after
    try:
        while not stop.requested:
            rows = ops.events.after(args.company, cursor, MAX_LIMIT)
            for event in rows:
                print(json.dumps(event_view(event)) if args.json else event_line(event), file=out)
            if rows:
                cursor = rows[-1].seq
                out.flush()
            if len(rows) == MAX_LIMIT:
                continue  # more are waiting: no pause
            if not args.follow:
                return 0
            stop.pause(args.interval)
        return 130
    except BrokenPipeError:
        # The reader left (``| head``): stop quietly, and keep Python's exit-time flush of
        # stdout from complaining about the same closed pipe.
        if out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return 0
    finally:
        restore()


class _Stop:
    """Ctrl-C (SIGINT) as a flag the loop reads between polls, instead of an exception raised
    wherever the program is (a database call cut short could print errors)."""

    SLICE_SECONDS = 0.05

    def __init__(self) -> None:
        self.requested = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True  # only a flag: nothing here may take a lock

    def on_ctrl_c(self) -> Callable[[], object]:
        """Catch SIGINT (in the main thread); returns what puts the old handler back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = signal.signal(signal.SIGINT, self._handle)
        return lambda: signal.signal(signal.SIGINT, previous)

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when Ctrl-C comes."""
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self.SLICE_SECONDS, left))
