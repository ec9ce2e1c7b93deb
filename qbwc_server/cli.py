"""The ``qbwc`` command line: init, serve, companies, .qwc, imports, queue, log, simulate."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import uuid
from collections.abc import Sequence
from typing import Any, TextIO

from qbwc_server.config import Settings
from qbwc_server.errors import QbwcServerError, UsageError
from qbwc_server.qwc import render_qwc
from qbwc_server.secrets import hash_password, new_ticket, ticket_hash
from qbwc_server.sync.registry import IMPORT_KINDS
from request_queue.errors import StoreError
from request_queue.migrate import upgrade
from request_queue.rows import CompanyRow
from request_queue.store import Store

BOOL_SETTINGS = (
    "employee_export",
    "customer_job_export",
    "invoice_export",
    "credit_memo_export",
    "payment_export",
    "bill_export",
    "mark_invoices_to_print",
    "auto_export_expenses_on_completion",
    "uppercase",
)
DEFAULT_COMPANY_SETTINGS: dict[str, Any] = {
    "employee_export": False,
    "customer_job_export": True,
    "invoice_export": True,
    "credit_memo_export": False,
    "payment_export": True,
    "bill_export": True,
    "mark_invoices_to_print": False,
    "auto_export_expenses_on_completion": False,
    "sync_contracts_after": None,
    "sync_type": "manual",
    "uppercase": False,
    "customer_name_format": "{last_name}, {first_name}",
    "job_name_format": "{number} - {address}",
    "payment_ar_account": None,
    "expense_export_status": "paid",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qbwc",
        description="qbwc-server: the web service the "
        "QuickBooks Web Connector polls. Settings come from QBWC_* "
        "environment variables (QBWC_DATABASE_URL, QBWC_PUBLIC_URL, ...).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("init", help="create or upgrade the database")
    serve = sub.add_parser("serve", help="run the server with gunicorn")
    serve.add_argument("--bind", help="host:port (default QBWC_BIND)")
    serve.add_argument("--workers", type=int, help="worker processes (default QBWC_WORKERS)")

    company = sub.add_parser("company", help="create, list, show companies")
    csub = company.add_subparsers(dest="company_command", required=True, metavar="ACTION")
    create = csub.add_parser("create", help="create a company")
    create.add_argument("--name", required=True)
    create.add_argument("--username", required=True, help="the Web Connector user name")
    create.add_argument("--password", help="the Web Connector password (asked if omitted)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.add_argument("--disabled", action="store_true", help="create it paused")
    create.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing (exit 0) if the user name already exists",
    )
    csub.add_parser("list", help="list companies")
    show = csub.add_parser("show", help="show one company")
    show.add_argument("company", help="company id or Web Connector user name")
    for c in (show,):
        c.add_argument("--json", action="store_true")

    qwc = sub.add_parser("qwc", help="print the .qwc file for a company")
    qwc.add_argument("company")
    qwc.add_argument("--minutes", type=int, default=15, help="run every N minutes (default 15)")

    token = sub.add_parser("token", help="create API tokens")
    tsub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    tcreate = tsub.add_parser("create", help="create a bearer token (printed once)")
    tcreate.add_argument("--name", required=True, help="who or what uses it")
    tcreate.add_argument("--role", choices=["admin", "staff"], default="staff")

    imp = sub.add_parser("import", help="queue an import from QuickBooks")
    imp.add_argument("company")
    imp.add_argument("kind", help=f"one of: {', '.join(sorted(IMPORT_KINDS))}")

    records = sub.add_parser("records", help="list a company's records of one kind")
    records.add_argument("company")
    records.add_argument("kind", help="e.g. account, customer, invoice")
    records.add_argument("--json", action="store_true")

    queue = sub.add_parser("queue", help="show a company's queue")
    queue.add_argument("company")
    queue.add_argument("--status")
    queue.add_argument("--json", action="store_true")

    logp = sub.add_parser("log", help="show what happened, newest first")
    logp.add_argument("company")
    logp.add_argument("--limit", type=int, default=50)
    logp.add_argument("--json", action="store_true")

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
    return p


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; print one clear line and return non-zero on failure."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings, out)
    except (QbwcServerError, StoreError) as exc:
        print(f"qbwc: error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.command == "init":
        revision = upgrade(settings.database_url)
        print(
            f"Database ready at revision {revision}: {_safe_url(settings.database_url)}", file=out
        )
        return 0
    if args.command == "serve":
        from qbwc_server.serve import serve

        return serve(settings, bind=args.bind, workers=args.workers)
    if args.command == "simulate":
        from qbwc_server.simulate_cli import run_simulate

        return run_simulate(args, settings, out)
    store = Store(settings.database_url)
    try:
        return _store_command(args, settings, store, out)
    finally:
        store.dispose()


def _store_command(args: argparse.Namespace, settings: Settings, store: Store, out: TextIO) -> int:
    if args.command == "company":
        return _company(args, settings, store, out)
    if args.command == "token":
        secret = new_ticket()
        with store.transaction() as tx:
            row = tx.tokens.create(name=args.name, role=args.role, token_hash=ticket_hash(secret))
        print(
            f"Created {row.role} token {row.id} for {row.name}. It is shown only once:",
            file=sys.stderr,
        )
        print(secret, file=out)
        return 0
    with store.transaction() as tx:
        company = tx.companies.find(args.company)
        if args.command == "qwc":
            out.write(render_qwc(company, settings, run_every_minutes=args.minutes))
            return 0
        if args.command == "import":
            kind = IMPORT_KINDS.get(args.kind)
            if kind is None:
                raise UsageError(
                    f"unknown import kind {args.kind!r}; known: {', '.join(sorted(IMPORT_KINDS))}"
                )
            req = tx.queue.enqueue(company.id, entity=kind.entity, action=kind.action)
            tx.log.write(company.id, "queued", f"Import of {args.kind} queued", request_id=req.id)
            print(f"Queued request {req.id}: import {args.kind} for {company.name}", file=out)
            return 0
        if args.command == "records":
            found = tx.records.of_kind(company.id, args.kind)
            if args.json:
                print(json.dumps([_jsonable_row(r) for r in found], indent=2), file=out)
                return 0
            for rec in found:
                name = rec.data.get("full_name") or rec.data.get("name") or ""
                print(f"{rec.record_id:<32} {rec.origin:<11} {name}", file=out)
            return 0
        if args.command == "queue":
            queued = tx.queue.recent(company.id, state=args.status)
            if args.json:
                print(json.dumps([_jsonable_row(r) for r in queued], indent=2), file=out)
                return 0
            print(
                f"{'ID':>6}  {'STATE':<10} {'ENTITY':<14} {'ACTION':<8} {'TRIES':>5}  ERROR",
                file=out,
            )
            for q in queued:
                print(
                    f"{q.id:>6}  {q.state:<10} {q.entity:<14} {q.action:<8} {q.attempts:>5}  "
                    f"{q.error or ''}",
                    file=out,
                )
            return 0
        if args.command == "log":
            entries = tx.log.read(company.id, limit=args.limit)
            if args.json:
                print(json.dumps([_jsonable_row(e) for e in entries], indent=2), file=out)
                return 0
            for e in entries:
                print(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.level:<7} {e.event:<18} {e.message}", file=out)
            return 0
    raise UsageError(f"unknown command {args.command}")


def _company(args: argparse.Namespace, settings: Settings, store: Store, out: TextIO) -> int:
    if args.company_command == "create":
        password = _password(args)
        hashed = hash_password(password, iterations=settings.password_hash_iterations)
        with store.transaction() as tx:
            if args.if_missing and tx.companies.by_username(args.username) is not None:
                print(f"Company with Web Connector user {args.username!r} already exists", file=out)
                return 0
            row = tx.companies.create(
                name=args.name,
                qbwc_username=args.username,
                password_hash=hashed,
                owner_id=settings.owner_id,
                file_id="{" + str(uuid.uuid4()).upper() + "}",
                settings=dict(DEFAULT_COMPANY_SETTINGS),
                enabled=not args.disabled,
            )
            tx.log.write(row.id, "company_created", f"Company {row.name} created")
        print(
            f"Created company {row.id}: {row.name} (Web Connector user {row.qbwc_username})",
            file=out,
        )
        return 0
    with store.transaction() as tx:
        if args.company_command == "list":
            print(f"{'ID':>4}  {'NAME':<30} {'USER':<20} {'ENABLED':<8} LAST SESSION", file=out)
            for c in tx.companies.all():
                print(
                    f"{c.id:>4}  {c.name:<30} {c.qbwc_username:<20} "
                    f"{'yes' if c.enabled else 'no':<8} {c.last_session_result or '-'}",
                    file=out,
                )
            return 0
        company = tx.companies.find(args.company)
    if args.json:
        print(json.dumps(_company_view(company), indent=2), file=out)
    else:
        for key, value in _company_view(company).items():
            print(f"{key:>22}: {value}", file=out)
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif args.password is not None:
        password = args.password
    elif sys.stdin.isatty():
        password = getpass.getpass("Web Connector password: ")
    else:
        raise UsageError("give --password or --password-stdin")
    if len(password) < 8:
        raise UsageError("the Web Connector password must have at least 8 characters")
    return password


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


def _jsonable_row(row: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(row).items()}


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
