"""Standard and date-driven terms builders, terms queries, and terms Ret parsing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.terms import (
    DateDrivenTerms,
    StandardTerms,
    parse_terms_ret,
    terms_add,
    terms_mod,
    terms_query,
)
from qbxml.context import BuildContext, Identity
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

D = Decimal
ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
FIXTURES = ROOT / "fixtures" / "qbxml" / "terms"


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


@pytest.mark.parametrize("version", VERSIONS)
def test_standard_terms_add_is_exact_and_valid(version: str) -> None:
    ctx = BuildContext(version=version)
    el = terms_add(StandardTerms("2% 10 Net 30", 30, 10, D("2")), ctx)
    assert xml(el) == (
        "<StandardTermsAddRq><StandardTermsAdd><Name>2% 10 Net 30</Name>"
        "<StdDueDays>30</StdDueDays><StdDiscountDays>10</StdDiscountDays>"
        "<DiscountPct>2</DiscountPct></StandardTermsAdd></StandardTermsAddRq>"
    )
    assert ctx.notes == []
    assert_request_valid(el, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_date_driven_terms_add_is_exact_and_valid(version: str) -> None:
    rec = DateDrivenTerms(
        "10th Next Month",
        10,
        due_next_month_days=5,
        discount_day_of_month=1,
        discount_percent=D("1.505"),
        is_active=True,
    )
    el = terms_add(rec, BuildContext(version=version))
    assert xml(el) == (
        "<DateDrivenTermsAddRq><DateDrivenTermsAdd><Name>10th Next Month</Name>"
        "<IsActive>true</IsActive><DayOfMonthDue>10</DayOfMonthDue>"
        "<DueNextMonthDays>5</DueNextMonthDays><DiscountDayOfMonth>1</DiscountDayOfMonth>"
        "<DiscountPct>1.505</DiscountPct></DateDrivenTermsAdd></DateDrivenTermsAddRq>"
    )
    assert_request_valid(el, version)


def test_terms_name_is_cut_to_31_with_a_note_and_capitalised() -> None:
    ctx = BuildContext(uppercase=True)
    el = terms_add(StandardTerms("Net 30 days for commercial accounts"), ctx)
    assert el.findtext("StandardTermsAdd/Name") == "NET 30 DAYS FOR COMMERCIAL ACCO"
    assert [(n.path, n.change) for n in ctx.notes] == [
        ("StandardTermsAddRq/StandardTermsAdd/Name", "truncated")
    ]


def test_terms_name_with_emoji_is_replaced_with_a_note() -> None:
    ctx = BuildContext()
    el = terms_add(StandardTerms("Net 30 ✅", 30), ctx)
    assert el.findtext("StandardTermsAdd/Name") == "Net 30 ?"
    assert [n.change for n in ctx.notes] == ["replaced"]


@pytest.mark.parametrize(
    "rec",
    [
        StandardTerms(" "),
        StandardTerms("Net", due_days=-1),
        StandardTerms("Net", discount_days=1000),
        StandardTerms("Net", discount_percent=D("100.01")),
        StandardTerms("Net", discount_percent=D("-1")),
        StandardTerms("Net", discount_percent=D("NaN")),
        DateDrivenTerms("EOM", 0),
        DateDrivenTerms("EOM", 32),
        DateDrivenTerms("EOM", 31, discount_day_of_month=0),
    ],
)
def test_unusable_terms_are_refused(rec: StandardTerms | DateDrivenTerms) -> None:
    with pytest.raises(BuildError):
        terms_add(rec, BuildContext())


def test_terms_cannot_be_modified_through_qbxml() -> None:
    with pytest.raises(BuildError, match="StandardTermsMod"):
        terms_mod(StandardTerms("Net 30", 30), Identity("10000-1", "1"), BuildContext())
    with pytest.raises(BuildError, match="DateDrivenTermsMod"):
        terms_mod(DateDrivenTerms("EOM", 31), Identity("10000-1", "1"), BuildContext())


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("kind", "tag"),
    [
        (None, "TermsQueryRq"),
        ("Standard", "StandardTermsQueryRq"),
        ("DateDriven", "DateDrivenTermsQueryRq"),
    ],
)
def test_terms_queries(version: str, kind: str | None, tag: str) -> None:
    since = datetime(2025, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    el = terms_query(
        BuildContext(version=version),
        kind=kind,  # type: ignore[arg-type]
        active_status="All",
        modified_from=since,
    )
    assert xml(el) == (
        f"<{tag}><ActiveStatus>All</ActiveStatus>"
        f"<FromModifiedDate>2025-01-01T00:00:00-05:00</FromModifiedDate></{tag}>"
    )
    assert_request_valid(el, version)
    by_name = terms_query(
        BuildContext(version=version),
        kind=kind,  # type: ignore[arg-type]
        full_names=["Net 30"],
    )
    assert_request_valid(by_name, version)


_CHARS = st.characters(exclude_categories=["Cs"])
hostile_text = st.one_of(
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=8).map(lambda s: s * 50),
)
days = st.one_of(st.none(), st.integers(-5, 1005))
percent = st.one_of(
    st.none(), st.decimals(allow_nan=True), st.decimals(min_value=0, max_value=100, places=8)
)


@settings(deadline=None, max_examples=75)
@given(
    rec=st.one_of(
        st.builds(
            StandardTerms, hostile_text, days, days, percent, st.one_of(st.none(), st.booleans())
        ),
        st.builds(
            DateDrivenTerms,
            hostile_text,
            st.integers(-1, 33),
            days,
            st.one_of(st.none(), st.integers(-1, 33)),
            percent,
        ),
    ),
    uppercase=st.booleans(),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_terms_validate_or_raise_build_error(
    rec: StandardTerms | DateDrivenTerms, uppercase: bool, version: str
) -> None:
    try:
        el = terms_add(rec, BuildContext(version=version, uppercase=uppercase))
    except BuildError:
        return
    assert_request_valid(el, version)


def test_parse_both_kinds_from_the_fixture() -> None:
    result = parse_response((FIXTURES / "TermsQueryRs.both-kinds.xml").read_bytes()).results[0]
    net, receipt, date_driven = (parse_terms_ret(el) for el in result.rets)
    assert (net.kind, net.name, net.due_days, net.discount_days, net.discount_percent) == (
        "Standard",
        "2% 10 Net 30",
        30,
        10,
        D("2.0"),
    )
    assert net.list_id == "10000-1704214700"
    assert net.day_of_month_due is None
    assert (receipt.due_days, receipt.discount_percent) == (0, D("0.0"))
    assert date_driven.kind == "DateDriven"
    assert (
        date_driven.day_of_month_due,
        date_driven.due_next_month_days,
        date_driven.discount_day_of_month,
        date_driven.discount_percent,
    ) == (10, 5, 1, D("1.5"))
    assert date_driven.is_active is False
    assert date_driven.due_days is None
    assert date_driven.time_modified == datetime(
        2024, 3, 5, 12, 0, 9, tzinfo=timezone(timedelta(hours=-5))
    )


def test_parse_intuit_sample_trimmed_to_name() -> None:
    path = SAMPLES / "TermsQueryRs.IncludeRetElement-Name.intuit-sample-comment.xml"
    if not path.is_file():
        pytest.skip(f"shared sample {path} is not there")
    result = parse_response(path.read_bytes()).results[0]
    ret = parse_terms_ret(result.rets[0])
    assert (ret.kind, ret.name) == ("Standard", "1% 10 Net 30")
    assert ret.list_id is None and ret.due_days is None


def test_parse_refuses_other_elements_and_bad_values() -> None:
    with pytest.raises(ResponseError, match="TermsRet"):
        parse_terms_ret(parse_xml("<TermsRet/>"))
    with pytest.raises(ResponseError, match="StandardTermsRet/StdDueDays"):
        parse_terms_ret(
            parse_xml("<StandardTermsRet><StdDueDays>30d</StdDueDays></StandardTermsRet>")
        )
