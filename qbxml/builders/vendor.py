"""VendorAdd, VendorMod and VendorQuery, and VendorRet parsing.

The app's vendors (installers, suppliers, vendors) and its 1099 users are QuickBooks vendors.
Vendors sync both ways, so VendorRet keeps TimeModified with its offset for "last change wins".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from qbxml.builders._entity import (
    COMPANY_NAME_MAX,
    NOTES_MAX,
    AddressValue,
    add_contact,
    add_email,
    add_person,
    read_address,
)
from qbxml.builders._list import (
    ActiveStatus,
    Iterator,
    add_list_identity,
    add_list_ref,
    add_name,
    list_query,
)
from qbxml.children import Children
from qbxml.context import (
    Address,
    BuildContext,
    Identity,
    Ref,
    add_address,
    add_bool,
    add_text,
    request,
    sub,
)
from qbxml.responses import RefValue, bool_of, datetime_of, decimal_of, ref_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
NAME_MAX = 41
FULL_NAME_MAX = 41  # VendorRef/FullName (vendors have no sub-levels)
VENDOR_TYPE_REF_MAX = 159
TERMS_REF_MAX = 31
NAME_ON_CHECK_MAX = 41


@dataclass(frozen=True)
class Vendor:
    """An app vendor (installer, supplier, vendor) or a 1099 user, in QuickBooks terms."""

    name: str
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address: Address | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    name_on_check: str | None = None
    notes: str | None = None
    vendor_type: Ref | None = None
    terms: Ref | None = None
    is_1099: bool | None = None
    is_active: bool | None = None


def _body(ctx: BuildContext, body: etree._Element, rec: Vendor) -> None:
    add_name(ctx, body, rec.name, NAME_MAX)
    add_bool(body, "IsActive", rec.is_active)
    add_text(ctx, body, "CompanyName", rec.company_name, COMPANY_NAME_MAX)
    add_person(ctx, body, rec.first_name, rec.last_name)
    add_address(ctx, body, "VendorAddress", rec.address)
    add_contact(ctx, body, rec.phone, rec.mobile)
    add_email(ctx, body, rec.email)
    add_text(ctx, body, "NameOnCheck", rec.name_on_check, NAME_ON_CHECK_MAX)
    add_text(ctx, body, "Notes", rec.notes, NOTES_MAX, multiline=True)
    add_list_ref(ctx, body, "VendorTypeRef", rec.vendor_type, VENDOR_TYPE_REF_MAX)
    add_list_ref(ctx, body, "TermsRef", rec.terms, TERMS_REF_MAX)
    add_bool(body, "IsVendorEligibleFor1099", rec.is_1099)


def vendor_add(rec: Vendor, ctx: BuildContext) -> etree._Element:
    """VendorAddRq for an app vendor or 1099 user."""
    element = request("VendorAddRq")
    _body(ctx, sub(element, "VendorAdd"), rec)
    return element


def vendor_mod(rec: Vendor, ident: Identity, ctx: BuildContext) -> etree._Element:
    """VendorModRq setting the linked vendor's fields to the app's."""
    element = request("VendorModRq")
    body = sub(element, "VendorMod")
    add_list_identity(body, ident)
    _body(ctx, body, rec)
    return element


def vendor_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    include_ret_elements: Sequence[str] = (),
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """VendorQueryRq by ListIDs, names, or filters (FromModifiedDate for the 2-way import)."""
    return list_query(
        ctx,
        "VendorQueryRq",
        full_name_max=FULL_NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
        include_ret_elements=include_ret_elements,
        iterator=iterator,
        iterator_id=iterator_id,
        allow_iterator=True,
    )


@dataclass(frozen=True)
class VendorRet:
    """A VendorRet as typed values."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    is_active: bool | None
    company_name: str | None
    first_name: str | None
    last_name: str | None
    address: AddressValue | None
    phone: str | None
    mobile: str | None
    email: str | None
    name_on_check: str | None
    vendor_type: RefValue | None
    terms: RefValue | None
    is_1099: bool | None
    balance: Decimal | None


def parse_vendor_ret(element: etree._Element) -> VendorRet:
    """Read a VendorRet (every field optional: IncludeRetElement can trim any)."""
    el = Children(element)
    return VendorRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        is_active=bool_of(el, "IsActive"),
        company_name=text_of(el, "CompanyName"),
        first_name=text_of(el, "FirstName"),
        last_name=text_of(el, "LastName"),
        address=read_address(el, "VendorAddress"),
        phone=text_of(el, "Phone"),
        mobile=text_of(el, "Mobile"),
        email=text_of(el, "Email"),
        name_on_check=text_of(el, "NameOnCheck"),
        vendor_type=ref_of(el, "VendorTypeRef"),
        terms=ref_of(el, "TermsRef"),
        is_1099=bool_of(el, "IsVendorEligibleFor1099"),
        balance=decimal_of(el, "Balance"),
    )
