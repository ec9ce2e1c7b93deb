"""AccountQuery and AccountRet parsing, and the canned chart of accounts fixture."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.account import ACCOUNT_TYPES, account_query, parse_account_ret
from qbxml.context import BuildContext
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid, assert_valid

D = Decimal
ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "fixtures" / "qbxml" / "account" / "AccountQueryRs.chart.xml"
EST = timezone(timedelta(hours=-5))


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


@pytest.mark.parametrize("version", VERSIONS)
def test_account_query_with_filters_in_schema_order(version: str) -> None:
    el = account_query(
        BuildContext(version=version),
        active_status="All",
        modified_from=datetime(2025, 1, 1, tzinfo=EST),
        account_types=["Income", "OtherIncome", "Income"],
        include_ret_elements=["ListID", "FullName", "AccountType"],
    )
    assert xml(el) == (
        "<AccountQueryRq><ActiveStatus>All</ActiveStatus>"
        "<FromModifiedDate>2025-01-01T00:00:00-05:00</FromModifiedDate>"
        "<AccountType>Income</AccountType><AccountType>OtherIncome</AccountType>"
        "<IncludeRetElement>ListID</IncludeRetElement>"
        "<IncludeRetElement>FullName</IncludeRetElement>"
        "<IncludeRetElement>AccountType</IncludeRetElement></AccountQueryRq>"
    )
    assert_request_valid(el, version)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "<AccountQueryRq/>"),
        (
            {"list_ids": ["80000001-1704214832"]},
            "<AccountQueryRq><ListID>80000001-1704214832</ListID></AccountQueryRq>",
        ),
        (
            {"full_names": ["Construction Income:Labor Income"]},
            "<AccountQueryRq><FullName>Construction Income:Labor Income</FullName>"
            "</AccountQueryRq>",
        ),
        (
            {"max_returned": 1, "account_types": ["AccountsReceivable"]},
            "<AccountQueryRq><MaxReturned>1</MaxReturned>"
            "<AccountType>AccountsReceivable</AccountType></AccountQueryRq>",
        ),
    ],
)
def test_account_query_shapes(version: str, kwargs: dict[str, object], expected: str) -> None:
    el = account_query(BuildContext(version=version), **kwargs)  # type: ignore[arg-type]
    assert xml(el) == expected
    assert_request_valid(el, version)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"account_types": ["Revenue"]},
        {"list_ids": ["1-1"], "account_types": ["Bank"]},
        {"full_names": ["Bank"], "active_status": "All"},
        {"max_returned": 0},
    ],
)
def test_account_query_refuses_what_the_schema_would(kwargs: dict[str, object]) -> None:
    with pytest.raises(BuildError):
        account_query(BuildContext(), **kwargs)  # type: ignore[arg-type]


def test_account_query_has_no_iterator_because_the_schema_has_none() -> None:
    with pytest.raises(TypeError):
        account_query(BuildContext(), iterator="Start")  # type: ignore[call-arg]


@settings(deadline=None, max_examples=50)
@given(
    names=st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=200), max_size=4),
    types=st.lists(st.sampled_from(ACCOUNT_TYPES), max_size=20),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_account_queries_validate_or_raise_build_error(
    names: list[str], types: list[str], version: str
) -> None:
    for kwargs in ({"full_names": names}, {"account_types": types}):
        try:
            el = account_query(BuildContext(version=version), **kwargs)  # type: ignore[arg-type]
        except BuildError:
            continue
        assert_request_valid(el, version)


# --- the canned chart of accounts ----------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_chart_fixture_validates(version: str) -> None:
    assert_valid(CHART.read_text("utf-8"), version)


def test_chart_fixture_is_shaped_like_quickbooks_output() -> None:
    text = CHART.read_text("utf-8")
    assert text.startswith('<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n')
    assert (
        '<AccountQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
        'statusMessage="Status OK">'
    ) in text
    result = parse_response(text).results[0]
    assert (result.request_id, result.ok, result.name) == ("1", True, "AccountQueryRs")


def test_parse_the_chart() -> None:
    rets = [parse_account_ret(el) for el in parse_response(CHART.read_bytes()).results[0].rets]
    assert len(rets) == 11
    assert len({r.list_id for r in rets}) == 11
    assert {r.account_type for r in rets} == {
        "Bank",
        "AccountsReceivable",
        "OtherCurrentAsset",
        "FixedAsset",
        "AccountsPayable",
        "Equity",
        "Income",
        "CostOfGoodsSold",
        "Expense",
    }
    by_name = {r.full_name: r for r in rets}
    bank = by_name["Operating Checking"]
    assert bank.list_id == "80000001-1704214832"
    assert bank.edit_sequence == "1741983725"
    assert (bank.account_number, bank.description) == (
        "1000",
        "First Valley Bank operating account",
    )
    assert (bank.balance, bank.total_balance) == (D("48210.55"), D("48210.55"))
    assert (bank.tax_line_id, bank.tax_line_name) == (1605, "B/S-Assets: Cash")
    assert bank.time_created == datetime(2024, 1, 2, 9, 0, 32, tzinfo=EST)
    assert bank.time_modified == datetime(
        2025, 3, 14, 16, 22, 5, tzinfo=timezone(timedelta(hours=-4))
    )
    labor = by_name["Construction Income:Labor Income"]
    assert (labor.name, labor.sublevel, labor.is_active) == ("Labor Income", 1, True)
    assert labor.parent == RefValue("80000008-1704215402", "Construction Income")
    assert labor.description == "Installation & repair labor"
    assert by_name["Accounts Payable"].balance == D("-18422.37")
    assert by_name["Undeposited Funds"].special_account_type == "UndepositedFunds"
    assert by_name["Equipment Rental"].is_active is False
    assert by_name["Trucks"].total_balance == D("41500.00")
    assert by_name["Job Materials"].tax_line_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<Balance>12,000.00</Balance>", "AccountRet/Balance"),
        (
            "<TaxLineInfoRet><TaxLineID>x</TaxLineID></TaxLineInfoRet>",
            "AccountRet/TaxLineInfoRet/TaxLineID",
        ),
        ("<IsActive>yes</IsActive>", "AccountRet/IsActive"),
    ],
)
def test_parse_account_ret_names_the_bad_field(body: str, field: str) -> None:
    with pytest.raises(ResponseError, match=field):
        parse_account_ret(parse_xml(f"<AccountRet>{body}</AccountRet>"))
