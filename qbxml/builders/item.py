"""ItemServiceAdd, ItemServiceMod and ItemQuery requests, and parsing of every item Ret type.

The app's invoice items are pushed as QuickBooks service items (description, rate, income
account, class, taxable). On import, ItemQuery answers with any of twelve item kinds; all of
them are read into one ItemRet with ``item_type`` and the fields the app can use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, get_args

from lxml import etree

from qbxml.builders._list import (
    FULL_NAME_MAX,
    ActiveStatus,
    Iterator,
    add_list_identity,
    add_list_ref,
    add_name,
    checked_price,
    list_query,
)
from qbxml.children import Children, Node
from qbxml.context import BuildContext, Identity, Ref, add_bool, add_decimal, add_text, request, sub
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import (
    RefValue,
    bool_of,
    datetime_of,
    decimal_of,
    int_of,
    ref_of,
    text_of,
)
from qbxml.values import parse_decimal

# xsd:maxLength in qbxml130.xsd (the same in 12.0) for ItemServiceAdd / ItemServiceMod.
NAME_MAX = 31  # ItemServiceAdd/Name
DESC_MAX = 4095  # SalesOrPurchase/Desc
SALES_TAX_CODE_REF_MAX = 3  # SalesTaxCodeListRef FullName
LIST_REF_MAX = FULL_NAME_MAX  # ListRef FullName: ClassRef, AccountRef; ParentRef (item FullName)
TAXABLE_CODE = "Tax"
NON_TAXABLE_CODE = "Non"

ItemType = Literal[
    "Service",
    "NonInventory",
    "OtherCharge",
    "Inventory",
    "InventoryAssembly",
    "FixedAsset",
    "Subtotal",
    "Discount",
    "Payment",
    "SalesTax",
    "SalesTaxGroup",
    "Group",
]
ITEM_TYPES: tuple[ItemType, ...] = get_args(ItemType)


@dataclass(frozen=True)
class ServiceItem:
    """An app item (name, description, rate, income account, class, taxable) for QuickBooks.

    ``sales_tax_code``, when given, wins over ``taxable`` (which picks the "Tax" or "Non" code).
    """

    name: str
    description: str | None = None
    price: Decimal | None = None
    income_account: Ref | None = None
    class_ref: Ref | None = None
    parent: Ref | None = None
    taxable: bool | None = None
    sales_tax_code: Ref | None = None
    is_active: bool | None = None


def _tax_code(rec: ServiceItem) -> Ref | None:
    if rec.sales_tax_code is not None:
        return rec.sales_tax_code
    if rec.taxable is None:
        return None
    return Ref(full_name=TAXABLE_CODE if rec.taxable else NON_TAXABLE_CODE)


def _item_body(ctx: BuildContext, body: etree._Element, rec: ServiceItem, mod: bool) -> None:
    add_name(ctx, body, rec.name, NAME_MAX)
    add_bool(body, "IsActive", rec.is_active)
    add_list_ref(ctx, body, "ClassRef", rec.class_ref, LIST_REF_MAX)
    add_list_ref(ctx, body, "ParentRef", rec.parent, LIST_REF_MAX)
    add_list_ref(ctx, body, "SalesTaxCodeRef", _tax_code(rec), SALES_TAX_CODE_REF_MAX)
    price = checked_price(rec.price, f"{body.tag}/SalesOrPurchase/Price")
    if not mod and rec.income_account is None:
        # QuickBooks refuses a service item without an account to post its sales to.
        raise BuildError(f"{body.tag} needs an income account (SalesOrPurchase/AccountRef)")
    sales = sub(body, "SalesOrPurchaseMod" if mod else "SalesOrPurchase")
    add_text(ctx, sales, "Desc", rec.description, DESC_MAX, multiline=True)
    add_decimal(sales, "Price", price)
    add_list_ref(ctx, sales, "AccountRef", rec.income_account, LIST_REF_MAX)
    if len(sales) == 0:
        body.remove(sales)


def item_add(rec: ServiceItem, ctx: BuildContext) -> etree._Element:
    """ItemServiceAddRq for an app item."""
    element = request("ItemServiceAddRq")
    _item_body(ctx, sub(element, "ItemServiceAdd"), rec, mod=False)
    return element


def item_mod(rec: ServiceItem, ident: Identity, ctx: BuildContext) -> etree._Element:
    """ItemServiceModRq setting the linked service item's fields to the app's."""
    element = request("ItemServiceModRq")
    body = sub(element, "ItemServiceMod")
    add_list_identity(body, ident)
    _item_body(ctx, body, rec, mod=True)
    return element


def item_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    include_ret_elements: Sequence[str] = (),
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """ItemQueryRq (every item kind) by ListIDs, FullNames or filters, with an iterator."""
    return list_query(
        ctx,
        "ItemQueryRq",
        full_name_max=FULL_NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
        include_ret_elements=include_ret_elements,
        iterator=iterator,
        iterator_id=iterator_id,
        allow_iterator=True,
    )


@dataclass(frozen=True)
class ItemRet:
    """Any item Ret as typed values; fields a kind does not have are None.

    ``description``/``price``/``income_account`` are what a sales line uses: Desc, Price and
    AccountRef (SalesOrPurchase, discount items), SalesDesc, SalesPrice and IncomeAccountRef
    (SalesAndPurchase, inventory), ItemDesc (subtotal, payment, tax and group items).
    ``price_percent`` is PricePercent, DiscountRatePercent or TaxRate. ``full_name`` falls back
    to Name for kinds that have no FullName (they cannot have parents).
    """

    item_type: ItemType
    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    full_name: str | None
    is_active: bool | None
    class_ref: RefValue | None
    parent: RefValue | None
    sublevel: int | None
    sales_tax_code: RefValue | None
    description: str | None
    price: Decimal | None
    price_percent: Decimal | None
    income_account: RefValue | None
    purchase_description: str | None
    purchase_cost: Decimal | None
    expense_account: RefValue | None
    quantity_on_hand: Decimal | None
    special_item_type: str | None


def _percent_of(el: Node, path: str) -> Decimal | None:
    """A PERCENTTYPE child, tolerating one trailing "%" (seen in the wild: "18.0%")."""
    raw = text_of(el, path)
    if raw is None:
        return None
    text = raw.strip()
    if text.endswith("%") and text[:-1].strip():
        text = text[:-1]
    return parse_decimal(text, field=f"{el.tag}/{path}")


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v is not None), None)


def parse_item_ret(element: etree._Element) -> ItemRet:
    """Read any of the twelve item Ret elements ItemQuery (or an item Add/Mod) returns."""
    el = Children(element)
    tag = str(el.tag)
    kind = tag[4:-3] if tag.startswith("Item") and tag.endswith("Ret") else ""
    if kind not in ITEM_TYPES:
        raise ResponseError(f"<{tag}> is not an item Ret element")
    item_type: ItemType = next(t for t in ITEM_TYPES if t == kind)
    sp = "SalesOrPurchase"
    sap = "SalesAndPurchase"
    fa = "FixedAssetSalesInfo"
    name = text_of(el, "Name")
    return ItemRet(
        item_type=item_type,
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=name,
        full_name=_first(text_of(el, "FullName"), name),
        is_active=bool_of(el, "IsActive"),
        class_ref=ref_of(el, "ClassRef"),
        parent=ref_of(el, "ParentRef"),
        sublevel=int_of(el, "Sublevel"),
        sales_tax_code=ref_of(el, "SalesTaxCodeRef"),
        description=_first(
            text_of(el, f"{sp}/Desc"),
            text_of(el, f"{sap}/SalesDesc"),
            text_of(el, "SalesDesc"),
            text_of(el, "ItemDesc"),
            text_of(el, f"{fa}/SalesDesc"),
        ),
        price=_first_decimal(
            decimal_of(el, f"{sp}/Price"),
            decimal_of(el, f"{sap}/SalesPrice"),
            decimal_of(el, "SalesPrice"),
            decimal_of(el, "DiscountRate"),
            decimal_of(el, f"{fa}/SalesPrice"),
        ),
        price_percent=_first_decimal(
            _percent_of(el, f"{sp}/PricePercent"),
            _percent_of(el, "DiscountRatePercent"),
            _percent_of(el, "TaxRate"),
        ),
        income_account=_first_ref(
            ref_of(el, f"{sp}/AccountRef"),
            ref_of(el, f"{sap}/IncomeAccountRef"),
            ref_of(el, "IncomeAccountRef"),
            ref_of(el, "AccountRef"),
        ),
        purchase_description=_first(
            text_of(el, f"{sap}/PurchaseDesc"), text_of(el, "PurchaseDesc")
        ),
        purchase_cost=_first_decimal(
            decimal_of(el, f"{sap}/PurchaseCost"), decimal_of(el, "PurchaseCost")
        ),
        expense_account=_first_ref(
            ref_of(el, f"{sap}/ExpenseAccountRef"), ref_of(el, "COGSAccountRef")
        ),
        quantity_on_hand=decimal_of(el, "QuantityOnHand"),
        special_item_type=text_of(el, "SpecialItemType"),
    )


def _first_decimal(*values: Decimal | None) -> Decimal | None:
    return next((v for v in values if v is not None), None)


def _first_ref(*values: RefValue | None) -> RefValue | None:
    return next((v for v in values if v is not None), None)
