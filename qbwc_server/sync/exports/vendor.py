"""Vendors: an app vendor (installer, supplier, vendor) becomes a QuickBooks Vendor.

Exported when the company's bill_export setting is on (vendors go with bills). Matched before
the first Add by Name. The vendor type goes in the Notes, not in VendorTypeRef: a VendorTypeRef
names an entry of the company's Vendor Type list, which a company file need not have, and
QuickBooks refuses a reference to a missing one (3140) rather than creating it. Export only:
the two-way rules (QuickBooks' TimeModified against the app's updated_at) are not here.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.exports._common import address
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
from qbxml.builders import vendor as qb
from qbxml.context import Identity

VENDOR_TYPES = {"installer": "Installer", "supplier": "Supplier", "vendor": "Vendor"}


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    return [Dependency("terms", str(data["terms_id"]))] if data.get("terms_id") else []


def qb_name(data: dict[str, Any], suffix: str) -> str:
    return with_suffix(str(data["name"]), suffix, qb.NAME_MAX)


def notes(data: dict[str, Any]) -> str | None:
    kind = data.get("vendor_type")
    return None if not kind else f"Vendor type: {VENDOR_TYPES.get(str(kind), str(kind))}"


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.Vendor(
        name=qb_name(data, suffix),
        company_name=data.get("company_name"),
        address=address(data.get("address")),
        phone=data.get("phone"),
        email=data.get("email"),
        notes=notes(data),
        terms=env.refs.optional_ref("terms", data.get("terms_id")),
    )
    if ident is None:
        return qb.vendor_add(rec, env.ctx)
    return qb.vendor_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey:
    return (cleaned(env, "VendorAdd/Name", qb_name(data, suffix), qb.NAME_MAX),)


ret_key = name_ret_key
lookup, reread = by_name(qb.vendor_query)


SPEC = ExportSpec(
    entity="vendor",
    kind="vendor",
    qb_object="Vendor",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="bill_export",
    depends=depends,
)
