"""Employees: an app user with employment type "employee" becomes a QuickBooks Employee.

Exported only when the company's employee_export setting is on. QuickBooks names an employee
"First Last" from its first and last name; the export always sends that Name explicitly (the
builder leaves it to QuickBooks), so the name matched before the first Add, the name a
disambiguating suffix is added to, and the name QuickBooks keeps are one and the same.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

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
from qbxml.builders import _entity
from qbxml.builders import employee as qb
from qbxml.context import Identity

NAME_MAX = qb.FULL_NAME_MAX  # EmployeeRet/Name, VendorAdd/Name: 41
FIRST_MAX, LAST_MAX = _entity.FIRST_NAME_MAX, _entity.LAST_NAME_MAX


def person_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """ "First Last" as QuickBooks forms it from the FirstName and LastName sent, plus
    ``suffix`` (before cleaning the whole name); an Employee's and a 1099 Vendor's name."""
    parts = (
        cleaned(env, "EmployeeAdd/FirstName", str(data.get("first_name") or ""), FIRST_MAX),
        cleaned(env, "EmployeeAdd/LastName", str(data.get("last_name") or ""), LAST_MAX),
    )
    return with_suffix(" ".join(p for p in parts if p), suffix, NAME_MAX)


def full_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The Name the employee has (or will have) in QuickBooks."""
    return cleaned(env, "EmployeeAdd/Name", person_name(data, env, suffix), NAME_MAX)


def _with_name(element: etree._Element, env: SyncEnv, name: str) -> etree._Element:
    """Put ``<Name>`` where the schema wants it: first in EmployeeAdd, after ListID and
    EditSequence in EmployeeMod (qbxml/builders/employee.py has no Name field)."""
    body = element[0]
    value = env.ctx.text(f"{body.tag}/Name", name, NAME_MAX)
    if value:
        tag = etree.Element("Name")
        tag.text = value
        body.insert(0 if body.tag == "EmployeeAdd" else 2, tag)
    return element


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.Employee(
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        phone=data.get("phone"),
        email=data.get("email"),
    )
    element = (
        qb.employee_add(rec, env.ctx) if ident is None else qb.employee_mod(rec, ident, env.ctx)
    )
    return _with_name(element, env, person_name(data, env, suffix))


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    name = full_name(data, env, suffix)
    return (name,) if name else None


ret_key = name_ret_key
lookup, reread = by_name(qb.employee_query)


SPEC = ExportSpec(
    entity="employee",
    kind="user",
    qb_object="Employee",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="employee_export",
)
