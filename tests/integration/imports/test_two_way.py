"""The two-way rules on import (DESIGN.md section 2): vendors by last change, customers without
their contact data, a linked job's edits, items and classes; terms stay as the app has them."""

from __future__ import annotations

from typing import Any

from qbxml.values import parse_datetime
from tests.integration.imports.support import edit, feed, import_, messages, record, records
from tests.support.inprocess import Harness

ACME: dict[str, Any] = {
    "name": "Acme Tile Supply",
    "vendor_type": "supplier",
    "phone": "555-0142",
    "updated_at": "2025-12-01T10:00:00Z",
}


def _linked_vendor(h: Harness) -> str:
    h.put("vendor", "v1", **ACME)
    h.ops.syncs.sync_record(h.company_id, "vendor", "v1")
    assert h.session().outcome == "completed"
    return str(h.link("vendor", "v1").qb_id)


def _conflicts(h: Harness) -> list[Any]:
    return [e for e in h.log("vendor", "v1") if e.event == "conflict"]


def test_a_vendor_changed_only_in_quickbooks_comes_back(harness: Harness) -> None:
    h = harness
    list_id = _linked_vendor(h)
    changed = edit(h, "Vendor", list_id, CompanyName="Acme Tile LLC", Phone="555-0199")
    import_(h, "vendors")
    data = record(h, "vendor", "v1").data
    assert (data["phone"], data["company_name"]) == ("555-0199", "Acme Tile LLC")
    assert data["vendor_type"] == "supplier"  # read back from the Notes the export wrote
    assert parse_datetime(data["updated_at"]) == parse_datetime(changed["TimeModified"])
    assert _conflicts(h) == [] and records(h, "vendor").keys() == {"v1"}
    assert h.link("vendor", "v1").edit_sequence == changed["EditSequence"]
    assert ("updated_in_quickbooks", "vendor", "v1") in feed(h)
    # What the app now has is what QuickBooks has: a sync sends nothing.
    plan = h.ops.syncs.sync_record(h.company_id, "vendor", "v1")
    assert plan.queued == [] and plan.unchanged == [("vendor", "v1")]


def test_vendor_conflict_quickbooks_changed_last_and_wins(harness: Harness) -> None:
    h = harness
    list_id = _linked_vendor(h)
    h.put("vendor", "v1", **{**ACME, "phone": "555-1111", "updated_at": "2025-12-02T00:00:00Z"})
    edit(h, "Vendor", list_id, Phone="555-2222")  # QuickBooks' clock: January 2026, later
    import_(h, "vendors")
    assert record(h, "vendor", "v1").data["phone"] == "555-2222"
    [conflict] = _conflicts(h)
    assert (
        conflict.level == "warning" and "QuickBooks' values replaced the app's" in conflict.message
    )
    assert conflict.details["winner"] == "quickbooks"
    assert conflict.details["fields"] == {"phone": {"app": "555-1111", "quickbooks": "555-2222"}}
    assert ("conflict", "vendor", "v1") in feed(h)
    assert h.states().get("queued", 0) == 0  # nothing to push: QuickBooks' version stands


def test_vendor_conflict_the_app_changed_last_and_wins(harness: Harness) -> None:
    h = harness
    list_id = _linked_vendor(h)
    edit(h, "Vendor", list_id, Phone="555-2222")
    h.put("vendor", "v1", **{**ACME, "phone": "555-1111", "updated_at": "2026-02-01T00:00:00Z"})
    run = import_(h, "vendors")
    assert record(h, "vendor", "v1").data["phone"] == "555-1111"
    [conflict] = _conflicts(h)
    assert conflict.details["winner"] == "app"
    assert "the app's version will be pushed" in conflict.message
    assert ("conflict", "vendor", "v1") in feed(h)
    # The import queued the vendor's export, and the same session pushed it, with the
    # EditSequence the import had read (no 3200 round trip).
    assert len(run.requests) == 2 and "<VendorModRq" in run.requests[1]
    assert h.states()["done"] == 4 and h.states()["failed"] == 0
    [vendor] = h.qb.find("Vendor")
    assert vendor["Phone"] == "555-1111"
    again = import_(h, "vendors")  # our own Mod comes back as unchanged
    assert "1 unchanged" in messages(h, "imported")[0] and len(again.requests) == 1
    assert len(_conflicts(h)) == 1


def _linked_customer_and_job(h: Harness) -> tuple[str, str]:
    h.put(
        "customer",
        "c1",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone="555-0100",
        company_name="Analytical Engines",
        billing_address={"line1": "12 Main St", "city": "Springfield"},
    )
    h.put(
        "project",
        "p1",
        number="1001",
        customer_id="c1",
        name="Kitchen",
        address={"line1": "12 Main St"},
    )
    h.ops.syncs.sync_job(h.company_id, "p1")
    assert h.session().outcome == "completed"
    return str(h.link("customer", "c1").qb_id), str(h.link("project", "p1").qb_id)


def test_linked_customers_take_quickbooks_changes_but_their_contact_data(harness: Harness) -> None:
    h = harness
    customer, _job = _linked_customer_and_job(h)
    h.qb.seed(
        {
            "Customer": [
                {"Name": "Smith, Bob"},
                {"Name": "9 Elm", "ParentRef": {"FullName": "Smith, Bob"}},
            ]
        }
    )
    edit(
        h,
        "Customer",
        customer,
        CompanyName="Lovelace Analytics",
        FirstName="Adah",
        BillAddress={"Addr1": "1 New St", "City": "London"},
        Phone="555-9999",
        Email="new@example.com",
    )
    import_(h, "customers")
    data = record(h, "customer", "c1").data
    assert (data["first_name"], data["last_name"]) == ("Ada", "Lovelace")  # push-only
    assert (data["email"], data["phone"]) == ("ada@example.com", "555-0100")  # push-only
    assert data["company_name"] == "Lovelace Analytics"
    assert data["billing_address"] == {"line1": "1 New St", "city": "London"}
    assert records(h, "customer").keys() == {"c1"}  # Smith, Bob never comes in
    assert records(h, "project").keys() == {"p1"}
    [message] = messages(h, "imported")
    assert "1 updated" in message and "2 skipped: 2 created in QuickBooks" in message
    assert [e for e in h.log("customer", "c1") if e.event == "conflict"] == []


def test_a_linked_jobs_edits_come_back(harness: Harness) -> None:
    h = harness
    _customer, job = _linked_customer_and_job(h)
    edit(
        h,
        "Customer",
        job,
        BillAddress={"Addr1": "12 Main St", "City": "Springfield", "State": "IL"},
        JobStartDate="2026-04-01",
        JobDesc="Kitchen and bath",
    )
    import_(h, "customers")
    data = record(h, "project", "p1").data
    assert data["name"] == "Kitchen and bath" and data["contract_date"] == "2026-04-01"
    assert data["address"] == {"line1": "12 Main St", "city": "Springfield", "state": "IL"}
    assert (data["number"], data["customer_id"]) == ("1001", "c1")
    assert ("updated_in_quickbooks", "project", "p1") in feed(h)
    assert (
        h.link("project", "p1").edit_sequence
        == h.qb.find("Customer", ListID=job)[0]["EditSequence"]
    )


def test_items_and_classes_are_two_way(harness: Harness) -> None:
    h = harness
    h.qb.seed({"Account": [{"Name": "Construction Income", "AccountType": "Income"}]})
    import_(h, "accounts")
    [income] = records(h, "account")
    h.put("class", "remodel", name="Remodel")
    h.put("item", "labor", name="Labor", rate="85.00", income_account_id=income, class_id="remodel")
    h.ops.syncs.sync_record(h.company_id, "item", "labor")
    assert h.session().outcome == "completed"
    # The fake QuickBooks replaces a whole aggregate on Mod (real QuickBooks keeps the
    # elements left out), so the account goes along.
    mod = {"Desc": "Skilled labor", "Price": "95.00", "AccountRef": {"ListID": income[3:]}}
    edit(h, "ItemService", h.link("item", "labor").qb_id, SalesOrPurchaseMod=mod)
    edit(h, "Class", h.link("class", "remodel").qb_id, Name="Remodeling")
    import_(h, "items", "classes")
    item = record(h, "item", "labor").data
    assert (item["rate"], item["description"]) == ("95.00", "Skilled labor")
    assert (item["income_account_id"], item["class_id"]) == (income, "remodel")
    assert record(h, "class", "remodel").data == {"name": "Remodeling"}
    assert records(h, "item").keys() == {"labor"} and records(h, "class").keys() == {"remodel"}


def test_linked_terms_stay_as_the_app_has_them(harness: Harness) -> None:
    h = harness
    h.put("terms", "net30", name="Net 30", due_days=30)
    h.ops.syncs.sync_record(h.company_id, "terms", "net30")
    assert h.session().outcome == "completed"
    # qbXML has no TermsMod; a bookkeeper changes them in QuickBooks' own window.
    stored = h.qb.company.objects["StandardTerms"][h.link("terms", "net30").qb_id]
    stored.update(StdDueDays="45", EditSequence="99", TimeModified="2026-01-06T09:00:00-08:00")
    h.qb.seed({"DateDrivenTerms": [{"Name": "15th", "DayOfMonthDue": "15"}]})
    import_(h, "terms")
    assert record(h, "terms", "net30").data == {"name": "Net 30", "due_days": 30}
    assert len(records(h, "terms")) == 2  # the date-driven terms came in
    assert "1 kept" in messages(h, "imported")[0]


def test_an_imported_vendor_the_app_edited_follows_the_same_rule(harness: Harness) -> None:
    h = harness
    h.qb.seed({"Vendor": [{"Name": "Bayshore Lumber", "Phone": "510-555-0190"}]})
    import_(h, "vendors")
    [vendor_id] = records(h, "vendor")
    mine = {**record(h, "vendor", vendor_id).data, "phone": "510-555-0001"}
    mine.pop("quickbooks")
    h.put("vendor", vendor_id, **{**mine, "updated_at": "2026-02-01T00:00:00Z"})
    edit(h, "Vendor", vendor_id[3:], Phone="510-555-0002")  # earlier than the app's change
    run = import_(h, "vendors")
    assert record(h, "vendor", vendor_id).data["phone"] == "510-555-0001"
    [conflict] = [e for e in h.log("vendor", vendor_id) if e.event == "conflict"]
    assert conflict.details["winner"] == "app"
    assert "<VendorModRq" in run.requests[-1]
    assert h.qb.find("Vendor")[0]["Phone"] == "510-555-0001"
