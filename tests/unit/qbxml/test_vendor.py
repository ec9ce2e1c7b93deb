"""Vendors: exact XML, both schemas, hostile records, notes, VendorRet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.vendor import Vendor, parse_vendor_ret, vendor_add, vendor_mod, vendor_query
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.errors import BuildError
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid, assert_valid

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
    assert [(n.path, n.change) for n in ctx.notes] == [("VendorAddRq/VendorAdd/Name", "truncated")]


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


FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "qbxml" / "vendor"
PAGE = "VendorQueryRs.iterator-page.xml"


@pytest.mark.parametrize("version", VERSIONS)
def test_vendor_fixture_is_a_valid_response(version: str) -> None:
    assert_valid((FIXTURES / PAGE).read_text(), version)


def test_parse_an_iterator_page_of_vendors_keeping_offsets() -> None:
    (result,) = parse_response((FIXTURES / PAGE).read_bytes()).results
    assert result.has_more and result.iterator_remaining_count == 41
    assert result.iterator_id == "{5f0c2a4e-8d1b-4c3e-9a7f-2b6d4e8f1a03}"
    supplier, installer = (parse_vendor_ret(r) for r in result.rets)
    assert supplier.vendor_type == RefValue("30000-1767632350", "Supplier")
    assert supplier.terms == RefValue("10000-1767632300", "Net 30")
    assert supplier.address is not None
    assert supplier.address.lines == ("ABC Supply Co., Inc.", "200 Industrial Way")
    assert supplier.name_on_check == "ABC Supply Co., Inc." and supplier.is_1099 is False
    assert supplier.balance == Decimal("1250.75")
    assert (installer.first_name, installer.last_name, installer.mobile) == (
        "Luis",
        "Rivera",
        "860-555-0177",
    )
    assert installer.is_1099 is True and installer.balance == Decimal("-300.00")
    modified = installer.time_modified
    assert modified is not None
    assert modified.utcoffset() == timedelta(hours=5, minutes=30)
    assert modified.astimezone(UTC) == datetime(2026, 3, 4, 18, 29, 59, tzinfo=UTC)
    # the later wall-clock time is the earlier instant: comparisons must use the offsets
    assert supplier.time_modified is not None and modified > supplier.time_modified


@pytest.mark.parametrize("version", VERSIONS)
def test_exact_1099_vendor_xml(version: str) -> None:
    rq = vendor_add(INSTALLER_1099, BuildContext(version=version, uppercase=True))
    assert etree.tostring(rq, encoding="unicode") == (
        "<VendorAddRq><VendorAdd><Name>RIVERA, LUIS</Name><FirstName>LUIS</FirstName>"
        "<LastName>RIVERA</LastName><NameOnCheck>LUIS RIVERA</NameOnCheck>"
        "<IsVendorEligibleFor1099>true</IsVendorEligibleFor1099></VendorAdd></VendorAddRq>"
    )


def test_vendor_needs_a_name_and_continue_needs_an_iterator_id() -> None:
    with pytest.raises(BuildError):
        vendor_add(Vendor(name="\x00\x01 "), BuildContext())
    with pytest.raises(BuildError):
        vendor_query(BuildContext(), iterator="Continue")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    vendor_type=st.none() | st.text(max_size=200),
    terms=st.none() | st.text(max_size=60),
    by_id=st.booleans(),
    is_1099=st.none() | st.booleans(),
    email=st.none() | st.text(max_size=60),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_vendor_refs_in_a_mod_validate_or_raise(
    vendor_type: str | None,
    terms: str | None,
    by_id: bool,
    is_1099: bool | None,
    email: str | None,
    version: str,
) -> None:
    def ref(value: str | None) -> Ref | None:
        if value is None:
            return None
        return Ref(list_id="80000007-1767632401") if by_id else Ref(full_name=value)

    try:  # a Ref with an empty name is already a BuildError
        rec = Vendor(
            name="ABC Supply",
            vendor_type=ref(vendor_type),
            terms=ref(terms),
            is_1099=is_1099,
            email=email,
        )
        rq = vendor_mod(rec, Identity("80000003-1", "2"), BuildContext(version=version))
    except BuildError:
        return
    assert_request_valid(rq, version)
