"""Employees: exact XML, both schemas (EmployeeAddress has no Country), hostile records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbxml.builders.employee import (
    Employee,
    employee_add,
    employee_mod,
    employee_query,
    parse_employee_ret,
)
from qbxml.context import Address, BuildContext, Identity
from qbxml.errors import BuildError
from qbxml.responses import parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid, assert_valid

CREW_LEAD = Employee(
    first_name="Maria",
    last_name="Santos",
    address=Address("9 Elm St", None, "Hartford", "CT", "06105", "USA"),
    phone="860-555-0142",
    email="maria@ridgeline.example",
)


@pytest.mark.parametrize("version", VERSIONS)
def test_employee_add_mod_query_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    add = employee_add(CREW_LEAD, ctx)
    body = add.find("EmployeeAdd")
    assert body is not None
    assert [c.tag for c in body] == ["FirstName", "LastName", "EmployeeAddress", "Phone", "Email"]
    address = body.find("EmployeeAddress")
    assert address is not None and address.find("Country") is None  # not in the schema
    assert_request_valid(add, version)
    assert_request_valid(employee_mod(CREW_LEAD, Identity("80000004-1", "1"), ctx), version)
    assert_request_valid(employee_query(ctx, full_names=["Maria Santos"]), version)


def test_an_employee_needs_a_name() -> None:
    with pytest.raises(BuildError):
        employee_add(Employee(first_name=" ", last_name=None), BuildContext())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.none() | st.text(max_size=60),
    last=st.none() | st.text(max_size=60),
    line1=st.none() | st.text(max_size=60),
    zip_=st.none() | st.text(max_size=30),
    upper=st.booleans(),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_employees_validate_or_raise_build_error(
    first: str | None,
    last: str | None,
    line1: str | None,
    zip_: str | None,
    upper: bool,
    version: str,
) -> None:
    rec = Employee(
        first_name=first,
        last_name=last,
        address=Address(line1, None, None, None, zip_, "Country is dropped"),
    )
    try:
        rq = employee_add(rec, BuildContext(version=version, uppercase=upper))
    except BuildError:
        return
    assert_request_valid(rq, version)


def test_parse_employee_ret() -> None:
    ret = parse_employee_ret(
        parse_xml(
            "<EmployeeRet><ListID>80000004-1767632401</ListID><EditSequence>1767632404"
            "</EditSequence><Name>Maria Santos</Name><IsActive>true</IsActive>"
            "<FirstName>Maria</FirstName><LastName>Santos</LastName>"
            "<EmployeeAddress><Addr1>9 Elm St</Addr1><City>Hartford</City></EmployeeAddress>"
            "</EmployeeRet>"
        )
    )
    assert (ret.list_id, ret.name, ret.first_name) == (
        "80000004-1767632401",
        "Maria Santos",
        "Maria",
    )
    assert ret.address is not None and ret.address.city == "Hartford"


FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "qbxml" / "employee"


@pytest.mark.parametrize("version", VERSIONS)
def test_employee_fixture_is_a_valid_response(version: str) -> None:
    assert_valid((FIXTURES / "EmployeeQueryRs.two.xml").read_text(), version)


def test_parse_employee_query_response() -> None:
    (result,) = parse_response((FIXTURES / "EmployeeQueryRs.two.xml").read_bytes()).results
    assert result.ret_count == 2
    maria, tom = (parse_employee_ret(r) for r in result.rets)
    assert (maria.list_id, maria.edit_sequence, maria.name) == (
        "80000004-1767632401",
        "1770844965",
        "Maria Santos",
    )
    assert maria.time_modified == datetime(
        2026, 2, 11, 16, 22, 45, tzinfo=timezone(timedelta(hours=-5))
    )
    assert (maria.phone, maria.mobile, maria.email) == (
        "860-555-0142",
        "860-555-0143",
        "maria@ridgeline.example",
    )
    assert maria.address is not None and maria.address.lines == ("9 Elm St",)
    assert maria.address.postal_code == "06105" and maria.address.country is None
    assert maria.is_active is True and tom.is_active is False
    assert (tom.first_name, tom.last_name, tom.address, tom.email) == ("Tom", "O'Neil", None, None)


def test_employee_notes_and_uppercase() -> None:
    ctx = BuildContext(uppercase=True)
    rec = Employee(first_name="Bartholomew-Maximilian Alexander", last_name="Nguyễn 👷")
    body = employee_add(rec, ctx).find("EmployeeAdd")
    assert body is not None
    first = body.findtext("FirstName") or ""
    assert len(first) == 25 and first == first.upper()
    assert "👷" not in (body.findtext("LastName") or "")
    kinds = {(n.path, n.change) for n in ctx.notes}
    assert ("EmployeeAddRq/EmployeeAdd/FirstName", "truncated") in kinds
    assert ("EmployeeAddRq/EmployeeAdd/LastName", "replaced") in kinds


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    phone=st.none() | st.text(max_size=40),
    mobile=st.none() | st.text(max_size=40),
    email=st.none() | st.text(max_size=1100),
    notes=st.none() | st.text(max_size=200),
    active=st.none() | st.booleans(),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_employee_contacts_in_a_mod_validate(
    phone: str | None,
    mobile: str | None,
    email: str | None,
    notes: str | None,
    active: bool | None,
    version: str,
) -> None:
    rec = Employee("Maria", "Santos", None, phone, mobile, email, notes, active)
    rq = employee_mod(rec, Identity("80000004-1767632401", "1"), BuildContext(version=version))
    assert_request_valid(rq, version)
