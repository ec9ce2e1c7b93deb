"""Bill builders, BillRet parsing and picking a job's lines out of queried bills."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.bill import (
    Bill,
    ExpenseLine,
    ItemLine,
    bill_add,
    bill_lines_for_customer,
    bill_mod,
    bill_query,
    parse_bill_ret,
)
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
FIXTURES = ROOT / "fixtures" / "qbxml" / "bill"
JOB = Ref(list_id="80000042-1714000000")
IDENT = Identity("1C0-1714900000", "1715021130")


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def bill(**changes: object) -> Bill:
    fields: dict[str, object] = {
        "vendor": Ref(full_name="ABC Supply"),
        "txn_date": date(2024, 5, 5),
        "due_date": date(2024, 6, 4),
        "ref_number": "INV-88321",
        "memo": "Materials for Smith roof",
        "expense_lines": (
            ExpenseLine(
                Ref(full_name="Job Expenses:Job Materials"),
                D("99.75"),
                "Nails and flashing",
                JOB,
                billable_status="Billable",
            ),
        ),
        "item_lines": (
            ItemLine(
                Ref(full_name="Shingles"),
                D("855"),
                "Architectural shingles",
                D("30"),
                D("28.5"),
                JOB,
                Ref(full_name="Roofing"),
            ),
        ),
    }
    fields.update(changes)
    return Bill(**fields)  # type: ignore[arg-type]


def test_bill_add_is_exact_with_expense_lines_before_item_lines() -> None:
    el = bill_add(bill(ap_account=Ref(full_name="Accounts Payable")), BuildContext())
    assert xml(el) == (
        "<BillAddRq><BillAdd><VendorRef><FullName>ABC Supply</FullName></VendorRef>"
        "<APAccountRef><FullName>Accounts Payable</FullName></APAccountRef>"
        "<TxnDate>2024-05-05</TxnDate><DueDate>2024-06-04</DueDate>"
        "<RefNumber>INV-88321</RefNumber><Memo>Materials for Smith roof</Memo>"
        "<ExpenseLineAdd><AccountRef><FullName>Job Expenses:Job Materials</FullName></AccountRef>"
        "<Amount>99.75</Amount><Memo>Nails and flashing</Memo>"
        "<CustomerRef><ListID>80000042-1714000000</ListID></CustomerRef>"
        "<BillableStatus>Billable</BillableStatus></ExpenseLineAdd>"
        "<ItemLineAdd><ItemRef><FullName>Shingles</FullName></ItemRef>"
        "<Desc>Architectural shingles</Desc><Quantity>30</Quantity><Cost>28.5</Cost>"
        "<Amount>855.00</Amount><CustomerRef><ListID>80000042-1714000000</ListID></CustomerRef>"
        "<ClassRef><FullName>Roofing</FullName></ClassRef></ItemLineAdd>"
        "</BillAdd></BillAddRq>"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_bill_requests_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    full = bill(terms=Ref(full_name="Net 30"), ap_account=Ref(list_id="80000028-1646382240"))
    assert_request_valid(bill_add(full, ctx), version)
    assert_request_valid(bill_mod(full, IDENT, ctx), version)
    assert_request_valid(bill_mod(bill(item_lines=()), IDENT, ctx), version)
    assert_request_valid(bill_mod(bill(expense_lines=()), IDENT, ctx), version)


def test_bill_mod_keeps_known_lines_and_clears_an_emptied_kind() -> None:
    rec = bill(
        expense_lines=(
            ExpenseLine(Ref(full_name="Delivery"), D("25.5"), txn_line_id="1C3-1714900000"),
            ExpenseLine(Ref(full_name="Dump Fees"), D("40")),
        ),
        item_lines=(),
    )
    mod = bill_mod(rec, IDENT, BuildContext())[0]
    assert [child.tag for child in mod] == [
        "TxnID", "EditSequence", "VendorRef", "TxnDate", "DueDate", "RefNumber", "Memo",
        "ExpenseLineMod", "ExpenseLineMod", "ClearItemLines",
    ]  # fmt: skip
    assert [row.findtext("TxnLineID") for row in mod.iter("ExpenseLineMod")] == [
        "1C3-1714900000",
        "-1",
    ]
    assert mod.findtext("ClearItemLines") == "true"
    only_items = bill_mod(bill(expense_lines=()), IDENT, BuildContext())[0]
    assert only_items.findtext("ClearExpenseLines") == "true"
    assert only_items.find("ClearItemLines") is None


def test_item_line_cost_that_disagrees_with_amount_is_left_out() -> None:
    ctx = BuildContext()
    line = ItemLine(Ref(full_name="Shingles"), D("100"), quantity=D("3"), cost=D("33.33"))
    el = bill_add(bill(expense_lines=(), item_lines=(line,)), ctx)
    row = el.find("BillAdd/ItemLineAdd")
    assert row is not None
    assert (row.findtext("Quantity"), row.findtext("Cost"), row.findtext("Amount")) == (
        "3",
        None,
        "100.00",
    )
    assert ctx.notes == [
        FieldNote(
            "BillAddRq/BillAdd/ItemLineAdd[1]/Cost",
            "replaced",
            "Quantity 3 x Cost 33.33",
            "Quantity 3, Amount 100.00",
        )
    ]


def test_overlong_ref_number_emoji_and_uppercase() -> None:
    ctx = BuildContext(uppercase=True)
    el = bill_add(bill(ref_number="abc-supply-invoice-000088321", memo="roof \U0001f3e0"), ctx)
    assert el.findtext("BillAdd/RefNumber") == "ABC-SUPPLY-INVOICE-0"
    assert el.findtext("BillAdd/Memo") == "ROOF ?"
    assert el.findtext("BillAdd/ExpenseLineAdd/Memo") == "NAILS AND FLASHING"
    assert ctx.notes == [
        FieldNote(
            "BillAddRq/BillAdd/RefNumber",
            "truncated",
            "ABC-SUPPLY-INVOICE-000088321",
            "ABC-SUPPLY-INVOICE-0",
        ),
        FieldNote("BillAddRq/BillAdd/Memo", "replaced", "roof \U0001f3e0", "ROOF ?"),
    ]


@pytest.mark.parametrize(
    "rec",
    [
        bill(expense_lines=(), item_lines=()),
        bill(vendor=Ref(full_name="V" * 42)),
        bill(expense_lines=(ExpenseLine(Ref(full_name="A"), D("Infinity")),)),
        bill(expense_lines=(ExpenseLine(Ref(full_name="A"), D("1"), billable_status="Maybe"),)),  # type: ignore[arg-type]
        bill(item_lines=(ItemLine(Ref(full_name="I"), D("1"), txn_line_id="bad id"),)),
    ],
)
def test_unbuildable_bills_raise_build_error(rec: Bill) -> None:
    with pytest.raises(BuildError):
        bill_mod(rec, IDENT, BuildContext())


@pytest.mark.parametrize("version", VERSIONS)
def test_bill_query_for_the_last_14_days_with_lines(version: str) -> None:
    since = datetime(2024, 5, 8, 9, 0, tzinfo=timezone(timedelta(hours=-7))) - timedelta(days=14)
    el = bill_query(
        BuildContext(version=version),
        modified_from=since,
        include_line_items=True,
        max_returned=100,
        iterator="Start",
    )
    assert xml(el) == (
        '<BillQueryRq iterator="Start"><MaxReturned>100</MaxReturned>'
        "<ModifiedDateRangeFilter><FromModifiedDate>2024-04-24T09:00:00-07:00</FromModifiedDate>"
        "</ModifiedDateRangeFilter><IncludeLineItems>true</IncludeLineItems></BillQueryRq>"
    )
    assert_request_valid(el, version)
    by_vendor = bill_query(
        BuildContext(version=version),
        modified_from=since,
        modified_to=datetime(2024, 5, 8, tzinfo=UTC),
        vendor=Ref(list_id="80000051-1710000000"),
    )
    assert by_vendor.findtext("EntityFilter/ListID") == "80000051-1710000000"
    assert_request_valid(by_vendor, version)
    by_ids = bill_query(BuildContext(version=version), txn_ids=["1C0-1714900000"])
    assert_request_valid(by_ids, version)


_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
hostile_text = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=12).map(lambda s: s * 400),
    st.sampled_from(["\u202eevil\u202c", "\U0001f3e0 roof", "\t\r\n", "\x01\x1f", "\u00df" * 30]),
)
money = st.one_of(
    st.decimals(min_value=D("-9999999999999.99"), max_value=D("9999999999999.99"), allow_nan=False),
    st.decimals(min_value=D("-1000"), max_value=D("1000"), places=2),
    st.sampled_from([D("-0.005"), D("0.004999"), D("9999999999999.994")]),
)
quantity = st.none() | st.decimals() | st.decimals(min_value=D("-99"), max_value=D("99"), places=2)
good_refs = st.one_of(
    st.builds(Ref, list_id=st.from_regex(r"\A[0-9A-F]{1,8}-[0-9]{10}\Z")),
    st.builds(
        Ref,
        full_name=st.text(
            st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=31
        ),
    ),
)
line_ids = st.none() | st.from_regex(r"\A[0-9A-F]{1,4}-[0-9]{10}\Z")
status = st.none() | st.sampled_from(["Billable", "NotBillable", "HasBeenBilled"])
expense_lines = st.builds(
    ExpenseLine,
    good_refs,
    money,
    hostile_text,
    st.none() | good_refs,
    st.none() | good_refs,
    status,
    line_ids,
)
item_lines = st.builds(
    ItemLine, good_refs, money, hostile_text, quantity, quantity, st.none() | good_refs,
    st.none() | good_refs, status, line_ids,
)  # fmt: skip
bills = st.builds(
    Bill,
    vendor=st.one_of(
        good_refs,
        good_refs,
        good_refs,
        st.builds(Ref, full_name=st.text(_CHARS, min_size=1, max_size=45)),
    ),
    txn_date=st.dates(),
    expense_lines=st.lists(expense_lines, max_size=25).map(tuple),
    item_lines=st.lists(item_lines, max_size=25).map(tuple),
    ap_account=st.none() | good_refs,
    due_date=st.none() | st.dates(),
    ref_number=hostile_text,
    terms=st.none() | good_refs,
    memo=hostile_text,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rec=bills, mod=st.booleans(), uppercase=st.booleans())
def test_hostile_bills_validate_or_raise_build_error(rec: Bill, mod: bool, uppercase: bool) -> None:
    for version in VERSIONS:
        ctx = BuildContext(version=version, uppercase=uppercase)
        try:
            el = bill_mod(rec, IDENT, ctx) if mod else bill_add(rec, ctx)
        except BuildError as exc:
            event(f"BuildError: {exc.message[:50]}")
            return
        event("built")
        assert_request_valid(el, version)


def _rets(path: Path) -> tuple[etree._Element, ...]:
    if not path.is_file():
        pytest.skip(f"sample not found at {path}")
    result = parse_response(path.read_bytes()).results[0]
    assert result.ok
    return result.rets


def test_parse_real_bill_query_response() -> None:
    # The sample holds three bills with no line items (queried without IncludeLineItems).
    first, second, third = map(
        parse_bill_ret, _rets(SAMPLES / "BillQueryRs.ok.intuit-sdktest-2022.xml")
    )
    pacific = timezone(timedelta(hours=-8))
    payable = RefValue("80000028-1646382240", "Accounts Payable")
    assert first.txn_id == "7-1646382259"
    assert (
        first.time_created == first.time_modified == datetime(2022, 3, 4, 0, 24, 19, tzinfo=pacific)
    )
    assert (first.edit_sequence, first.txn_number) == ("1646382259", 3)
    assert (first.vendor, first.ap_account) == (RefValue("80000001-1646382185", "v1"), payable)
    assert (first.txn_date, first.due_date) == (date(2022, 3, 4), date(2022, 3, 14))
    assert (first.amount_due, first.open_amount, first.is_paid) == (
        D("2000.00"),
        D("2000.00"),
        False,
    )
    assert (first.memo, first.ref_number, first.terms) == (None, None, None)
    assert first.expense_lines == () and first.item_lines == ()

    assert second.txn_id == "16-1646632498"
    assert second.time_modified == datetime(2022, 3, 6, 21, 54, 58, tzinfo=pacific)
    assert (second.edit_sequence, second.txn_number) == ("1646632498", 8)
    assert (second.vendor, second.ap_account) == (RefValue("80000002-1646382223", "v2"), payable)
    assert (second.txn_date, second.due_date) == (date(2022, 3, 6), date(2022, 3, 16))
    # As QuickBooks returned it: OpenAmount is not AmountDue here.
    assert (second.amount_due, second.open_amount) == (D("70.00"), D("120.00"))
    assert second.memo is not None and second.memo.startswith("Created by Purchase Order Modify")
    assert "modified PO 5;" in second.memo and second.memo.endswith("reflected in this bill.")

    assert (third.txn_id, third.edit_sequence, third.txn_number) == (
        "19-1646632525",
        "1646632525",
        9,
    )
    assert third.time_created == datetime(2022, 3, 6, 21, 55, 25, tzinfo=pacific)
    assert (third.amount_due, third.open_amount, third.is_paid) == (D("50.00"), D("120.00"), False)
    assert third.memo is not None and "modified PO 4;" in third.memo


def test_parse_bill_lines_and_pick_the_jobs_lines() -> None:
    (el,) = _rets(FIXTURES / "BillQueryRs.job-lines.xml")
    ret = parse_bill_ret(el)
    assert (ret.ref_number, ret.terms, ret.amount_due) == (
        "INV-88321",
        RefValue(None, "Net 30"),
        D("1075.25"),
    )
    nails, delivery = ret.expense_lines
    assert nails.account == RefValue(None, "Job Expenses:Job Materials")
    assert (nails.amount, nails.memo, nails.billable_status) == (
        D("99.75"),
        "Nails and flashing",
        "Billable",
    )
    assert delivery.customer == RefValue("80000043-1714000100", "Jones, Mary:1002 - 4 Oak Ave")
    shingles, vent = ret.item_lines
    assert (shingles.quantity, shingles.cost, shingles.amount) == (D("30"), D("28.5"), D("855.00"))
    assert (shingles.class_ref, shingles.group_line_id) == (RefValue(None, "Roofing"), None)
    assert (vent.txn_line_id, vent.group_line_id) == ("1C6-1714900000", "1C5-1714900000")
    amounts = [line.amount for line in ret.expense_lines] + [line.amount for line in ret.item_lines]
    total = sum(amount or D(0) for amount in amounts)
    assert total == ret.amount_due

    expenses, items = bill_lines_for_customer(ret, Ref(list_id="80000042-1714000000"))
    # By ListID: the shingles line names the job by FullName only, so it does not match.
    assert [line.txn_line_id for line in expenses] == ["1C2-1714900000"]
    assert [line.txn_line_id for line in items] == ["1C6-1714900000"]
    expenses, items = bill_lines_for_customer(ret, Ref(full_name="SMITH, JOHN:1001 - 12 ELM ST"))
    assert [line.txn_line_id for line in expenses] == ["1C2-1714900000"]
    assert [line.txn_line_id for line in items] == ["1C4-1714900000", "1C6-1714900000"]
    assert bill_lines_for_customer(ret, RefValue("80000099-1", None)) == ((), ())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<VendorRef><FullName>v1</FullName></VendorRef>", "TxnID"),
        ("<TxnID>1-1</TxnID><AmountDue>$5</AmountDue>", "AmountDue"),
        ("<TxnID>1-1</TxnID><IsPaid>no</IsPaid>", "IsPaid"),
        ("<TxnID>1-1</TxnID><ExpenseLineRet><Amount>1.00</Amount></ExpenseLineRet>", "TxnLineID"),
    ],
)
def test_unreadable_bill_ret_raises_response_error(body: str, field: str) -> None:
    with pytest.raises(ResponseError, match=field):
        parse_bill_ret(parse_xml(f"<BillRet>{body}</BillRet>"))
