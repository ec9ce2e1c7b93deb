"""Bills (BillQuery with their lines, with an iterator).

App bills are pushed, one way: an import leaves a linked app bill as it is. A bill created in
QuickBooks comes in as ``qb-<TxnID>`` but in no project: bills join a project only when staff
pick them from the project's bill candidates (bill_candidates.py). A bill imported into a
project that way keeps its project, and its lines are those charged to the project's
Customer:Job.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped, paged
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import day, money
from qbxml.builders import bill as qb
from qbxml.context import BuildContext
from qbxml.responses import RefValue
from request_queue.rows import LinkRow, RecordRow

Lines = tuple[tuple[qb.ExpenseLineRet, ...], tuple[qb.ItemLineRet, ...]]


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return paged(qb.bill_query, ctx, ask, include_line_items=True)


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_bill_ret(element)
    return Incoming(ret.txn_id, ret.edit_sequence, ret.ref_number, ret.time_modified, ret)


def refs(ret: qb.BillRet) -> list[str]:
    found: list[RefValue | None] = [ret.vendor]
    for expense in ret.expense_lines:
        found += [expense.account, expense.class_ref, expense.customer]
    for item in ret.item_lines:
        found += [item.item, item.class_ref, item.customer]
    return [r.list_id for r in found if r is not None and r.list_id]


def job_ref(link: LinkRow) -> RefValue:
    """A project's Customer:Job as a reference, to find the bill lines charged to it."""
    return RefValue(link.qb_id, link.full_name)


def app_lines(lines: Lines, page: Page) -> list[dict[str, Any]]:
    """Bill lines as the app's bill lines (account_id or item_id, amount, description, class)."""
    out: list[dict[str, Any]] = []
    for expense in lines[0]:
        row = {
            "account_id": page.ref("account", expense.account),
            "amount": money(expense.amount),
            "description": expense.memo,
            "class_id": page.ref("class", expense.class_ref),
        }
        out.append({k: v for k, v in row.items() if v is not None})
    for item in lines[1]:
        row = {
            "item_id": page.ref("item", item.item),
            "amount": money(item.amount),
            "description": item.description,
            "class_id": page.ref("class", item.class_ref),
        }
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def status(ret: qb.BillRet) -> str:
    """A bill entered in QuickBooks is owed ("approved") until QuickBooks says it is paid."""
    return "paid" if ret.is_paid else "approved"


def preload(items: list[Incoming], page: Page) -> None:
    """The Customer:Job links of the projects that bills already imported belong to."""
    keys = set()
    for item in items:
        owner = page.owner(item.qb_id)
        kind, record_id = (owner.kind, owner.app_id) if owner else ("bill", f"qb-{item.qb_id}")
        record = page.record(kind, record_id)
        if record is not None and record.project_id:
            keys.add(("project", record.project_id, ""))
    page.load_links(keys)


def fields(ret: qb.BillRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    lines: Lines = (ret.expense_lines, ret.item_lines)
    project_id = existing.project_id if existing is not None else None
    job = page.link_of("project", project_id) if project_id else None
    if job is not None:
        lines = qb.bill_lines_for_customer(ret, job_ref(job))
    data = {
        "vendor_id": page.ref("vendor", ret.vendor),
        "project_id": project_id,
        "number": ret.ref_number,
        "date": day(ret.txn_date),
        "due_date": day(ret.due_date),
        "memo": ret.memo,
        "status": status(ret),
        "lines": app_lines(lines, page),
    }
    extra = {
        "vendor_name": ret.vendor.full_name if ret.vendor else None,
        "amount_due": money(ret.amount_due),
        "open_amount": money(ret.open_amount),
        "is_paid": ret.is_paid,
        "txn_number": ret.txn_number,
    }
    return Mapped(data, extra)


SPEC = ImportSpec(
    name="bills",
    kind="bill",
    query=query,
    read=read,
    fields=fields,
    refs=refs,
    preload=preload,
    iterates=True,
    rule=lambda as_kind: "keep",
)
