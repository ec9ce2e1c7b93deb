"""Invoice items: an app item becomes a QuickBooks service item (ItemServiceAdd / Mod).

Exported when the company's invoice_export setting is on. Its income account is an account
imported from QuickBooks (accounts are never exported), so it is referenced by that record's
link and is no dependency. QuickBooks items of every type share one name space: an item a
bookkeeper typed under the same name, of any type, is linked rather than duplicated.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports._common import money
from qbwc_server.sync.exports._spec import (
    Dependency,
    ExportSpec,
    MatchKey,
    by_name,
    cleaned,
    list_ids,
    name_ret_key,
    with_suffix,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import item as qb
from qbxml.context import Identity, Ref


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    class_id = data.get("class_id")
    return [Dependency("class", str(class_id))] if class_id else []


def qb_name(data: dict[str, Any], suffix: str) -> str:
    """The item's QuickBooks Name (before cleaning)."""
    return with_suffix(str(data["name"]), suffix, qb.NAME_MAX)


def income_account(data: dict[str, Any], env: SyncEnv) -> Ref:
    """The linked income account; SyncError naming the field or the account when it cannot be."""
    account_id = data.get("income_account_id")
    if not account_id:
        raise SyncError(
            f"item {data.get('name')!r} needs income_account_id: QuickBooks keeps no service "
            "item without an income account to post its sales to (import accounts, then set "
            "it to one of them)"
        )
    needed_by = f"item {data.get('name')!r} as its income account"
    env.refs.record("account", str(account_id), needed_by=needed_by)
    return env.refs.ref("account", str(account_id), why="import accounts from QuickBooks")


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.ServiceItem(
        name=qb_name(data, suffix),
        description=data.get("description"),
        price=money(data.get("rate")),
        income_account=income_account(data, env),
        class_ref=env.refs.optional_ref("class", data.get("class_id")),
        taxable=data.get("taxable"),
    )
    if ident is None:
        return qb.item_add(rec, env.ctx)
    return qb.item_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey:
    return (cleaned(env, "ItemServiceAdd/Name", qb_name(data, suffix), qb.NAME_MAX),)


ret_key = name_ret_key
lookup, reread = by_name(qb.item_query)


SPEC = ExportSpec(
    entity="item",
    kind="item",
    qb_object="Service item",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="invoice_export",
    depends=depends,
)
