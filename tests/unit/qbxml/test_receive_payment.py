"""ReceivePayment builders and ReceivePaymentRet parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.receive_payment import (
    PaymentApplication,
    ReceivePayment,
    parse_receive_payment_ret,
    receive_payment_add,
    receive_payment_mod,
    receive_payment_query,
)
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
FIXTURES = ROOT / "fixtures" / "qbxml" / "receive_payment"
IDENT = Identity("1B2-1714800000", "1714842133")


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def payment(**changes: object) -> ReceivePayment:
    fields: dict[str, object] = {
        "customer": Ref(full_name="Smith, John:1001 - 12 Elm St"),
        "txn_date": date(2024, 5, 4),
        "total_amount": D("1500"),
        "ref_number": "CHK 5521",
        "payment_method": Ref(full_name="Check"),
        "memo": "Deposit and progress 3",
        "applications": (
            PaymentApplication("1A4-1714579200", D("1000")),
            PaymentApplication("19A-1712000000", D("500.00")),
        ),
    }
    fields.update(changes)
    return ReceivePayment(**fields)  # type: ignore[arg-type]


def test_payment_add_is_exact_and_omits_default_accounts() -> None:
    el = receive_payment_add(payment(), BuildContext())
    assert xml(el) == (
        "<ReceivePaymentAddRq><ReceivePaymentAdd>"
        "<CustomerRef><FullName>Smith, John:1001 - 12 Elm St</FullName></CustomerRef>"
        "<TxnDate>2024-05-04</TxnDate><RefNumber>CHK 5521</RefNumber>"
        "<TotalAmount>1500.00</TotalAmount>"
        "<PaymentMethodRef><FullName>Check</FullName></PaymentMethodRef>"
        "<Memo>Deposit and progress 3</Memo>"
        "<AppliedToTxnAdd><TxnID>1A4-1714579200</TxnID><PaymentAmount>1000.00</PaymentAmount>"
        "</AppliedToTxnAdd>"
        "<AppliedToTxnAdd><TxnID>19A-1712000000</TxnID><PaymentAmount>500.00</PaymentAmount>"
        "</AppliedToTxnAdd>"
        "</ReceivePaymentAdd></ReceivePaymentAddRq>"
    )


def test_ar_and_deposit_accounts_go_in_schema_order() -> None:
    rec = payment(
        ar_account=Ref(list_id="8000001D-1415742793"),
        deposit_to=Ref(full_name="Checking"),
        applications=(),
    )
    el = receive_payment_add(rec, BuildContext())
    assert [child.tag for child in el[0]] == [
        "CustomerRef",
        "ARAccountRef",
        "TxnDate",
        "RefNumber",
        "TotalAmount",
        "PaymentMethodRef",
        "Memo",
        "DepositToAccountRef",
        "IsAutoApply",
    ]
    assert el.findtext("ReceivePaymentAdd/ARAccountRef/ListID") == "8000001D-1415742793"
    assert el.findtext("ReceivePaymentAdd/IsAutoApply") == "false"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("applications", [(), (PaymentApplication("1A4-1714579200", D("1")),)])
def test_payment_requests_validate(version: str, applications: tuple[PaymentApplication]) -> None:
    ctx = BuildContext(version=version)
    rec = payment(applications=applications, ar_account=Ref(full_name="Accounts Receivable"))
    assert_request_valid(receive_payment_add(rec, ctx), version)
    assert_request_valid(receive_payment_mod(rec, IDENT, ctx), version)


def test_payment_mod_sends_identity_and_applied_to_txn_mod() -> None:
    el = receive_payment_mod(payment(), IDENT, BuildContext())
    mod = el[0]
    assert el.tag == "ReceivePaymentModRq"
    assert [child.tag for child in mod][:3] == ["TxnID", "EditSequence", "CustomerRef"]
    assert [row.findtext("TxnID") for row in mod.iter("AppliedToTxnMod")] == [
        "1A4-1714579200",
        "19A-1712000000",
    ]
    assert mod.find("IsAutoApply") is None


def test_notes_for_overlong_reference_and_emoji_and_uppercase() -> None:
    ctx = BuildContext(uppercase=True)
    el = receive_payment_add(
        payment(ref_number="ach transfer 2024-05-04 #77", memo="ok \u2705"), ctx
    )
    assert el.findtext("ReceivePaymentAdd/RefNumber") == "ACH TRANSFER 2024-05"
    assert el.findtext("ReceivePaymentAdd/Memo") == "OK ?"
    path = "ReceivePaymentAddRq/ReceivePaymentAdd"
    assert ctx.notes == [
        FieldNote(
            f"{path}/RefNumber", "truncated", "ACH TRANSFER 2024-05-04 #77", "ACH TRANSFER 2024-05"
        ),
        FieldNote(f"{path}/Memo", "replaced", "ok \u2705", "OK ?"),
    ]


@pytest.mark.parametrize(
    "rec",
    [
        payment(total_amount=D("NaN")),
        payment(total_amount=D("-1E+13")),
        payment(applications=(PaymentApplication("", D("1")),)),
        payment(applications=(PaymentApplication("1-1", D("sNaN")),)),
        payment(payment_method=Ref(full_name="Credit card \U0001f4b3")),
        payment(payment_method=Ref(full_name="A much too long payment method name")),
    ],
)
def test_unbuildable_payments_raise_build_error(rec: ReceivePayment) -> None:
    with pytest.raises(BuildError):
        receive_payment_add(rec, BuildContext())


@pytest.mark.parametrize("version", VERSIONS)
def test_query_payments_modified_since(version: str) -> None:
    el = receive_payment_query(
        BuildContext(version=version),
        modified_from=datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        customer=Ref(list_id="80000013-1416570432"),
        customer_with_children=True,
        include_line_items=True,
        max_returned=200,
        iterator="Start",
    )
    assert xml(el) == (
        '<ReceivePaymentQueryRq iterator="Start"><MaxReturned>200</MaxReturned>'
        "<ModifiedDateRangeFilter>"
        "<FromModifiedDate>2024-05-01T12:30:00+05:30</FromModifiedDate>"
        "</ModifiedDateRangeFilter>"
        "<EntityFilter><ListIDWithChildren>80000013-1416570432</ListIDWithChildren></EntityFilter>"
        "<IncludeLineItems>true</IncludeLineItems></ReceivePaymentQueryRq>"
    )
    assert_request_valid(el, version)


def test_query_continue_and_errors() -> None:
    ctx = BuildContext()
    el = receive_payment_query(
        ctx, modified_from=datetime(2024, 5, 1, tzinfo=UTC), iterator="Continue", iterator_id="{a}"
    )
    assert (el.get("iterator"), el.get("iteratorID")) == ("Continue", "{a}")
    with pytest.raises(BuildError):
        receive_payment_query(ctx, iterator="Continue")
    with pytest.raises(BuildError):
        receive_payment_query(ctx, modified_from=datetime(2024, 5, 1))


_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
hostile_text = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=12).map(lambda s: s * 400),
    st.sampled_from(["\u202eevil\u202c", "\U0001f4b3 card", "\t\r\n", "\x01\x1f"]),
)
good_money = st.one_of(
    st.decimals(min_value=D("-9999999999999.99"), max_value=D("9999999999999.99"), allow_nan=False),
    st.decimals(min_value=D("0"), max_value=D("100000"), places=2),
    st.sampled_from([D("0.005"), D("-0.004"), D("9999999999999.994")]),
)
money = st.one_of(
    good_money, good_money, good_money, st.sampled_from([D("NaN"), D("-Inf"), D("1E+14")])
)
good_refs = st.one_of(
    st.builds(Ref, list_id=st.from_regex(r"\A[0-9A-F]{1,8}-[0-9]{10}\Z")),
    st.builds(
        Ref,
        full_name=st.text(
            st.characters(min_codepoint=32, max_codepoint=126), max_size=31, min_size=1
        ),
    ),
)
refs = st.one_of(
    good_refs, good_refs, st.builds(Ref, full_name=st.text(_CHARS, min_size=1, max_size=40))
)
txn_ids = st.from_regex(r"\A[0-9A-F]{1,6}-[0-9]{10}\Z")
payments = st.builds(
    ReceivePayment,
    customer=refs,
    txn_date=st.dates(),
    total_amount=money,
    ref_number=hostile_text,
    ar_account=st.none() | good_refs,
    payment_method=st.none() | refs,
    memo=hostile_text,
    deposit_to=st.none() | good_refs,
    applications=st.lists(st.builds(PaymentApplication, txn_ids, good_money), max_size=50).map(
        tuple
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rec=payments, mod=st.booleans(), uppercase=st.booleans())
def test_hostile_payments_validate_or_raise_build_error(
    rec: ReceivePayment, mod: bool, uppercase: bool
) -> None:
    for version in VERSIONS:
        ctx = BuildContext(version=version, uppercase=uppercase)
        try:
            el = receive_payment_mod(rec, IDENT, ctx) if mod else receive_payment_add(rec, ctx)
        except BuildError as exc:
            event(f"BuildError: {exc.message[:50]}")
            return
        event("built")
        assert_request_valid(el, version)


def _ret(path: Path) -> etree._Element:
    if not path.is_file():
        pytest.skip(f"sample not found at {path}")
    result = parse_response(path.read_bytes()).results[0]
    assert result.ok and result.ret is not None
    return result.ret


def test_parse_real_receive_payment_add_response() -> None:
    ret = parse_receive_payment_ret(_ret(SAMPLES / "ReceivePaymentAddRs.ok.flowlink-2014.xml"))
    minus2 = timezone(timedelta(hours=-2))
    assert ret.txn_id == "B7-1417040299"
    assert (
        ret.time_created == ret.time_modified == datetime(2014, 11, 26, 20, 18, 19, tzinfo=minus2)
    )
    assert (ret.edit_sequence, ret.txn_number) == ("1417040299", 60)
    assert ret.customer == RefValue("80000013-1416570432", "spree@example.com")
    assert ret.ar_account == RefValue("8000001D-1415742793", "Accounts Receivable")
    assert (ret.txn_date, ret.ref_number, ret.total_amount) == (
        date(2014, 3, 2),
        "R154817935",
        D("210.00"),
    )
    assert ret.payment_method == RefValue("80000002-1414518217", "Check")
    assert ret.deposit_to == RefValue("8000001E-1416683831", "Undeposited Funds")
    assert (ret.unused_payment, ret.unused_credits) == (D("210.00"), D("0.00"))
    assert ret.memo is None
    # The real sample is an unapplied payment: all 210.00 unused, nothing applied.
    assert ret.applied_to == ()


def test_parse_payment_applied_to_invoices() -> None:
    ret = parse_receive_payment_ret(_ret(FIXTURES / "ReceivePaymentQueryRs.applied.xml"))
    assert ret.total_amount == D("1500.00") and ret.unused_payment == D("0.00")
    assert ret.deposit_to == RefValue(None, "Undeposited Funds")
    first, second = ret.applied_to
    assert (first.txn_id, first.txn_type, first.ref_number) == (
        "1A4-1714579200",
        "Invoice",
        "1001-3",
    )
    assert (first.txn_date, first.balance_remaining, first.amount) == (
        date(2024, 5, 1),
        D("334.50"),
        D("1000.00"),
    )
    assert first.discount_amount is None
    assert (second.amount, second.discount_amount) == (D("500.00"), D("0.00"))
    assert sum(a.amount or 0 for a in ret.applied_to) == ret.total_amount


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<TxnDate>2024-05-01</TxnDate>", "TxnID"),
        ("<TxnID>1-1</TxnID><TotalAmount>1.0.0</TotalAmount>", "TotalAmount"),
        ("<TxnID>1-1</TxnID><TimeModified>yesterday</TimeModified>", "TimeModified"),
        ("<TxnID>1-1</TxnID><AppliedToTxnRet><Amount>1.00</Amount></AppliedToTxnRet>", "TxnID"),
    ],
)
def test_unreadable_payment_ret_raises_response_error(body: str, field: str) -> None:
    with pytest.raises(ResponseError, match=field):
        parse_receive_payment_ret(parse_xml(f"<ReceivePaymentRet>{body}</ReceivePaymentRet>"))
