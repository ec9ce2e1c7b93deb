"""Customers and jobs: exact XML, both schemas, hostile records, notes, name formats, Rets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.customer import (
    Customer,
    customer_add,
    customer_mod,
    customer_name,
    customer_query,
    job_name,
    parse_customer_ret,
)
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.conftest import SHARED
from tests.support.schema import VERSIONS, assert_request_valid, assert_valid

SAMPLES = SHARED / "samples" / "qbxml"
CUSTOMER = Customer(
    name="Doe, Jane",
    company_name="Doe Family",
    first_name="Jane",
    last_name="Doe",
    bill_address=Address("12 Main St", "Apt 4", "Hartford", "CT", "06103", "USA"),
    phone="860-555-0100",
    mobile="860-555-0101",
    email="jane@example.com",
    terms=Ref(full_name="Net 30"),
    sales_rep=Ref(list_id="80000005-1767632401"),
)
JOB = Customer(
    name="1001 - 12 Main St",
    parent=Ref(list_id="80000001-1767632401"),
    bill_address=Address("12 Main St", None, "Hartford", "CT", "06103"),
    class_ref=Ref(full_name="Remodel"),
    job_status="InProgress",
    job_start_date=date(2026, 3, 2),
    job_description="Kitchen remodel",
)


def children(el: etree._Element) -> list[str]:
    return [str(c.tag) for c in el]


@pytest.mark.parametrize("version", VERSIONS)
def test_customer_add_in_schema_order(version: str) -> None:
    rq = customer_add(CUSTOMER, BuildContext(version=version))
    body = rq.find("CustomerAdd")
    assert body is not None
    assert children(body) == [
        "Name",
        "CompanyName",
        "FirstName",
        "LastName",
        "BillAddress",
        "Phone",
        "Mobile",
        "Email",
        "TermsRef",
        "SalesRepRef",
    ]
    assert body.findtext("BillAddress/Addr2") == "Apt 4"
    assert body.findtext("TermsRef/FullName") == "Net 30"
    assert body.findtext("SalesRepRef/ListID") == "80000005-1767632401"
    assert_request_valid(rq, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_job_is_a_customer_with_a_parent(version: str) -> None:
    rq = customer_add(JOB, BuildContext(version=version))
    body = rq.find("CustomerAdd")
    assert body is not None
    assert children(body) == [
        "Name",
        "ClassRef",
        "ParentRef",
        "BillAddress",
        "JobStatus",
        "JobStartDate",
        "JobDesc",
    ]
    assert body.findtext("ParentRef/ListID") == "80000001-1767632401"
    assert body.findtext("JobStartDate") == "2026-03-02"
    assert_request_valid(rq, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_mod_carries_list_id_and_edit_sequence_first(version: str) -> None:
    rq = customer_mod(
        JOB, Identity("80000002-1767632401", "1767632999"), BuildContext(version=version)
    )
    body = rq.find("CustomerMod")
    assert body is not None
    assert children(body)[:3] == ["ListID", "EditSequence", "Name"]
    assert_request_valid(rq, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_queries(version: str) -> None:
    ctx = BuildContext(version=version)
    by_id = customer_query(ctx, list_ids=["80000001-1767632401", "80000002-1767632401"])
    assert [c.text for c in by_id] == ["80000001-1767632401", "80000002-1767632401"]
    page = customer_query(
        ctx,
        max_returned=100,
        active_status="All",
        iterator="Start",
        modified_from=datetime(2026, 3, 1, tzinfo=timezone(timedelta(hours=-5))),
    )
    assert page.get("iterator") == "Start"
    assert page.findtext("FromModifiedDate") == "2026-03-01T00:00:00-05:00"
    more = customer_query(
        ctx,
        max_returned=100,
        iterator="Continue",
        iterator_id="{a1b2c3d4-0000-4000-8000-000000000001}",
    )
    for rq in (by_id, page, more):
        assert_request_valid(rq, version)
    with pytest.raises(BuildError):
        customer_query(ctx, iterator="Continue")


def test_overlong_and_unstorable_values_are_noted_and_uppercase_applies() -> None:
    ctx = BuildContext(uppercase=True)
    rec = Customer(name="Ximénez-Rodríguez de la Fuente y Montalbán, Ana 🏠", email="Ana@X.com")
    body = customer_add(rec, ctx).find("CustomerAdd")
    assert body is not None
    name = body.findtext("Name") or ""
    assert len(name) <= 41 and name == name.upper() and "🏠" not in name
    assert body.findtext("Email") == "Ana@X.com"  # e-mail is never capitalised
    kinds = {(n.path, n.change) for n in ctx.notes}
    assert ("CustomerAddRq/CustomerAdd/Name", "truncated") in kinds
    assert ("CustomerAddRq/CustomerAdd/Name", "replaced") in kinds


def test_a_customer_needs_a_usable_name() -> None:
    with pytest.raises(BuildError):
        customer_add(Customer(name=" \t "), BuildContext())
    with pytest.raises(BuildError):
        customer_add(Customer(name="x", job_status="Done"), BuildContext())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fmt", "first", "last", "company", "expected"),
    [
        ("{last_name}, {first_name}", "Jane", "Doe", None, "Doe, Jane"),
        ("{last_name}, {first_name}", None, None, "Acme Roofing", "Acme Roofing"),
        ("{first_name} {last_name}", "Jane", "Doe", None, "Jane Doe"),
        ("{company_name}", None, "Doe", "Acme: West", "Acme- West"),
    ],
)
def test_customer_name_formats(
    fmt: str, first: str | None, last: str | None, company: str | None, expected: str
) -> None:
    assert customer_name(fmt, first, last, company) == expected


def test_job_name_format() -> None:
    assert job_name("{number} - {address}", "1001", "12 Main St", None) == "1001 - 12 Main St"
    assert job_name("{number} - {address}", "1001", None, None) == "1001"
    assert ":" not in job_name("{name}", None, None, "Phase 1: demo")


_text = st.text(max_size=80)
_opt = st.none() | _text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_text,
    company=_opt,
    first=_opt,
    last=_opt,
    phone=_opt,
    email=_opt,
    notes=_opt,
    line1=_opt,
    city=_opt,
    parent=st.none() | st.text(min_size=1, max_size=250),
    upper=st.booleans(),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_customers_validate_or_raise_build_error(
    name: str,
    company: str | None,
    first: str | None,
    last: str | None,
    phone: str | None,
    email: str | None,
    notes: str | None,
    line1: str | None,
    city: str | None,
    parent: str | None,
    upper: bool,
    version: str,
) -> None:
    rec = Customer(
        name=name,
        company_name=company,
        first_name=first,
        last_name=last,
        phone=phone,
        email=email,
        notes=notes,
        bill_address=Address(line1, None, city),
        parent=None if parent is None else Ref(full_name=parent),
    )
    try:
        rq = customer_add(rec, BuildContext(version=version, uppercase=upper))
    except BuildError:
        return
    assert_request_valid(rq, version)


def test_parse_the_real_customer_add_response() -> None:
    path = SAMPLES / "CustomerAddRs.ok.consolibyte-log-2008.xml"
    if not path.is_file():
        pytest.skip(f"the sample is not at {path}")
    (result,) = parse_response(path.read_bytes()).results
    ret = parse_customer_ret(result.rets[0])
    assert ret.list_id == "F0000-1215265593"
    assert ret.edit_sequence == "1215265593"
    assert ret.name == ret.full_name == "Shannon 171 Daniels"
    assert ret.first_name == "Shannon 171" and ret.last_name == "Daniels"
    assert ret.time_created == datetime(2008, 7, 5, 9, 46, 33, tzinfo=timezone(timedelta(hours=-5)))
    assert ret.sublevel == 0 and ret.parent is None and ret.is_active is True
    assert ret.phone == "1.860.634.1602"
    assert ret.job_status == "None"
    assert str(ret.balance) == "0.00"
    assert ret.time_modified is not None and ret.time_modified.utcoffset() is not None
    assert ret.time_modified.astimezone(UTC).hour == 14


@pytest.mark.parametrize(
    "name",
    [
        "CustomerAddRs.ok.qbwc-gem-A.xml",
        "CustomerAddRs.ok.qbwc-gem-B.xml",
        "CustomerQueryRs.ok.qbwc-gem.xml",
    ],
)
def test_other_customer_samples_parse(name: str) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"the sample is not at {path}")
    rets = [
        parse_customer_ret(r) for res in parse_response(path.read_bytes()).results for r in res.rets
    ]
    assert rets and all(r.list_id and r.edit_sequence and r.name for r in rets)


FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "qbxml" / "customer"


@pytest.mark.parametrize("version", VERSIONS)
def test_job_fixture_is_a_valid_response(version: str) -> None:
    assert_valid((FIXTURES / "CustomerAddRs.job.xml").read_text(), version)


def test_parse_a_job_ret() -> None:
    (result,) = parse_response((FIXTURES / "CustomerAddRs.job.xml").read_bytes()).results
    assert result.ok and result.ret is not None
    ret = parse_customer_ret(result.ret)
    assert ret.name == "1001 - 12 Main St"
    assert ret.full_name == "Doe, Jane:1001 - 12 Main St"
    assert ret.parent == RefValue("80000001-1767632401", "Doe, Jane")
    assert ret.sublevel == 1
    assert ret.class_ref == RefValue("20000-1767632300", "Remodel")
    assert ret.sales_rep == RefValue("80000005-1767632401", "MS")
    assert (ret.first_name, ret.last_name, ret.email, ret.phone, ret.mobile) == (
        "Jane",
        "Doe",
        "jane@example.com",
        "860-555-0100",
        None,
    )
    assert ret.bill_address is not None
    assert ret.bill_address.lines == ("12 Main St", "Apt 4")
    assert (ret.bill_address.city, ret.bill_address.postal_code) == ("Hartford", "06103")
    assert ret.job_status == "InProgress" and ret.job_start_date == date(2026, 3, 2)
    assert ret.job_description == "Kitchen remodel"
    assert ret.balance == Decimal("0.00") and ret.total_balance == Decimal("0.00")
    assert ret.time_created == datetime(2026, 3, 2, 9, 40, 10, tzinfo=timezone(timedelta(hours=-5)))
    assert ret.terms is None and ret.company_name is None


def test_a_bad_value_in_a_ret_names_the_field() -> None:
    el = parse_xml("<CustomerRet><ListID>1-2</ListID><Sublevel>one</Sublevel></CustomerRet>")
    with pytest.raises(ResponseError, match="Sublevel"):
        parse_customer_ret(el)


@pytest.mark.parametrize("version", VERSIONS)
def test_exact_job_xml_with_refs_by_name_and_id(version: str) -> None:
    rq = customer_add(JOB, BuildContext(version=version))
    assert etree.tostring(rq, encoding="unicode") == (
        "<CustomerAddRq><CustomerAdd><Name>1001 - 12 Main St</Name>"
        "<ClassRef><FullName>Remodel</FullName></ClassRef>"
        "<ParentRef><ListID>80000001-1767632401</ListID></ParentRef>"
        "<BillAddress><Addr1>12 Main St</Addr1><City>Hartford</City><State>CT</State>"
        "<PostalCode>06103</PostalCode></BillAddress>"
        "<JobStatus>InProgress</JobStatus><JobStartDate>2026-03-02</JobStartDate>"
        "<JobDesc>Kitchen remodel</JobDesc></CustomerAdd></CustomerAddRq>"
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("mod", [False, True])
def test_every_field_overlong_is_cut_to_its_schema_length(version: str, mod: bool) -> None:
    long = "é" * 300
    rec = Customer(
        name=long,
        parent=Ref(full_name=long),
        company_name=long,
        first_name=long,
        last_name=long,
        bill_address=Address(long, long, long, long, long, long),
        phone=long,
        mobile=long,
        email=long * 4,
        class_ref=Ref(full_name=long),
        terms=Ref(full_name=long),
        sales_rep=Ref(full_name=long),
        job_status="Pending",
        job_description=long,
        notes=long * 20,
        is_active=False,
    )
    ctx = BuildContext(version=version)
    rq = customer_mod(rec, Identity("1-2", "3"), ctx) if mod else customer_add(rec, ctx)
    assert_request_valid(rq, version)
    assert {n.change for n in ctx.notes} == {"truncated"}
    assert len(ctx.notes) == 19  # 13 text fields and 6 address parts, each cut once
