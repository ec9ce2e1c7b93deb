"""App vendors (installers, suppliers, vendors) and 1099 users as QuickBooks vendors: added,
linked, updated, matched before add, and disambiguated when a customer has their name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qbwc_server.config import Settings
from qbwc_server.sync.exports import SPECS
from tests.conftest import Clock
from tests.support.inprocess import Harness

HAS_TERMS = any(s.entity == "terms" and s.kind == "terms" for s in SPECS)


@pytest.fixture
def no_bills(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, bill_export=False)
    yield h
    h.close()


@pytest.fixture
def staff(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, employee_export=True)
    yield h
    h.close()


def _vendor(h: Harness, vendor_id: str = "v1", **extra: Any) -> None:
    data: dict[str, Any] = {
        "name": "Acme Tile Supply",
        "vendor_type": "supplier",
        "company_name": "Acme Tile Supply LLC",
        "email": "orders@acme.example",
        "phone": "555-0142",
        "address": {"line1": "9 Quarry Rd", "city": "Springfield", "state": "IL"},
        "updated_at": "2026-11-30T10:00:00Z",
    }
    h.put("vendor", vendor_id, **{**data, **extra})


def _events(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.event for e in h.log(kind, record_id)]


def test_a_vendor_is_added_then_left_alone_while_unchanged(harness: Harness) -> None:
    _vendor(harness)
    plan = harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert [(r.entity, r.action) for r in plan.queued] == [
        ("vendor", "lookup"),
        ("vendor", "export"),
    ]
    run = harness.session()
    assert run.outcome == "completed", run
    [vendor] = harness.qb.find("Vendor")
    assert (vendor["Name"], vendor["CompanyName"]) == ("Acme Tile Supply", "Acme Tile Supply LLC")
    assert (vendor["Email"], vendor["Phone"]) == ("orders@acme.example", "555-0142")
    assert vendor["VendorAddress"] == {"Addr1": "9 Quarry Rd", "City": "Springfield", "State": "IL"}
    # No VendorTypeRef: a company file need not have a Vendor Type list entry "Supplier".
    assert "VendorTypeRef" not in vendor and vendor["Notes"] == "Vendor type: Supplier"
    assert not any("VendorTypeRef" in x for x in run.requests)
    link = harness.link("vendor", "v1")
    assert link.qb_id == vendor["ListID"] and link.edit_sequence == vendor["EditSequence"]
    assert link.content_hash is not None and link.full_name == "Acme Tile Supply"
    # A newer updated_at alone changes nothing that is sent.
    _vendor(harness, updated_at="2026-12-01T09:00:00Z")
    again = harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert again.queued == [] and again.unchanged == [("vendor", "v1")]
    assert harness.session().outcome == "none"


def test_a_changed_vendor_goes_out_as_a_mod(harness: Harness) -> None:
    _vendor(harness)
    harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    harness.session()
    before = harness.link("vendor", "v1")
    _vendor(harness, vendor_type="installer", phone="555-0143")
    plan = harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert [(r.entity, r.action) for r in plan.queued] == [("vendor", "export")]
    run = harness.session()
    assert "VendorModRq" in run.requests[0]
    assert f"<EditSequence>{before.edit_sequence}</EditSequence>" in run.requests[0]
    [vendor] = harness.qb.find("Vendor")
    assert vendor["Phone"] == "555-0143" and vendor["Notes"] == "Vendor type: Installer"
    after = harness.link("vendor", "v1")
    assert after.qb_id == before.qb_id and after.edit_sequence == vendor["EditSequence"]
    assert after.edit_sequence != before.edit_sequence


def test_a_vendor_typed_in_quickbooks_is_linked_not_added(harness: Harness) -> None:
    harness.qb.seed({"Vendor": [{"Name": "acme tile supply", "Phone": "555-0142"}]})
    _vendor(harness)
    harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    run = harness.session()
    assert run.outcome == "completed"
    assert len(harness.qb.find("Vendor")) == 1
    assert not any("VendorAddRq" in x for x in run.requests)
    assert harness.link("vendor", "v1").qb_id == harness.qb.find("Vendor")[0]["ListID"]
    assert "matched" in _events(harness, "vendor", "v1")


def test_vendors_stay_out_while_bill_export_is_off(no_bills: Harness) -> None:
    _vendor(no_bills)
    plan = no_bills.ops.syncs.sync_record(no_bills.company_id, "vendor", "v1")
    assert plan.queued == []
    assert plan.skipped == [("vendor", "v1", "the company setting bill_export is off")]
    assert no_bills.session().outcome == "none"
    assert no_bills.qb.find("Vendor") == []


@pytest.mark.skipif(not HAS_TERMS, reason='no "terms" export (entity "terms") is registered yet')
def test_a_vendor_with_terms_brings_them_and_refers_to_them(harness: Harness) -> None:
    harness.put("terms", "t1", name="Net 30", due_days=30)
    _vendor(harness, terms_id="t1")
    plan = harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert [r.entity for r in plan.queued if r.action == "export"] == ["terms", "vendor"]
    assert harness.session().outcome == "completed"
    [terms] = harness.qb.find("StandardTerms", Name="Net 30")
    [vendor] = harness.qb.find("Vendor")
    assert vendor["TermsRef"]["ListID"] == terms["ListID"] == harness.link("terms", "t1").qb_id


def test_a_vendor_with_missing_terms_fails_naming_them_while_others_land(
    harness: Harness,
) -> None:
    _vendor(harness, "v1", terms_id="ghost")
    _vendor(harness, "v2", name="Bright Electric", vendor_type="installer")
    plan = harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert ("terms", "ghost", "it does not exist yet") in plan.skipped
    harness.ops.syncs.sync_record(harness.company_id, "vendor", "v2")
    assert harness.session().outcome == "completed"
    assert [v["Name"] for v in harness.qb.find("Vendor")] == ["Bright Electric"]
    assert harness.link("vendor", "v1") is None
    [failure] = [e.message for e in harness.log("vendor", "v1") if e.level == "error"]
    assert "terms 'ghost'" in failure
    assert harness.states()["failed"] == 1


def test_a_1099_user_named_like_a_customer_is_added_with_a_suffix(staff: Harness) -> None:
    staff.qb.seed({"Customer": [{"Name": "Grace Hopper"}]})
    staff.put("user", "u1", first_name="Grace", last_name="Hopper", employment_type="1099_vendor")
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    run = staff.session()
    assert run.outcome == "completed", run
    assert any("VendorQueryRq" in x and "Grace Hopper<" in x for x in run.requests[1:])
    [vendor] = staff.qb.find("Vendor")
    assert (vendor["Name"], vendor["FirstName"], vendor["LastName"]) == (
        "Grace Hopper (2)",
        "Grace",
        "Hopper",
    )
    assert len(staff.qb.find("Customer")) == 1
    link = staff.link("user", "u1")
    assert link.qb_id == vendor["ListID"] and link.name_suffix == " (2)"
    assert "disambiguated" in _events(staff, "user", "u1")
    assert staff.states()["failed"] == 0
    again = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert again.queued == [] and again.unchanged == [("user", "u1")]


def test_a_vendor_named_like_a_customer_is_added_with_a_suffix(harness: Harness) -> None:
    harness.qb.seed({"Customer": [{"Name": "Acme Tile Supply"}]})
    _vendor(harness)
    harness.ops.syncs.sync_record(harness.company_id, "vendor", "v1")
    assert harness.session().outcome == "completed"
    assert [v["Name"] for v in harness.qb.find("Vendor")] == ["Acme Tile Supply (2)"]
    assert "disambiguated" in _events(harness, "vendor", "v1")
