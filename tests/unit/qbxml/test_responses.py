"""parse_response and the *_of helpers against real QuickBooks answers and synthetic fixtures."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.errors import QbxmlError, ResponseError, XmlParseError
from qbxml.responses import (
    ErrorRecovery,
    RefValue,
    RequestResult,
    bool_of,
    date_of,
    datetime_of,
    decimal_of,
    int_of,
    parse_response,
    ref_of,
    text_of,
    texts_of,
)
from tests.support.schema import VERSIONS, assert_valid

MAIN = Path(__file__).resolve().parents[3]
SAMPLES = MAIN.parent / "shared" / "samples" / "qbxml"
FIXTURES = MAIN / "fixtures" / "qbxml"


def tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared sample {path} is absent")
    return path.read_bytes()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def only(name: str) -> RequestResult:
    """The single answer of a one-request sample."""
    results = parse_response(sample(name)).results
    assert len(results) == 1
    return results[0]


# (file, Rs name, requestID, statusCode, severity, number of *Ret children)
ENVELOPES = [
    ("BillQueryRs.ok.intuit-sdktest-2022.xml", "BillQueryRs", "1", 0, "Info", 3),
    (
        "CustomerAddRs.3180.consolibyte.xml",
        "CustomerAddRs",
        "Q3VzdG9tZXJBZGR8Mw==",
        3180,
        "Error",
        0,
    ),
    (
        "CustomerAddRs.ok.consolibyte-log-2008.xml",
        "CustomerAddRs",
        "Q3VzdG9tZXJBZGR8MTU=",
        0,
        "Info",
        1,
    ),
    ("CustomerAddRs.ok.qbwc-gem-A.xml", "CustomerAddRs", None, 0, "Info", 1),
    ("CustomerAddRs.ok.qbwc-gem-B.xml", "CustomerAddRs", None, 0, "Info", 1),
    ("CustomerQueryRs.3120.qbwc-gem.xml", "CustomerQueryRs", None, 3120, "Error", 0),
    ("CustomerQueryRs.500.qbwc-gem.xml", "CustomerQueryRs", None, 500, "Warn", 0),
    (
        "CustomerQueryRs.IncludeRetElement-FullName.intuit-sample-comment.xml",
        "CustomerQueryRs",
        "1",
        0,
        "Info",
        1,
    ),
    ("CustomerQueryRs.ok.qbwc-gem.xml", "CustomerQueryRs", None, 0, "Info", 1),
    ("InvoiceAddRs.ok.flowlink-2014.xml", "InvoiceAddRs", None, 0, "Info", 1),
    ("ItemInventoryQueryRs.ok.flowlink-2014.xml", "ItemInventoryQueryRs", None, 0, "Info", 16),
    ("ItemQueryRs.ItemServiceRet.intuit-sample-comment.xml", "ItemQueryRs", "2", 0, "Info", 1),
    ("ItemQueryRs.ItemServiceRet.qbxml-gem.xml", "ItemQueryRs", "Retrieve items", 0, "Info", 1),
    (
        "ItemServiceAddRs.3100.consolibyte-2010.xml",
        "ItemServiceAddRs",
        "SXRlbVNlcnZpY2VBZGR8c2hpcHBpbmc=",
        3100,
        "Error",
        0,
    ),
    (
        "ReceivePaymentAddRs.ok.flowlink-2014.xml",
        "ReceivePaymentAddRs",
        "0bb737ee-2862-4ab7-8d35-f551f84793c9",
        0,
        "Info",
        1,
    ),
    (
        "SalesTaxCodeQueryRs.IncludeRetElement-FullName.intuit-sample-comment.xml",
        "SalesTaxCodeQueryRs",
        "3",
        0,
        "Info",
        1,
    ),
    (
        "TermsQueryRs.IncludeRetElement-Name.intuit-sample-comment.xml",
        "TermsQueryRs",
        "3",
        0,
        "Info",
        1,
    ),
]
NOT_WELL_FORMED = (
    "HostQueryRs+CompanyQueryRs+PreferencesQueryRs.strHCPResponse.QBPro2014.qbwc-gem."
    "NOT-WELL-FORMED.xml"
)
HCP_2006 = (
    "HostQueryRs+CompanyQueryRs+PreferencesQueryRs.strHCPResponse.QBPro2006."
    "consolibyte-log-2008.xml"
)


def test_every_shared_sample_is_covered() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} is absent")
    covered = {row[0] for row in ENVELOPES} | {NOT_WELL_FORMED, HCP_2006}
    assert {p.name for p in SAMPLES.glob("*.xml")} == covered


@pytest.mark.parametrize(("name", "rs", "request_id", "code", "severity", "rets"), ENVELOPES)
def test_sample_envelope(
    name: str, rs: str, request_id: str | None, code: int, severity: str, rets: int
) -> None:
    result = only(name)
    assert (result.name, result.request_id, result.status_code) == (rs, request_id, code)
    assert result.status_severity == severity
    assert len(result.rets) == rets
    assert all(str(r.tag).endswith("Ret") for r in result.rets)
    assert result.ok is (code == 0)
    assert result.is_error is (severity == "Error")


def test_hcp_sample_has_three_answers_in_order() -> None:
    results = parse_response(sample(HCP_2006)).results
    assert [r.name for r in results] == ["HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"]
    assert list(parse_response(sample(HCP_2006)).by_request_id()) == ["0", "1", "2"]


def test_not_well_formed_sample_raises_xml_parse_error() -> None:
    with pytest.raises(XmlParseError):
        parse_response(sample(NOT_WELL_FORMED))


def test_customer_add_2008_values() -> None:
    result = only("CustomerAddRs.ok.consolibyte-log-2008.xml")
    ret = result.ret
    assert ret is not None and ret.tag == "CustomerRet"
    assert text_of(ret, "ListID") == "F0000-1215265593"
    assert text_of(ret, "EditSequence") == "1215265593"
    assert text_of(ret, "Name") == "Shannon 171 Daniels"
    assert datetime_of(ret, "TimeCreated") == datetime(2008, 7, 5, 9, 46, 33, tzinfo=tz(-5))
    assert bool_of(ret, "IsActive") is True
    assert int_of(ret, "Sublevel") == 0
    assert text_of(ret, "ShipAddress/City") == "Willington"
    assert text_of(ret, "BillAddress/City") is None
    assert decimal_of(ret, "Balance") == Decimal("0.00")
    assert ref_of(ret, "SalesTaxCodeRef") == RefValue("10000-1211065841", "Tax")
    assert ref_of(ret, "ItemSalesTaxRef") == RefValue("10000-1211066051", "Out of State")
    assert ref_of(ret, "ParentRef") is None


def test_customer_add_gem_a_values() -> None:
    ret = only("CustomerAddRs.ok.qbwc-gem-A.xml").ret
    assert ret is not None
    assert text_of(ret, "ListID") == "8000001B-1405768916"
    assert text_of(ret, "FullName") == "Joseph Customer"
    assert text_of(ret, "BillAddress/PostalCode") == "94566"
    assert decimal_of(ret, "CreditLimit") == Decimal("2000.00")
    assert text_of(ret, "AccountNumber") == "89087"


def test_customer_add_gem_b_values() -> None:
    ret = only("CustomerAddRs.ok.qbwc-gem-B.xml").ret
    assert ret is not None
    assert text_of(ret, "ListID") == "8000007B-1420967073"
    assert datetime_of(ret, "TimeModified") == datetime(2015, 2, 3, 7, 49, 33, tzinfo=tz(-5))
    assert text_of(ret, "EditSequence") == "1420967073"


def test_bill_query_values() -> None:
    bills = only("BillQueryRs.ok.intuit-sdktest-2022.xml").rets
    assert [text_of(b, "TxnID") for b in bills] == [
        "7-1646382259",
        "16-1646632498",
        "19-1646632525",
    ]
    assert [int_of(b, "TxnNumber") for b in bills] == [3, 8, 9]
    assert sum(decimal_of(b, "AmountDue") or Decimal(0) for b in bills) == Decimal("2120.00")
    assert [decimal_of(b, "OpenAmount") for b in bills] == [
        Decimal("2000.00"),
        Decimal("120.00"),
        Decimal("120.00"),
    ]
    assert date_of(bills[0], "DueDate") == date(2022, 3, 14)
    assert datetime_of(bills[1], "TimeCreated") == datetime(2022, 3, 6, 21, 54, 58, tzinfo=tz(-8))
    assert ref_of(bills[1], "VendorRef") == RefValue("80000002-1646382223", "v2")
    assert text_of(bills[0], "Memo") is None
    assert (text_of(bills[2], "Memo") or "").startswith("Created by Purchase Order Modify")
    assert bool_of(bills[2], "IsPaid") is False


def test_invoice_add_values() -> None:
    ret = only("InvoiceAddRs.ok.flowlink-2014.xml").ret
    assert ret is not None
    assert text_of(ret, "TxnID") == "C5-1417118624"
    assert text_of(ret, "RefNumber") == "R1TT46883"
    assert date_of(ret, "TxnDate") == date(2014, 2, 3)
    assert datetime_of(ret, "TimeCreated") == datetime(2014, 11, 27, 18, 3, 44, tzinfo=tz(-2))
    assert decimal_of(ret, "Subtotal") == Decimal("206.00")
    assert decimal_of(ret, "BalanceRemaining") == Decimal("206.00")
    assert bool_of(ret, "IsToBePrinted") is True
    assert ref_of(ret, "TemplateRef") == RefValue("80000003-1414518220", "Intuit Service Invoice")
    line = ret.find("InvoiceLineRet")
    assert line is not None
    assert decimal_of(line, "Quantity") == Decimal(2)
    assert decimal_of(line, "Rate") == Decimal("103.00")
    assert ref_of(line, "ItemRef") == RefValue("80000034-1415899267", "SPREE-T-SHIRT")


def test_item_inventory_query_values() -> None:
    items = only("ItemInventoryQueryRs.ok.flowlink-2014.xml").rets
    assert text_of(items[1], "Name") == "Haskell T-Shirt"
    assert decimal_of(items[1], "SalesPrice") == Decimal("55.00")
    assert decimal_of(items[1], "QuantityOnHand") == Decimal(300)
    assert datetime_of(items[1], "TimeModified") == datetime(
        2014, 11, 10, 22, 22, 56, tzinfo=tz(-3)
    )
    assert text_of(items[-1], "Name") == "SPREE-T-SHIRT697879"
    assert len({text_of(i, "ListID") for i in items}) == 16


def test_receive_payment_values() -> None:
    ret = only("ReceivePaymentAddRs.ok.flowlink-2014.xml").ret
    assert ret is not None
    assert decimal_of(ret, "TotalAmount") == Decimal("210.00")
    assert decimal_of(ret, "UnusedPayment") == Decimal("210.00")
    assert ref_of(ret, "DepositToAccountRef") == RefValue(
        "8000001E-1416683831", "Undeposited Funds"
    )
    assert date_of(ret, "TxnDate") == date(2014, 3, 2)


def test_item_service_query_values() -> None:
    ret = only("ItemQueryRs.ItemServiceRet.intuit-sample-comment.xml").ret
    assert ret is not None and ret.tag == "ItemServiceRet"
    assert decimal_of(ret, "SalesOrPurchase/Price") == Decimal("35.00")
    assert ref_of(ret, "SalesOrPurchase/AccountRef") == RefValue(
        "190000-933270541", "Construction Income:Labor Income"
    )
    assert datetime_of(ret, "TimeCreated") == datetime(1999, 7, 29, 11, 24, 15, tzinfo=tz(-8))


@pytest.mark.parametrize(
    ("name", "tag", "child", "value"),
    [
        (
            "CustomerQueryRs.IncludeRetElement-FullName.intuit-sample-comment.xml",
            "CustomerRet",
            "FullName",
            "Abercrombie, Kristy",
        ),
        (
            "TermsQueryRs.IncludeRetElement-Name.intuit-sample-comment.xml",
            "StandardTermsRet",
            "Name",
            "1% 10 Net 30",
        ),
        # Not valid 13.0 (FullName where SalesTaxCodeRet has Name): read leniently as written.
        (
            "SalesTaxCodeQueryRs.IncludeRetElement-FullName.intuit-sample-comment.xml",
            "SalesTaxCodeRet",
            "FullName",
            "Tax",
        ),
    ],
)
def test_partial_rets(name: str, tag: str, child: str, value: str) -> None:
    ret = only(name).ret
    assert ret is not None and ret.tag == tag
    assert text_of(ret, child) == value
    assert text_of(ret, "ListID") is None


def test_invalid_out_of_order_sample_is_read_as_written() -> None:
    # Not valid 13.0 (elements out of order, TimeModified before TimeCreated). The envelope is
    # well-formed and the values parse, so they are read as QuickBooks would have meant them;
    # judging them is the entity parser's business.
    ret = only("CustomerQueryRs.ok.qbwc-gem.xml").ret
    assert ret is not None
    assert text_of(ret, "Salutation") == "Mr"
    created, modified = datetime_of(ret, "TimeCreated"), datetime_of(ret, "TimeModified")
    assert created is not None and modified is not None and modified < created


def test_invalid_percent_sample_reads_until_the_bad_value() -> None:
    # Not valid 13.0: PricePercent "18.0%". The envelope and iterator read; the bad value raises
    # a ResponseError naming the field when someone asks for it.
    result = only("ItemQueryRs.ItemServiceRet.qbxml-gem.xml")
    assert result.iterator_id == "{10c05cbd-b25b-4a85-8aa0-8bce89e6e900}"
    assert result.iterator_remaining_count == 0
    assert not result.has_more
    ret = result.ret
    assert ret is not None
    assert datetime_of(ret, "TimeCreated") == datetime(2016, 7, 14, 15, 25, 48, tzinfo=tz(0))
    assert text_of(ret, "Name") == "let's get intuit"
    with pytest.raises(ResponseError, match="ItemServiceRet/SalesOrPurchase/PricePercent"):
        decimal_of(ret, "SalesOrPurchase/PricePercent")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "CustomerAddRs.3180.consolibyte.xml",
            'There was an error when saving a Customer list, element "Newcastle Tenants '
            'Federation". QuickBooks error message: This list has been modified by another user.',
        ),
        (
            "CustomerQueryRs.3120.qbwc-gem.xml",
            'Object "8000001B-1405768916" specified in the request cannot be found.  QuickBooks '
            "error message: Invalid argument.  The specified record does not exist in the list.",
        ),
        (
            "CustomerQueryRs.500.qbwc-gem.xml",
            "The query request has not been fully completed. There was a required element "
            '("bleech") that could not be found in QuickBooks.',
        ),
        (
            "ItemServiceAddRs.3100.consolibyte-2010.xml",
            'The name "Shipping Item - QuickBooks Inte" of the list element is already in use.',
        ),
    ],
)
def test_error_messages_are_unescaped(name: str, message: str) -> None:
    assert only(name).status_message == message


def test_no_match_codes() -> None:
    assert only("CustomerQueryRs.500.qbwc-gem.xml").no_match
    assert only("CustomerQueryRs.500.qbwc-gem.xml").is_warning
    assert not only("CustomerQueryRs.3120.qbwc-gem.xml").no_match


# --- synthetic fixtures ----------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_fixtures_are_schema_valid(name: str, version: str) -> None:
    assert_valid(fixture(name).decode("utf-8"), version)


def test_multi_request_set() -> None:
    answers = parse_response(fixture("multi.continueOnError.xml"))
    assert [r.request_id for r in answers.results] == [
        "q-item-1",
        "add-cust-17",
        "add-so-9",
        "mod-cust-3",
        "add-inv-5",
    ]
    by_id = answers.by_request_id()
    assert by_id["q-item-1"].no_match and not by_id["q-item-1"].is_error
    added = by_id["add-cust-17"]
    assert added.ok and added.request_type == "CustomerAdd"
    assert added.ret is not None and text_of(added.ret, "Name") == "Müller, Jürgen"
    assert datetime_of(added.ret, "TimeCreated") == datetime(2025, 3, 10, 14, 30, tzinfo=tz(1))
    assert [by_id[k].status_code for k in ("add-so-9", "mod-cust-3", "add-inv-5")] == [
        3140,
        3200,
        3070,
    ]
    assert all(by_id[k].is_error and not by_id[k].rets for k in ("add-so-9", "mod-cust-3"))
    assert answers.new_message_set_id is None and answers.message_set_status_code is None


def test_iterator_page() -> None:
    result = parse_response(fixture("iterator.CustomerQueryRs.xml")).results[0]
    assert result.iterator_id == "{c9a1f0e2-3b4d-4a5e-8f60-7a1b2c3d4e5f}"
    assert (result.ret_count, result.iterator_remaining_count) == (2, 148)
    assert result.has_more
    job = result.rets[1]
    assert ref_of(job, "ParentRef") == RefValue("80000001-1700000001", "Acme Corp")
    assert decimal_of(job, "Balance") == Decimal("-20.00")
    assert bool_of(job, "IsActive") is False
    assert text_of(job, "FullName") == "Acme Corp:Kitchen remodel"


def test_error_recovery_set() -> None:
    answers = parse_response(fixture("recovery.messageSet.xml"))
    assert answers.new_message_set_id == "7f3c2a10-recovery-0002"
    assert answers.message_set_status_code == 0
    customer, invoice = answers.results
    assert customer.rets == ()
    assert customer.error_recovery == ErrorRecovery(
        list_id="80000051-1741700000", edit_sequence="1741700000"
    )
    assert invoice.error_recovery == ErrorRecovery(
        txn_id="1A2B-1741700050", txn_number=311, edit_sequence="1741700050"
    )


# --- what is not a qbXML response -------------------------------------------------------------

OK_ATTRS = 'statusCode="0" statusSeverity="Info" statusMessage="Status OK"'


def doc(inner: str, msgs_attrs: str = "") -> str:
    return f"<QBXML><QBXMLMsgsRs {msgs_attrs}>{inner}</QBXMLMsgsRs></QBXML>"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("<QBXMLX/>", "expected a QBXML document"),
        ('<QBXML xmlns="urn:x"><QBXMLMsgsRs/></QBXML>', "expected a QBXML document"),
        ("<QBXML/>", "one QBXMLMsgsRs"),
        ('<QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>', "one QBXMLMsgsRs"),
        ("<QBXML><QBXMLMsgsRs/><QBXMLMsgsRs/></QBXML>", "one QBXMLMsgsRs"),
        (doc("<CustomerRet/>"), "unexpected <CustomerRet>"),
        (doc('<CustomerQueryRs statusSeverity="Info"/>'), "no statusCode"),
        (doc('<CustomerQueryRs statusCode="" statusSeverity="Info"/>'), "empty statusCode"),
        (doc('<CustomerQueryRs statusCode="OK" statusSeverity="Info"/>'), "statusCode"),
        (doc('<CustomerQueryRs statusCode="1.5" statusSeverity="Info"/>'), "statusCode"),
        (doc('<CustomerQueryRs statusCode="0"/>'), "no statusSeverity"),
        (doc('<CustomerQueryRs statusCode="0" statusSeverity="Fatal"/>'), "statusSeverity"),
        (doc(f'<CustomerQueryRs {OK_ATTRS} retCount="two"/>'), "retCount"),
        (doc(f'<CustomerQueryRs {OK_ATTRS} iteratorRemainingCount="x"/>'), "iteratorRemaining"),
        (doc("", 'messageSetStatusCode="bad"'), "messageSetStatusCode"),
        (
            doc(f"<CustomerQueryRs {OK_ATTRS}><CustomerRet/></CustomerQueryRs><ErrorRecovery/>"),
            "unexpected <ErrorRecovery>",
        ),
    ],
)
def test_not_a_response(text: str, match: str) -> None:
    with pytest.raises(ResponseError, match=match):
        parse_response(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        b"",
        "not xml",
        "<QBXML>",
        '<!DOCTYPE QBXML [<!ENTITY a "b">]><QBXML>&a;</QBXML>',
        b"\xff\xfe<\x00",
    ],
)
def test_not_xml(text: str | bytes) -> None:
    with pytest.raises(XmlParseError):
        parse_response(text)


def test_duplicate_request_ids_refused_when_matching() -> None:
    answers = parse_response(doc(f'<AccountQueryRs requestID="7" {OK_ATTRS}/>' * 2))
    assert len(answers.results) == 2
    with pytest.raises(ResponseError) as info:
        answers.by_request_id()
    assert info.value.request_id == "7"


@pytest.mark.parametrize(
    ("raw", "severity"),
    [("Info", "Info"), ("warn", "Warn"), ("Warning", "Warn"), (" ERROR ", "Error")],
)
def test_severity_is_normalised(raw: str, severity: str) -> None:
    answers = parse_response(doc(f'<AccountQueryRs statusCode="9" statusSeverity="{raw}"/>'))
    assert answers.results[0].status_severity == severity


def test_comments_signon_and_empty_set_are_accepted() -> None:
    text = (
        '<?xml version="1.0" ?><?qbxml version="13.0"?><QBXML><SignonMsgsRs/><!-- c -->'
        f"<QBXMLMsgsRs><!-- x --><?pi y?><AccountQueryRs {OK_ATTRS}><!-- z -->"
        "<AccountRet><Name>Bank</Name></AccountRet></AccountQueryRs></QBXMLMsgsRs></QBXML>"
    )
    result = parse_response(text).results[0]
    assert result.status_message == "Status OK" and len(result.rets) == 1
    assert parse_response(doc("")).results == ()
    assert (
        parse_response(doc('<AccountQueryRs statusCode="0" statusSeverity="Info"/>'))
        .results[0]
        .status_message
        == ""
    )


# --- the *_of helpers -------------------------------------------------------------------------


def ret(inner: str) -> etree._Element:
    return parse_response(doc(f"<XRs {OK_ATTRS}><XRet>{inner}</XRet></XRs>")).results[0].rets[0]


@pytest.mark.parametrize(
    ("helper", "text", "expected"),
    [
        (text_of, "<V>a &amp; b</V>", "a & b"),
        (text_of, "<V/>", ""),
        (text_of, "<V>  padded </V>", "  padded "),
        (decimal_of, "<V>-1234.50</V>", Decimal("-1234.50")),
        (decimal_of, "<V/>", None),
        (int_of, "<V>42</V>", 42),
        (bool_of, "<V>true</V>", True),
        (bool_of, "<V>false</V>", False),
        (date_of, "<V>2024-02-29</V>", date(2024, 2, 29)),
        (
            datetime_of,
            "<V>2024-02-29T23:59:59+05:30</V>",
            datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        (datetime_of, "<V>2024-02-29T23:59:59</V>", datetime(2024, 2, 29, 23, 59, 59)),
    ],
)
def test_helper_values(helper: object, text: str, expected: object) -> None:
    assert callable(helper)
    element = ret(text)
    assert helper(element, "V") == expected
    assert helper(element, "Absent") is None


@pytest.mark.parametrize(
    ("helper", "text"),
    [
        (decimal_of, "12,50"),
        (decimal_of, "NaN"),
        (int_of, "4.0"),
        (bool_of, "yes"),
        (date_of, "2024-02-30"),
        (date_of, "02/01/2024"),
        (datetime_of, "2024-02-01"),
        (datetime_of, "2024-02-01T25:00:00"),
    ],
)
def test_helper_errors_name_the_field(helper: object, text: str) -> None:
    assert callable(helper)
    with pytest.raises(ResponseError, match="XRet/Outer/V"):
        helper(ret(f"<Outer><V>{text}</V></Outer>"), "Outer/V")


def test_texts_of_repeated_children() -> None:
    element = ret("<S>1.0</S><Other/><S>13.0</S><!-- c --><S/>")
    assert texts_of(element, "S") == ("1.0", "13.0", "")
    assert texts_of(element, "Absent") == ()


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("<R><ListID>1-2</ListID><FullName>A:B</FullName></R>", RefValue("1-2", "A:B")),
        ("<R><ListID>1-2</ListID></R>", RefValue("1-2", None)),
        ("<R><FullName>A</FullName></R>", RefValue(None, "A")),
        ("<Other/>", None),
    ],
)
def test_ref_of(inner: str, expected: RefValue | None) -> None:
    assert ref_of(ret(inner), "R") == expected


@pytest.mark.parametrize("inner", ["<R/>", "<R><ListID/><FullName></FullName></R>"])
def test_ref_of_empty_reference_names_the_field(inner: str) -> None:
    with pytest.raises(ResponseError, match="XRet/R"):
        ref_of(ret(inner), "R")


# --- nothing but QbxmlError, whatever comes in --------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_arbitrary_input_raises_only_qbxml_errors(data: bytes | str) -> None:
    with contextlib.suppress(QbxmlError):
        parse_response(data)


_ATTR = st.one_of(st.none(), st.text(max_size=12), st.integers(-(10**30), 10**30).map(str))
_NAME = st.sampled_from(["CustomerQueryRs", "AccountAddRs", "Rs", "XRet", "ErrorRecovery", "Q"])


@st.composite
def qbxml_like(draw: st.DrawFn) -> str:
    root = etree.Element(draw(st.sampled_from(["QBXML", "QBXML", "QBXMLMsgsRs"])))
    msgs = etree.SubElement(root, draw(st.sampled_from(["QBXMLMsgsRs", "QBXMLMsgsRq"])))
    for attr in ("messageSetStatusCode", "newMessageSetID"):
        value = draw(_ATTR)
        if value is not None and "\x00" not in value:
            msgs.set(attr, _clean(value))
    for _ in range(draw(st.integers(0, 3))):
        rs = etree.SubElement(msgs, draw(_NAME))
        for attr in (
            "statusCode",
            "statusSeverity",
            "requestID",
            "retCount",
            "iteratorRemainingCount",
        ):
            value = draw(st.one_of(_ATTR, st.sampled_from(["Info", "Warn", "Error", "0"])))
            if value is not None:
                rs.set(attr, _clean(value))
        for _ in range(draw(st.integers(0, 2))):
            etree.SubElement(rs, draw(_NAME)).text = _clean(draw(st.text(max_size=8)))
    return etree.tostring(root, encoding="unicode")


def _clean(text: str) -> str:
    """Only characters XML can carry."""
    return "".join(
        c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")
    )


@settings(max_examples=300, deadline=None)
@given(qbxml_like())
def test_qbxml_shaped_input_raises_only_qbxml_errors(text: str) -> None:
    try:
        answers = parse_response(text)
        answers.by_request_id()
    except QbxmlError:
        pass
