"""1099 vendors: an app user with employment type "1099_vendor" becomes a QuickBooks Vendor.

Exported only when the company's employee_export setting is on. Named like the employee would
be ("First Last"), eligible for 1099, and matched before the first Add by Vendor Name.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.exports import employee, vendor
from qbwc_server.sync.exports._spec import ExportSpec, MatchKey, cleaned, list_ids
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import vendor as qb
from qbxml.context import Identity


def full_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The Name the 1099 vendor has (or will have) in QuickBooks."""
    return cleaned(env, "VendorAdd/Name", employee.person_name(data, env, suffix), qb.NAME_MAX)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.Vendor(
        name=employee.person_name(data, env, suffix),
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        phone=data.get("phone"),
        email=data.get("email"),
        is_1099=True,
    )
    if ident is None:
        return qb.vendor_add(rec, env.ctx)
    return qb.vendor_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    name = full_name(data, env, suffix)
    return (name,) if name else None


SPEC = ExportSpec(
    entity="user_vendor",
    kind="user",
    qb_object="Vendor",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=vendor.ret_key,
    lookup=vendor.lookup,
    reread=vendor.reread,
    setting="employee_export",
)
