"""``qbwc queue COMPANY [retry RID | cancel RID]`` and ``qbwc log COMPANY``: newest first, a
page at a time (``--limit``, then ``--before`` the last id shown for the next page)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from qbwc_server.cli_support import cut, jsonable, positive, print_json, record_kind
from qbwc_server.errors import UsageError
from qbwc_server.operations import Operations
from request_queue.queue import STATES
from request_queue.rows import LogRow, RequestRow


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """The ``queue`` and ``log`` commands' arguments."""
    queue = sub.add_parser(
        "queue",
        help="show a company's queue, newest first; or retry or cancel one request",
        description="qbwc queue COMPANY lists the queue; qbwc queue COMPANY retry RID queues "
        "a failed or cancelled request again; qbwc queue COMPANY cancel RID cancels a queued "
        "one.",
    )
    queue.add_argument("company")
    queue.add_argument("action", nargs="?", choices=["retry", "cancel"], help="retry or cancel")
    queue.add_argument("rid", nargs="?", type=positive, metavar="RID", help="the request's id")
    queue.add_argument("--status", choices=STATES, help="only requests in this state")
    queue.add_argument("--limit", type=positive, default=100, help="at most this many (100)")
    queue.add_argument("--before", type=positive, metavar="ID", help="only requests before ID")
    queue.add_argument("--json", action="store_true")

    logp = sub.add_parser("log", help="show what happened, newest first")
    logp.add_argument("company")
    logp.add_argument("--record", metavar="KIND:ID", help="only this record's entries")
    logp.add_argument("--limit", type=positive, default=50, help="at most this many (50)")
    logp.add_argument("--before", type=positive, metavar="ID", help="only entries before ID")
    logp.add_argument("--json", action="store_true")


def run_queue(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """List the queue, or retry or cancel one request."""
    if args.action is not None:
        if args.rid is None:
            raise UsageError(f"give the request's id: qbwc queue {args.company} {args.action} RID")
        act = ops.queue.retry if args.action == "retry" else ops.queue.cancel
        req = act(args.company, args.rid)
        if args.json:
            print_json(jsonable(req), out)
        else:
            done = "queued again" if args.action == "retry" else "cancelled"
            print(f"Request {req.id} {done}: {req.entity} {req.action} ({req.state})", file=out)
        return 0
    rows = ops.queue.requests(
        args.company, state=args.status, before=args.before, limit=args.limit + 1
    )
    shown = rows[: args.limit]
    if args.json:
        print_json([jsonable(r) for r in shown], out)
    else:
        print(
            f"{'ID':>6}  {'STATE':<10} {'ENTITY':<14} {'ACTION':<8} {'TRIES':>5}  RECORD / ERROR",
            file=out,
        )
        for q in shown:
            print(_request_line(q), file=out)
    if len(rows) > args.limit:
        cut(len(shown), "--before", shown[-1].id)
    return 0


def _request_line(q: RequestRow) -> str:
    record = f"{q.record_kind} {q.record_id}" if q.record_id else ""
    said = "  ".join(part for part in (record, q.error or "") if part)
    return f"{q.id:>6}  {q.state:<10} {q.entity:<14} {q.action:<8} {q.attempts:>5}  {said}"


def run_log(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """Print the log, newest first."""
    kind, record_id = record_ref(args.record) if args.record else (None, None)
    rows = ops.queue.log(
        args.company, kind=kind, record_id=record_id, before=args.before, limit=args.limit + 1
    )
    shown = rows[: args.limit]
    if args.json:
        print_json([jsonable(e) for e in shown], out)
    else:
        for e in shown:
            print(_log_line(e), file=out)
    if len(rows) > args.limit:
        cut(len(shown), "--before", shown[-1].id)
    return 0


def _log_line(e: LogRow) -> str:
    about = [f"{e.record_kind} {e.record_id}"] if e.record_kind and e.record_id else []
    about += [f"request {e.request_id}"] if e.request_id else []
    where = f"  ({', '.join(about)})" if about else ""
    return f"{e.at:%Y-%m-%d %H:%M:%S}  {e.level:<7} {e.event:<18} {e.message}{where}"


def record_ref(text: str) -> tuple[str, str]:
    """``KIND:ID`` (either kind word) as (kind, id)."""
    kind, sep, record_id = text.partition(":")
    if not sep or not kind or not record_id:
        raise UsageError(f"--record takes KIND:ID, e.g. project:P-1001 (got {text!r})")
    return record_kind(kind), record_id
