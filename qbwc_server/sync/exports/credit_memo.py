"""Credit memos: an app credit memo becomes a QuickBooks CreditMemo on its project's job.

Pushed only while credit_memo_export is on (off by default). Shaped like an invoice: the same
lines, dependencies and match before add (RefNumber plus Customer:Job), and a Mod sends every
line as new (TxnLineID "-1"), so QuickBooks keeps exactly the app's lines (see invoice.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from qbwc_server.sync.exports import invoice
from qbwc_server.sync.exports._spec import ExportSpec, MatchKey, txn_ids
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import credit_memo as qb
from qbxml.context import Identity


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    # mark_invoices_to_print names invoices only: a credit memo's IsToBePrinted is left out.
    rec = invoice.sales_document(qb.CreditMemo, data, env, "credit memo")
    if ident is None:
        return qb.credit_memo_add(rec, env.ctx)
    return qb.credit_memo_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    return invoice.document_key(data, env, "CreditMemoAdd/RefNumber")


def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
    """One CreditMemoQuery for every RefNumber; the customer is compared on the answers."""
    return qb.credit_memo_query(env.ctx, ref_numbers=invoice.ref_numbers(keys))


def reread(qb_id: str, env: SyncEnv) -> etree._Element:
    return qb.credit_memo_query(env.ctx, txn_ids=[qb_id])


SPEC = ExportSpec(
    entity="credit_memo",
    kind="credit_memo",
    qb_object="Credit memo",
    build=_build,
    read=txn_ids,
    match_key=match_key,
    ret_key=invoice.ret_key,
    lookup=lookup,
    reread=reread,
    setting="credit_memo_export",
    is_txn=True,
    depends=invoice.depends,
)
