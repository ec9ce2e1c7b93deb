"""InvoiceAdd, InvoiceMod and InvoiceQuery requests, and InvoiceRet parsing.

The sales-document parts (lines, header, line Ret) are shared with credit_memo.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from qbxml.builders._txn import (
    CUSTOMER_REF_MAX,
    LIST_REF_MAX,
    SALES_REP_REF_MAX,
    SIMPLE_REF_MAX,
    Iterator,
    add_checked_ref,
    add_identity,
    line_id,
    line_money,
    lines_of,
    required_text,
    txn_query,
)
from qbxml.children import Children
from qbxml.context import (
    Address,
    BuildContext,
    Identity,
    Ref,
    add_address,
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

# xsd:maxLength in qbxml130.xsd (the same in 12.0) for InvoiceAdd / InvoiceMod and
# CreditMemoAdd / CreditMemoMod.
REF_NUMBER_MAX = 11
PO_NUMBER_MAX = 25
MEMO_MAX = 4095
DESC_MAX = 4095


# --- invoices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesLine:
    """One invoice or credit memo line; ``txn_line_id`` is QuickBooks' id when known (Mod)."""

    item: Ref
    amount: Decimal
    description: str | None = None
    quantity: Decimal | None = None
    rate: Decimal | None = None
    class_ref: Ref | None = None
    txn_line_id: str | None = None


@dataclass(frozen=True)
class SalesDocument:
    """The fields an invoice and a credit memo share; ``customer`` is the Customer:Job."""

    customer: Ref
    txn_date: date
    lines: tuple[SalesLine, ...]
    ref_number: str | None = None
    class_ref: Ref | None = None
    ar_account: Ref | None = None
    template: Ref | None = None
    bill_address: Address | None = None
    po_number: str | None = None
    terms: Ref | None = None
    due_date: date | None = None
    sales_rep: Ref | None = None
    memo: str | None = None
    to_be_printed: bool | None = None


@dataclass(frozen=True)
class Invoice(SalesDocument):
    """An app invoice in QuickBooks terms (to_be_printed from ``mark_invoices_to_print``)."""


def sales_document(
    ctx: BuildContext, name: str, doc: SalesDocument, ident: Identity | None
) -> etree._Element:
    """``<name>AddRq`` (ident None) or ``<name>ModRq`` for an invoice-shaped document.

    A Mod sends every line: known TxnLineIDs change those lines, "-1" adds new ones, and
    QuickBooks deletes the lines it has that are not listed (the app is the truth).
    """
    action = "Add" if ident is None else "Mod"
    if not doc.lines:
        raise BuildError(f"{name}{action}: at least one line is needed")
    rq = request(f"{name}{action}Rq")
    el = sub(rq, f"{name}{action}")
    if ident is not None:
        add_identity(el, ident)
    add_checked_ref(el, "CustomerRef", doc.customer, CUSTOMER_REF_MAX)
    add_checked_ref(el, "ClassRef", doc.class_ref, LIST_REF_MAX)
    add_checked_ref(el, "ARAccountRef", doc.ar_account, LIST_REF_MAX)
    add_checked_ref(el, "TemplateRef", doc.template, SIMPLE_REF_MAX)
    add_date(el, "TxnDate", doc.txn_date)
    add_text(ctx, el, "RefNumber", doc.ref_number, REF_NUMBER_MAX)
    add_address(ctx, el, "BillAddress", doc.bill_address)
    add_text(ctx, el, "PONumber", doc.po_number, PO_NUMBER_MAX)
    add_checked_ref(el, "TermsRef", doc.terms, SIMPLE_REF_MAX)
    add_date(el, "DueDate", doc.due_date)
    add_checked_ref(el, "SalesRepRef", doc.sales_rep, SALES_REP_REF_MAX)
    add_text(ctx, el, "Memo", doc.memo, MEMO_MAX)
    add_bool(el, "IsToBePrinted", doc.to_be_printed)
    line_tag = f"{name}Line{action}"
    for number, line in enumerate(doc.lines, start=1):
        row = sub(el, line_tag)
        if ident is not None:
            add_id(row, "TxnLineID", line_id(line.txn_line_id))
        add_checked_ref(row, "ItemRef", line.item, None)
        add_text(ctx, row, "Desc", line.description, DESC_MAX, multiline=True)
        path = f"{rq.tag}/{el.tag}/{line_tag}[{number}]"
        quantity, rate, amount = line_money(ctx, path, line.quantity, line.rate, line.amount)
        add_decimal(row, "Quantity", quantity)
        add_decimal(row, "Rate", rate)
        add_checked_ref(row, "ClassRef", line.class_ref, LIST_REF_MAX)
        add_amount(row, "Amount", amount)
    return rq


def invoice_add(rec: Invoice, ctx: BuildContext) -> etree._Element:
    """InvoiceAddRq for an app invoice."""
    return sales_document(ctx, "Invoice", rec, None)


def invoice_mod(rec: Invoice, ident: Identity, ctx: BuildContext) -> etree._Element:
    """InvoiceModRq replacing the linked invoice's fields and lines with the app's."""
    return sales_document(ctx, "Invoice", rec, ident)


def invoice_query(
    ctx: BuildContext,
    *,
    txn_ids: Sequence[str] = (),
    ref_numbers: Sequence[str] = (),
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    customer: Ref | None = None,
    customer_with_children: bool = False,
    include_line_items: bool | None = None,
    include_linked_txns: bool | None = None,
    max_returned: int | None = None,
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """InvoiceQueryRq by TxnIDs, by exact RefNumbers (to link an existing invoice before adding
    one), or by modified-time window and Customer:Job."""
    return txn_query(
        ctx,
        "InvoiceQueryRq",
        ref_number_max=REF_NUMBER_MAX,
        txn_ids=txn_ids,
        ref_numbers=ref_numbers,
        modified_from=modified_from,
        modified_to=modified_to,
        entity=customer,
        entity_with_children=customer_with_children,
        include_line_items=include_line_items,
        include_linked_txns=include_linked_txns,
        max_returned=max_returned,
        iterator=iterator,
        iterator_id=iterator_id,
    )


@dataclass(frozen=True)
class SalesLineRet:
    """One InvoiceLineRet or CreditMemoLineRet; ``group_line_id`` is set for item-group lines."""

    txn_line_id: str
    item: RefValue | None
    description: str | None
    quantity: Decimal | None
    rate: Decimal | None
    rate_percent: Decimal | None
    class_ref: RefValue | None
    amount: Decimal | None
    sales_tax_code: RefValue | None
    service_date: date | None
    group_line_id: str | None = None


def parse_sales_line_ret(element: etree._Element, group_line_id: str | None = None) -> SalesLineRet:
    """An InvoiceLineRet or CreditMemoLineRet element as typed values."""
    el = Children(element)
    return SalesLineRet(
        txn_line_id=required_text(el, "TxnLineID"),
        item=ref_of(el, "ItemRef"),
        description=text_of(el, "Desc"),
        quantity=decimal_of(el, "Quantity"),
        rate=decimal_of(el, "Rate"),
        rate_percent=decimal_of(el, "RatePercent"),
        class_ref=ref_of(el, "ClassRef"),
        amount=decimal_of(el, "Amount"),
        sales_tax_code=ref_of(el, "SalesTaxCodeRef"),
        service_date=date_of(el, "ServiceDate"),
        group_line_id=group_line_id,
    )


@dataclass(frozen=True)
class InvoiceRet:
    """An InvoiceRet as typed values (what linking and importing an invoice need)."""

    txn_id: str
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    txn_number: int | None
    customer: RefValue | None
    class_ref: RefValue | None
    ar_account: RefValue | None
    template: RefValue | None
    txn_date: date | None
    ref_number: str | None
    po_number: str | None
    terms: RefValue | None
    due_date: date | None
    sales_rep: RefValue | None
    subtotal: Decimal | None
    sales_tax_total: Decimal | None
    applied_amount: Decimal | None
    balance_remaining: Decimal | None
    memo: str | None
    is_pending: bool | None
    is_paid: bool | None
    is_to_be_printed: bool | None
    lines: tuple[SalesLineRet, ...]


def parse_invoice_ret(element: etree._Element) -> InvoiceRet:
    """Read an InvoiceRet element (from an Add, Mod or Query answer)."""
    el = Children(element)
    return InvoiceRet(
        txn_id=required_text(el, "TxnID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        txn_number=int_of(el, "TxnNumber"),
        customer=ref_of(el, "CustomerRef"),
        class_ref=ref_of(el, "ClassRef"),
        ar_account=ref_of(el, "ARAccountRef"),
        template=ref_of(el, "TemplateRef"),
        txn_date=date_of(el, "TxnDate"),
        ref_number=text_of(el, "RefNumber"),
        po_number=text_of(el, "PONumber"),
        terms=ref_of(el, "TermsRef"),
        due_date=date_of(el, "DueDate"),
        sales_rep=ref_of(el, "SalesRepRef"),
        subtotal=decimal_of(el, "Subtotal"),
        sales_tax_total=decimal_of(el, "SalesTaxTotal"),
        applied_amount=decimal_of(el, "AppliedAmount"),
        balance_remaining=decimal_of(el, "BalanceRemaining"),
        memo=text_of(el, "Memo"),
        is_pending=bool_of(el, "IsPending"),
        is_paid=bool_of(el, "IsPaid"),
        is_to_be_printed=bool_of(el, "IsToBePrinted"),
        lines=lines_of(el, "InvoiceLineRet", "InvoiceLineGroupRet", parse_sales_line_ret),
    )
