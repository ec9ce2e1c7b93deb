"""Vendors: exact XML, both schemas, hostile records, notes, VendorRet."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbxml.builders.vendor import Vendor, parse_vendor_ret, vendor_add, vendor_mod, vendor_query
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.errors import BuildError
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

SUPPLIER = Vendor(
    name="ABC Supply Co.",
    company_name="ABC Supply Co., Inc.",
    address=Address("200 Industrial Way", None, "Newington", "CT", "06111"),
    phone="860-555-0199",
    email="orders@abcsupply.example",
    vendor_type=Ref(full_name="Supplier"),
    terms=Ref(full_name="Net 30"),
)
INSTALLER_1099 = Vendor(
    name="Rivera, Luis",
    first_name="Luis",
    last_name="Rivera",
    is_1099=True,
    name_on_check="Luis Rivera",
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("rec", [SUPPLIER, INSTALLER_1099])
def test_vendor_add_and_mod_validate(version: str, rec: Vendor) -> None:
    ctx = BuildContext(version=version)
    add = vendor_add(rec, ctx)
    assert_request_valid(add, version)
    mod = vendor_mod(rec, Identity("80000003-1767632401", "1767632410"), ctx)
    body = mod.find("VendorMod")
    assert body is not None and [c.tag for c in body][:3] == ["ListID", "EditSequence", "Name"]
    assert_request_valid(mod, version)


def test_vendor_fields_in_schema_order() -> None:
    body = vendor_add(SUPPLIER, BuildContext()).find("VendorAdd")
    assert body is not None
    assert [c.tag for c in body] == [
        "Name",
        "CompanyName",
        "VendorAddress",
        "Phone",
        "Email",
        "VendorTypeRef",
        "TermsRef",
    ]
    body = vendor_add(INSTALLER_1099, BuildContext()).find("VendorAdd")
    assert body is not None
    assert [c.tag for c in body] == [
        "Name",
        "FirstName",
        "LastName",
        "NameOnCheck",
        "IsVendorEligibleFor1099",
    ]
    assert body.findtext("IsVendorEligibleFor1099") == "true"


@pytest.mark.parametrize("version", VERSIONS)
def test_vendor_queries_for_the_two_way_import(version: str) -> None:
    since = datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
    rq = vendor_query(
        BuildContext(version=version), modified_from=since, max_returned=200, iterator="Start"
    )
    assert rq.findtext("FromModifiedDate") == "2026-03-01T08:00:00-08:00"
    assert_request_valid(rq, version)
    assert_request_valid(
        vendor_query(BuildContext(version=version), full_names=["ABC Supply"]), version
    )


def test_overlong_vendor_name_is_cut_and_noted() -> None:
    ctx = BuildContext()
    vendor_add(Vendor(name="X" * 60), ctx)
    assert [(n.path, n.kind) for n in ctx.notes] == [("VendorAddRq/VendorAdd/Name", "truncated")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=80),
    first=st.none() | st.text(max_size=60),
    notes=st.none() | st.text(max_size=5000),
    city=st.none() | st.text(max_size=60),
    check=st.none() | st.text(max_size=60),
    upper=st.booleans(),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_vendors_validate_or_raise_build_error(
    name: str,
    first: str | None,
    notes: str | None,
    city: str | None,
    check: str | None,
    upper: bool,
    version: str,
) -> None:
    rec = Vendor(
        name=name,
        first_name=first,
        notes=notes,
        name_on_check=check,
        address=Address(None, None, city),
    )
    try:
        rq = vendor_add(rec, BuildContext(version=version, uppercase=upper))
    except BuildError:
        return
    assert_request_valid(rq, version)


def test_parse_vendor_ret() -> None:
    el = parse_xml(
        "<VendorRet><ListID>80000003-1767632401</ListID>"
        "<TimeCreated>2026-01-05T09:00:03-08:00</TimeCreated>"
        "<TimeModified>2026-03-01T10:15:00-08:00</TimeModified>"
        "<EditSequence>1772388900</EditSequence><Name>ABC Supply Co.</Name>"
        "<IsActive>true</IsActive><CompanyName>ABC Supply Co., Inc.</CompanyName>"
        "<VendorAddress><Addr1>200 Industrial Way</Addr1><City>Newington</City>"
        "<State>CT</State></VendorAddress><Phone>860-555-0199</Phone>"
        "<IsVendorEligibleFor1099>false</IsVendorEligibleFor1099><Balance>1250.75</Balance>"
        "</VendorRet>"
    )
    ret = parse_vendor_ret(el)
    assert ret.list_id == "80000003-1767632401" and ret.edit_sequence == "1772388900"
    assert ret.time_modified is not None
    assert ret.time_modified.utcoffset() == timedelta(hours=-8)
    assert ret.address is not None and ret.address.lines == ("200 Industrial Way",)
    assert ret.is_1099 is False and str(ret.balance) == "1250.75"
