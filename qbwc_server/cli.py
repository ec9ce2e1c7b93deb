"""The ``qbwc`` command line: init, serve, companies, .qwc, records, syncs, queue, log, simulate.

Every business action goes through ``qbwc_server.operations``; this module only reads
arguments and files and prints what came back. A failure is one line on stderr
(``qbwc: error: ...``) and exit code 2; an invalid ``qbwc put`` prints one line per bad field.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any, NoReturn, TextIO

from qbwc_server import __version__
from qbwc_server.api.requests import request_json
from qbwc_server.api.syncs import plan_json
from qbwc_server.cli_lists import add_parsers as add_list_parsers
from qbwc_server.cli_lists import run_log, run_queue
from qbwc_server.cli_manage import (
    add_company_set,
    add_token_parser,
    add_unlock_parser,
    run_company_set,
    run_token,
    run_unlock,
)
from qbwc_server.cli_support import cut, import_kind, name_arg, positive, print_json, record_kind
from qbwc_server.config import Settings
from qbwc_server.errors import QbwcServerError, UsageError
from qbwc_server.events_cli import add_parser as add_events_parser
from qbwc_server.events_cli import run_events
from qbwc_server.operations import Operations
from qbwc_server.operations.records import BatchInvalid, RecordView
from qbwc_server.qwc import render_qwc
from qbwc_server.sync.plan import Plan
from qbwc_server.sync.registry import IMPORT_KINDS
from request_queue.errors import DatabaseUnavailable, StoreError
from request_queue.migrate import ensure_current, upgrade
from request_queue.rows import CompanyRow, RequestRow
from request_queue.store import Store

PAGE = 500


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and the exit code 2) like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"qbwc: error: {message} (see: {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="qbwc",
        description="qbwc-server: the web service the "
        "QuickBooks Web Connector polls. Settings come from QBWC_* "
        "environment variables (QBWC_DATABASE_URL, QBWC_PUBLIC_URL, ...).",
    )
    p.add_argument("--version", action="version", version=f"qbwc {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("init", help="create or upgrade the database")
    serve = sub.add_parser("serve", help="run the server with gunicorn")
    serve.add_argument("--bind", help="host:port (default QBWC_BIND)")
    serve.add_argument("--workers", type=int, help="worker processes (default QBWC_WORKERS)")

    company = sub.add_parser("company", help="create, list, show and change companies")
    csub = company.add_subparsers(dest="company_command", required=True, metavar="ACTION")
    create = csub.add_parser("create", help="create a company")
    create.add_argument("--name", required=True, type=name_arg)
    create.add_argument(
        "--username", required=True, type=name_arg, help="the Web Connector user name"
    )
    create.add_argument(
        "--password", help="the Web Connector password (generated and shown once if omitted)"
    )
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.add_argument("--disabled", action="store_true", help="create it paused")
    create.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing (exit 0) if the user name already exists",
    )
    csub.add_parser("list", help="list companies").add_argument("--json", action="store_true")
    show = csub.add_parser("show", help="show one company")
    show.add_argument("company", help="company id or Web Connector user name")
    show.add_argument("--json", action="store_true")
    add_company_set(csub)

    qwc = sub.add_parser("qwc", help="print the .qwc file for a company")
    qwc.add_argument("company")
    qwc.add_argument(
        "--minutes", type=positive, default=15, help="run every N minutes (default 15)"
    )

    add_token_parser(sub)

    admin = sub.add_parser("admin", help="accounts for the /admin/ web pages")
    asub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    acreate = asub.add_parser("create", help="create an admin account (password asked)")
    acreate.add_argument("--username", required=True)
    acreate.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    put = sub.add_parser(
        "put",
        help="store app records from JSON (all of them, or none if any is invalid)",
        description='FILE holds one {"kind", "id", "data"} object or a list of them; '
        "every record is checked before any is stored.",
    )
    put.add_argument("company")
    put.add_argument("--file", required=True, help='a JSON file, or "-" for standard input')
    put.add_argument("--json", action="store_true", help="what was stored, as JSON")

    records = sub.add_parser("records", help="list a company's records of one kind")
    records.add_argument("company")
    records.add_argument("kind", help="e.g. account, customer, project (or accounts, ...)")
    records.add_argument("--after", help="start after this record id (a cursor)")
    records.add_argument("--limit", type=positive, help="at most this many (default: all)")
    records.add_argument("--json", action="store_true")

    job = sub.add_parser("sync-job", help="queue a project and everything it needs (Sync Job)")
    job.add_argument("company")
    job.add_argument("project", help="the project's id")
    job.add_argument("--json", action="store_true", help="the plan as the API shows it")

    sync = sub.add_parser("sync", help="queue one record and what it depends on")
    sync.add_argument("company")
    sync.add_argument("kind", help="e.g. customer, project, invoice")
    sync.add_argument("id", help="the record's id")
    sync.add_argument("--json", action="store_true", help="the plan as the API shows it")

    imp = sub.add_parser("import", help="queue an import from QuickBooks")
    imp.add_argument("company")
    imp.add_argument(
        "kind", help=f"one of: {', '.join(sorted(IMPORT_KINDS))} (or the singular word)"
    )
    imp.add_argument("--project", help="bills: list the bills that charge this project's job")
    imp.add_argument("--json", action="store_true")

    add_list_parsers(sub)
    add_unlock_parser(sub)

    add_events_parser(sub)
    candidates = sub.add_parser(
        "bill-candidates", help="list the QuickBooks bills the last bill import found for a project"
    )
    candidates.add_argument("company")
    candidates.add_argument("project", help="the project's id")
    candidates.add_argument("--json", action="store_true")
    bill_import = sub.add_parser(
        "bill-import", help="import picked QuickBooks bills into a project"
    )
    bill_import.add_argument("company")
    bill_import.add_argument("project", help="the project's id")
    bill_import.add_argument("txn_ids", nargs="+", metavar="TXN_ID", help="the bills' TxnIDs")
    bill_import.add_argument("--json", action="store_true", help="the imported bills, as JSON")

    sim = sub.add_parser(
        "simulate", help="run a simulated Web Connector + QuickBooks company against a server"
    )
    sim.add_argument("--url", default=None, help="the server's /qbwc URL (default QBWC_PUBLIC_URL)")
    sim.add_argument(
        "--username",
        action="append",
        required=True,
        help="Web Connector user name (repeat for several companies)",
    )
    sim.add_argument(
        "--password",
        action="append",
        required=True,
        help="its password (repeat, in the same order)",
    )
    sim.add_argument(
        "--seed",
        default=None,
        help="fixture file for the fake company (default: the bundled demo company)",
    )
    sim.add_argument(
        "--state",
        action="append",
        default=None,
        metavar="FILE",
        help="keep the fake company in FILE between runs: loaded from it when it exists "
        "(instead of --seed), written back after the session (one per --username)",
    )
    return p


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; print one clear line and return non-zero on failure."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings, out)
    except BatchInvalid as exc:
        for problem in exc.problems:
            print(f"{problem.item}: {problem.error.message}", file=sys.stderr)
        return 2
    except (QbwcServerError, StoreError) as exc:
        print(f"qbwc: error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``qbwc log ... | head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit cannot fail again
        return 141
    except Exception as exc:  # a bug: still one line, never a traceback
        print(f"qbwc: error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.command == "init":
        revision = upgrade(settings.database_url)
        print(
            f"Database ready at revision {revision}: {_safe_url(settings.database_url)}", file=out
        )
        return 0
    if args.command == "serve":
        from qbwc_server.serve import serve

        with contextlib.suppress(DatabaseUnavailable):  # serve anyway: /healthz says 503
            ensure_current(settings.database_url)  # but a missing or old schema is refused
        return serve(settings, bind=args.bind, workers=args.workers)
    if args.command == "simulate":
        from qbwc_server.simulate_cli import run_simulate

        return run_simulate(args, settings, out)
    # read before opening the database: input that is not JSON stores nothing
    items = _read_json(args.file) if args.command == "put" else None
    ensure_current(settings.database_url)
    store = Store(settings.database_url)
    try:
        ops = Operations(store, settings)
        if args.command == "put":
            return _put(ops, args.company, items, out, args.json)
        return _command(args, ops, out)
    finally:
        store.dispose()


def _command(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    if args.command == "company":
        return _company(args, ops, out)
    if args.command == "token":
        return run_token(args, ops, out)
    if args.command == "unlock":
        return run_unlock(args, ops, out)
    if args.command == "admin":
        return _admin(args, ops, out)
    if args.command == "qwc":
        company = ops.companies.get(args.company)
        out.write(render_qwc(company, ops.settings, run_every_minutes=args.minutes))
        return 0
    if args.command == "sync-job":
        _print_plan(ops.syncs.sync_job(args.company, args.project), out, args.json)
        return 0
    if args.command == "sync":
        plan = ops.syncs.sync_record(args.company, record_kind(args.kind), args.id)
        _print_plan(plan, out, args.json)
        return 0
    if args.command == "import":
        kind = import_kind(args.kind)
        req = ops.syncs.queue_import(args.company, kind, project_id=args.project)
        if args.json:
            print_json({"queued": [request_json(req)]}, out)
            return 0
        of_project = f" for project {args.project}" if args.project else ""
        print(f"Queued request {req.id}: import {kind}{of_project}", file=out)
        return 0
    if args.command == "events":
        return run_events(args, ops, out)
    if args.command in ("bill-candidates", "bill-import"):
        return _bills(args, ops, out)
    if args.command == "records":
        return _records(args, ops, out)
    if args.command == "queue":
        return run_queue(args, ops, out)
    if args.command == "log":
        return run_log(args, ops, out)
    raise UsageError(f"unknown command {args.command}")


def _company(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    if args.company_command == "create":
        body: dict[str, object] = {
            "name": args.name,
            "qbwc_username": args.username,
            "enabled": not args.disabled,
        }
        if args.password is not None or args.password_stdin:
            body["qbwc_password"] = _password(args)
        new = ops.companies.create_new(body, if_missing=args.if_missing)
        row = new.company
        if not new.created:
            print(f"Company with Web Connector user {row.qbwc_username!r} already exists", file=out)
            return 0
        print(
            f"Created company {row.id}: {row.name} (Web Connector user {row.qbwc_username})",
            file=out,
        )
        if new.password is not None:
            print(
                "Web Connector password (shown only once; enter it in the Web Connector):", file=out
            )
            print(new.password, file=out)
        return 0
    if args.company_command == "list":
        if args.json:
            print_json([_company_view(c) for c in ops.companies.all()], out)
            return 0
        print(f"{'ID':>4}  {'NAME':<30} {'USER':<20} {'ENABLED':<8} LAST SESSION", file=out)
        for c in ops.companies.all():
            print(
                f"{c.id:>4}  {c.name:<30} {c.qbwc_username:<20} "
                f"{'yes' if c.enabled else 'no':<8} {c.last_session_result or '-'}",
                file=out,
            )
        return 0
    if args.company_command == "set":
        company = run_company_set(args, ops)
    else:
        company = ops.companies.get(args.company)
    if args.json:
        print(json.dumps(_company_view(company), indent=2), file=out)
    else:
        for key, value in _company_view(company).items():
            print(f"{key:>22}: {value}", file=out)
    return 0


def _bills(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """``bill-candidates`` lists what the last bill import found for the project;
    ``bill-import`` makes the picked ones (by TxnID) the project's bills."""
    if args.command == "bill-import":
        imported = ops.syncs.import_bills(args.company, args.project, list(args.txn_ids))
        if args.json:
            print(json.dumps({"imported": [_jsonable(r) for r in imported]}, indent=2), file=out)
            return 0
        for row in imported:
            print(f"bill {row.record_id}: imported into project {args.project}", file=out)
        return 0
    found = ops.syncs.bill_candidates(args.company, args.project)
    if args.json:
        print(json.dumps([{"id": r.record_id, **r.data} for r in found], indent=2), file=out)
        return 0
    for row in found:
        c = row.data
        print(
            f"{c.get('txn_id', ''):<24} {c.get('date', ''):<10}  "
            f"{str(c.get('vendor_name') or '-')[:30]:<30} {c.get('ref_number') or '-':<12} "
            f"{c.get('amount', '')}",
            file=out,
        )
    if not found:
        print(
            f"No bill candidates for project {args.project} (qbwc import "
            f"{args.company} bills --project {args.project} lists them)",
            file=out,
        )
    return 0


def _admin(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """``admin create``: the password from standard input, or asked twice on a terminal."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Admin password: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ; nothing was created")
    else:
        raise UsageError("give --password-stdin, or run on a terminal to be asked")
    row = ops.admins.create(args.username, password)
    print(f"Created admin {row.username}: sign in at /admin/", file=out)
    return 0


def _put(ops: Operations, company: str, items: object, out: TextIO, as_json: bool) -> int:
    saved = ops.records.upsert_many(company, items)
    if as_json:
        shown = [{"kind": s.view.record.kind, "id": s.view.record.record_id} for s in saved]
        print_json([{**k, "outcome": s.outcome} for k, s in zip(shown, saved, strict=True)], out)
        return 0
    for s in saved:
        print(f"{s.view.record.kind} {s.view.record.record_id}: {s.outcome}", file=out)
    counts = {o: sum(s.outcome == o for s in saved) for o in ("created", "changed", "unchanged")}
    print(", ".join(f"{n} {outcome}" for outcome, n in counts.items()), file=out)
    return 0


def _records(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    kind = record_kind(args.kind)
    more: list[str] = []
    views = list(_record_views(ops, args.company, kind, args.after, args.limit, more))
    if args.json:
        shown = [
            {**_jsonable(v.record), "links": [_jsonable(link) for link in v.links]} for v in views
        ]
        print(json.dumps(shown, indent=2), file=out)
        return 0
    for v in views:
        rec = v.record
        qb = ", ".join(link.qb_id for link in v.links) or "-"
        print(f"{rec.record_id:<32} {rec.origin:<11} {qb:<26} {_title(rec.data)}", file=out)
    if more:
        cut(len(views), "--after", more[0])
    return 0


def _record_views(
    ops: Operations,
    company: str,
    kind: str,
    after: str | None,
    limit: int | None,
    more: list[str],
) -> Iterator[RecordView]:
    """Every record of ``kind`` after ``after``, or only the first ``limit`` (then the cursor
    of the rest, if there is more, goes on ``more``)."""
    left = limit
    while left is None or left > 0:
        page = ops.records.page(company, kind, after=after, limit=min(left or PAGE, PAGE))
        yield from page.items
        if left is not None:
            left -= len(page.items)
        if page.next_cursor is None:
            return
        after = page.next_cursor
    if after is not None:
        more.append(after)


def _title(data: dict[str, Any]) -> str:
    """A short name for a record in a listing."""
    for key in ("full_name", "name", "number"):
        if data.get(key):
            return str(data[key])
    if data.get("last_name"):
        return f"{data['last_name']}, {data.get('first_name', '')}"
    return ""


def _print_plan(plan: Plan, out: TextIO, as_json: bool = False) -> None:
    if as_json:
        print_json(plan_json(plan), out)
        return
    for req in plan.queued:
        print(f"Queued {req.id}: {_described(req)}", file=out)
    summary = (
        f"{len(plan.queued)} queued, {len(plan.reused)} already queued, "
        f"{len(plan.unchanged)} unchanged, {len(plan.skipped)} skipped"
    )
    if plan.skipped:
        summary += " (" + "; ".join(f"{k} {i}: {why}" for k, i, why in plan.skipped) + ")"
    print(summary, file=out)


def _described(req: RequestRow) -> str:
    """``customer export customer c1``; a lookup names the records it looks up."""
    parts = [req.entity, req.action]
    if req.record_kind:
        parts.append(req.record_kind)
    if req.record_id:
        parts.append(req.record_id)
    elif isinstance(req.params.get("record_ids"), list):
        parts.append(", ".join(str(i) for i in req.params["record_ids"]))
    return " ".join(parts)


def _read_json(name: str) -> object:
    """The JSON document in file ``name`` ("-": standard input); UsageError saying why not."""
    where = "standard input" if name == "-" else name
    try:
        if name == "-":
            text = sys.stdin.read()
        else:
            with open(name, encoding="utf-8") as f:
                text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if args.password is not None:
        return str(args.password)
    if sys.stdin.isatty():
        return getpass.getpass("Web Connector password: ")
    raise UsageError("give --password or --password-stdin")


def _company_view(c: CompanyRow) -> dict[str, Any]:
    host = c.host_info or {}
    return {
        "id": c.id,
        "name": c.name,
        "qbwc_username": c.qbwc_username,
        "enabled": c.enabled,
        "company_file": c.company_file,
        "qbxml_version": c.qbxml_version,
        "quickbooks": host.get("product_name"),
        "last_session_at": c.last_session_at.isoformat() if c.last_session_at else None,
        "last_session_result": c.last_session_result,
        "owner_id": c.owner_id,
        "file_id": c.file_id,
        "settings": c.settings,
    }


def _jsonable(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(row).items()}


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
