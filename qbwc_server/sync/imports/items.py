"""Items: every item type ItemQuery returns, two-way with the app's invoice items.

A linked app item takes QuickBooks' name, description, rate, income account, class and
taxable flag. An item created in QuickBooks comes in as ``qb-<ListID>`` with the same fields,
and what only QuickBooks has (its type, purchase side, quantity on hand...) under
"quickbooks".
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped, paged
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import money
from qbxml.builders import item as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow

TAXABLE = {"tax": True, "non": False}


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return paged(qb.item_query, ctx, ask, first={"active_status": "All"})


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_item_ret(element)
    if not ret.list_id:
        raise ResponseError(f"an {element.tag} without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.full_name, ret.time_modified, ret)


def refs(ret: qb.ItemRet) -> list[str]:
    found = (ret.income_account, ret.expense_account, ret.class_ref, ret.parent)
    return [r.list_id for r in found if r is not None and r.list_id]


def fields(ret: qb.ItemRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    data: dict[str, Any] = {
        "name": ret.name,
        "description": ret.description,
        "rate": money(ret.price),
        "income_account_id": page.ref("account", ret.income_account),
        "class_id": page.ref("class", ret.class_ref),
    }
    code = ret.sales_tax_code
    if code is None:
        data["taxable"] = None
    elif (code.full_name or "").casefold() in TAXABLE:
        data["taxable"] = TAXABLE[(code.full_name or "").casefold()]
    # Another code (say "Out") says nothing the app's taxable flag can hold: left as it is.
    extra = {
        "item_type": ret.item_type,
        "full_name": ret.full_name,
        "is_active": ret.is_active,
        "parent_id": page.ref("item", ret.parent),
        "sales_tax_code": code.full_name if code is not None else None,
        "price_percent": ret.price_percent,
        "purchase_description": ret.purchase_description,
        "purchase_cost": ret.purchase_cost,
        "expense_account_id": page.ref("account", ret.expense_account),
        "quantity_on_hand": ret.quantity_on_hand,
        "special_item_type": ret.special_item_type,
    }
    return Mapped(data, extra)


SPEC = ImportSpec(
    name="items",
    kind="item",
    query=query,
    read=read,
    fields=fields,
    refs=refs,
    iterates=True,
)
