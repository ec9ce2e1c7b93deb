"""Payments: an app payment becomes a QuickBooks ReceivePayment on the project's Customer:Job.

It is applied to the linked invoices (AppliedToTxn by their TxnIDs). The A/R account comes
from the ``payment_ar_account`` setting (an imported account's id, or an account FullName);
without it QuickBooks uses its default A/R account, and the money always goes to Undeposited
Funds. The app's payment method is not sent as a PaymentMethodRef: payment methods are not a
synced list, and a name QuickBooks lacks would refuse the whole payment (3140); the log says so.
Matched before the first Add by customer (the job's FullName), RefNumber, date and amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports import job
from qbwc_server.sync.exports._common import day, money
from qbwc_server.sync.exports._spec import Dependency, ExportSpec, MatchKey, cleaned, txn_ids
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import receive_payment as qb
from qbxml.context import Identity, Ref
from qbxml.fields import FieldNote
from qbxml.values import format_amount


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    needs = [Dependency("project", str(data["project_id"]))]
    for application in data.get("applications") or []:
        needs.append(Dependency("invoice", str(application["invoice_id"])))
    return needs


def ar_account(env: SyncEnv) -> Ref | None:
    """The payment_ar_account setting as a reference: an imported account record by its
    ListID, else the value as an account FullName; None for QuickBooks' default."""
    value = env.settings.get("payment_ar_account")
    if not value:
        return None
    if env.refs.find("account", str(value)) is not None:
        why = "the payment_ar_account setting names it"
        return env.refs.ref("account", str(value), why=why)
    return Ref(full_name=str(value))


def _applications(data: dict[str, Any], env: SyncEnv) -> tuple[qb.PaymentApplication, ...]:
    found = []
    for application in data.get("applications") or []:
        invoice_id = str(application["invoice_id"])
        env.refs.record("invoice", invoice_id, needed_by="the payment's applications")
        txn_id = env.refs.qb_id(
            "invoice", invoice_id, why="a payment is applied to invoices already in QuickBooks"
        )
        found.append(qb.PaymentApplication(txn_id, Decimal(str(application["amount"]))))
    return tuple(found)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    project_id = str(data["project_id"])
    env.refs.record("project", project_id, needed_by="the payment")
    why = "the payment's Customer:Job must be in QuickBooks first"
    rec = qb.ReceivePayment(
        customer=env.refs.ref("project", project_id, why=why),
        txn_date=date.fromisoformat(str(data["date"])),
        total_amount=Decimal(str(data["amount"])),
        ref_number=data.get("reference"),
        ar_account=ar_account(env),
        memo=data.get("memo"),
        applications=_applications(data, env),
    )
    if data.get("method"):
        action = "Add" if ident is None else "Mod"
        env.ctx.notes.append(
            FieldNote(f"ReceivePayment{action}/PaymentMethodRef", "replaced", data["method"], "")
        )
    if ident is None:
        return qb.receive_payment_add(rec, env.ctx)
    return qb.receive_payment_mod(rec, ident, env.ctx)


def _key(customer: str, ref_number: str, txn_date: date | None, amount: Decimal | None) -> MatchKey:
    when = "" if txn_date is None else txn_date.isoformat()
    return (customer, ref_number, when, "" if amount is None else format_amount(amount))


def customer_full_name(data: dict[str, Any], env: SyncEnv) -> str:
    """The payment's customer as QuickBooks names it: the job's FullName."""
    project_id = str(data["project_id"])
    link = env.refs.link("project", project_id)
    if link is not None and link.full_name:
        return link.full_name
    project = env.refs.record("project", project_id, needed_by="the payment")
    return job.full_name(project, env, "" if link is None else link.name_suffix)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    """(job FullName, RefNumber, date, amount); None for a payment without a reference, or
    whose project or customer is missing (its export then fails naming it)."""
    reference = data.get("reference")
    if not reference:
        return None
    try:
        customer = customer_full_name(data, env)
    except SyncError:
        return None
    ref_number = cleaned(env, "ReceivePaymentAdd/RefNumber", str(reference), qb.REF_NUMBER_MAX)
    return _key(customer, ref_number, day(data.get("date")), money(data.get("amount")))


def ret_key(element: etree._Element) -> MatchKey | None:
    ret = qb.parse_receive_payment_ret(element)
    customer = ret.customer.full_name if ret.customer is not None else None
    if not customer or not ret.ref_number:
        return None
    return _key(customer, ret.ref_number, ret.txn_date, ret.total_amount)


def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
    """One ReceivePaymentQuery for every RefNumber; ret_key narrows by customer, date, amount."""
    numbers = list(dict.fromkeys(k[1] for k in keys))
    return qb.receive_payment_query(env.ctx, ref_numbers=numbers)


def reread(qb_id: str, env: SyncEnv) -> etree._Element:
    return qb.receive_payment_query(env.ctx, txn_ids=[qb_id])


SPEC = ExportSpec(
    entity="payment",
    kind="payment",
    qb_object="Payment",
    build=_build,
    read=txn_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="payment_export",
    is_txn=True,
    depends=depends,
)
