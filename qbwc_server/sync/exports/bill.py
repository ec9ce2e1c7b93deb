"""Bills: an app bill (expense) becomes a QuickBooks Bill from its vendor, charged to the job.

Every line carries the project's Customer:Job, so the cost lands on the job: a line with an
account_id is an expense line (the imported account by its ListID), one with an item_id an
item line. Only bills whose status the ``expense_export_status`` setting exports go out
("paid", or "paid" and "approved"); a pending bill never does. Matched before the first Add by
vendor and RefNumber (the vendor's bill number); a bill without a number is simply added.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports import vendor
from qbwc_server.sync.exports._common import day
from qbwc_server.sync.exports._spec import Dependency, ExportSpec, MatchKey, cleaned, txn_ids
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import bill as qb
from qbxml.context import Identity, Ref

EXPORTED_STATUSES = {"paid": ("paid",), "paid_and_approved": ("paid", "approved")}


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    needs = [
        Dependency("vendor", str(data["vendor_id"])),
        Dependency("project", str(data["project_id"])),
    ]
    for line in data.get("lines") or []:
        if line.get("item_id"):
            needs.append(Dependency("item", str(line["item_id"])))
        if line.get("class_id"):
            needs.append(Dependency("class", str(line["class_id"])))
    return needs


def excluded(data: dict[str, Any], settings: dict[str, Any]) -> str | None:
    """Why the bill is not exported: its status is not one the setting exports."""
    setting = str(settings.get("expense_export_status") or "paid")
    allowed = EXPORTED_STATUSES.get(setting, ("paid",))
    status = str(data.get("status"))
    if status in allowed:
        return None
    return (
        f"its status is {status!r} and the company setting expense_export_status is "
        f"{setting!r}, which exports only {' and '.join(repr(s) for s in allowed)} bills"
    )


def _ref(env: SyncEnv, kind: str, record_id: Any, why: str) -> Ref:
    """A reference to a linked record; MissingRecord naming the bill when it does not exist."""
    env.refs.record(kind, str(record_id), needed_by="the bill")
    return env.refs.ref(kind, str(record_id), why=why)


def _lines(
    data: dict[str, Any], env: SyncEnv, job: Ref
) -> tuple[tuple[qb.ExpenseLine, ...], tuple[qb.ItemLine, ...]]:
    expenses: list[qb.ExpenseLine] = []
    items: list[qb.ItemLine] = []
    for line in data.get("lines") or []:
        amount = Decimal(str(line["amount"]))
        class_id = line.get("class_id")
        class_ref = _ref(env, "class", class_id, "a line's class") if class_id else None
        if line.get("account_id"):
            why = "accounts come from an import of QuickBooks' chart of accounts"
            account = _ref(env, "account", line["account_id"], why)
            expenses.append(
                qb.ExpenseLine(account, amount, line.get("description"), job, class_ref)
            )
        else:
            item = _ref(env, "item", line["item_id"], "a line's item must be in QuickBooks first")
            items.append(
                qb.ItemLine(
                    item, amount, line.get("description"), customer=job, class_ref=class_ref
                )
            )
    return tuple(expenses), tuple(items)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    supplier = _ref(
        env, "vendor", data["vendor_id"], "the bill's vendor must be in QuickBooks first"
    )
    job = _ref(env, "project", data["project_id"], "the bill's lines charge the project's job")
    expenses, items = _lines(data, env, job)
    rec = qb.Bill(
        vendor=supplier,
        txn_date=date.fromisoformat(str(data["date"])),
        expense_lines=expenses,
        item_lines=items,
        due_date=day(data.get("due_date")),
        ref_number=data.get("number"),
        memo=data.get("memo"),
    )
    if ident is None:
        return qb.bill_add(rec, env.ctx)
    return qb.bill_mod(rec, ident, env.ctx)


def vendor_full_name(data: dict[str, Any], env: SyncEnv) -> str:
    """The bill's vendor as QuickBooks names it: from its link, else as it would be added."""
    vendor_id = str(data["vendor_id"])
    link = env.refs.link("vendor", vendor_id)
    if link is not None and link.full_name:
        return link.full_name
    record = env.refs.record("vendor", vendor_id, needed_by="the bill")
    return vendor.match_key(record, env, "")[0]


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    """(vendor FullName, RefNumber); None for a bill without a number, or whose vendor is
    missing (its export then fails naming it)."""
    number = data.get("number")
    if not number:
        return None
    try:
        supplier = vendor_full_name(data, env)
    except SyncError:
        return None
    return (supplier, cleaned(env, "BillAdd/RefNumber", str(number), qb.REF_NUMBER_MAX))


def ret_key(element: etree._Element) -> MatchKey | None:
    ret = qb.parse_bill_ret(element)
    supplier = ret.vendor.full_name if ret.vendor is not None else None
    if not supplier or not ret.ref_number:
        return None
    return (supplier, ret.ref_number)


def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
    """One BillQuery for every RefNumber; ret_key narrows by vendor."""
    return qb.bill_query(env.ctx, ref_numbers=list(dict.fromkeys(k[1] for k in keys)))


def reread(qb_id: str, env: SyncEnv) -> etree._Element:
    return qb.bill_query(env.ctx, txn_ids=[qb_id])


SPEC = ExportSpec(
    entity="bill",
    kind="bill",
    qb_object="Bill",
    build=_build,
    read=txn_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting="bill_export",
    is_txn=True,
    depends=depends,
    excluded=excluded,
)
