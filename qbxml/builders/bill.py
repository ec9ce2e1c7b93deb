"""BillAdd, BillMod and BillQuery requests, and BillRet parsing.

An app bill becomes a QuickBooks Bill from its vendor whose lines carry the project's
Customer:Job, so the cost lands on the job. The schema puts every expense line before every
item line; the record keeps them in two tuples, so that order holds by construction.

BillQuery's EntityFilter matches the bill's vendor, not the Customer:Job on its lines, so
"bills of one job" is asked as "bills modified in a window, with their lines" and narrowed here
with ``bill_lines_for_customer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from lxml import etree

from qbxml.builders._txn import (
    CUSTOMER_REF_MAX,
    LIST_REF_MAX,
    SIMPLE_REF_MAX,
    VENDOR_REF_MAX,
    Iterator,
    add_checked_ref,
    add_identity,
    checked_amount,
    line_id,
    line_money,
    lines_of,
    required_text,
    txn_query,
)
from qbxml.children import Children
from qbxml.context import (
    BuildContext,
    Identity,
    Ref,
    add_amount,
    add_bool,
    add_date,
    add_decimal,
    add_id,
    add_text,
    request,
    sub,
)
from qbxml.errors import BuildError
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

# xsd:maxLength in qbxml130.xsd (the same in 12.0) for BillAdd / BillMod and their lines.
REF_NUMBER_MAX = 20
MEMO_MAX = 4095
DESC_MAX = 4095

BillableStatus = Literal["Billable", "NotBillable", "HasBeenBilled"]
_BILLABLE = ("Billable", "NotBillable", "HasBeenBilled")


@dataclass(frozen=True)
class ExpenseLine:
    """A bill line posted to an account; ``customer`` is the project's Customer:Job."""

    account: Ref
    amount: Decimal
    memo: str | None = None
    customer: Ref | None = None
    class_ref: Ref | None = None
    billable_status: BillableStatus | None = None
    txn_line_id: str | None = None


@dataclass(frozen=True)
class ItemLine:
    """A bill line for an item; ``cost`` is the unit cost (PRICETYPE)."""

    item: Ref
    amount: Decimal
    description: str | None = None
    quantity: Decimal | None = None
    cost: Decimal | None = None
    customer: Ref | None = None
    class_ref: Ref | None = None
    billable_status: BillableStatus | None = None
    txn_line_id: str | None = None


@dataclass(frozen=True)
class Bill:
    """An app bill in QuickBooks terms (``ref_number`` is the vendor's bill number)."""

    vendor: Ref
    txn_date: date
    expense_lines: tuple[ExpenseLine, ...] = ()
    item_lines: tuple[ItemLine, ...] = ()
    ap_account: Ref | None = None
    due_date: date | None = None
    ref_number: str | None = None
    terms: Ref | None = None
    memo: str | None = None


def _billable(row: etree._Element, status: str | None) -> None:
    if status is not None:
        if status not in _BILLABLE:
            raise BuildError(f"BillableStatus must be one of {', '.join(_BILLABLE)}")
        sub(row, "BillableStatus", status)


def _bill(ctx: BuildContext, rec: Bill, ident: Identity | None) -> etree._Element:
    action = "Add" if ident is None else "Mod"
    if not rec.expense_lines and not rec.item_lines:
        raise BuildError(f"Bill{action}: at least one line is needed")
    rq = request(f"Bill{action}Rq")
    el = sub(rq, f"Bill{action}")
    if ident is not None:
        add_identity(el, ident)
    add_checked_ref(el, "VendorRef", rec.vendor, VENDOR_REF_MAX)
    add_checked_ref(el, "APAccountRef", rec.ap_account, LIST_REF_MAX)
    add_date(el, "TxnDate", rec.txn_date)
    add_date(el, "DueDate", rec.due_date)
    add_text(ctx, el, "RefNumber", rec.ref_number, REF_NUMBER_MAX)
    add_checked_ref(el, "TermsRef", rec.terms, SIMPLE_REF_MAX)
    add_text(ctx, el, "Memo", rec.memo, MEMO_MAX)
    if ident is not None and not rec.expense_lines:
        add_bool(el, "ClearExpenseLines", True)
    for number, expense in enumerate(rec.expense_lines, start=1):
        row = sub(el, f"ExpenseLine{action}")
        if ident is not None:
            add_id(row, "TxnLineID", line_id(expense.txn_line_id))
        add_checked_ref(row, "AccountRef", expense.account, LIST_REF_MAX)
        path = f"{rq.tag}/{el.tag}/{row.tag}[{number}]/Amount"
        add_amount(row, "Amount", checked_amount(expense.amount, path))
        add_text(ctx, row, "Memo", expense.memo, MEMO_MAX)
        add_checked_ref(row, "CustomerRef", expense.customer, CUSTOMER_REF_MAX)
        add_checked_ref(row, "ClassRef", expense.class_ref, LIST_REF_MAX)
        _billable(row, expense.billable_status)
    if ident is not None and not rec.item_lines:
        add_bool(el, "ClearItemLines", True)
    for number, item in enumerate(rec.item_lines, start=1):
        row = sub(el, f"ItemLine{action}")
        if ident is not None:
            add_id(row, "TxnLineID", line_id(item.txn_line_id))
        add_checked_ref(row, "ItemRef", item.item, None)
        add_text(ctx, row, "Desc", item.description, DESC_MAX, multiline=True)
        path = f"{rq.tag}/{el.tag}/{row.tag}[{number}]"
        quantity, cost, amount = line_money(
            ctx, path, item.quantity, item.cost, item.amount, rate_tag="Cost"
        )
        add_decimal(row, "Quantity", quantity)
        add_decimal(row, "Cost", cost)
        add_amount(row, "Amount", amount)
        add_checked_ref(row, "CustomerRef", item.customer, CUSTOMER_REF_MAX)
        add_checked_ref(row, "ClassRef", item.class_ref, LIST_REF_MAX)
        _billable(row, item.billable_status)
    return rq


def bill_add(rec: Bill, ctx: BuildContext) -> etree._Element:
    """BillAddRq for an app bill."""
    return _bill(ctx, rec, None)


def bill_mod(rec: Bill, ident: Identity, ctx: BuildContext) -> etree._Element:
    """BillModRq making the linked bill match the app's: every line is sent (known TxnLineIDs
    or "-1"), QuickBooks deletes unlisted lines, and an empty kind is cleared."""
    return _bill(ctx, rec, ident)


def bill_query(
    ctx: BuildContext,
    *,
    txn_ids: Sequence[str] = (),
    ref_numbers: Sequence[str] = (),
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    vendor: Ref | None = None,
    include_line_items: bool | None = None,
    include_linked_txns: bool | None = None,
    max_returned: int | None = None,
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """BillQueryRq by TxnIDs, vendor RefNumbers, or modified-time window (and vendor).

    For a job's bills ask with ``modified_from`` and ``include_line_items=True`` and keep the
    lines ``bill_lines_for_customer`` finds: QuickBooks cannot filter on a line's customer.
    """
    return txn_query(
        ctx,
        "BillQueryRq",
        ref_number_max=REF_NUMBER_MAX,
        txn_ids=txn_ids,
        ref_numbers=ref_numbers,
        modified_from=modified_from,
        modified_to=modified_to,
        entity=vendor,
        include_line_items=include_line_items,
        include_linked_txns=include_linked_txns,
        max_returned=max_returned,
        iterator=iterator,
        iterator_id=iterator_id,
    )


@dataclass(frozen=True)
class ExpenseLineRet:
    """An ExpenseLineRet as typed values."""

    txn_line_id: str
    account: RefValue | None
    amount: Decimal | None
    memo: str | None
    customer: RefValue | None
    class_ref: RefValue | None
    billable_status: str | None


@dataclass(frozen=True)
class ItemLineRet:
    """An ItemLineRet as typed values; ``group_line_id`` is set for lines of an item group."""

    txn_line_id: str
    item: RefValue | None
    description: str | None
    quantity: Decimal | None
    cost: Decimal | None
    amount: Decimal | None
    customer: RefValue | None
    class_ref: RefValue | None
    billable_status: str | None
    group_line_id: str | None = None


@dataclass(frozen=True)
class BillRet:
    """A BillRet as typed values."""

    txn_id: str
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    txn_number: int | None
    vendor: RefValue | None
    ap_account: RefValue | None
    txn_date: date | None
    due_date: date | None
    amount_due: Decimal | None
    ref_number: str | None
    terms: RefValue | None
    memo: str | None
    is_paid: bool | None
    open_amount: Decimal | None
    expense_lines: tuple[ExpenseLineRet, ...]
    item_lines: tuple[ItemLineRet, ...]


def _expense_ret(el: etree._Element) -> ExpenseLineRet:
    return ExpenseLineRet(
        txn_line_id=required_text(el, "TxnLineID"),
        account=ref_of(el, "AccountRef"),
        amount=decimal_of(el, "Amount"),
        memo=text_of(el, "Memo"),
        customer=ref_of(el, "CustomerRef"),
        class_ref=ref_of(el, "ClassRef"),
        billable_status=text_of(el, "BillableStatus"),
    )


def _item_ret(el: etree._Element, group_line_id: str | None) -> ItemLineRet:
    return ItemLineRet(
        txn_line_id=required_text(el, "TxnLineID"),
        item=ref_of(el, "ItemRef"),
        description=text_of(el, "Desc"),
        quantity=decimal_of(el, "Quantity"),
        cost=decimal_of(el, "Cost"),
        amount=decimal_of(el, "Amount"),
        customer=ref_of(el, "CustomerRef"),
        class_ref=ref_of(el, "ClassRef"),
        billable_status=text_of(el, "BillableStatus"),
        group_line_id=group_line_id,
    )


def parse_bill_ret(element: etree._Element) -> BillRet:
    """Read a BillRet element (from an Add, Mod or Query answer)."""
    el = Children(element)
    return BillRet(
        txn_id=required_text(el, "TxnID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        txn_number=int_of(el, "TxnNumber"),
        vendor=ref_of(el, "VendorRef"),
        ap_account=ref_of(el, "APAccountRef"),
        txn_date=date_of(el, "TxnDate"),
        due_date=date_of(el, "DueDate"),
        amount_due=decimal_of(el, "AmountDue"),
        ref_number=text_of(el, "RefNumber"),
        terms=ref_of(el, "TermsRef"),
        memo=text_of(el, "Memo"),
        is_paid=bool_of(el, "IsPaid"),
        open_amount=decimal_of(el, "OpenAmount"),
        expense_lines=tuple(_expense_ret(row) for row in el if row.tag == "ExpenseLineRet"),
        item_lines=lines_of(el, "ItemLineRet", "ItemGroupLineRet", _item_ret),
    )


def _same(found: RefValue | None, wanted: RefValue | Ref) -> bool:
    if found is None:
        return False
    if found.list_id and wanted.list_id:
        return found.list_id == wanted.list_id
    return bool(found.full_name and wanted.full_name) and (
        str(found.full_name).casefold() == str(wanted.full_name).casefold()
    )


def bill_lines_for_customer(
    bill: BillRet, customer: RefValue | Ref
) -> tuple[tuple[ExpenseLineRet, ...], tuple[ItemLineRet, ...]]:
    """The expense and item lines of ``bill`` charged to ``customer`` (a Customer:Job), matched
    by ListID when both sides have one, else by FullName ignoring case as QuickBooks does."""
    return (
        tuple(line for line in bill.expense_lines if _same(line.customer, customer)),
        tuple(line for line in bill.item_lines if _same(line.customer, customer)),
    )
