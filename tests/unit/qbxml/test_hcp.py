"""parse_hcp against the real QuickBooks Pro 2006 strHCPResponse and synthetic modern ones."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbxml.errors import QbxmlError, ResponseError, XmlParseError
from qbxml.hcp import FileId, HostCompanyPrefs, parse_hcp
from qbxml.responses import RefValue
from qbxml.versions import choose_version

MAIN = Path(__file__).resolve().parents[3]
SAMPLES = MAIN.parent / "shared" / "samples" / "qbxml"
FIXTURES = MAIN / "fixtures" / "qbxml"
PREFIX = "HostQueryRs+CompanyQueryRs+PreferencesQueryRs.strHCPResponse."


def sample(name: str) -> bytes:
    path = SAMPLES / f"{PREFIX}{name}"
    if not path.is_file():
        pytest.skip(f"shared sample {path} is absent")
    return path.read_bytes()


def test_quickbooks_pro_2006() -> None:
    prefs = parse_hcp(sample("QBPro2006.consolibyte-log-2008.xml"))
    assert prefs == HostCompanyPrefs(
        product_name="QuickBooks Pro 2006",
        major_version="16",
        minor_version="0",
        country="US",
        supported_versions=("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0"),
        is_automatic_login=False,
        qb_file_mode="SingleUser",
        company_name="Test Company",
        legal_company_name="Test Company",
        is_sample_company=False,
        file_id=FileId(
            "{ee032e95-47f7-2564-096f-2d4545fcb021}", "{68b5925b-4347-4784-e58d-35a2d190962f}"
        ),
        class_tracking=False,
        assign_classes_to=None,
        closing_date=None,
        sales_tax=True,
        default_taxable_sales_tax_code=RefValue("10000-1211065841", "Tax"),
        default_non_taxable_sales_tax_code=RefValue("20000-1211065841", "Non"),
        default_item_sales_tax=RefValue("10000-1211066051", "Out of State"),
        multi_currency=False,  # 2006 predates multi-currency (qbXML 8.0): no aggregate
        home_currency=None,
        uses_inventory=True,
        uses_estimates=True,
        uses_price_levels=True,
        uses_account_numbers=False,
        missing=(),
    )


def test_quickbooks_pro_2006_is_too_old() -> None:
    prefs = parse_hcp(sample("QBPro2006.consolibyte-log-2008.xml"))
    with pytest.raises(QbxmlError, match=r"up to 5\.0 \(QuickBooks 2006\)"):
        choose_version(prefs.supported_versions)


def test_quickbooks_pro_2014_sample_is_not_well_formed() -> None:
    with pytest.raises(XmlParseError):
        parse_hcp(sample("QBPro2014.qbwc-gem.NOT-WELL-FORMED.xml"))


def test_enterprise_2024_fixture() -> None:
    prefs = parse_hcp((FIXTURES / "hcp.enterprise2024.xml").read_bytes())
    assert prefs.product_name == "QuickBooks Enterprise Solutions 24.0"
    assert (prefs.major_version, prefs.minor_version) == ("34", "0")
    assert prefs.supported_versions[-4:] == ("13.0", "14.0", "15.0", "16.0")
    assert len(prefs.supported_versions) == 19
    assert choose_version(prefs.supported_versions) == "13.0"
    assert prefs.qb_file_mode == "MultiUser"
    assert prefs.company_name == "Harbor & Pine Supply"
    assert prefs.legal_company_name == "Harbor & Pine Supply LLC"
    assert prefs.file_id == FileId(
        "{3fa9c2d1-8b47-4e6a-a1c0-5d2e9f7b4a38}", "{7c1f2e40-5a9b-4d3c-9e21-0b6a8f3d2c11}"
    )
    assert prefs.class_tracking is True
    assert prefs.assign_classes_to == "Items"
    assert prefs.closing_date == date(2023, 12, 31)
    assert prefs.sales_tax is True
    assert prefs.default_item_sales_tax == RefValue("80000011-1700000100", "ME Sales Tax")
    assert prefs.multi_currency is True
    assert prefs.home_currency == RefValue("80000064-1700000000", "US Dollar")
    assert (prefs.uses_inventory, prefs.uses_estimates, prefs.uses_price_levels) == (
        True,
        False,
        False,
    )
    assert prefs.uses_account_numbers is True
    assert prefs.missing == ()


def test_partial_answer_leaves_fields_none() -> None:
    prefs = parse_hcp((FIXTURES / "hcp.partial.xml").read_bytes())
    assert prefs.product_name == "QuickBooks Premier Edition 2013"
    assert prefs.country is None and prefs.is_automatic_login is None
    assert choose_version(prefs.supported_versions) == "12.0"
    assert prefs.missing == ("CompanyRet", "PreferencesRet")
    assert prefs.company_name is None and prefs.file_id is None
    assert prefs.sales_tax is None and prefs.multi_currency is None
    assert prefs.class_tracking is None


OK = 'statusCode="0" statusSeverity="Info"'


def hcp(inner: str) -> str:
    return f"<QBXML><QBXMLMsgsRs>{inner}</QBXMLMsgsRs></QBXML>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (hcp(""), HostCompanyPrefs(missing=("HostRet", "CompanyRet", "PreferencesRet"))),
        # Answered without a Ret: the part is missing.
        (
            hcp(f"<HostQueryRs {OK}/>"),
            HostCompanyPrefs(missing=("HostRet", "CompanyRet", "PreferencesRet")),
        ),
        # Sales tax off: PreferencesRet without SalesTaxPreferences.
        (
            hcp(
                f"<PreferencesQueryRs {OK}><PreferencesRet><AccountingPreferences>"
                "<IsUsingClassTracking>true</IsUsingClassTracking></AccountingPreferences>"
                "</PreferencesRet></PreferencesQueryRs>"
            ),
            HostCompanyPrefs(
                class_tracking=True,
                sales_tax=False,
                multi_currency=False,
                missing=("HostRet", "CompanyRet"),
            ),
        ),
        # A CompanyRet whose data extensions carry no FileID.
        (
            hcp(
                f"<CompanyQueryRs {OK}><CompanyRet><CompanyName>X</CompanyName><DataExtRet>"
                "<DataExtName>AppLock</DataExtName><DataExtValue>L</DataExtValue></DataExtRet>"
                "<DataExtRet><DataExtName>FileID</DataExtName><DataExtValue/></DataExtRet>"
                "</CompanyRet></CompanyQueryRs>"
            ),
            HostCompanyPrefs(company_name="X", missing=("HostRet", "PreferencesRet")),
        ),
        # A Warn answer still counts; supported versions are stripped of white space.
        (
            hcp(
                '<HostQueryRs statusCode="530" statusSeverity="Warn"><HostRet><ProductName>Q'
                "</ProductName><SupportedQBXMLVersion> 13.0 </SupportedQBXMLVersion></HostRet>"
                "</HostQueryRs>"
            ),
            HostCompanyPrefs(
                product_name="Q",
                supported_versions=("13.0",),
                missing=("CompanyRet", "PreferencesRet"),
            ),
        ),
    ],
)
def test_shapes(text: str, expected: HostCompanyPrefs) -> None:
    assert parse_hcp(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", XmlParseError),
        ("  \n", XmlParseError),
        ("HOSTQUERY/COMPANYQUERY/PREFQUERY is currently not supported in QBPOS.", XmlParseError),
        ("<QBPOSXML/>", ResponseError),
        (hcp("<HostQueryRs statusCode='0'/>"), ResponseError),
        (
            hcp(
                f"<HostQueryRs {OK}><HostRet><IsAutomaticLogin>maybe</IsAutomaticLogin></HostRet>"
                "</HostQueryRs>"
            ),
            ResponseError,
        ),
    ],
)
def test_typed_errors(text: str, error: type[QbxmlError]) -> None:
    with pytest.raises(error):
        parse_hcp(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_arbitrary_input_raises_only_qbxml_errors(data: bytes | str) -> None:
    with contextlib.suppress(QbxmlError):
        parse_hcp(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<HostRet><SupportedQBXMLVersion>x</SupportedQBXMLVersion></HostRet>",
                "<HostRet><IsAutomaticLogin>1</IsAutomaticLogin></HostRet>",
                "<CompanyRet><DataExtRet/><DataExtRet><DataExtName>FileID</DataExtName>"
                "</DataExtRet></CompanyRet>",
                "<PreferencesRet><SalesTaxPreferences><DefaultItemSalesTaxRef/>"
                "</SalesTaxPreferences></PreferencesRet>",
                "<PreferencesRet><AccountingPreferences><ClosingDate>soon</ClosingDate>"
                "</AccountingPreferences></PreferencesRet>",
                "<PreferencesRet><MultiCurrencyPreferences/></PreferencesRet>",
                "",
            ]
        ),
        max_size=3,
    ),
    st.permutations(["HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"]),
)
def test_hcp_shaped_input_raises_only_qbxml_errors(parts: list[str], names: list[str]) -> None:
    body = "".join(f"<{n} {OK}>{p}</{n}>" for n, p in zip(names, parts, strict=False))
    with contextlib.suppress(QbxmlError):
        parse_hcp(hcp(body))
