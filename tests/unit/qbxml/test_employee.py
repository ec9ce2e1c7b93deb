"""Employees: exact XML, both schemas (EmployeeAddress has no Country), hostile records."""

from __future__ import annotations

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
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

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
