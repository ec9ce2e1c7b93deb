"""Customers: an app customer becomes a QuickBooks Customer named by customer_name_format.

Pushed when synced by hand or as a dependency of a job, invoice or payment. Matched before
the first Add by FullName.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.exports._common import address
from qbwc_server.sync.exports._spec import (
    ExportSpec,
    MatchKey,
    by_name,
    cleaned,
    list_ids,
    name_ret_key,
    with_suffix,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import customer as qb
from qbxml.context import Identity


def qb_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The customer's QuickBooks Name (one level, before cleaning)."""
    name = qb.customer_name(
        str(env.settings["customer_name_format"]),
        data.get("first_name"),
        data.get("last_name"),
        data.get("company_name"),
    )
    return with_suffix(name, suffix, qb.NAME_MAX)


def full_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The FullName the customer has (or will have) in QuickBooks."""
    return cleaned(env, "CustomerAdd/Name", qb_name(data, env, suffix), qb.NAME_MAX)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.Customer(
        name=qb_name(data, env, suffix),
        company_name=data.get("company_name"),
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        bill_address=address(data.get("billing_address")),
        phone=data.get("phone"),
        mobile=data.get("mobile"),
        email=data.get("email"),
    )
    if ident is None:
        return qb.customer_add(rec, env.ctx)
    return qb.customer_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey:
    return (full_name(data, env, suffix),)


ret_key = name_ret_key
lookup, reread = by_name(qb.customer_query)


SPEC = ExportSpec(
    entity="customer",
    kind="customer",
    qb_object="Customer",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="customer_job_export",
)
