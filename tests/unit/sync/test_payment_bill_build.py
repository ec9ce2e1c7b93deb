"""Payment and bill exports built from records over a hand-made SyncEnv (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from lxml import etree

from qbwc_server.errors import MissingRecord, NotLinked
from qbwc_server.models import default_settings
from qbwc_server.sync.exports import bill, payment, spec_for
from qbwc_server.sync.exports._spec import fold
from qbwc_server.sync.handlers import SyncEnv
from qbxml.context import BuildContext, Identity, Ref
from qbxml.xmlparse import parse_xml
from tests.support.schema import assert_request_valid

JOB_NAME = "Lovelace, Ada:1001 - 12 Main St"


@dataclass
class FakeLink:
    qb_id: str
    full_name: str | None = None
    edit_sequence: str | None = "1"
    name_suffix: str = ""
    content_hash: str | None = None


class FakeRefs:
    """Records and links from dicts, with the Refs methods the exports call."""

    def __init__(self, records: dict[tuple[str, str], dict[str, Any]], links: dict[Any, Any]):
        self.records = records
        self.links = links

    def find(self, kind: str, record_id: str) -> dict[str, Any] | None:
        return self.records.get((kind, record_id))

    def record(self, kind: str, record_id: str, *, needed_by: str | None = None) -> dict[str, Any]:
        data = self.find(kind, record_id)
        if data is None:
            raise MissingRecord(kind, record_id, needed_by=needed_by)
        return data

    def link(self, kind: str, record_id: str, role: str = "") -> FakeLink | None:
        return cast(FakeLink | None, self.links.get((kind, record_id)))

    def qb_id(self, kind: str, record_id: str, role: str = "", *, why: str = "") -> str:
        link = self.link(kind, record_id, role)
        if link is None:
            if self.find(kind, record_id) is None:
                raise MissingRecord(kind, record_id)
            raise NotLinked(kind, record_id, role=role, why=why)
        return link.qb_id

    def ref(self, kind: str, record_id: str, role: str = "", *, why: str = "") -> Ref:
        return Ref(list_id=self.qb_id(kind, record_id, role, why=why))

    def optional_ref(self, kind: str, record_id: str | None) -> Ref | None:
        return None if not record_id else self.ref(kind, record_id)


def _env(*, links: bool = True, **settings: Any) -> SyncEnv:
    records = {
        ("customer", "c1"): {"first_name": "Ada", "last_name": "Lovelace"},
        ("project", "p1"): {
            "number": "1001",
            "customer_id": "c1",
            "address": {"line1": "12 Main St"},
        },
        ("invoice", "i1"): {"number": "1001"},
        ("invoice", "i2"): {"number": "1002"},
        ("vendor", "v1"): {"name": "Acme Lumber", "vendor_type": "supplier"},
        ("item", "it1"): {"name": "Framing"},
        ("account", "qb-A1"): {"name": "Job Materials"},
        ("account", "qb-AR2"): {"name": "A/R Retail"},
    }
    linked = {
        ("customer", "c1"): FakeLink("C1", "Lovelace, Ada"),
        ("project", "p1"): FakeLink("J1", JOB_NAME),
        ("invoice", "i1"): FakeLink("T-1"),
        ("invoice", "i2"): FakeLink("T-2"),
        ("vendor", "v1"): FakeLink("V1", "Acme Lumber"),
        ("item", "it1"): FakeLink("I1", "Framing"),
        ("account", "qb-A1"): FakeLink("A1", "Job Materials"),
        ("account", "qb-AR2"): FakeLink("AR2", "A/R Retail"),
    }
    refs = FakeRefs(records, linked if links else {})
    full = {**default_settings(), **settings}
    ctx = BuildContext(version="13.0", uppercase=bool(full.get("uppercase")))
    return SyncEnv(cast(Any, None), cast(Any, None), full, ctx, cast(Any, refs))


PAYMENT: dict[str, Any] = {
    "project_id": "p1",
    "date": "2026-02-10",
    "amount": "1500.00",
    "method": "Check",
    "reference": "4411",
    "memo": "Deposit",
    "applications": [
        {"invoice_id": "i1", "amount": "1000.00"},
        {"invoice_id": "i2", "amount": "500.00"},
    ],
}

BILL: dict[str, Any] = {
    "vendor_id": "v1",
    "project_id": "p1",
    "number": "INV-77",
    "date": "2026-02-11",
    "due_date": "2026-03-13",
    "memo": "Lumber",
    "status": "paid",
    "lines": [
        {"account_id": "qb-A1", "amount": "250.00", "description": "Studs"},
        {"item_id": "it1", "amount": "99.50", "description": "Framing labor"},
    ],
}


def _text(el: etree._Element, path: str) -> list[str]:
    return [str(x.text) for x in el.iterfind(path)]


def test_a_payment_is_applied_to_each_linked_invoice() -> None:
    env = _env()
    rq = payment.SPEC.build(PAYMENT, env, None, "")
    assert_request_valid(rq, "13.0")
    add = rq[0]
    assert _text(add, "CustomerRef/ListID") == ["J1"]
    assert _text(add, "TxnDate") == ["2026-02-10"]
    assert _text(add, "RefNumber") == ["4411"]
    assert _text(add, "TotalAmount") == ["1500.00"]
    assert _text(add, "Memo") == ["Deposit"]
    assert _text(add, "AppliedToTxnAdd/TxnID") == ["T-1", "T-2"]
    assert _text(add, "AppliedToTxnAdd/PaymentAmount") == ["1000.00", "500.00"]
    # QuickBooks' defaults: its A/R account and Undeposited Funds; no payment method sent.
    for tag in ("ARAccountRef", "DepositToAccountRef", "PaymentMethodRef"):
        assert add.find(tag) is None
    assert [(n.path, n.original) for n in env.ctx.notes] == [
        ("ReceivePaymentAdd/PaymentMethodRef", "Check")
    ]


def test_the_ar_account_setting_names_an_imported_account_or_a_full_name() -> None:
    by_record = payment.SPEC.build(PAYMENT, _env(payment_ar_account="qb-AR2"), None, "")
    assert _text(by_record[0], "ARAccountRef/ListID") == ["AR2"]
    by_name = payment.SPEC.build(PAYMENT, _env(payment_ar_account="Retail A/R"), None, "")
    assert _text(by_name[0], "ARAccountRef/FullName") == ["Retail A/R"]
    assert by_name[0].find("DepositToAccountRef") is None
    assert_request_valid(by_name, "13.0")


def test_a_payment_mod_carries_the_identity_and_its_applications() -> None:
    rq = payment.SPEC.build(PAYMENT, _env(), Identity("P-9", "77"), "")
    assert_request_valid(rq, "13.0")
    assert rq.tag == "ReceivePaymentModRq"
    assert _text(rq[0], "TxnID") == ["P-9"] and _text(rq[0], "EditSequence") == ["77"]
    assert _text(rq[0], "AppliedToTxnMod/TxnID") == ["T-1", "T-2"]


def test_a_payment_needs_its_job_and_invoices_linked() -> None:
    with pytest.raises(NotLinked, match="project 'p1'"):
        payment.SPEC.build(PAYMENT, _env(links=False), None, "")
    missing = {**PAYMENT, "applications": [{"invoice_id": "nope", "amount": "1.00"}]}
    with pytest.raises(MissingRecord, match="invoice 'nope'"):
        payment.SPEC.build(missing, _env(), None, "")
    deps = payment.SPEC.depends(PAYMENT, {})
    assert [(d.kind, d.record_id) for d in deps] == [
        ("project", "p1"),
        ("invoice", "i1"),
        ("invoice", "i2"),
    ]


def _payment_ret(customer: str, ref: str, day: str, amount: str) -> etree._Element:
    return parse_xml(
        f"<ReceivePaymentRet><TxnID>P-1</TxnID><EditSequence>5</EditSequence>"
        f"<CustomerRef><ListID>J1</ListID><FullName>{customer}</FullName></CustomerRef>"
        f"<TxnDate>{day}</TxnDate><RefNumber>{ref}</RefNumber>"
        f"<TotalAmount>{amount}</TotalAmount></ReceivePaymentRet>"
    )


def test_a_payment_matches_by_customer_reference_date_and_amount() -> None:
    env = _env()
    key = fold(payment.SPEC.match_key(PAYMENT, env, ""))
    same = _payment_ret(JOB_NAME.upper(), "4411", "2026-02-10", "1500.00")
    assert fold(payment.SPEC.ret_key(same)) == key
    for other in (
        _payment_ret("Someone Else:1", "4411", "2026-02-10", "1500.00"),
        _payment_ret(JOB_NAME, "4411", "2026-02-11", "1500.00"),
        _payment_ret(JOB_NAME, "4411", "2026-02-10", "1500.01"),
    ):
        assert fold(payment.SPEC.ret_key(other)) != key
    assert payment.SPEC.match_key({**PAYMENT, "reference": None}, env, "") is None
    assert payment.SPEC.match_key({**PAYMENT, "project_id": "gone"}, env, "") is None
    # Unlinked job: its FullName as it would be added.
    assert payment.SPEC.match_key(PAYMENT, _env(links=False), "") == (
        JOB_NAME,
        "4411",
        "2026-02-10",
        "1500.00",
    )
    lookup = payment.SPEC.lookup([key or (), key or ()], env)
    assert _text(lookup, "RefNumber") == ["4411"]


def test_a_bill_charges_every_line_to_the_job() -> None:
    rq = bill.SPEC.build(BILL, _env(), None, "")
    assert_request_valid(rq, "13.0")
    add = rq[0]
    assert _text(add, "VendorRef/ListID") == ["V1"]
    assert _text(add, "RefNumber") == ["INV-77"]
    assert _text(add, "DueDate") == ["2026-03-13"]
    assert _text(add, "ExpenseLineAdd/AccountRef/ListID") == ["A1"]
    assert _text(add, "ExpenseLineAdd/Amount") == ["250.00"]
    assert _text(add, "ExpenseLineAdd/Memo") == ["Studs"]
    assert _text(add, "ExpenseLineAdd/CustomerRef/ListID") == ["J1"]
    assert _text(add, "ItemLineAdd/ItemRef/ListID") == ["I1"]
    assert _text(add, "ItemLineAdd/Amount") == ["99.50"]
    assert _text(add, "ItemLineAdd/Desc") == ["Framing labor"]
    assert _text(add, "ItemLineAdd/CustomerRef/ListID") == ["J1"]
    mod = bill.SPEC.build(BILL, _env(), Identity("B-1", "3"), "")
    assert_request_valid(mod, "13.0")
    assert _text(mod[0], "ExpenseLineMod/TxnLineID") == ["-1"]


def test_a_bill_names_what_it_misses() -> None:
    with pytest.raises(MissingRecord, match="vendor 'v9'"):
        bill.SPEC.build({**BILL, "vendor_id": "v9"}, _env(), None, "")
    lines = [{"account_id": "qb-NOPE", "amount": "1.00"}]
    with pytest.raises(MissingRecord, match="account 'qb-NOPE'"):
        bill.SPEC.build({**BILL, "lines": lines}, _env(), None, "")
    deps = bill.SPEC.depends(BILL, {})
    assert [(d.kind, d.record_id) for d in deps] == [
        ("vendor", "v1"),
        ("project", "p1"),
        ("item", "it1"),
    ]


@pytest.mark.parametrize(
    ("setting", "status", "exported"),
    [
        ("paid", "paid", True),
        ("paid", "approved", False),
        ("paid", "pending", False),
        ("paid_and_approved", "paid", True),
        ("paid_and_approved", "approved", True),
        ("paid_and_approved", "pending", False),
    ],
)
def test_the_expense_export_status_setting_filters_bills(
    setting: str, status: str, exported: bool
) -> None:
    why = bill.SPEC.excluded({**BILL, "status": status}, {"expense_export_status": setting})
    if exported:
        assert why is None
    else:
        assert why is not None and repr(status) in why and "expense_export_status" in why


def _bill_ret(vendor: str, ref: str) -> etree._Element:
    return parse_xml(
        f"<BillRet><TxnID>B-1</TxnID><VendorRef><FullName>{vendor}</FullName></VendorRef>"
        f"<TxnDate>2026-02-11</TxnDate><RefNumber>{ref}</RefNumber></BillRet>"
    )


def test_a_bill_matches_by_vendor_and_ref_number() -> None:
    env = _env()
    key = fold(bill.SPEC.match_key(BILL, env, ""))
    assert key == fold(("Acme Lumber", "INV-77"))
    assert fold(bill.SPEC.ret_key(_bill_ret("ACME LUMBER", "inv-77"))) == key
    assert fold(bill.SPEC.ret_key(_bill_ret("Other Supply", "INV-77"))) != key
    assert bill.SPEC.match_key({**BILL, "number": None}, env, "") is None
    assert bill.SPEC.match_key({**BILL, "vendor_id": "v9"}, env, "") is None
    unlinked = bill.SPEC.match_key(BILL, _env(links=False, uppercase=True), "")
    assert unlinked == ("ACME LUMBER", "INV-77")


def test_both_are_registered() -> None:
    assert spec_for("payment", "", PAYMENT) is payment.SPEC
    assert spec_for("bill", "", BILL) is bill.SPEC
