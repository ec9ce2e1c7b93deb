"""CustomerAdd, CustomerMod and CustomerQuery for customers and jobs, and CustomerRet parsing.

A job (the app's project) is a QuickBooks Customer with a ParentRef to its customer; its
FullName is "Customer:Job". Names come from the company's name formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

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
    add_date,
    add_text,
    request,
    sub,
)
from qbxml.errors import BuildError
from qbxml.fields import format_name
from qbxml.responses import (
    RefValue,
    bool_of,
    date_of,
    datetime_of,
    decimal_of,
    int_of,
    ref_of,
    text_of,
)

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
NAME_MAX = 41  # CustomerAdd/Name: one level of the FullName
FULL_NAME_MAX = 209  # CustomerRef/FullName, CustomerRet/FullName: "Customer:Job:..."
CLASS_REF_MAX = 159
TERMS_REF_MAX = 31
SALES_REP_REF_MAX = 5
JOB_DESC_MAX = 99
CUSTOMER_NAME_FIELDS = {"first_name", "last_name", "company_name"}
JOB_NAME_FIELDS = {"number", "address", "name"}

JobStatus = Literal["Awarded", "Closed", "InProgress", "None", "NotAwarded", "Pending"]


def customer_name(
    fmt: str, first_name: str | None, last_name: str | None, company_name: str | None
) -> str:
    """A customer's QuickBooks name from ``customer_name_format`` (default "{last_name},
    {first_name}"); falls back to the company name, then to whatever is filled."""
    name = format_name(
        fmt, {"first_name": first_name, "last_name": last_name, "company_name": company_name}
    )
    return name or format_name("{company_name}", {"company_name": company_name})


def job_name(fmt: str, number: str | None, address_line: str | None, name: str | None) -> str:
    """A job's QuickBooks name from ``job_name_format`` (default "{number} - {address}")."""
    return format_name(fmt, {"number": number, "address": address_line, "name": name})


@dataclass(frozen=True)
class Customer:
    """An app customer, or a job when ``parent`` names its customer."""

    name: str
    parent: Ref | None = None
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bill_address: Address | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    class_ref: Ref | None = None
    terms: Ref | None = None
    sales_rep: Ref | None = None
    job_status: JobStatus | None = None
    job_start_date: date | None = None
    job_description: str | None = None
    notes: str | None = None
    is_active: bool | None = None


def _body(ctx: BuildContext, body: etree._Element, rec: Customer) -> None:
    add_name(ctx, body, rec.name, NAME_MAX)
    add_bool(body, "IsActive", rec.is_active)
    add_list_ref(ctx, body, "ClassRef", rec.class_ref, CLASS_REF_MAX)
    add_list_ref(ctx, body, "ParentRef", rec.parent, FULL_NAME_MAX)
    add_text(ctx, body, "CompanyName", rec.company_name, COMPANY_NAME_MAX)
    add_person(ctx, body, rec.first_name, rec.last_name)
    add_address(ctx, body, "BillAddress", rec.bill_address)
    add_contact(ctx, body, rec.phone, rec.mobile)
    add_email(ctx, body, rec.email)
    add_list_ref(ctx, body, "TermsRef", rec.terms, TERMS_REF_MAX)
    add_list_ref(ctx, body, "SalesRepRef", rec.sales_rep, SALES_REP_REF_MAX)
    if rec.job_status is not None:
        if rec.job_status not in (
            "Awarded",
            "Closed",
            "InProgress",
            "None",
            "NotAwarded",
            "Pending",
        ):
            raise BuildError(f"JobStatus {rec.job_status!r} is not one QuickBooks knows")
        sub(body, "JobStatus", rec.job_status)
    add_date(body, "JobStartDate", rec.job_start_date)
    add_text(ctx, body, "JobDesc", rec.job_description, JOB_DESC_MAX)
    add_text(ctx, body, "Notes", rec.notes, NOTES_MAX, multiline=True)


def customer_add(rec: Customer, ctx: BuildContext) -> etree._Element:
    """CustomerAddRq for an app customer, or for a job (with ParentRef)."""
    element = request("CustomerAddRq")
    _body(ctx, sub(element, "CustomerAdd"), rec)
    return element


def customer_mod(rec: Customer, ident: Identity, ctx: BuildContext) -> etree._Element:
    """CustomerModRq setting the linked customer's (or job's) fields to the app's."""
    element = request("CustomerModRq")
    body = sub(element, "CustomerMod")
    add_list_identity(body, ident)
    _body(ctx, body, rec)
    return element


def customer_query(
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
    """CustomerQueryRq by ListIDs (linked customers and jobs), FullNames, or filters, with
    an iterator for large lists."""
    return list_query(
        ctx,
        "CustomerQueryRq",
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
class CustomerRet:
    """A CustomerRet as typed values (customer or job: ``parent`` and ``sublevel`` tell)."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    full_name: str | None
    is_active: bool | None
    parent: RefValue | None
    sublevel: int | None
    company_name: str | None
    first_name: str | None
    last_name: str | None
    bill_address: AddressValue | None
    phone: str | None
    mobile: str | None
    email: str | None
    class_ref: RefValue | None
    terms: RefValue | None
    sales_rep: RefValue | None
    balance: Decimal | None
    total_balance: Decimal | None
    job_status: str | None
    job_start_date: date | None
    job_description: str | None


def parse_customer_ret(element: etree._Element) -> CustomerRet:
    """Read a CustomerRet (every field optional: IncludeRetElement can trim any)."""
    el = Children(element)
    return CustomerRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        full_name=text_of(el, "FullName"),
        is_active=bool_of(el, "IsActive"),
        parent=ref_of(el, "ParentRef"),
        sublevel=int_of(el, "Sublevel"),
        company_name=text_of(el, "CompanyName"),
        first_name=text_of(el, "FirstName"),
        last_name=text_of(el, "LastName"),
        bill_address=read_address(el, "BillAddress"),
        phone=text_of(el, "Phone"),
        mobile=text_of(el, "Mobile"),
        email=text_of(el, "Email"),
        class_ref=ref_of(el, "ClassRef"),
        terms=ref_of(el, "TermsRef"),
        sales_rep=ref_of(el, "SalesRepRef"),
        balance=decimal_of(el, "Balance"),
        total_balance=decimal_of(el, "TotalBalance"),
        job_status=text_of(el, "JobStatus"),
        job_start_date=date_of(el, "JobStartDate"),
        job_description=text_of(el, "JobDesc"),
    )
