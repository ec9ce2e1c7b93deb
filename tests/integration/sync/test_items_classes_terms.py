"""Items, classes and terms: added, linked, left alone when unchanged, matched before add."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness

INCOME = {"Name": "Construction Income", "AccountType": "Income"}
TAX_CODES = [{"Name": "Tax", "IsTaxable": "true"}, {"Name": "Non", "IsTaxable": "false"}]


@pytest.fixture
def uppercase(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, uppercase=True)
    yield h
    h.close()


@pytest.fixture
def no_invoices(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, invoice_export=False)
    yield h
    h.close()


def _import_accounts(h: Harness, **seed: Any) -> str:
    """Seed QuickBooks with an income account (and ``seed``), import accounts: its record id."""
    h.qb.seed({"Account": [INCOME], "SalesTaxCode": TAX_CODES, **seed})
    h.ops.syncs.queue_import(h.company_id, "accounts")
    assert h.session().outcome == "completed"
    account = h.qb.find("Account", Name="Construction Income")[0]
    return f"qb-{account['ListID']}"


def _item(h: Harness, item_id: str, account: str | None, **extra: Any) -> None:
    data: dict[str, Any] = {"name": "Tile Install", "description": "Set tile", "rate": "85.00"}
    if account is not None:
        data["income_account_id"] = account
    h.put("item", item_id, **{**data, **extra})


def _failures(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.message for e in h.log(kind, record_id) if e.level == "error"]


def _events(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.event for e in h.log(kind, record_id)]


# -- items ------------------------------------------------------------------------------------
def test_an_item_is_added_as_a_service_item_with_its_class_and_account(harness: Harness) -> None:
    account = _import_accounts(harness)
    harness.put("class", "k1", name="Kitchens")
    _item(harness, "i1", account, class_id="k1", taxable=True)
    plan = harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    assert {(r.entity, r.action) for r in plan.queued} == {
        ("class", "lookup"),
        ("class", "export"),
        ("item", "lookup"),
        ("item", "export"),
    }
    run = harness.session()
    assert run.outcome == "completed", run
    assert harness.states()["failed"] == 0
    [qb_item] = harness.qb.find("ItemService", Name="Tile Install")
    [qb_class] = harness.qb.find("Class", Name="Kitchens")
    income = harness.qb.find("Account", Name="Construction Income")[0]
    sales = qb_item["SalesOrPurchase"]
    assert sales["Desc"] == "Set tile" and Decimal(sales["Price"]) == Decimal("85")
    assert sales["AccountRef"]["ListID"] == income["ListID"]
    assert qb_item["ClassRef"]["ListID"] == qb_class["ListID"]
    assert qb_item["SalesTaxCodeRef"]["FullName"] == "Tax"
    link = harness.link("item", "i1")
    assert link.qb_id == qb_item["ListID"] and link.edit_sequence == qb_item["EditSequence"]
    assert link.content_hash is not None
    assert "added" in _events(harness, "item", "i1")
    # Unchanged: nothing is queued and nothing is sent.
    again = harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    assert again.queued == [] and sorted(again.unchanged) == [("class", "k1"), ("item", "i1")]
    assert harness.session().outcome == "none"


def test_a_changed_item_is_sent_as_a_mod_with_its_edit_sequence(harness: Harness) -> None:
    account = _import_accounts(harness)
    _item(harness, "i1", account)
    harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    harness.session()
    before = harness.link("item", "i1")
    _item(harness, "i1", account, rate="95.50", taxable=False)
    plan = harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    assert [(r.entity, r.action) for r in plan.queued] == [("item", "export")]
    run = harness.session()
    assert run.outcome == "completed", run
    [sent] = run.requests
    assert "ItemServiceModRq" in sent and f"<EditSequence>{before.edit_sequence}<" in sent
    [qb_item] = harness.qb.find("ItemService", Name="Tile Install")
    assert Decimal(qb_item["SalesOrPurchase"]["Price"]) == Decimal("95.5")
    assert qb_item["SalesTaxCodeRef"]["FullName"] == "Non"
    after = harness.link("item", "i1")
    assert after.qb_id == before.qb_id and after.edit_sequence == qb_item["EditSequence"]
    assert after.edit_sequence != before.edit_sequence
    assert "updated" in _events(harness, "item", "i1")


def test_an_item_typed_in_quickbooks_is_linked_not_added(harness: Harness) -> None:
    typed = {
        "Name": "tile install",
        "SalesOrPurchase": {"AccountRef": {"FullName": "Construction Income"}},
    }
    account = _import_accounts(harness, ItemService=[typed])
    _item(harness, "i1", account)
    harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    run = harness.session()
    assert run.outcome == "completed", run
    assert not any("ItemServiceAddRq" in x for x in run.requests)
    [qb_item] = harness.qb.find("ItemService")
    assert harness.link("item", "i1").qb_id == qb_item["ListID"]
    assert "matched" in _events(harness, "item", "i1")
    # Linked and hashed: a second sync sends nothing.
    assert harness.ops.syncs.sync_record(harness.company_id, "item", "i1").queued == []
    assert harness.session().outcome == "none"


def test_an_item_of_another_type_with_the_name_is_linked_too(harness: Harness) -> None:
    """Items of every type share one name space: the bookkeeper's Other Charge item is the
    app's item (invoice lines can use it), not a reason to add "Tile Install (2)"."""
    typed = {
        "Name": "Tile Install",
        "SalesOrPurchase": {"AccountRef": {"FullName": "Construction Income"}},
    }
    account = _import_accounts(harness, ItemOtherCharge=[typed])
    _item(harness, "i1", account)
    harness.ops.syncs.sync_record(harness.company_id, "item", "i1")
    run = harness.session()
    assert run.outcome == "completed", run
    assert harness.qb.find("ItemService") == []
    [charge] = harness.qb.find("ItemOtherCharge")
    assert harness.link("item", "i1").qb_id == charge["ListID"]
    assert "matched" in _events(harness, "item", "i1")


def test_item_names_follow_the_uppercase_setting_and_still_match(uppercase: Harness) -> None:
    account = _import_accounts(uppercase)
    _item(uppercase, "i1", account)
    _item(uppercase, "i2", account, name="Grout Sealing")
    uppercase.qb.seed({"ItemService": [{"Name": "Grout Sealing", "SalesOrPurchase": {}}]})
    uppercase.ops.syncs.sync_record(uppercase.company_id, "item", "i1")
    uppercase.ops.syncs.sync_record(uppercase.company_id, "item", "i2")
    run = uppercase.session()
    assert run.outcome == "completed", run
    assert [i["Name"] for i in uppercase.qb.find("ItemService")] == [
        "Grout Sealing",
        "TILE INSTALL",
    ]
    assert "matched" in _events(uppercase, "item", "i2")


def test_items_are_not_exported_when_invoice_export_is_off(no_invoices: Harness) -> None:
    account = _import_accounts(no_invoices)
    _item(no_invoices, "i1", account)
    plan = no_invoices.ops.syncs.sync_record(no_invoices.company_id, "item", "i1")
    assert plan.queued == []
    assert plan.skipped == [("item", "i1", "the company setting invoice_export is off")]
    assert no_invoices.session().outcome == "none"
    assert no_invoices.qb.find("ItemService") == []


def test_an_item_without_an_income_account_fails_naming_the_field(harness: Harness) -> None:
    account = _import_accounts(harness)
    _item(harness, "bad", None, name="Demolition")
    _item(harness, "good", account)
    harness.ops.syncs.sync_record(harness.company_id, "item", "bad")
    harness.ops.syncs.sync_record(harness.company_id, "item", "good")
    run = harness.session()
    assert run.outcome == "completed", run
    [why] = _failures(harness, "item", "bad")
    assert "income_account_id" in why and "Demolition" in why
    assert [i["Name"] for i in harness.qb.find("ItemService")] == ["Tile Install"]
    assert harness.link("item", "bad") is None and harness.link("item", "good") is not None


def test_an_item_naming_a_missing_account_or_class_fails_and_the_rest_lands(
    harness: Harness,
) -> None:
    account = _import_accounts(harness)
    _item(harness, "no-account", "qb-80000099-1", name="Demolition")
    _item(harness, "no-class", account, name="Framing", class_id="ghost")
    _item(harness, "good", account)
    for item_id in ("no-account", "no-class", "good"):
        harness.ops.syncs.sync_record(harness.company_id, "item", item_id)
    run = harness.session()
    assert run.outcome == "completed", run
    [why] = _failures(harness, "item", "no-account")
    assert "account 'qb-80000099-1' does not exist" in why
    [why] = _failures(harness, "item", "no-class")
    assert "class 'ghost' does not exist" in why
    assert [i["Name"] for i in harness.qb.find("ItemService")] == ["Tile Install"]
    assert harness.states()["failed"] == 2


# -- classes ----------------------------------------------------------------------------------
def _classes(h: Harness) -> None:
    h.put("class", "k1", name="Kitchens")
    h.put("class", "k2", name="Tile", parent_id="k1")


def test_a_subclass_is_added_under_its_parent(harness: Harness) -> None:
    _classes(harness)
    plan = harness.ops.syncs.sync_record(harness.company_id, "class", "k2")
    assert [(r.entity, r.action, r.record_id) for r in plan.queued] == [
        ("class", "lookup", None),
        ("class", "export", "k1"),
        ("class", "export", "k2"),
    ]
    run = harness.session()
    assert run.outcome == "completed", run
    [parent] = harness.qb.find("Class", FullName="Kitchens")
    [child] = harness.qb.find("Class", FullName="Kitchens:Tile")
    assert child["ParentRef"]["ListID"] == parent["ListID"]
    link = harness.link("class", "k2")
    assert (link.qb_id, link.full_name) == (child["ListID"], "Kitchens:Tile")
    assert link.edit_sequence == child["EditSequence"] and link.content_hash is not None
    again = harness.ops.syncs.sync_record(harness.company_id, "class", "k2")
    assert again.queued == [] and sorted(again.unchanged) == [("class", "k1"), ("class", "k2")]
    assert harness.session().outcome == "none"


def test_a_renamed_class_is_sent_as_a_mod(harness: Harness) -> None:
    _classes(harness)
    harness.ops.syncs.sync_record(harness.company_id, "class", "k2")
    harness.session()
    before = harness.link("class", "k2")
    harness.put("class", "k2", name="Tiling", parent_id="k1")
    plan = harness.ops.syncs.sync_record(harness.company_id, "class", "k2")
    assert [(r.entity, r.action) for r in plan.queued] == [("class", "export")]
    run = harness.session()
    [sent] = run.requests
    assert "ClassModRq" in sent and f"<EditSequence>{before.edit_sequence}<" in sent
    [child] = harness.qb.find("Class", FullName="Kitchens:Tiling")
    assert child["ListID"] == before.qb_id
    assert harness.qb.find("Class", FullName="Kitchens:Tile") == []
    after = harness.link("class", "k2")
    assert after.edit_sequence == child["EditSequence"] != before.edit_sequence


def test_classes_typed_in_quickbooks_are_linked_by_full_name(harness: Harness) -> None:
    harness.qb.seed(
        {"Class": [{"Name": "kitchens"}, {"Name": "tile", "ParentRef": {"FullName": "kitchens"}}]}
    )
    _classes(harness)
    harness.ops.syncs.sync_record(harness.company_id, "class", "k2")
    run = harness.session()
    assert run.outcome == "completed", run
    assert not any("ClassAddRq" in x for x in run.requests)
    assert len(harness.qb.find("Class")) == 2
    [child] = harness.qb.find("Class", Name="tile")
    assert harness.link("class", "k2").qb_id == child["ListID"]
    assert "matched" in _events(harness, "class", "k1")
    assert "matched" in _events(harness, "class", "k2")


def test_a_class_under_a_missing_parent_fails_and_the_rest_lands(harness: Harness) -> None:
    harness.put("class", "orphan", name="Baths", parent_id="ghost")
    harness.put("class", "k1", name="Kitchens")
    harness.ops.syncs.sync_record(harness.company_id, "class", "orphan")
    harness.ops.syncs.sync_record(harness.company_id, "class", "k1")
    run = harness.session()
    assert run.outcome == "completed", run
    [why] = _failures(harness, "class", "orphan")
    assert "class 'ghost' does not exist" in why
    assert [c["FullName"] for c in harness.qb.find("Class")] == ["Kitchens"]


def test_classes_whose_parents_loop_add_nothing(harness: Harness) -> None:
    harness.put("class", "a", name="A", parent_id="b")
    harness.put("class", "b", name="B", parent_id="a")
    harness.ops.syncs.sync_record(harness.company_id, "class", "a")
    run = harness.session()
    assert run.outcome == "completed", run
    assert harness.qb.find("Class") == []
    assert harness.states().get("queued", 0) == 0 and harness.states()["failed"] == 2
    [why] = _failures(harness, "class", "b")
    assert "class parents loop (a > b > a)" in why


# -- terms ------------------------------------------------------------------------------------
def _terms(h: Harness, **extra: Any) -> None:
    data: dict[str, Any] = {
        "name": "2% 10 Net 30",
        "due_days": 30,
        "discount_days": 10,
        "discount_percent": "2",
    }
    h.put("terms", "t1", **{**data, **extra})


def test_terms_are_added_as_standard_terms(harness: Harness) -> None:
    _terms(harness)
    plan = harness.ops.syncs.sync_record(harness.company_id, "terms", "t1")
    assert {(r.entity, r.action) for r in plan.queued} == {("terms", "lookup"), ("terms", "export")}
    run = harness.session()
    assert run.outcome == "completed", run
    [terms] = harness.qb.find("StandardTerms", Name="2% 10 Net 30")
    assert (terms["StdDueDays"], terms["StdDiscountDays"]) == ("30", "10")
    assert Decimal(terms["DiscountPct"]) == 2
    link = harness.link("terms", "t1")
    assert link.qb_id == terms["ListID"] and link.edit_sequence == terms["EditSequence"]
    assert link.content_hash is not None
    again = harness.ops.syncs.sync_record(harness.company_id, "terms", "t1")
    assert again.queued == [] and again.unchanged == [("terms", "t1")]
    assert harness.session().outcome == "none"


def test_changed_terms_are_not_sent_and_the_log_says_why(harness: Harness) -> None:
    _terms(harness)
    harness.ops.syncs.sync_record(harness.company_id, "terms", "t1")
    harness.session()
    before = harness.link("terms", "t1")
    _terms(harness, due_days=45)
    harness.ops.syncs.sync_record(harness.company_id, "terms", "t1")
    run = harness.session()
    assert run.sends == 0 and run.requests == []
    [terms] = harness.qb.find("StandardTerms")
    assert terms["StdDueDays"] == "30" and terms["EditSequence"] == before.edit_sequence
    [entry] = [e for e in harness.log("terms", "t1") if e.event == "not_updatable"]
    assert "in QuickBooks by hand" in entry.message
    assert harness.link("terms", "t1").content_hash == before.content_hash
    assert harness.states()["failed"] == 0


@pytest.mark.parametrize("kind", ["StandardTerms", "DateDrivenTerms"])
def test_terms_typed_in_quickbooks_are_linked_not_added(harness: Harness, kind: str) -> None:
    typed: dict[str, Any] = {"Name": "net 30"}
    if kind == "StandardTerms":
        typed["StdDueDays"] = "30"
    else:
        typed["DayOfMonthDue"] = "30"
    harness.qb.seed({kind: [typed]})
    harness.put("terms", "t1", name="Net 30", due_days=30)
    harness.ops.syncs.sync_record(harness.company_id, "terms", "t1")
    run = harness.session()
    assert run.outcome == "completed", run
    assert not any("TermsAddRq" in x for x in run.requests)
    [terms] = harness.qb.find(kind)
    assert (
        harness.qb.find("StandardTerms" if kind == "DateDrivenTerms" else "DateDrivenTerms") == []
    )
    assert harness.link("terms", "t1").qb_id == terms["ListID"]
    assert "matched" in _events(harness, "terms", "t1")
