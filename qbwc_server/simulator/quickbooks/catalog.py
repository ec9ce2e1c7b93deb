"""The table that drives the engine: every list and transaction type the fake company holds.

Each entry says which Ret element it writes, how it is named, which name space its names share
(Customer, Vendor, Employee and OtherName share one; all item types share one; both types of
terms share one), which requests it answers, and how long its names may be. References are
described once, by element name, for every type.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

LIST_QUERY = "Query"
ADD_MOD_QUERY = frozenset({"Add", "Mod", "Query"})


@dataclass(frozen=True)
class ObjectType:
    """One list or transaction type of the company file."""

    name: str
    namespace: str = ""
    name_field: str = "Name"
    hierarchical: bool = False
    ops: frozenset[str] = frozenset({LIST_QUERY})
    max_name: int = 31
    max_full_name: int = 159
    is_txn: bool = False
    group: str = ""  # the shared query (ItemQuery, TermsQuery) it also answers
    lines: tuple[str, ...] = ()  # Ret line aggregates of a transaction
    entity_ref: str = ""  # the reference EntityFilter looks at

    @property
    def ret(self) -> str:
        return f"{self.name}Ret"

    @property
    def id_field(self) -> str:
        return "TxnID" if self.is_txn else "ListID"

    @property
    def space(self) -> str:
        return self.namespace or self.name


def _item(
    name: str, *, ops: frozenset[str] = frozenset({LIST_QUERY}), tree: bool = True
) -> ObjectType:
    return ObjectType(name, "Item", hierarchical=tree, ops=ops, group="Item")


_TYPES: Final = (
    ObjectType("Account", hierarchical=True),
    ObjectType(
        "Customer", "Entity", hierarchical=True, ops=ADD_MOD_QUERY, max_name=41, max_full_name=209
    ),
    ObjectType("Vendor", "Entity", ops=ADD_MOD_QUERY, max_name=41, max_full_name=41),
    ObjectType("Employee", "Entity", ops=ADD_MOD_QUERY, max_name=41, max_full_name=41),
    ObjectType("OtherName", "Entity", max_name=41, max_full_name=41),
    ObjectType("SalesRep", name_field="Initial", ops=ADD_MOD_QUERY, max_name=5, max_full_name=5),
    _item("ItemService", ops=ADD_MOD_QUERY),
    _item("ItemNonInventory"),
    _item("ItemOtherCharge"),
    _item("ItemInventory"),
    _item("ItemDiscount"),
    _item("ItemSubtotal", tree=False),
    _item("ItemSalesTax", tree=False),
    ObjectType("Class", hierarchical=True, ops=ADD_MOD_QUERY),
    ObjectType(
        "StandardTerms", "Terms", ops=frozenset({"Add", "Query"}), max_full_name=31, group="Terms"
    ),
    ObjectType(
        "DateDrivenTerms", "Terms", ops=frozenset({"Add", "Query"}), max_full_name=31, group="Terms"
    ),
    ObjectType("SalesTaxCode", max_name=3, max_full_name=3),
    ObjectType("PaymentMethod"),
    ObjectType(
        "Invoice",
        is_txn=True,
        ops=ADD_MOD_QUERY,
        lines=("InvoiceLineRet",),
        entity_ref="CustomerRef",
    ),
    ObjectType(
        "CreditMemo",
        is_txn=True,
        ops=ADD_MOD_QUERY,
        lines=("CreditMemoLineRet",),
        entity_ref="CustomerRef",
    ),
    ObjectType(
        "ReceivePayment",
        is_txn=True,
        ops=ADD_MOD_QUERY,
        lines=("AppliedToTxnRet",),
        entity_ref="CustomerRef",
    ),
    ObjectType(
        "Bill",
        is_txn=True,
        ops=ADD_MOD_QUERY,
        lines=("ExpenseLineRet", "ItemLineRet"),
        entity_ref="VendorRef",
    ),
)
OBJECT_TYPES: Final = MappingProxyType({otype.name: otype for otype in _TYPES})
GROUPS: Final = MappingProxyType(
    {group: tuple(k for k in _TYPES if k.group == group) for group in ("Item", "Terms")}
)
ENTITY_TYPES: Final = ("Customer", "Vendor", "Employee", "OtherName")
ITEM_TYPES: Final = GROUPS["Item"]

# Reference element -> (what QuickBooks calls it in messages, the object types it may point at).
_ACCOUNT = ("Account", ("Account",))
REFS: Final = MappingProxyType(
    {
        "CustomerRef": ("Customer", ("Customer",)),
        "VendorRef": ("Vendor", ("Vendor",)),
        "PrefVendorRef": ("Vendor", ("Vendor",)),
        "TaxVendorRef": ("Vendor", ("Vendor",)),
        "SupervisorRef": ("Employee", ("Employee",)),
        "SalesRepEntityRef": ("Entity", ("Employee", "Vendor", "OtherName")),
        "ClassRef": ("Class", ("Class",)),
        "DiscountClassRef": ("Class", ("Class",)),
        "TermsRef": ("Terms", ("StandardTerms", "DateDrivenTerms")),
        "SalesRepRef": ("SalesRep", ("SalesRep",)),
        "SalesTaxCodeRef": ("SalesTaxCode", ("SalesTaxCode",)),
        "CustomerSalesTaxCodeRef": ("SalesTaxCode", ("SalesTaxCode",)),
        "PurchaseTaxCodeRef": ("SalesTaxCode", ("SalesTaxCode",)),
        "ItemSalesTaxRef": ("ItemSalesTax", ("ItemSalesTax",)),
        "ItemRef": ("Item", tuple(k.name for k in ITEM_TYPES)),
        "PaymentMethodRef": ("PaymentMethod", ("PaymentMethod",)),
        "AccountRef": _ACCOUNT,
        "ARAccountRef": _ACCOUNT,
        "APAccountRef": _ACCOUNT,
        "DepositToAccountRef": _ACCOUNT,
        "IncomeAccountRef": _ACCOUNT,
        "ExpenseAccountRef": _ACCOUNT,
        "COGSAccountRef": _ACCOUNT,
        "AssetAccountRef": _ACCOUNT,
        "DiscountAccountRef": _ACCOUNT,
        "OverrideItemAccountRef": _ACCOUNT,
    }
)


def request_type(tag: str) -> tuple[str, str] | None:
    """Split a request tag such as ``CustomerAddRq`` into (``Customer``, ``Add``)."""
    if not tag.endswith("Rq"):
        return None
    body = tag[:-2]
    for op in ("Add", "Mod", "Query"):
        if body.endswith(op):
            return body[: -len(op)], op
    return None
