"""Sales reps: initials, the entity reference, both schemas."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.sales_rep import (
    SalesRep,
    initials,
    parse_sales_rep_ret,
    sales_rep_add,
    sales_rep_mod,
    sales_rep_query,
)
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid, assert_valid


@pytest.mark.parametrize(
    ("given_", "first", "last", "expected"),
    [
        (None, "Maria", "Santos", "MS"),
        ("mjs", "Maria", "Santos", "MJS"),
        (None, "Émile", "Ångström", "EA"),
        ("ABCDEFG", None, None, "ABCDE"),
        (None, None, None, ""),
        ("m.j-s", None, None, "MJS"),
    ],
)
def test_initials(given_: str | None, first: str | None, last: str | None, expected: str) -> None:
    assert initials(given_, first, last) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_sales_rep_requests_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    rep = SalesRep("MS", Ref(list_id="80000004-1767632401"))
    add = sales_rep_add(rep, ctx)
    body = add.find("SalesRepAdd")
    assert body is not None and [c.tag for c in body] == ["Initial", "SalesRepEntityRef"]
    assert_request_valid(add, version)
    assert_request_valid(sales_rep_mod(rep, Identity("80000006-1", "1"), ctx), version)
    assert_request_valid(sales_rep_query(ctx, full_names=["MS"]), version)


def test_a_sales_rep_needs_initials() -> None:
    with pytest.raises(BuildError):
        sales_rep_add(SalesRep("", Ref(full_name="Maria Santos")), BuildContext())


@settings(max_examples=50, deadline=None)
@given(
    initial=st.text(max_size=12),
    name=st.text(min_size=1, max_size=250),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_sales_reps_validate_or_raise(initial: str, name: str, version: str) -> None:
    try:
        rq = sales_rep_add(SalesRep(initial, Ref(full_name=name)), BuildContext(version=version))
    except BuildError:
        return
    assert_request_valid(rq, version)


def test_parse_sales_rep_ret() -> None:
    ret = parse_sales_rep_ret(
        parse_xml(
            "<SalesRepRet><ListID>80000006-1767632401</ListID><EditSequence>1767632406"
            "</EditSequence><Initial>MS</Initial><IsActive>true</IsActive><SalesRepEntityRef>"
            "<ListID>80000004-1767632401</ListID><FullName>Maria Santos</FullName>"
            "</SalesRepEntityRef></SalesRepRet>"
        )
    )
    assert ret.initial == "MS" and ret.entity is not None
    assert ret.entity.full_name == "Maria Santos"


FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "qbxml" / "sales_rep"


@pytest.mark.parametrize("version", VERSIONS)
def test_sales_rep_fixture_is_a_valid_response(version: str) -> None:
    assert_valid((FIXTURES / "SalesRepQueryRs.two.xml").read_text(), version)


def test_parse_sales_rep_query_response() -> None:
    (result,) = parse_response((FIXTURES / "SalesRepQueryRs.two.xml").read_bytes()).results
    employee_rep, vendor_rep = (parse_sales_rep_ret(r) for r in result.rets)
    assert (employee_rep.list_id, employee_rep.edit_sequence, employee_rep.initial) == (
        "80000005-1767632401",
        "1767621605",
        "MS",
    )
    assert employee_rep.entity == RefValue("80000004-1767632401", "Maria Santos")
    assert vendor_rep.entity == RefValue("8000000A-1767632460", "Rivera, Luis")
    assert vendor_rep.is_active is False
    assert vendor_rep.time_modified == datetime(
        2026, 2, 20, 8, 30, tzinfo=timezone(timedelta(hours=-5))
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_exact_sales_rep_mod_xml(version: str) -> None:
    rep = SalesRep("ms", Ref(full_name="Maria Santos"), is_active=True)
    ctx = BuildContext(version=version, uppercase=True)
    rq = sales_rep_mod(rep, Identity("80000005-1767632401", "1767621605"), ctx)
    assert etree.tostring(rq, encoding="unicode") == (
        "<SalesRepModRq><SalesRepMod><ListID>80000005-1767632401</ListID>"
        "<EditSequence>1767621605</EditSequence><Initial>MS</Initial>"
        "<IsActive>true</IsActive><SalesRepEntityRef><FullName>Maria Santos</FullName>"
        "</SalesRepEntityRef></SalesRepMod></SalesRepModRq>"
    )


def test_overlong_initials_are_cut_and_noted() -> None:
    ctx = BuildContext()
    body = sales_rep_add(SalesRep("ABCDEFG", Ref(list_id="80000004-1")), ctx).find("SalesRepAdd")
    assert body is not None and body.findtext("Initial") == "ABCDE"
    assert [(n.path, n.change) for n in ctx.notes] == [
        ("SalesRepAddRq/SalesRepAdd/Initial", "truncated")
    ]
