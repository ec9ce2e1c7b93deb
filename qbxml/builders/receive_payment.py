"""ReceivePaymentAdd, ReceivePaymentMod and ReceivePaymentQuery requests, and their Ret parsing.

An app payment becomes a QuickBooks ReceivePayment on the project's Customer:Job, applied to
the linked invoices. With no A/R account it goes to QuickBooks' default A/R account, and with
no deposit account to Undeposited Funds.
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
    SIMPLE_REF_MAX,
    Iterator,
    add_checked_ref,
    add_identity,
    checked_amount,
    checked_id,
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
    add_id,
    add_text,
    request,
    sub,
)
from qbxml.responses import RefValue, date_of, datetime_of, decimal_of, int_of, ref_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0) for ReceivePaymentAdd / ReceivePaymentMod.
REF_NUMBER_MAX = 20
MEMO_MAX = 4095


@dataclass(frozen=True)
class PaymentApplication:
    """Part of a payment applied to one QuickBooks invoice (its TxnID)."""

    txn_id: str
    amount: Decimal


@dataclass(frozen=True)
class ReceivePayment:
    """An app payment in QuickBooks terms; ``customer`` is the project's Customer:Job.

    ``ar_account`` comes from the ``payment_ar_account`` setting (None: QuickBooks' default),
    ``payment_method`` is Ref(full_name=method), ``deposit_to`` None means Undeposited Funds.
    With no applications the payment is left unapplied (a credit on the job), never
    auto-applied by QuickBooks to whatever invoice is oldest.
    """

    customer: Ref
    txn_date: date
    total_amount: Decimal
    ref_number: str | None = None
    ar_account: Ref | None = None
    payment_method: Ref | None = None
    memo: str | None = None
    deposit_to: Ref | None = None
    applications: tuple[PaymentApplication, ...] = ()


def _payment(ctx: BuildContext, rec: ReceivePayment, ident: Identity | None) -> etree._Element:
    action = "Add" if ident is None else "Mod"
    rq = request(f"ReceivePayment{action}Rq")
    el = sub(rq, f"ReceivePayment{action}")
    if ident is not None:
        add_identity(el, ident)
    add_checked_ref(el, "CustomerRef", rec.customer, CUSTOMER_REF_MAX)
    add_checked_ref(el, "ARAccountRef", rec.ar_account, LIST_REF_MAX)
    add_date(el, "TxnDate", rec.txn_date)
    add_text(ctx, el, "RefNumber", rec.ref_number, REF_NUMBER_MAX)
    add_amount(el, "TotalAmount", checked_amount(rec.total_amount, f"{el.tag}/TotalAmount"))
    add_checked_ref(el, "PaymentMethodRef", rec.payment_method, SIMPLE_REF_MAX)
    add_text(ctx, el, "Memo", rec.memo, MEMO_MAX)
    add_checked_ref(el, "DepositToAccountRef", rec.deposit_to, LIST_REF_MAX)
    if ident is None and not rec.applications:
        add_bool(el, "IsAutoApply", False)
    for number, application in enumerate(rec.applications, start=1):
        row = sub(el, f"AppliedToTxn{action}")
        add_id(row, "TxnID", checked_id(application.txn_id, f"{row.tag}[{number}]/TxnID"))
        path = f"{el.tag}/{row.tag}[{number}]/PaymentAmount"
        add_amount(row, "PaymentAmount", checked_amount(application.amount, path))
    return rq


def receive_payment_add(rec: ReceivePayment, ctx: BuildContext) -> etree._Element:
    """ReceivePaymentAddRq for an app payment."""
    return _payment(ctx, rec, None)


def receive_payment_mod(rec: ReceivePayment, ident: Identity, ctx: BuildContext) -> etree._Element:
    """ReceivePaymentModRq; each listed application (invoice TxnID) is set to its amount."""
    return _payment(ctx, rec, ident)


def receive_payment_query(
    ctx: BuildContext,
    *,
    txn_ids: Sequence[str] = (),
    ref_numbers: Sequence[str] = (),
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    customer: Ref | None = None,
    customer_with_children: bool = False,
    include_line_items: bool | None = None,
    max_returned: int | None = None,
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """ReceivePaymentQueryRq: by TxnIDs, RefNumbers, or payments modified since a time
    (aware datetime, sent with its offset) for a customer and optionally its jobs."""
    return txn_query(
        ctx,
        "ReceivePaymentQueryRq",
        ref_number_max=REF_NUMBER_MAX,
        txn_ids=txn_ids,
        ref_numbers=ref_numbers,
        modified_from=modified_from,
        modified_to=modified_to,
        entity=customer,
        entity_with_children=customer_with_children,
        include_line_items=include_line_items,
        max_returned=max_returned,
        iterator=iterator,
        iterator_id=iterator_id,
    )


@dataclass(frozen=True)
class AppliedToTxnRet:
    """One transaction (usually an invoice) a payment is applied to."""

    txn_id: str
    txn_type: str | None
    txn_date: date | None
    ref_number: str | None
    balance_remaining: Decimal | None
    amount: Decimal | None
    discount_amount: Decimal | None


@dataclass(frozen=True)
class ReceivePaymentRet:
    """A ReceivePaymentRet as typed values."""

    txn_id: str
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    txn_number: int | None
    customer: RefValue | None
    ar_account: RefValue | None
    txn_date: date | None
    ref_number: str | None
    total_amount: Decimal | None
    payment_method: RefValue | None
    memo: str | None
    deposit_to: RefValue | None
    unused_payment: Decimal | None
    unused_credits: Decimal | None
    applied_to: tuple[AppliedToTxnRet, ...]


def _applied(el: etree._Element) -> AppliedToTxnRet:
    return AppliedToTxnRet(
        txn_id=required_text(el, "TxnID"),
        txn_type=text_of(el, "TxnType"),
        txn_date=date_of(el, "TxnDate"),
        ref_number=text_of(el, "RefNumber"),
        balance_remaining=decimal_of(el, "BalanceRemaining"),
        amount=decimal_of(el, "Amount"),
        discount_amount=decimal_of(el, "DiscountAmount"),
    )


def parse_receive_payment_ret(element: etree._Element) -> ReceivePaymentRet:
    """Read a ReceivePaymentRet element (from an Add, Mod or Query answer)."""
    el = Children(element)
    return ReceivePaymentRet(
        txn_id=required_text(el, "TxnID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        txn_number=int_of(el, "TxnNumber"),
        customer=ref_of(el, "CustomerRef"),
        ar_account=ref_of(el, "ARAccountRef"),
        txn_date=date_of(el, "TxnDate"),
        ref_number=text_of(el, "RefNumber"),
        total_amount=decimal_of(el, "TotalAmount"),
        payment_method=ref_of(el, "PaymentMethodRef"),
        memo=text_of(el, "Memo"),
        deposit_to=ref_of(el, "DepositToAccountRef"),
        unused_payment=decimal_of(el, "UnusedPayment"),
        unused_credits=decimal_of(el, "UnusedCredits"),
        applied_to=tuple(_applied(row) for row in el if row.tag == "AppliedToTxnRet"),
    )
