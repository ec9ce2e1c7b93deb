"""``qbwc company set``, ``qbwc token create|list|revoke`` and ``qbwc unlock USER``.

``company set COMPANY [--name N] [--enable|--disable] [--setting KEY=VALUE ...]
[--password-stdin]`` changes all of it or nothing (``ops.companies.update``); a setting's
value is read as JSON when it is JSON (``true``, ``2``, ``null``), else as a string
(``--setting sync_contracts_after=2026-01-01``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from qbwc_server.cli_support import jsonable, name_arg, positive, print_json
from qbwc_server.errors import UsageError
from qbwc_server.operations import Operations
from request_queue.rows import CompanyRow
from request_queue.tokens import ROLES, TokenRow


def add_company_set(csub: argparse._SubParsersAction[Any]) -> None:
    """``company set``'s arguments."""
    cset = csub.add_parser(
        "set",
        help="change a company's name, settings, password, or pause it",
        description="Change a company: all of it, or nothing if anything is invalid. "
        "A --setting value is JSON when it parses as JSON (true, 3, null), else a string.",
    )
    cset.add_argument("company", help="company id or Web Connector user name")
    cset.add_argument("--name", type=name_arg, help="the company's new name")
    on = cset.add_mutually_exclusive_group()
    on.add_argument("--enable", action="store_true", help="hand work to the Web Connector")
    on.add_argument("--disable", action="store_true", help="pause: nothing is handed out")
    cset.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a company setting, e.g. uppercase=true (repeat for several)",
    )
    cset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read a new Web Connector password from standard input",
    )
    cset.add_argument("--json", action="store_true")


def add_token_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """``token create|list|revoke``."""
    token = sub.add_parser("token", help="create, list and revoke API tokens")
    tsub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    tcreate = tsub.add_parser("create", help="create a bearer token (printed once)")
    tcreate.add_argument("--name", required=True, type=name_arg, help="who or what uses it")
    tcreate.add_argument("--role", choices=ROLES, default="staff")
    tcreate.add_argument("--company", help="reach only this company (id or user name)")
    tcreate.add_argument("--json", action="store_true")
    tlist = tsub.add_parser("list", help="list tokens (never their secrets)")
    tlist.add_argument("--json", action="store_true")
    trevoke = tsub.add_parser("revoke", help="revoke a token for good")
    trevoke.add_argument("id", type=positive, help="the token's id (see token list)")
    trevoke.add_argument("--json", action="store_true")


def add_unlock_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """``unlock USER``."""
    unlock = sub.add_parser(
        "unlock", help="clear a Web Connector user name's failed sign-ins (from every address)"
    )
    unlock.add_argument("user", type=name_arg, help="the Web Connector user name")
    unlock.add_argument("--json", action="store_true")


def settings_of(pairs: list[str]) -> dict[str, object]:
    """``KEY=VALUE`` pairs as settings: each value JSON when it parses, else the string."""
    settings: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--setting takes KEY=VALUE, e.g. uppercase=true (got {pair!r})")
        if key in settings:
            raise UsageError(f"--setting {key} is given twice")
        try:
            settings[key] = json.loads(text)
        except ValueError:
            settings[key] = text
    return settings


def run_company_set(args: argparse.Namespace, ops: Operations) -> CompanyRow:
    """Apply ``company set``; return the company as it is now."""
    body: dict[str, object] = {}
    if args.name is not None:
        body["name"] = args.name
    if args.enable or args.disable:
        body["enabled"] = bool(args.enable)
    if args.setting:
        body["settings"] = settings_of(args.setting)
    if args.password_stdin:
        body["qbwc_password"] = sys.stdin.readline().rstrip("\r\n")
    if not body:
        raise UsageError(
            "nothing to change: give --name, --enable, --disable, --setting or --password-stdin"
        )
    return ops.companies.update(args.company, body)


def _token_view(row: TokenRow) -> dict[str, Any]:
    return jsonable(row)


def run_token(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """``token create`` prints the secret once (the rest on stderr); ``list``; ``revoke``."""
    action = args.token_command
    if action == "create":
        row, secret = ops.access.create_token(args.name, args.role, company=args.company)
        if args.json:
            print_json({**_token_view(row), "token": secret}, out)
            return 0
        scope = f" for company {row.company_id} only" if row.company_id else ""
        print(
            f"Created {row.role} token {row.id} for {row.name}{scope}. It is shown only once:",
            file=sys.stderr,
        )
        print(secret, file=out)
        return 0
    if action == "revoke":
        row = ops.access.revoke_token(args.id)
        if args.json:
            print_json(_token_view(row), out)
        else:
            print(f"Revoked token {row.id} ({row.name})", file=out)
        return 0
    rows = ops.access.tokens()
    if args.json:
        print_json([_token_view(r) for r in rows], out)
        return 0
    print(f"{'ID':>4}  {'NAME':<24} {'ROLE':<6} {'COMPANY':<8} {'STATE':<8} LAST USED", file=out)
    for r in rows:
        used = f"{r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "never"
        state = "revoked" if r.revoked else "active"
        company = str(r.company_id) if r.company_id else "all"
        print(f"{r.id:>4}  {r.name[:24]:<24} {r.role:<6} {company:<8} {state:<8} {used}", file=out)
    return 0


def run_unlock(args: argparse.Namespace, ops: Operations, out: TextIO) -> int:
    """Clear a user name's failed sign-ins."""
    cleared = ops.access.unlock(args.user)
    if args.json:
        print_json({"user": args.user, "cleared": cleared}, out)
    elif cleared:
        print(f"Unlocked {args.user!r}: {cleared} failed sign-in record(s) cleared", file=out)
    else:
        print(f"{args.user!r} had no failed sign-ins; nothing to clear", file=out)
    return 0
