"""CreditMemoAdd, CreditMemoMod and CreditMemoQuery requests, and CreditMemoRet parsing.

A credit memo is shaped like an invoice (same header fields, lines of item, description,
quantity, rate, class and amount), so it shares the invoice's record and line types; pushed
only when the company's credit memo export setting is on (the sync decides that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from qbxml.builders._txn import Iterator, lines_of, required_text, txn_query
from qbxml.builders.invoice import (
    REF_NUMBER_MAX,
    SalesDocument,
    SalesLineRet,
    parse_sales_line_ret,
    sales_document,
)
from qbxml.children import Children
from qbxml.context import BuildContext, Identity, Ref
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


@dataclass(frozen=True)
class CreditMemo(SalesDocument):
    """An app credit memo in QuickBooks terms; ``customer`` is the project's Customer:Job."""


def credit_memo_add(rec: CreditMemo, ctx: BuildContext) -> etree._Element:
    """CreditMemoAddRq for an app credit memo (QuickBooks requires at least one line)."""
    return sales_document(ctx, "CreditMemo", rec, None)


def credit_memo_mod(rec: CreditMemo, ident: Identity, ctx: BuildContext) -> etree._Element:
    """CreditMemoModRq replacing the linked credit memo's fields and lines with the app's."""
    return sales_document(ctx, "CreditMemo", rec, ident)


def credit_memo_query(
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
    """CreditMemoQueryRq by TxnIDs, exact RefNumbers, or modified-time window and customer."""
    return txn_query(
        ctx,
        "CreditMemoQueryRq",
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
class CreditMemoRet:
    """A CreditMemoRet as typed values; ``credit_remaining`` is what is left to apply."""

    txn_id: str
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    txn_number: int | None
    customer: RefValue | None
    class_ref: RefValue | None
    ar_account: RefValue | None
    txn_date: date | None
    ref_number: str | None
    po_number: str | None
    terms: RefValue | None
    due_date: date | None
    sales_rep: RefValue | None
    subtotal: Decimal | None
    sales_tax_total: Decimal | None
    total_amount: Decimal | None
    credit_remaining: Decimal | None
    memo: str | None
    is_pending: bool | None
    is_to_be_printed: bool | None
    lines: tuple[SalesLineRet, ...]


def parse_credit_memo_ret(element: etree._Element) -> CreditMemoRet:
    """Read a CreditMemoRet element (from an Add, Mod or Query answer)."""
    el = Children(element)
    return CreditMemoRet(
        txn_id=required_text(el, "TxnID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        txn_number=int_of(el, "TxnNumber"),
        customer=ref_of(el, "CustomerRef"),
        class_ref=ref_of(el, "ClassRef"),
        ar_account=ref_of(el, "ARAccountRef"),
        txn_date=date_of(el, "TxnDate"),
        ref_number=text_of(el, "RefNumber"),
        po_number=text_of(el, "PONumber"),
        terms=ref_of(el, "TermsRef"),
        due_date=date_of(el, "DueDate"),
        sales_rep=ref_of(el, "SalesRepRef"),
        subtotal=decimal_of(el, "Subtotal"),
        sales_tax_total=decimal_of(el, "SalesTaxTotal"),
        total_amount=decimal_of(el, "TotalAmount"),
        credit_remaining=decimal_of(el, "CreditRemaining"),
        memo=text_of(el, "Memo"),
        is_pending=bool_of(el, "IsPending"),
        is_to_be_printed=bool_of(el, "IsToBePrinted"),
        lines=lines_of(el, "CreditMemoLineRet", "CreditMemoLineGroupRet", parse_sales_line_ret),
    )
