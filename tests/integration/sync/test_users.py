"""Users: employees, 1099 vendors and sales reps go to QuickBooks when employee export is on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qbwc_server.config import Settings
from qbwc_server.sync.refs import Refs
from tests.conftest import Clock
from tests.support.inprocess import Harness


@pytest.fixture
def staff(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, employee_export=True)
    yield h
    h.close()


def _user(h: Harness, user_id: str = "u1", **extra: Any) -> None:
    data: dict[str, Any] = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "employment_type": "employee",
        "email": "grace@example.com",
        "phone": "555-0101",
    }
    h.put("user", user_id, **{**data, **extra})


def _project(h: Harness, rep: str = "u1", project_id: str = "p1", number: str = "1001") -> None:
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put(
        "project",
        project_id,
        number=number,
        customer_id="c1",
        address={"line1": "12 Main St"},
        sales_rep_user_id=rep,
    )


def _events(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.event for e in h.log(kind, record_id)]


def _errors(h: Harness, kind: str, record_id: str) -> list[str]:
    return [e.message for e in h.log(kind, record_id) if e.level == "error"]


def _job(h: Harness) -> dict[str, Any]:
    """The one Customer:Job in QuickBooks."""
    [job] = [c for c in h.qb.find("Customer") if c.get("ParentRef")]
    return job


@pytest.fixture
def record_ids(staff: Harness) -> None:
    """Sales reps need the engine to tell an export which record its data is (see the report:
    ExportSpec functions get the record's data, not its id)."""
    _user(staff, "probe")
    with staff.store.transaction() as tx:
        data = Refs(tx, staff.company_id).find("user", "probe")
    if getattr(data, "record_id", None) != "probe":
        pytest.skip("the engine does not pass the record id to ExportSpec functions yet")


# -- employees --------------------------------------------------------------------------------
def test_an_employee_is_added_then_left_alone_while_unchanged(staff: Harness) -> None:
    _user(staff)
    plan = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert [(r.entity, r.action) for r in plan.queued] == [
        ("employee", "lookup"),
        ("employee", "export"),
    ]
    run = staff.session()
    assert run.outcome == "completed", run
    [person] = staff.qb.find("Employee")
    assert (person["Name"], person["FirstName"], person["LastName"]) == (
        "Grace Hopper",
        "Grace",
        "Hopper",
    )
    assert (person["Email"], person["Phone"]) == ("grace@example.com", "555-0101")
    link = staff.link("user", "u1")
    assert link.qb_id == person["ListID"] and link.edit_sequence == person["EditSequence"]
    assert link.content_hash is not None and link.full_name == "Grace Hopper"
    assert "added" in _events(staff, "user", "u1")
    again = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert again.queued == [] and again.unchanged == [("user", "u1")]
    assert staff.session().outcome == "none"


def test_a_changed_employee_goes_out_as_a_mod(staff: Harness) -> None:
    _user(staff)
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    staff.session()
    before = staff.link("user", "u1")
    _user(staff, phone="555-0199")
    plan = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert [(r.entity, r.action) for r in plan.queued] == [("employee", "export")]
    run = staff.session()
    assert "EmployeeModRq" in run.requests[0]
    assert f"<EditSequence>{before.edit_sequence}</EditSequence>" in run.requests[0]
    [person] = staff.qb.find("Employee")
    assert person["Phone"] == "555-0199" and person["Name"] == "Grace Hopper"
    after = staff.link("user", "u1")
    assert after.qb_id == before.qb_id and after.edit_sequence == person["EditSequence"]
    assert after.edit_sequence != before.edit_sequence


def test_an_employee_typed_in_quickbooks_is_linked_not_added(staff: Harness) -> None:
    staff.qb.seed({"Employee": [{"FirstName": "Grace", "LastName": "Hopper"}]})
    _user(staff)
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    run = staff.session()
    assert run.outcome == "completed"
    assert len(staff.qb.find("Employee")) == 1
    assert not any("EmployeeAddRq" in x for x in run.requests)
    assert staff.link("user", "u1").qb_id == staff.qb.find("Employee")[0]["ListID"]
    assert "matched" in _events(staff, "user", "u1")


def test_an_employee_named_like_a_customer_is_added_with_a_suffix(staff: Harness) -> None:
    staff.qb.seed({"Customer": [{"Name": "Grace Hopper"}]})
    _user(staff)
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert staff.session().outcome == "completed"
    [person] = staff.qb.find("Employee")
    assert (person["Name"], person["LastName"]) == ("Grace Hopper (2)", "Hopper")
    assert len(staff.qb.find("Customer")) == 1
    assert staff.link("user", "u1").name_suffix == " (2)"
    assert "disambiguated" in _events(staff, "user", "u1")
    assert staff.ops.syncs.sync_record(staff.company_id, "user", "u1").queued == []


def test_nothing_about_users_goes_while_employee_export_is_off(harness: Harness) -> None:
    _user(harness)
    plan = harness.ops.syncs.sync_record(harness.company_id, "user", "u1")
    assert plan.queued == []
    assert plan.skipped == [("user", "u1", "the company setting employee_export is off")]
    _project(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert harness.session().outcome == "completed"
    assert harness.qb.find("Employee") == [] and harness.qb.find("SalesRep") == []
    assert "SalesRepRef" not in _job(harness)


def test_a_user_of_no_employment_type_is_not_exported(staff: Harness) -> None:
    _user(staff, employment_type="none")
    plan = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert plan.queued == []
    assert plan.skipped == [("user", "u1", "it is not exported to QuickBooks")]


# -- 1099 vendors -----------------------------------------------------------------------------
def test_a_1099_user_becomes_a_vendor_and_changes_go_as_a_mod(staff: Harness) -> None:
    _user(staff, employment_type="1099_vendor")
    plan = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert [(r.entity, r.action) for r in plan.queued] == [
        ("user_vendor", "lookup"),
        ("user_vendor", "export"),
    ]
    assert staff.session().outcome == "completed"
    assert staff.qb.find("Employee") == []
    [vendor] = staff.qb.find("Vendor")
    assert (vendor["Name"], vendor["FirstName"], vendor["LastName"]) == (
        "Grace Hopper",
        "Grace",
        "Hopper",
    )
    assert vendor["IsVendorEligibleFor1099"] == "true" and vendor["Email"] == "grace@example.com"
    link = staff.link("user", "u1")
    assert link.qb_id == vendor["ListID"] and link.content_hash is not None
    again = staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    assert again.queued == [] and again.unchanged == [("user", "u1")]
    assert staff.session().outcome == "none"
    _user(staff, employment_type="1099_vendor", email="g.hopper@example.com")
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    run = staff.session()
    assert "VendorModRq" in run.requests[0]
    assert f"<EditSequence>{link.edit_sequence}</EditSequence>" in run.requests[0]
    assert staff.qb.find("Vendor")[0]["Email"] == "g.hopper@example.com"
    assert staff.link("user", "u1").edit_sequence == staff.qb.find("Vendor")[0]["EditSequence"]


def test_a_1099_vendor_typed_in_quickbooks_is_linked_not_added(staff: Harness) -> None:
    staff.qb.seed({"Vendor": [{"Name": "Grace Hopper"}]})
    _user(staff, employment_type="1099_vendor")
    staff.ops.syncs.sync_record(staff.company_id, "user", "u1")
    run = staff.session()
    assert run.outcome == "completed"
    assert len(staff.qb.find("Vendor")) == 1
    assert not any("VendorAddRq" in x for x in run.requests)
    assert "matched" in _events(staff, "user", "u1")


# -- sales reps -------------------------------------------------------------------------------
@pytest.mark.usefixtures("record_ids")
def test_a_project_brings_its_sales_rep_and_employee(staff: Harness) -> None:
    _user(staff)
    _project(staff)
    plan = staff.ops.syncs.sync_job(staff.company_id, "p1")
    exports = [r.entity for r in plan.queued if r.action == "export"]
    assert exports == ["customer", "employee", "sales_rep", "job"]
    run = staff.session()
    assert run.outcome == "completed", run
    assert staff.states()["failed"] == 0
    [person] = staff.qb.find("Employee")
    [rep] = staff.qb.find("SalesRep")
    assert rep["Initial"] == "GH"
    assert rep["SalesRepEntityRef"]["ListID"] == person["ListID"]
    link = staff.link("user", "u1", "sales_rep")
    assert link.qb_id == rep["ListID"] and link.content_hash is not None
    assert _job(staff)["SalesRepRef"]["ListID"] == rep["ListID"]
    again = staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert again.queued == [] and len(again.unchanged) == 4
    assert staff.session().outcome == "none"


@pytest.mark.usefixtures("record_ids")
def test_a_1099_sales_rep_stands_for_its_vendor_and_its_initials_change(staff: Harness) -> None:
    _user(staff, employment_type="1099_vendor", initials="gmh")
    _project(staff)
    staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert staff.session().outcome == "completed"
    [vendor] = staff.qb.find("Vendor")
    [rep] = staff.qb.find("SalesRep")
    assert rep["Initial"] == "GMH" and rep["SalesRepEntityRef"]["ListID"] == vendor["ListID"]
    before = staff.link("user", "u1", "sales_rep")
    _user(staff, employment_type="1099_vendor", initials="GBH")
    plan = staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert [r.entity for r in plan.queued] == ["sales_rep", "job"]  # the job waits for it
    run = staff.session()
    assert len(run.requests) == 1 and "SalesRepModRq" in run.requests[0]  # the job: unchanged
    assert f"<EditSequence>{before.edit_sequence}</EditSequence>" in run.requests[0]
    [rep] = staff.qb.find("SalesRep")
    assert rep["Initial"] == "GBH" and rep["ListID"] == before.qb_id


@pytest.mark.usefixtures("record_ids")
def test_a_sales_rep_typed_in_quickbooks_is_linked_not_added(staff: Harness) -> None:
    staff.qb.seed(
        {
            "Employee": [{"FirstName": "Grace", "LastName": "Hopper"}],
            "SalesRep": [{"Initial": "GH", "SalesRepEntityRef": {"FullName": "Grace Hopper"}}],
        }
    )
    _user(staff)
    _project(staff)
    staff.ops.syncs.sync_job(staff.company_id, "p1")
    run = staff.session()
    assert run.outcome == "completed", run
    assert len(staff.qb.find("SalesRep")) == 1 and len(staff.qb.find("Employee")) == 1
    assert not any("SalesRepAddRq" in x for x in run.requests)
    assert "matched" in _events(staff, "user", "u1")
    rep = staff.qb.find("SalesRep")[0]
    assert staff.link("user", "u1", "sales_rep").qb_id == rep["ListID"]
    assert _job(staff)["SalesRepRef"]["ListID"] == rep["ListID"]


@pytest.mark.usefixtures("record_ids")
def test_two_people_with_the_same_initials_get_two_sales_reps(staff: Harness) -> None:
    _user(staff, "u1", first_name="John", last_name="Smith")
    _user(staff, "u2", first_name="Jane", last_name="Sanders")
    _project(staff, "u1")
    staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert staff.session().outcome == "completed"
    _project(staff, "u2", "p2", "1002")
    staff.ops.syncs.sync_job(staff.company_id, "p2")
    assert staff.session().outcome == "completed"
    assert staff.states()["failed"] == 0
    reps = {r["Initial"]: r["SalesRepEntityRef"]["FullName"] for r in staff.qb.find("SalesRep")}
    assert reps == {"JS": "John Smith", "JS2": "Jane Sanders"}
    assert staff.link("user", "u2", "sales_rep").full_name == "JS2"
    assert "disambiguated" in _events(staff, "user", "u2")


def test_a_user_of_no_employment_type_cannot_be_a_sales_rep(staff: Harness) -> None:
    _user(staff, employment_type="none")
    _project(staff)
    plan = staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert ("user", "u1", "it is not exported to QuickBooks") not in plan.skipped
    [(kind, record_id, why)] = [s for s in plan.skipped if s[0] == "user"]
    assert (kind, record_id) == ("user", "u1")
    assert "employment type none" in why and "cannot be a sales rep" in why
    staff.session()
    assert staff.qb.find("SalesRep") == [] and staff.qb.find("Employee") == []
    assert len(staff.qb.find("Customer", Name="Lovelace, Ada")) == 1


def test_a_missing_sales_rep_fails_the_job_naming_it_while_the_customer_lands(
    staff: Harness,
) -> None:
    _project(staff, "ghost")
    plan = staff.ops.syncs.sync_job(staff.company_id, "p1")
    assert ("user", "ghost", "it does not exist yet") in plan.skipped
    assert staff.session().outcome == "completed"
    assert len(staff.qb.find("Customer", Name="Lovelace, Ada")) == 1
    assert staff.link("customer", "c1") is not None
    assert staff.link("project", "p1") is None
    [failure] = _errors(staff, "project", "p1")
    assert "user 'ghost'" in failure
