"""CreditMemo builders and CreditMemoRet parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.credit_memo import (
    CreditMemo,
    credit_memo_add,
    credit_memo_mod,
    credit_memo_query,
    parse_credit_memo_ret,
)
from qbxml.builders.invoice import SalesLine
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "qbxml" / "credit_memo"
JOB = Ref(full_name="Smith, John:1001 - 12 Elm St")
IDENT = Identity("1D0-1715000000", "1715029200")
SKYLIGHT = SalesLine(
    Ref(list_id="8000000B-1700000100"),
    D("150"),
    "Skylight, returned unopened",
    D("1"),
    D("150"),
)


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def memo(**changes: object) -> CreditMemo:
    fields: dict[str, object] = {
        "customer": JOB,
        "txn_date": date(2024, 5, 6),
        "ref_number": "CM-1001-1",
        "memo": "Unused skylight returned",
        "lines": (SKYLIGHT,),
    }
    fields.update(changes)
    return CreditMemo(**fields)  # type: ignore[arg-type]


def test_credit_memo_add_is_exact() -> None:
    el = credit_memo_add(memo(to_be_printed=False), BuildContext())
    assert xml(el) == (
        "<CreditMemoAddRq><CreditMemoAdd>"
        "<CustomerRef><FullName>Smith, John:1001 - 12 Elm St</FullName></CustomerRef>"
        "<TxnDate>2024-05-06</TxnDate><RefNumber>CM-1001-1</RefNumber>"
        "<Memo>Unused skylight returned</Memo><IsToBePrinted>false</IsToBePrinted>"
        "<CreditMemoLineAdd><ItemRef><ListID>8000000B-1700000100</ListID></ItemRef>"
        "<Desc>Skylight, returned unopened</Desc><Quantity>1</Quantity><Rate>150</Rate>"
        "<Amount>150.00</Amount></CreditMemoLineAdd>"
        "</CreditMemoAdd></CreditMemoAddRq>"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_credit_memo_requests_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    full = memo(
        class_ref=Ref(full_name="Roofing"),
        ar_account=Ref(full_name="Accounts Receivable"),
        template=Ref(full_name="Intuit Standard Credit Memo"),
        bill_address=Address("12 Elm St", city="Springfield", state="IL", postal_code="62701"),
        po_number="PO-77",
        terms=Ref(full_name="Net 30"),
        due_date=date(2024, 5, 6),
        sales_rep=Ref(full_name="JD"),
        to_be_printed=True,
    )
    assert_request_valid(credit_memo_add(full, ctx), version)
    assert_request_valid(credit_memo_mod(full, IDENT, ctx), version)


def test_credit_memo_mod_lines() -> None:
    rec = memo(lines=(SalesLine(SKYLIGHT.item, D("150"), txn_line_id="1D2-1715000000"), SKYLIGHT))
    mod = credit_memo_mod(rec, IDENT, BuildContext())[0]
    assert mod.tag == "CreditMemoMod"
    assert (mod[0].text, mod[1].text) == ("1D0-1715000000", "1715029200")
    assert [row.findtext("TxnLineID") for row in mod.iter("CreditMemoLineMod")] == [
        "1D2-1715000000",
        "-1",
    ]


def test_credit_memo_needs_a_line() -> None:
    with pytest.raises(BuildError, match="at least one line"):
        credit_memo_add(memo(lines=()), BuildContext())


def test_notes_and_uppercase() -> None:
    ctx = BuildContext(uppercase=True)
    el = credit_memo_add(memo(ref_number="cm-1001-0001", memo="\u00a1gracias! \U0001f64f"), ctx)
    assert el.findtext("CreditMemoAdd/RefNumber") == "CM-1001-000"
    assert el.findtext("CreditMemoAdd/Memo") == "\u00a1GRACIAS! ?"
    path = "CreditMemoAddRq/CreditMemoAdd"
    assert ctx.notes == [
        FieldNote(f"{path}/RefNumber", "truncated", "CM-1001-0001", "CM-1001-000"),
        FieldNote(f"{path}/Memo", "replaced", "\u00a1gracias! \U0001f64f", "\u00a1GRACIAS! ?"),
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_credit_memo_queries(version: str) -> None:
    ctx = BuildContext(version=version)
    by_ref = credit_memo_query(ctx, ref_numbers=["CM-1001-1"], include_line_items=True)
    assert xml(by_ref) == (
        "<CreditMemoQueryRq><RefNumber>CM-1001-1</RefNumber>"
        "<IncludeLineItems>true</IncludeLineItems></CreditMemoQueryRq>"
    )
    window = credit_memo_query(
        ctx,
        modified_from=datetime(2024, 5, 1, tzinfo=UTC),
        customer=JOB,
        include_linked_txns=True,
        iterator="Continue",
        iterator_id="{5c4b3a29-1e0f-4d2c-8b7a-6f5e4d3c2b1a}",
    )
    assert window.findtext("EntityFilter/FullName") == JOB.full_name
    assert window.findtext("IncludeLinkedTxns") == "true"
    for el in (by_ref, window):
        assert_request_valid(el, version)
    with pytest.raises(BuildError):
        credit_memo_query(ctx, ref_numbers=["CM-1"], customer=JOB)


_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
hostile_text = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=12).map(lambda s: s * 400),
    st.sampled_from(["\u202eevil\u202c", "\U0001f64f", "\t\r\n", "\x01\x1f"]),
)
money = st.one_of(
    st.decimals(min_value=D("-9999999999999.99"), max_value=D("9999999999999.99"), allow_nan=False),
    st.decimals(min_value=D("-500"), max_value=D("500"), places=2),
)
quantity = st.none() | st.decimals() | st.decimals(min_value=D("-9"), max_value=D("9"), places=1)
good_refs = st.one_of(
    st.builds(Ref, list_id=st.from_regex(r"\A[0-9A-F]{1,8}-[0-9]{10}\Z")),
    st.builds(
        Ref,
        full_name=st.text(
            st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=5
        ),
    ),
)
lines = st.builds(
    SalesLine,
    item=good_refs,
    amount=money,
    description=hostile_text,
    quantity=quantity,
    rate=quantity,
    class_ref=st.none() | good_refs,
    txn_line_id=st.none() | st.from_regex(r"\A[0-9A-F]{1,4}-[0-9]{10}\Z"),
)
memos = st.builds(
    CreditMemo,
    customer=good_refs,
    txn_date=st.dates(),
    lines=st.lists(lines, min_size=1, max_size=50).map(tuple),
    ref_number=hostile_text,
    po_number=hostile_text,
    terms=st.none() | good_refs,
    sales_rep=st.none() | good_refs,
    memo=hostile_text,
    to_be_printed=st.none() | st.booleans(),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rec=memos, mod=st.booleans(), uppercase=st.booleans())
def test_hostile_credit_memos_validate_or_raise_build_error(
    rec: CreditMemo, mod: bool, uppercase: bool
) -> None:
    for version in VERSIONS:
        ctx = BuildContext(version=version, uppercase=uppercase)
        try:
            el = credit_memo_mod(rec, IDENT, ctx) if mod else credit_memo_add(rec, ctx)
        except BuildError as exc:
            event(f"BuildError: {exc.message[:50]}")
            return
        event("built")
        assert_request_valid(el, version)


def test_parse_credit_memo_add_response() -> None:
    result = parse_response((FIXTURES / "CreditMemoAddRs.ok.xml").read_bytes()).results[0]
    assert result.ok and result.ret is not None
    ret = parse_credit_memo_ret(result.ret)
    pacific = timezone(timedelta(hours=-7))
    assert (ret.txn_id, ret.edit_sequence, ret.txn_number) == ("1D0-1715000000", "1715029200", 421)
    assert ret.time_created == datetime(2024, 5, 6, 14, 0, tzinfo=pacific)
    assert ret.customer == RefValue("80000042-1714000000", "Smith, John:1001 - 12 Elm St")
    assert ret.ar_account == RefValue(None, "Accounts Receivable")
    assert (ret.txn_date, ret.due_date, ret.ref_number) == (
        date(2024, 5, 6),
        date(2024, 5, 6),
        "CM-1001-1",
    )
    assert (ret.subtotal, ret.sales_tax_total, ret.total_amount, ret.credit_remaining) == (
        D("150.00"),
        D("0.00"),
        D("150.00"),
        D("150.00"),
    )
    assert (ret.memo, ret.is_pending, ret.is_to_be_printed) == (
        "Unused skylight returned",
        False,
        False,
    )
    (line,) = ret.lines
    assert line.txn_line_id == "1D2-1715000000"
    assert line.item == RefValue("8000000B-1700000100", "Skylight")
    assert (line.quantity, line.rate, line.amount) == (D("1"), D("150"), D("150.00"))
    assert line.sales_tax_code == RefValue(None, "Non")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<TxnNumber>4</TxnNumber>", "TxnID"),
        ("<TxnID>1-1</TxnID><TxnNumber>four</TxnNumber>", "TxnNumber"),
        ("<TxnID>1-1</TxnID><CreditRemaining>x</CreditRemaining>", "CreditRemaining"),
        (
            "<TxnID>1-1</TxnID><CreditMemoLineRet><Quantity>1</Quantity></CreditMemoLineRet>",
            "TxnLineID",
        ),
    ],
)
def test_unreadable_credit_memo_ret_raises_response_error(body: str, field: str) -> None:
    with pytest.raises(ResponseError, match=field):
        parse_credit_memo_ret(parse_xml(f"<CreditMemoRet>{body}</CreditMemoRet>"))
