"""EmployeeAdd, EmployeeMod and EmployeeQuery, and EmployeeRet parsing.

App users with employment type ``employee`` become QuickBooks employees (only when the
company's employee export setting is on). QuickBooks names an employee from its first and last
name; EmployeeAddress has no Country.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from qbxml.builders._entity import (
    NOTES_MAX,
    AddressValue,
    add_contact,
    add_email,
    add_person,
    read_address,
)
from qbxml.builders._list import ActiveStatus, add_list_identity, list_query
from qbxml.children import Children
from qbxml.context import Address, BuildContext, Identity, add_bool, add_text, request, sub
from qbxml.errors import BuildError
from qbxml.responses import bool_of, datetime_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
FULL_NAME_MAX = 41  # EmployeeRef/FullName
PRINT_AS_MAX = 41


@dataclass(frozen=True)
class Employee:
    """An app user with employment type ``employee``."""

    first_name: str | None
    last_name: str | None
    address: Address | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    notes: str | None = None
    is_active: bool | None = None


def _address(ctx: BuildContext, body: etree._Element, address: Address | None) -> None:
    if address is None:
        return
    block = sub(body, "EmployeeAddress")
    add_text(ctx, block, "Addr1", address.line1, 41)
    add_text(ctx, block, "Addr2", address.line2, 41)
    add_text(ctx, block, "City", address.city, 31)
    add_text(ctx, block, "State", address.state, 21)
    add_text(ctx, block, "PostalCode", address.postal_code, 13)
    if len(block) == 0:
        body.remove(block)


def _body(ctx: BuildContext, body: etree._Element, rec: Employee) -> None:
    add_bool(body, "IsActive", rec.is_active)
    add_person(ctx, body, rec.first_name, rec.last_name)
    if body.find("FirstName") is None and body.find("LastName") is None:
        raise BuildError("an employee needs a first or last name")
    _address(ctx, body, rec.address)
    add_contact(ctx, body, rec.phone, rec.mobile)
    add_email(ctx, body, rec.email)
    add_text(ctx, body, "Notes", rec.notes, NOTES_MAX, multiline=True)


def employee_add(rec: Employee, ctx: BuildContext) -> etree._Element:
    """EmployeeAddRq for an app user who is an employee."""
    element = request("EmployeeAddRq")
    _body(ctx, sub(element, "EmployeeAdd"), rec)
    return element


def employee_mod(rec: Employee, ident: Identity, ctx: BuildContext) -> etree._Element:
    """EmployeeModRq setting the linked employee's fields to the app's."""
    element = request("EmployeeModRq")
    body = sub(element, "EmployeeMod")
    add_list_identity(body, ident)
    _body(ctx, body, rec)
    return element


def employee_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
) -> etree._Element:
    """EmployeeQueryRq by ListIDs, names or filters (qbXML has no iterator here)."""
    return list_query(
        ctx,
        "EmployeeQueryRq",
        full_name_max=FULL_NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
    )


@dataclass(frozen=True)
class EmployeeRet:
    """An EmployeeRet as typed values."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    is_active: bool | None
    first_name: str | None
    last_name: str | None
    address: AddressValue | None
    phone: str | None
    mobile: str | None
    email: str | None


def parse_employee_ret(element: etree._Element) -> EmployeeRet:
    """Read an EmployeeRet (every field optional: IncludeRetElement can trim any)."""
    el = Children(element)
    return EmployeeRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        is_active=bool_of(el, "IsActive"),
        first_name=text_of(el, "FirstName"),
        last_name=text_of(el, "LastName"),
        address=read_address(el, "EmployeeAddress"),
        phone=text_of(el, "Phone"),
        mobile=text_of(el, "Mobile"),
        email=text_of(el, "Email"),
    )
