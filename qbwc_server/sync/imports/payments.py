"""Payments received in QuickBooks (ReceivePaymentQuery, with an iterator).

A payment comes in only if its customer is linked (an app customer or project) and it is
applied to invoices of one linked project: each invoice it pays must be linked to an app
invoice whose project is linked. The others are skipped and counted, by reason, in the
import's outcome. One that comes in is ``qb-<TxnID>``, in its project, with its applications to
the app's invoices. The app's own payments (linked, pushed from the app) are push-only: an
import leaves them as they are.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped, paged
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import day, money
from qbxml.builders import receive_payment as qb
from qbxml.context import BuildContext
from request_queue.rows import RecordRow

NOT_LINKED = "their customer is not linked"
UNAPPLIED = "not applied to an invoice"
NOT_PROJECT = "applied to an invoice that is not of a linked project"
SEVERAL = "applied to invoices of several projects"


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return paged(qb.receive_payment_query, ctx, ask, include_line_items=True)


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_receive_payment_ret(element)
    return Incoming(ret.txn_id, ret.edit_sequence, ret.ref_number, ret.time_modified, ret)


def refs(ret: qb.ReceivePaymentRet) -> list[str]:
    found = [a.txn_id for a in ret.applied_to]
    if ret.customer is not None and ret.customer.list_id:
        found.append(ret.customer.list_id)
    return found


def preload(items: list[Incoming], page: Page) -> None:
    """The invoices the payments apply to, and their projects' links."""
    invoices = []
    for item in items:
        for applied in item.ret.applied_to:
            link = page.linked("invoice", applied.txn_id)
            if link is not None:
                invoices.append(("invoice", link.app_id))
    page.load_records(invoices)
    projects = set()
    for key in invoices:
        record = page.record(*key)
        if record is not None and record.data.get("project_id"):
            projects.add(("project", str(record.data["project_id"]), ""))
    page.load_links(projects)


def project_of(ret: qb.ReceivePaymentRet, page: Page) -> tuple[str | None, str | None]:
    """(the project the payment belongs to, None) or (None, why it does not come in)."""
    customer = ret.customer.list_id if ret.customer is not None else None
    if not customer or not (page.linked("customer", customer) or page.linked("project", customer)):
        return None, NOT_LINKED
    if not ret.applied_to:
        return None, UNAPPLIED
    projects = set()
    for applied in ret.applied_to:
        link = page.linked("invoice", applied.txn_id)
        invoice = page.record("invoice", link.app_id) if link is not None else None
        if invoice is None:
            return None, NOT_PROJECT
        project_id = invoice.data.get("project_id")
        if not project_id or page.link_of("project", str(project_id)) is None:
            return None, NOT_PROJECT
        projects.add(str(project_id))
    if len(projects) > 1:
        return None, SEVERAL
    return projects.pop(), None


def admit(item: Incoming, page: Page) -> str | None:
    return project_of(item.ret, page)[1]


def fields(
    ret: qb.ReceivePaymentRet, page: Page, as_kind: str, existing: RecordRow | None
) -> Mapped:
    project_id, _ = project_of(ret, page)
    applications = []
    for applied in ret.applied_to:
        link = page.linked("invoice", applied.txn_id)
        if link is not None:
            applications.append({"invoice_id": link.app_id, "amount": money(applied.amount)})
    data: dict[str, Any] = {
        "project_id": project_id,
        "date": day(ret.txn_date),
        "amount": money(ret.total_amount),
        "method": ret.payment_method.full_name if ret.payment_method else None,
        "reference": ret.ref_number,
        "memo": ret.memo,
        "applications": applications,
    }
    extra = {
        "customer_id": page.ref("customer", ret.customer, new=False)
        or page.ref("project", ret.customer, new=False),
        "txn_number": ret.txn_number,
        "unused_payment": ret.unused_payment,
        "deposit_to": ret.deposit_to.full_name if ret.deposit_to else None,
        "ar_account": ret.ar_account.full_name if ret.ar_account else None,
    }
    return Mapped(data, extra)


SPEC = ImportSpec(
    name="payments",
    kind="payment",
    query=query,
    read=read,
    fields=fields,
    refs=refs,
    preload=preload,
    admit=admit,
    iterates=True,
    rule=lambda as_kind: "keep",
)
