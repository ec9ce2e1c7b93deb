"""Invoice builders and InvoiceRet parsing, plus the helpers every transaction builder shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders._txn import line_money
from qbxml.builders.invoice import (
    Invoice,
    SalesLine,
    invoice_add,
    invoice_mod,
    invoice_query,
    parse_invoice_ret,
)
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
FIXTURES = ROOT / "fixtures" / "qbxml" / "invoice"
JOB = Ref(list_id="80000042-1714000000")


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def invoice(**changes: object) -> Invoice:
    fields: dict[str, object] = {
        "customer": JOB,
        "txn_date": date(2024, 5, 1),
        "ref_number": "1001-3",
        "class_ref": Ref(full_name="Roofing"),
        "po_number": "PO-77",
        "terms": Ref(full_name="Net 30"),
        "due_date": date(2024, 5, 31),
        "sales_rep": Ref(full_name="JD"),
        "memo": "Progress billing 3 of 4",
        "to_be_printed": True,
        "lines": (
            SalesLine(
                item=Ref(list_id="80000007-1700000000"),
                amount=Decimal("1234.5"),
                description="Tear-off and\nre-shingle",
                quantity=Decimal("2"),
                rate=Decimal("617.25"),
                class_ref=Ref(full_name="Roofing"),
            ),
            SalesLine(item=Ref(full_name="Permit Fee"), amount=Decimal("75")),
        ),
    }
    fields.update(changes)
    return Invoice(**fields)  # type: ignore[arg-type]


def test_invoice_add_is_exact_and_in_schema_order() -> None:
    ctx = BuildContext()
    el = invoice_add(invoice(), ctx)
    assert xml(el) == (
        "<InvoiceAddRq><InvoiceAdd>"
        "<CustomerRef><ListID>80000042-1714000000</ListID></CustomerRef>"
        "<ClassRef><FullName>Roofing</FullName></ClassRef>"
        "<TxnDate>2024-05-01</TxnDate><RefNumber>1001-3</RefNumber><PONumber>PO-77</PONumber>"
        "<TermsRef><FullName>Net 30</FullName></TermsRef><DueDate>2024-05-31</DueDate>"
        "<SalesRepRef><FullName>JD</FullName></SalesRepRef>"
        "<Memo>Progress billing 3 of 4</Memo><IsToBePrinted>true</IsToBePrinted>"
        "<InvoiceLineAdd><ItemRef><ListID>80000007-1700000000</ListID></ItemRef>"
        "<Desc>Tear-off and\nre-shingle</Desc><Quantity>2</Quantity><Rate>617.25</Rate>"
        "<ClassRef><FullName>Roofing</FullName></ClassRef><Amount>1234.50</Amount>"
        "</InvoiceLineAdd>"
        "<InvoiceLineAdd><ItemRef><FullName>Permit Fee</FullName></ItemRef>"
        "<Amount>75.00</Amount></InvoiceLineAdd>"
        "</InvoiceAdd></InvoiceAddRq>"
    )
    assert ctx.notes == []


@pytest.mark.parametrize("version", VERSIONS)
def test_invoice_requests_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    full = invoice(
        ar_account=Ref(full_name="Accounts Receivable"),
        template=Ref(full_name="Intuit Service Invoice"),
        bill_address=Address("12 Elm St", "Unit 2", "Springfield", "IL", "62701", "USA"),
    )
    assert_request_valid(invoice_add(full, ctx), version)
    assert_request_valid(invoice_mod(full, Identity("1A4-1714579200", "1714779005"), ctx), version)
    assert_request_valid(invoice_query(ctx, ref_numbers=["1001-3"]), version)


def test_invoice_mod_sends_identity_first_and_known_line_ids() -> None:
    rec = invoice(
        lines=(
            SalesLine(Ref(full_name="Labor"), Decimal("100"), txn_line_id="1A6-1714579200"),
            SalesLine(Ref(full_name="Labor"), Decimal("50")),
        )
    )
    el = invoice_mod(rec, Identity("1A4-1714579200", "1714779005"), BuildContext())
    mod = el[0]
    assert [child.tag for child in mod][:3] == ["TxnID", "EditSequence", "CustomerRef"]
    assert mod.findtext("TxnID") == "1A4-1714579200"
    assert mod.findtext("EditSequence") == "1714779005"
    assert [line.findtext("TxnLineID") for line in mod.iter("InvoiceLineMod")] == [
        "1A6-1714579200",
        "-1",
    ]


def test_bill_address_and_uppercase() -> None:
    ctx = BuildContext(uppercase=True)
    rec = invoice(bill_address=Address(line1="12 Elm St", city="Springfield"), memo="thanks")
    el = invoice_add(rec, ctx)
    assert xml(el.find("InvoiceAdd/BillAddress")) == (  # type: ignore[arg-type]
        "<BillAddress><Addr1>12 ELM ST</Addr1><City>SPRINGFIELD</City></BillAddress>"
    )
    assert el.findtext("InvoiceAdd/Memo") == "THANKS"
    assert el.findtext("InvoiceAdd/InvoiceLineAdd/Desc") == "TEAR-OFF AND\nRE-SHINGLE"


def test_overlong_ref_number_and_emoji_are_noted() -> None:
    ctx = BuildContext()
    el = invoice_add(invoice(ref_number="INV-2024-000123", memo="Thanks \U0001f600"), ctx)
    assert el.findtext("InvoiceAdd/RefNumber") == "INV-2024-00"
    assert el.findtext("InvoiceAdd/Memo") == "Thanks ?"
    assert ctx.notes == [
        FieldNote(
            "InvoiceAddRq/InvoiceAdd/RefNumber", "truncated", "INV-2024-000123", "INV-2024-00"
        ),
        FieldNote("InvoiceAddRq/InvoiceAdd/Memo", "replaced", "Thanks \U0001f600", "Thanks ?"),
    ]


D = Decimal


@pytest.mark.parametrize(
    ("quantity", "rate", "amount", "sent", "note"),
    [
        (D("2"), D("617.25"), D("1234.50"), ("2", "617.25", "1234.50"), None),
        (D("3"), D("33.333333"), D("100"), ("3", "33.33333", "100.00"), None),
        (
            D("3"),
            D("33.33"),
            D("100"),
            ("3", None, "100.00"),
            ("Quantity 3 x Rate 33.33", "Quantity 3, Amount 100.00"),
        ),
        (D("0"), D("10"), D("5"), (None, None, "5.00"), ("Quantity 0 x Rate 10", "Amount 5.00")),
        (D("4"), None, D("10"), ("4", None, "10.00"), None),
        (None, D("10"), D("10"), (None, "10", "10.00"), None),
        (None, D("10"), D("20"), (None, None, "20.00"), ("Rate 10", "Amount 20.00")),
        (
            D("1E+12"),
            D("1"),
            D("5"),
            (None, None, "5.00"),
            ("Quantity 1E+12 x Rate 1", "Amount 5.00"),
        ),
        (None, None, D("-0.001"), (None, None, "0.00"), None),
    ],
)
def test_quantity_times_rate_must_give_the_amount(
    quantity: Decimal | None,
    rate: Decimal | None,
    amount: Decimal,
    sent: tuple[str | None, str | None, str],
    note: tuple[str, str] | None,
) -> None:
    ctx = BuildContext()
    el = invoice_add(
        invoice(lines=(SalesLine(Ref(full_name="Labor"), amount, None, quantity, rate),)), ctx
    )
    line = el.find("InvoiceAdd/InvoiceLineAdd")
    assert line is not None
    assert (line.findtext("Quantity"), line.findtext("Rate"), line.findtext("Amount")) == sent
    path = "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd[1]/Rate"
    assert ctx.notes == ([] if note is None else [FieldNote(path, "replaced", *note)])


def test_line_money_names_cost_for_bills() -> None:
    ctx = BuildContext()
    assert line_money(ctx, "P", D("2"), D("1.5"), D("4"), rate_tag="Cost") == (
        D("2"),
        None,
        D("4.00"),
    )
    assert ctx.notes == [
        FieldNote("P/Cost", "replaced", "Quantity 2 x Cost 1.5", "Quantity 2, Amount 4.00")
    ]


@pytest.mark.parametrize(
    "rec",
    [
        invoice(lines=()),
        invoice(lines=(SalesLine(Ref(full_name="Labor"), D("NaN")),)),
        invoice(lines=(SalesLine(Ref(full_name="Labor"), D("10000000000000")),)),
        invoice(customer=Ref(full_name="x" * 210)),
        invoice(customer=Ref(full_name="Caf\u00e9 \U0001f600")),
        invoice(customer=Ref(list_id="80000042 1714000000")),
        invoice(sales_rep=Ref(full_name="JDOE12")),
        invoice(lines=(SalesLine(Ref(full_name="L"), D("1"), txn_line_id="x" * 37),)),
    ],
)
def test_unbuildable_invoices_raise_build_error(rec: Invoice) -> None:
    with pytest.raises(BuildError):
        invoice_mod(rec, Identity("1A4-1714579200", "1714779005"), BuildContext())


@pytest.mark.parametrize(
    "ident", [Identity("", "1"), Identity("1-2", ""), Identity("1-2", "1" * 17)]
)
def test_mod_needs_a_usable_identity(ident: Identity) -> None:
    with pytest.raises(BuildError):
        invoice_mod(invoice(), ident, BuildContext())


def test_query_by_ref_number_is_cleaned_like_the_add() -> None:
    ctx = BuildContext(uppercase=True)
    added = invoice_add(invoice(ref_number="inv-2024-000123"), ctx)
    query = invoice_query(ctx, ref_numbers=["inv-2024-000123"], include_line_items=True)
    assert xml(query) == (
        "<InvoiceQueryRq><RefNumber>INV-2024-00</RefNumber>"
        "<IncludeLineItems>true</IncludeLineItems></InvoiceQueryRq>"
    )
    assert query.findtext("RefNumber") == added.findtext("InvoiceAdd/RefNumber")


@pytest.mark.parametrize("version", VERSIONS)
def test_query_by_window_and_job_with_iterator(version: str) -> None:
    pacific = timezone(timedelta(hours=-7))
    el = invoice_query(
        BuildContext(version=version),
        modified_from=datetime(2024, 5, 1, 9, 0, 0, 123456, tzinfo=pacific),
        modified_to=datetime(2024, 5, 8, tzinfo=UTC),
        customer=Ref(full_name="Smith, John:1001 - 12 Elm St"),
        include_line_items=True,
        max_returned=100,
        iterator="Start",
    )
    assert xml(el) == (
        '<InvoiceQueryRq iterator="Start"><MaxReturned>100</MaxReturned>'
        "<ModifiedDateRangeFilter><FromModifiedDate>2024-05-01T09:00:00-07:00</FromModifiedDate>"
        "<ToModifiedDate>2024-05-08T00:00:00+00:00</ToModifiedDate></ModifiedDateRangeFilter>"
        "<EntityFilter><FullName>Smith, John:1001 - 12 Elm St</FullName></EntityFilter>"
        "<IncludeLineItems>true</IncludeLineItems></InvoiceQueryRq>"
    )
    assert_request_valid(el, version)
    more = invoice_query(
        BuildContext(version=version),
        txn_ids=["1A4-1714579200", "19A-1"],
        iterator="Continue",
        iterator_id="{2b1c7a7e-7d1f-4a52-9b0e-5a3f0d3c9e11}",
    )
    assert more.get("iteratorID") == "{2b1c7a7e-7d1f-4a52-9b0e-5a3f0d3c9e11}"
    assert [t.text for t in more] == ["1A4-1714579200", "19A-1"]
    assert_request_valid(more, version)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"iterator": "Continue"},
        {"iterator": "Start", "iterator_id": "{x}"},
        {"iterator_id": "{x}"},
        {"iterator": "Stop"},
        {"max_returned": 0},
        {"txn_ids": ["1-1"], "ref_numbers": ["A"]},
        {"txn_ids": ["1-1"], "max_returned": 5},
        {"ref_numbers": ["\x00\x01 ", "\t"]},
        {"modified_from": datetime(2024, 5, 1)},
        {
            "modified_from": datetime(2024, 5, 2, tzinfo=UTC),
            "modified_to": datetime(2024, 5, 1, tzinfo=UTC),
        },
        {"txn_ids": [""]},
    ],
)
def test_bad_queries_raise_build_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(BuildError):
        invoice_query(BuildContext(), **kwargs)  # type: ignore[arg-type]


# --- hostile records --------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
hostile_text = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=12).map(lambda s: s * 400),
    st.sampled_from(
        ["\u202eevil\u202c", "\U0001f3e0 roof", "\t\r\n", "  ", "\x01\x1f", "\u00df" * 9]
    ),
)
good_money = st.one_of(
    st.decimals(min_value=D("-9999999999999.99"), max_value=D("9999999999999.99"), allow_nan=False),
    st.decimals(min_value=D("-1000"), max_value=D("1000"), places=2),
    st.sampled_from([D("-0.005"), D("0.004999"), D("9999999999999.994"), D("1E-20")]),
)
quantity = st.one_of(
    st.none(),
    st.decimals(allow_nan=True),
    st.decimals(min_value=D("-1000"), max_value=D("1000"), places=3),
)
good_refs = st.one_of(
    st.builds(Ref, list_id=st.from_regex(r"\A[0-9A-F]{1,8}-[0-9]{10}\Z")),
    st.builds(
        Ref,
        full_name=st.text(
            st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=31
        ),
    ),
)
refs = st.one_of(
    good_refs,
    good_refs,
    good_refs,
    st.builds(Ref, full_name=st.text(_CHARS, min_size=1, max_size=220)),
)
lines = st.builds(
    SalesLine,
    item=good_refs,
    amount=good_money,
    description=hostile_text,
    quantity=quantity,
    rate=quantity,
    class_ref=st.none() | good_refs,
    txn_line_id=st.none() | st.from_regex(r"\A[0-9A-F]{1,4}-[0-9]{10}\Z"),
)
invoices = st.builds(
    Invoice,
    customer=refs,
    txn_date=st.dates(),
    lines=st.lists(lines, min_size=1, max_size=50).map(tuple)
    | st.lists(lines, min_size=1, max_size=3).map(tuple),
    ref_number=hostile_text,
    class_ref=st.none() | refs,
    po_number=hostile_text,
    bill_address=st.none()
    | st.builds(
        Address, hostile_text, hostile_text, hostile_text, hostile_text, hostile_text, hostile_text
    ),
    due_date=st.none() | st.dates(),
    memo=hostile_text,
    to_be_printed=st.none() | st.booleans(),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rec=invoices, mod=st.booleans(), uppercase=st.booleans())
def test_hostile_invoices_validate_or_raise_build_error(
    rec: Invoice, mod: bool, uppercase: bool
) -> None:
    for version in VERSIONS:
        ctx = BuildContext(version=version, uppercase=uppercase)
        try:
            if mod:
                el = invoice_mod(rec, Identity("1A4-1714579200", "1714779005"), ctx)
            else:
                el = invoice_add(rec, ctx)
        except BuildError as exc:
            event(f"BuildError: {exc.message[:60]}")
            return
        event("built")
        assert_request_valid(el, version)


# --- InvoiceRet ---------------------------------------------------------------------------


def _ret(path: Path) -> etree._Element:
    if not path.is_file():
        pytest.skip(f"sample not found at {path}")
    result = parse_response(path.read_bytes()).results[0]
    assert result.ok and result.ret is not None
    return result.ret


def test_parse_real_invoice_add_response() -> None:
    ret = parse_invoice_ret(_ret(SAMPLES / "InvoiceAddRs.ok.flowlink-2014.xml"))
    minus2 = timezone(timedelta(hours=-2))
    assert ret.txn_id == "C5-1417118624"
    assert ret.time_created == ret.time_modified == datetime(2014, 11, 27, 18, 3, 44, tzinfo=minus2)
    assert (ret.edit_sequence, ret.txn_number) == ("1417118624", 64)
    assert ret.customer == RefValue("80000013-1416570432", "spree@example.com")
    assert ret.ar_account == RefValue("8000001D-1415742793", "Accounts Receivable")
    assert ret.template == RefValue("80000003-1414518220", "Intuit Service Invoice")
    assert (ret.txn_date, ret.due_date, ret.ref_number) == (
        date(2014, 2, 3),
        date(2014, 2, 3),
        "R1TT46883",
    )
    assert (ret.subtotal, ret.sales_tax_total, ret.applied_amount, ret.balance_remaining) == (
        D("206.00"),
        D("0.00"),
        D("0.00"),
        D("206.00"),
    )
    assert (ret.is_pending, ret.is_paid, ret.is_to_be_printed) == (False, False, True)
    assert ret.memo is None and ret.class_ref is None and ret.terms is None
    (line,) = ret.lines
    assert line.txn_line_id == "C7-1417118624"
    assert line.item == RefValue("80000034-1415899267", "SPREE-T-SHIRT")
    assert (line.quantity, line.rate, line.amount) == (D("2"), D("103.00"), D("206.00"))
    assert line.sales_tax_code == RefValue("80000002-1414518221", "Non")
    assert line.group_line_id is None


def test_parse_invoice_with_group_lines() -> None:
    ret = parse_invoice_ret(_ret(FIXTURES / "InvoiceQueryRs.lines-and-group.xml"))
    assert ret.customer == RefValue("80000042-1714000000", "Smith, John:1001 - 12 Elm St")
    assert (ret.po_number, ret.sales_rep, ret.terms) == (
        "PO-77",
        RefValue(None, "JD"),
        RefValue(None, "Net 30"),
    )
    assert ret.applied_amount == D("-500.00") and ret.balance_remaining == D("1334.50")
    first, grouped = ret.lines
    assert first.description == "Tear-off and\nre-shingle, south face"
    assert (first.service_date, first.class_ref) == (date(2024, 4, 29), RefValue(None, "Roofing"))
    assert (grouped.txn_line_id, grouped.group_line_id) == ("1A8-1714579200", "1A7-1714579200")
    assert (grouped.rate, grouped.rate_percent, grouped.amount) == (None, D("10.5"), D("600.00"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<TxnDate>2024-05-01</TxnDate>", "TxnID"),
        ("<TxnID>1-1</TxnID><Subtotal>12,00</Subtotal>", "Subtotal"),
        ("<TxnID>1-1</TxnID><InvoiceLineRet><Amount>1.00</Amount></InvoiceLineRet>", "TxnLineID"),
        ("<TxnID>1-1</TxnID><CustomerRef></CustomerRef>", "CustomerRef"),
    ],
)
def test_unreadable_invoice_ret_raises_response_error(body: str, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        parse_invoice_ret(parse_xml(f"<InvoiceRet>{body}</InvoiceRet>"))
