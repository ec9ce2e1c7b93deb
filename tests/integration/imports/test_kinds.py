"""Each of the nine import kinds reads QuickBooks' objects into records, with QuickBooks'
counts, the app's field names and links; a second import asks only for what changed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.integration.imports.support import RetCounter, edit, feed, import_, messages, records
from tests.support.inprocess import Harness

DEMO = FIXTURES / "simulator" / "demo-company.json"
LISTS = {
    "accounts": ("account", "Account"),
    "items": ("item", "Item"),
    "classes": ("class", "Class"),
    "terms": ("terms", "Terms"),
    "sales_tax_codes": ("sales_tax_code", "SalesTaxCode"),
    "vendors": ("vendor", "Vendor"),
}


def _seeded(h: Harness, path: Path = DEMO) -> Harness:
    h.qb.seed(path)
    return h


def test_every_list_kind_imports_with_quickbooks_counts(harness: Harness) -> None:
    h = _seeded(harness)
    import_(h, *LISTS)
    for kind, (record_kind, qb_type) in LISTS.items():
        found = records(h, record_kind)
        objects = h.qb.find(qb_type)
        assert len(found) == len(objects) > 0, kind
        assert set(found) == {f"qb-{o['ListID']}" for o in objects}, kind
        assert all(r.origin == "quickbooks" for r in found.values())
        for obj in objects:
            link = h.link(record_kind, f"qb-{obj['ListID']}")
            assert (link.qb_id, link.edit_sequence) == (obj["ListID"], obj["EditSequence"])
    assert sorted(messages(h, "imported")) == sorted(
        f"Imported {kind}: {len(h.qb.find(qb))} added, 0 updated, 0 unchanged"
        for kind, (_, qb) in LISTS.items()
    )
    imported = [e for e in feed(h) if e[0] == "imported"]
    assert len(imported) == sum(len(h.qb.find(qb)) for _, qb in LISTS.values())


def test_imported_lists_use_the_apps_field_names_and_ids(harness: Harness) -> None:
    h = _seeded(harness)
    import_(h, *LISTS)
    [labor] = h.qb.find("ItemService", Name="Labor")
    [income] = h.qb.find("Account", FullName="Construction Income:Labor Income")
    item = records(h, "item")[f"qb-{labor['ListID']}"].data
    assert item["name"] == "Labor" and item["description"] == "Construction labor"
    assert item["rate"] == "85.00" and item["taxable"] is False
    assert item["income_account_id"] == f"qb-{income['ListID']}"
    assert item["quickbooks"]["item_type"] == "Service"
    assert item["income_account_id"] in records(h, "account")
    [lumber] = h.qb.find("ItemNonInventory", Name="Lumber")
    other = records(h, "item")[f"qb-{lumber['ListID']}"].data
    assert other["quickbooks"]["item_type"] == "NonInventory" and other["taxable"] is True
    assert other["quickbooks"]["purchase_description"] == "Lumber"
    [kitchen] = h.qb.find("Class", Name="Kitchen")
    [remodel] = h.qb.find("Class", Name="Remodel")
    cls = records(h, "class")[f"qb-{kitchen['ListID']}"].data
    assert cls["name"] == "Kitchen" and cls["parent_id"] == f"qb-{remodel['ListID']}"
    terms = {r.data["name"]: r.data for r in records(h, "terms").values()}
    assert terms["Net 30"]["due_days"] == 30
    assert (
        terms["1% 10 Net 30"]["discount_percent"] == "1"
        and terms["1% 10 Net 30"]["discount_days"] == 10
    )
    driven = terms["15th of month"]
    assert driven["quickbooks"]["terms_type"] == "DateDriven"
    assert driven["quickbooks"]["day_of_month_due"] == 15 and "due_days" not in driven
    [bayshore] = h.qb.find("Vendor", Name="Bayshore Lumber")
    [net30] = h.qb.find("StandardTerms", Name="Net 30")
    vendor = records(h, "vendor")[f"qb-{bayshore['ListID']}"].data
    assert vendor["vendor_type"] == "vendor" and vendor["terms_id"] == f"qb-{net30['ListID']}"
    assert vendor["address"] == {
        "line1": "400 Embarcadero",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94606",
    }
    codes = {r.data["name"]: r.data["is_taxable"] for r in records(h, "sales_tax_code").values()}
    assert codes == {"Tax": True, "Non": False}


def test_a_repeated_import_asks_only_for_what_changed(harness: Harness) -> None:
    h = _seeded(harness)
    import_(h, *LISTS)
    first = {kind: dict(records(h, rk)) for kind, (rk, _) in LISTS.items()}
    [labor] = h.qb.find("ItemService", Name="Labor")
    [bayshore] = h.qb.find("Vendor", Name="Bayshore Lumber")
    [repair] = h.qb.find("Class", Name="Repair")
    edit(h, "ItemService", labor["ListID"], SalesOrPurchaseMod={"Price": "90.00"})
    edit(h, "Vendor", bayshore["ListID"], Phone="510-555-0199")
    edit(h, "Class", repair["ListID"], Name="Repairs")
    counter = RetCounter(h)
    run = import_(h, *LISTS)
    assert counter.total == 3, counter.rets
    assert counter.rets == {"ItemServiceRet": 1, "VendorRet": 1, "ClassRet": 1}
    assert all("FromModifiedDate" in x for x in run.requests)
    assert records(h, "item")[f"qb-{labor['ListID']}"].data["rate"] == "90.00"
    assert records(h, "vendor")[f"qb-{bayshore['ListID']}"].data["phone"] == "510-555-0199"
    assert records(h, "class")[f"qb-{repair['ListID']}"].data["name"] == "Repairs"
    for kind, (rk, _) in LISTS.items():
        assert set(records(h, rk)) == set(first[kind])  # updated in place, nothing added
    # Nothing changed since: the next import gets nothing back.
    again = RetCounter(h)
    import_(h, *LISTS)
    assert again.total == 0


def test_customers_created_in_quickbooks_never_come_in(harness: Harness) -> None:
    h = _seeded(harness)
    import_(h, "customers")
    assert records(h, "customer") == {} and records(h, "project") == {}
    [message] = messages(h, "imported")
    total = len(h.qb.find("Customer"))
    assert message == (
        f"Imported customers: 0 added, 0 updated, 0 unchanged; {total} skipped: "
        f"{total} created in QuickBooks, which never come in"
    )


def test_bills_come_in_outside_any_project(harness: Harness) -> None:
    h = _seeded(harness)
    import_(h, "accounts", "vendors", "bills")
    bills = records(h, "bill")
    objects = h.qb.find("Bill")
    assert set(bills) == {f"qb-{b['TxnID']}" for b in objects}
    for bill in bills.values():
        assert bill.project_id is None and "project_id" not in bill.data
        assert bill.data["vendor_id"] in records(h, "vendor")
        assert bill.data["status"] == "approved" and bill.data["lines"]
    [lumber] = [b for b in bills.values() if b.data["number"] == "BL-7781"]
    assert lumber.data["lines"][0]["amount"] == "375.00"
    assert lumber.data["lines"][0]["account_id"] in records(h, "account")
