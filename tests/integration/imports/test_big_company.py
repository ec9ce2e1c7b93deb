"""A large company file imports with QuickBooks' counts, a page at a time, and a repeated
import after three changes fetches exactly those three objects."""

from __future__ import annotations

import time
from typing import Any

from tests.integration.imports.support import RetCounter, edit, import_, records
from tests.support.inprocess import Harness

KINDS = {
    "accounts": ("account", "Account"),
    "items": ("item", "Item"),
    "classes": ("class", "Class"),
    "terms": ("terms", "Terms"),
    "sales_tax_codes": ("sales_tax_code", "SalesTaxCode"),
    "vendors": ("vendor", "Vendor"),
}
ACCOUNT_TYPES = ("Income", "Expense", "CostOfGoodsSold", "OtherCurrentAsset", "OtherExpense")


def big_company() -> dict[str, Any]:
    """1,200 accounts, 2,500 items of seven types, 40 classes, 8 terms (5 standard and 3
    date-driven), 4 sales tax codes and 150 vendors."""
    accounts: list[dict[str, Any]] = [
        {"Name": "Sales", "AccountType": "Income"},
        {"Name": "Materials", "AccountType": "CostOfGoodsSold"},
        {"Name": "Inventory Asset", "AccountType": "OtherCurrentAsset"},
        {"Name": "Sales Tax Payable", "AccountType": "OtherCurrentLiability"},
    ]
    accounts += [
        {"Name": f"Account {n:04d}", "AccountType": ACCOUNT_TYPES[n % len(ACCOUNT_TYPES)]}
        for n in range(1, 1197)
    ]
    sales = {"AccountRef": {"FullName": "Sales"}}
    both = {
        "IncomeAccountRef": {"FullName": "Sales"},
        "ExpenseAccountRef": {"FullName": "Materials"},
    }
    items: dict[str, list[dict[str, Any]]] = {
        "ItemService": [
            {"Name": f"Service {n:04d}", "SalesOrPurchase": {"Price": f"{n % 90 + 10}.00", **sales}}
            for n in range(1000)
        ],
        "ItemNonInventory": [
            {"Name": f"Material {n:04d}", "SalesAndPurchase": {"SalesPrice": "4.50", **both}}
            for n in range(600)
        ],
        "ItemOtherCharge": [
            {"Name": f"Charge {n:04d}", "SalesOrPurchase": {"Price": "25.00", **sales}}
            for n in range(400)
        ],
        "ItemInventory": [
            {
                "Name": f"Stock {n:04d}",
                "SalesPrice": "12.00",
                "IncomeAccountRef": {"FullName": "Sales"},
                "COGSAccountRef": {"FullName": "Materials"},
                "AssetAccountRef": {"FullName": "Inventory Asset"},
            }
            for n in range(300)
        ],
        "ItemDiscount": [
            {
                "Name": f"Discount {n:03d}",
                "DiscountRate": "5.00",
                "AccountRef": {"FullName": "Sales"},
            }
            for n in range(100)
        ],
        "ItemSubtotal": [{"Name": f"Subtotal {n:03d}"} for n in range(50)],
        "ItemSalesTax": [{"Name": f"Tax {n:03d}", "TaxRate": "7.25"} for n in range(50)],
    }
    classes: list[dict[str, Any]] = [{"Name": f"Class {n:02d}"} for n in range(20)]
    classes += [
        {"Name": f"Sub {n:02d}", "ParentRef": {"FullName": f"Class {n:02d}"}} for n in range(20)
    ]
    return {
        "Account": accounts,
        "Vendor": [{"Name": f"Vendor {n:03d}", "Phone": f"555-{n:04d}"} for n in range(150)],
        "SalesTaxCode": [
            {"Name": "Tax", "IsTaxable": "true"},
            {"Name": "Non", "IsTaxable": "false"},
            {"Name": "Out", "IsTaxable": "false", "Desc": "Out of state"},
            {"Name": "Res", "IsTaxable": "false", "Desc": "Resale"},
        ],
        "Class": classes,
        "StandardTerms": [{"Name": f"Net {d}", "StdDueDays": str(d)} for d in (10, 15, 30, 45)]
        + [
            {
                "Name": "2% 10 Net 30",
                "StdDueDays": "30",
                "StdDiscountDays": "10",
                "DiscountPct": "2",
            }
        ],
        "DateDrivenTerms": [
            {"Name": f"Due the {d}th", "DayOfMonthDue": str(d), "DueNextMonthDays": "5"}
            for d in (10, 15, 25)
        ],
        **items,
    }


def test_a_big_company_imports_with_quickbooks_counts(harness: Harness) -> None:
    h = harness
    seed = big_company()
    h.qb.seed(seed)
    counter = RetCounter(h)
    started = time.monotonic()
    run = import_(h, *KINDS)
    took = time.monotonic() - started
    expected = {"account": 1200, "item": 2500, "class": 40, "terms": 8, "sales_tax_code": 4}
    expected["vendor"] = 150
    for kind, (record_kind, qb_type) in KINDS.items():
        assert len(h.qb.find(qb_type)) == expected[record_kind], kind
        assert len(records(h, record_kind)) == expected[record_kind], kind
    assert counter.total == sum(expected.values())
    item_types = {r.data["quickbooks"]["item_type"] for r in records(h, "item").values()}
    assert item_types == {
        "Service",
        "NonInventory",
        "OtherCharge",
        "Inventory",
        "Discount",
        "Subtotal",
        "SalesTax",
    }
    # Items come 500 at a time: one Start and four Continues of the same iterator.
    item_pages = [x for x in run.requests if "<ItemQueryRq" in x]
    assert len(item_pages) == 5 and sum('iterator="Continue"' in x for x in item_pages) == 4
    assert took < 120, f"the import took {took:.1f} s"

    # Three changes in QuickBooks: the next import of every kind fetches those three only.
    [svc] = h.qb.find("ItemService", Name="Service 0042")
    [vendor] = h.qb.find("Vendor", Name="Vendor 077")
    [sub] = h.qb.find("Class", Name="Sub 05")
    edit(h, "ItemService", svc["ListID"], Name="Service 0042 (renamed)")
    edit(h, "Vendor", vendor["ListID"], Phone="555-7777")
    edit(h, "Class", sub["ListID"], Name="Sub 05 (renamed)")
    again = RetCounter(h)
    import_(h, *KINDS)
    assert again.total == 3, again.rets
    assert again.rets == {"ItemServiceRet": 1, "VendorRet": 1, "ClassRet": 1}
    assert records(h, "item")[f"qb-{svc['ListID']}"].data["name"] == "Service 0042 (renamed)"
    assert records(h, "vendor")[f"qb-{vendor['ListID']}"].data["phone"] == "555-7777"
    assert records(h, "class")[f"qb-{sub['ListID']}"].data["name"] == "Sub 05 (renamed)"
    assert len(records(h, "item")) == 2500 and len(records(h, "account")) == 1200
