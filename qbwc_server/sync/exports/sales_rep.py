"""Sales reps: the app user responsible for a project becomes a QuickBooks SalesRep.

Exported when the company's employee_export setting is on, after the user's Employee or 1099
Vendor (SalesRepEntityRef is that link). A sales rep is its Initial: the user's ``initials``,
else derived from the first and last name. Matched before the first Add by Initial *and* the
name of the Employee or Vendor it stands for, so that Jane Sanders is never linked to John
Smith's "JS"; a second "JS" is added as "JS2". A user who is neither an employee nor a 1099
vendor cannot be a sales rep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports import employee
from qbwc_server.sync.exports._spec import Dependency, ExportSpec, MatchKey, cleaned, list_ids
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import sales_rep as qb
from qbxml.context import Identity
from qbxml.responses import text_of

EXPORTED_TYPES = ("employee", "1099_vendor")
_SUFFIX = re.compile(r" \(\d+\)$")


def user_id(data: dict[str, Any]) -> str | None:
    """The id of the user record ``data``: ExportSpec functions get a record's data, not its
    id, so this reads the ``record_id`` the data carries when Refs hands out RecordData
    (a proposed change to sync/refs.py); None until then, and the sales rep cannot be sent."""
    value = getattr(data, "record_id", None)
    return None if value is None else str(value)


def excluded(data: dict[str, Any], settings: dict[str, Any]) -> str | None:
    kind = data.get("employment_type")
    if kind in EXPORTED_TYPES:
        return None
    return (
        f"a user with employment type {kind} is neither an Employee nor a Vendor in "
        "QuickBooks, so it cannot be a sales rep"
    )


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    """The user's Employee or Vendor (role "": spec_for picks it by employment type)."""
    uid = user_id(data)
    return [] if uid is None else [Dependency("user", uid)]


def initial(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The Initial sent: up to five capitals and digits; suffix " (2)" makes "JS" "JS2"."""
    base = qb.initials(data.get("initials"), data.get("first_name"), data.get("last_name"))
    number = "".join(c for c in suffix if c.isdigit())
    value = base[: qb.INITIAL_MAX - len(number)] + number if base else ""
    return cleaned(env, "SalesRepAdd/Initial", value, qb.INITIAL_MAX)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    uid = user_id(data)
    if uid is None:
        raise SyncError("the user behind this sales rep is not known to the export")
    why = "the sales rep's employee or 1099 vendor must be in QuickBooks first"
    rec = qb.SalesRep(initial=initial(data, env, suffix), entity=env.refs.ref("user", uid, why=why))
    if ident is None:
        return qb.sales_rep_add(rec, env.ctx)
    return qb.sales_rep_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    """(Initial, the Employee's or Vendor's name without a disambiguating suffix)."""
    value = initial(data, env, suffix)
    return (value, employee.full_name(data, env, "")) if value else None


def ret_key(element: etree._Element) -> MatchKey | None:
    value = text_of(element, "Initial")
    entity = element.find("SalesRepEntityRef")
    name = None if entity is None else text_of(entity, "FullName")
    if value is None or name is None:
        return None
    return (value, _SUFFIX.sub("", name))


def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
    """One SalesRepQuery for every Initial (its FullName is the Initial)."""
    return qb.sales_rep_query(env.ctx, full_names=sorted({k[0] for k in keys}))


def reread(qb_id: str, env: SyncEnv) -> etree._Element:
    return qb.sales_rep_query(env.ctx, list_ids=[qb_id])


SPEC = ExportSpec(
    entity="sales_rep",
    kind="user",
    role="sales_rep",
    qb_object="SalesRep",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="employee_export",
    depends=depends,
    excluded=excluded,
)
