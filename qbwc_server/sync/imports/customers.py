"""Customers and jobs (CustomerQuery answers both).

Customers created in QuickBooks never come in (DESIGN.md section 2), nor do jobs the app does
not have: only objects linked to an app customer or project are read, the others are counted
as skipped. A linked customer takes QuickBooks' changes except its contact data (first and last
name, email, phone), which is push-only. A linked job's edits come back into its project: its
description (the project's name), address, start date (contract_date), class, its customer
(a job moved to another linked customer) and its sales rep when that is a linked user.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped, paged
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import address, day
from qbxml.builders import customer as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow

PUSH_ONLY = frozenset({"first_name", "last_name", "email", "phone"})


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return paged(qb.customer_query, ctx, ask, first={"active_status": "All"})


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_customer_ret(element)
    if not ret.list_id:
        raise ResponseError("a CustomerRet without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.full_name, ret.time_modified, ret)


def refs(ret: qb.CustomerRet) -> list[str]:
    found = (ret.parent, ret.class_ref, ret.sales_rep, ret.terms)
    return [r.list_id for r in found if r is not None and r.list_id]


def fields(ret: qb.CustomerRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    if as_kind == "project":
        data: dict[str, Any] = {
            "name": ret.job_description,
            "address": address(ret.bill_address),
            "contract_date": day(ret.job_start_date),
            "class_id": page.ref("class", ret.class_ref),
        }
        parent = page.ref("customer", ret.parent, new=False)
        if parent is not None:
            data["customer_id"] = parent
        rep = page.ref("user", ret.sales_rep, role="sales_rep", new=False)
        if rep is not None:
            data["sales_rep_user_id"] = rep
        return Mapped(data)
    data = {
        "first_name": ret.first_name,
        "last_name": ret.last_name,
        "email": ret.email,
        "phone": ret.phone,
        "company_name": ret.company_name,
        "mobile": ret.mobile,
        "billing_address": address(ret.bill_address),
    }
    return Mapped(data)


SPEC = ImportSpec(
    name="customers",
    kind="customer",
    query=query,
    read=read,
    fields=fields,
    refs=refs,
    iterates=True,
    link_kinds=("customer", "project"),
    creates=False,
    push_only=PUSH_ONLY,
)
