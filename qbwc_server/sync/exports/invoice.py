"""Invoices: an app invoice becomes a QuickBooks Invoice on its project's Customer:Job.

1-way push while invoice_export is on. Before the first Add, an invoice a bookkeeper already
typed with the same RefNumber for the same Customer:Job is linked instead (one InvoiceQuery
for all the RefNumbers). The sales-document parts here are shared with credit_memo.py.

Lines of a Mod: the link keeps no TxnLineIDs, so every line is sent with TxnLineID "-1"
(new). QuickBooks deletes the lines an InvoiceMod does not list, so the invoice ends up with
exactly the app's lines (the app is the truth); only the lines' TxnLineIDs change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports import job
from qbwc_server.sync.exports._common import day, money
from qbwc_server.sync.exports._spec import (
    Dependency,
    ExportSpec,
    MatchKey,
    cleaned,
    txn_ids,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import invoice as qb
from qbxml.context import Identity
from qbxml.responses import text_of

Doc = TypeVar("Doc", bound=qb.SalesDocument)


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    """The job, every line's item, the classes (document and lines) and the terms."""
    lines = data.get("lines") or []
    needs = [Dependency("project", str(data["project_id"]))]
    needs += [Dependency("item", i) for i in dict.fromkeys(str(x["item_id"]) for x in lines)]
    classes = [data.get("class_id")] + [x.get("class_id") for x in lines]
    needs += [Dependency("class", str(c)) for c in dict.fromkeys(c for c in classes if c)]
    if data.get("terms_id"):
        needs.append(Dependency("terms", str(data["terms_id"])))
    return needs


def _what(data: dict[str, Any], word: str) -> str:
    return f"{word} {data.get('number') or ''}".rstrip()


def sales_lines(data: dict[str, Any], env: SyncEnv, word: str) -> tuple[qb.SalesLine, ...]:
    """The document's lines; a line naming an item that does not exist fails, naming it."""
    lines = []
    for number, line in enumerate(data.get("lines") or [], start=1):
        item_id = str(line["item_id"])
        where = f"line {number} of {_what(data, word)}"
        env.refs.record("item", item_id, needed_by=where)
        lines.append(
            qb.SalesLine(
                item=env.refs.ref("item", item_id, why=f"{where} names it"),
                amount=Decimal(str(line["amount"])),
                description=line.get("description"),
                quantity=money(line.get("quantity")),
                rate=money(line.get("rate")),
                class_ref=env.refs.optional_ref("class", line.get("class_id")),
            )
        )
    return tuple(lines)


def sales_document(
    cls: type[Doc], data: dict[str, Any], env: SyncEnv, word: str, **extra: Any
) -> Doc:
    """An Invoice or CreditMemo from an app invoice-shaped record (absent fields are None)."""
    project_id = str(data["project_id"])
    env.refs.record("project", project_id, needed_by=_what(data, word))
    why = f"the {word}'s job must be in QuickBooks first"
    return cls(
        customer=env.refs.ref("project", project_id, why=why),
        txn_date=date.fromisoformat(str(data["date"])),
        lines=sales_lines(data, env, word),
        ref_number=data.get("number"),
        class_ref=env.refs.optional_ref("class", data.get("class_id")),
        po_number=data.get("po_number"),
        terms=env.refs.optional_ref("terms", data.get("terms_id")),
        due_date=day(data.get("due_date")),
        memo=data.get("memo"),
        **extra,
    )


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    # Setting off: IsToBePrinted is left out, so QuickBooks keeps its own default on an Add
    # and what the bookkeeper chose on a Mod.
    printed = True if env.settings.get("mark_invoices_to_print") else None
    rec = sales_document(qb.Invoice, data, env, "invoice", to_be_printed=printed)
    if ident is None:
        return qb.invoice_add(rec, env.ctx)
    return qb.invoice_mod(rec, ident, env.ctx)


def customer_full_name(project_id: str, env: SyncEnv) -> str | None:
    """The job's FullName: from its link, else as the job would be added; None if unknown."""
    link = env.refs.link("project", project_id)
    if link is not None and link.full_name:
        return link.full_name
    project = env.refs.find("project", project_id)
    if project is None:
        return None
    try:
        return job.full_name(project, env, suffix="")
    except SyncError:
        return None  # e.g. its customer is missing: the export itself fails, saying so


def document_key(data: dict[str, Any], env: SyncEnv, path: str) -> MatchKey | None:
    """(RefNumber as the Add cleans it, the Customer:Job's FullName); None when unknown.

    Never raises: one lookup serves many documents, and an error would fail them all."""
    number, project_id = data.get("number"), data.get("project_id")
    if not number or not project_id:
        return None
    customer = customer_full_name(str(project_id), env)
    ref_number = cleaned(env, path, str(number), qb.REF_NUMBER_MAX)
    return None if customer is None or not ref_number else (ref_number, customer)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    return document_key(data, env, "InvoiceAdd/RefNumber")


def ret_key(element: etree._Element) -> MatchKey | None:
    """(RefNumber, CustomerRef/FullName) of an InvoiceRet or CreditMemoRet."""
    ref_number = text_of(element, "RefNumber")
    customer = text_of(element, "CustomerRef/FullName")
    return None if not ref_number or not customer else (ref_number, customer)


def ref_numbers(keys: Sequence[MatchKey]) -> list[str]:
    """Each RefNumber once (two customers may use the same number)."""
    return list(dict.fromkeys(k[0] for k in keys))


def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
    """One InvoiceQuery for every RefNumber; the customer is compared on the answers."""
    return qb.invoice_query(env.ctx, ref_numbers=ref_numbers(keys))


def reread(qb_id: str, env: SyncEnv) -> etree._Element:
    return qb.invoice_query(env.ctx, txn_ids=[qb_id])


SPEC = ExportSpec(
    entity="invoice",
    kind="invoice",
    qb_object="Invoice",
    build=_build,
    read=txn_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="invoice_export",
    is_txn=True,
    depends=depends,
)
