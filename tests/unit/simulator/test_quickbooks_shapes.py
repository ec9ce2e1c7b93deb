"""FakeQuickBooks answers compared with real QuickBooks answers, and with Intuit's 13.0 schema."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from tests.support.schema import assert_valid, schema_for
from tests.unit.simulator.test_quickbooks_support import (
    add,
    answers,
    code,
    demo,
    message_set,
    mod,
    node,
    one,
    query,
    ret,
    same_shape,
    sample_response,
    text,
)


def _customer_add_ok(qb: FakeQuickBooks) -> etree._Element:
    return one(
        qb,
        add(
            "Customer", {"Name": "Daniels, Shannon", "FirstName": "Shannon", "LastName": "Daniels"}
        ),
    )


def _query_500(qb: FakeQuickBooks) -> etree._Element:
    return one(qb, query("Customer", {"FullName": "bleech"}))


def _item_3100(qb: FakeQuickBooks) -> etree._Element:
    return one(qb, add("ItemService", {"Name": "Labor"}))


def _mod_3120(qb: FakeQuickBooks) -> etree._Element:
    return one(
        qb, mod("Customer", {"ListID": "8000001B-1405768916", "EditSequence": "1", "Name": "X"})
    )


def _locked_3180(qb: FakeQuickBooks) -> etree._Element:
    qb.locked = True
    return one(qb, add("Customer", {"Name": "Newcastle Tenants Federation"}))


REAL = [
    ("CustomerAddRs.ok.consolibyte-log-2008.xml", _customer_add_ok, ()),
    ("CustomerQueryRs.500.qbwc-gem.xml", _query_500, ()),
    ("ItemServiceAddRs.3100.consolibyte-2010.xml", _item_3100, ()),
    ("CustomerAddRs.3180.consolibyte.xml", _locked_3180, ()),
]


@pytest.mark.parametrize(("sample", "produce", "ignore"), REAL, ids=[r[0] for r in REAL])
def test_status_shape_matches_the_real_sample(
    sample: str, produce: Any, ignore: tuple[str, ...]
) -> None:
    real = sample_response(sample)
    ours = produce(demo())
    same_shape(ours, real, ignore=ignore)


def test_3120_matches_the_real_message_on_a_mod() -> None:
    real = sample_response("CustomerQueryRs.3120.qbwc-gem.xml")
    ours = _mod_3120(demo())
    assert ours.tag == "CustomerModRs"  # the real sample answers a query; ours answers a Mod
    assert ours.get("statusMessage") == real.get("statusMessage")
    assert (ours.get("statusSeverity"), len(ours)) == (real.get("statusSeverity"), 0)


def _child_order(element: etree._Element) -> list[str]:
    order: list[str] = []
    for child in element:
        if child.tag not in order:
            order.append(str(child.tag))
    return order


@pytest.mark.parametrize(
    ("sample", "ret_tag", "produce"),
    [
        (
            "CustomerAddRs.ok.consolibyte-log-2008.xml",
            "CustomerRet",
            lambda qb: ret(_customer_add_ok(qb)),
        ),
        (
            "InvoiceAddRs.ok.flowlink-2014.xml",
            "InvoiceRet",
            lambda qb: ret(
                one(
                    qb,
                    add(
                        "Invoice",
                        {
                            "CustomerRef": {"FullName": "Garcia, Luis"},
                            "RefNumber": "9",
                            "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}}],
                        },
                    ),
                )
            ),
        ),
        (
            "BillQueryRs.ok.intuit-sdktest-2022.xml",
            "BillRet",
            lambda qb: ret(one(qb, query("Bill", {"RefNumber": "BL-7781"}))),
        ),
    ],
)
def test_ret_elements_come_in_the_real_order(sample: str, ret_tag: str, produce: Any) -> None:
    real = sample_response(sample).find(ret_tag)
    assert real is not None
    ours = _child_order(produce(demo()))
    shared = [tag for tag in _child_order(real) if tag in ours]
    assert [tag for tag in ours if tag in shared] == shared
    assert len(shared) >= 8


def _every_response_type() -> list[str]:
    """Run one request of every type the fake answers; return each response document."""
    qb = demo()
    documents: list[str] = []

    def go(*requests: etree._Element) -> list[etree._Element]:
        document = qb.process(message_set(*requests, on_error="continueOnError"))
        documents.append(document)
        return answers(document)

    job = {"FullName": "Nguyen, Anh:1042 - 18 Pine St"}
    adds = go(
        add(
            "Customer",
            {"Name": "Kim, Lee", "BillAddress": {"Addr1": "1 Main", "City": "Oakland"}},
            "1",
        ),
        add("Employee", {"FirstName": "Ana", "LastName": "Silva"}, "2"),
        add("Vendor", {"Name": "Tile World"}, "3"),
        add("SalesRep", {"Initial": "AS", "SalesRepEntityRef": {"FullName": "Ana Silva"}}, "4"),
        add(
            "ItemService",
            {
                "Name": "Tiling",
                "SalesOrPurchase": {
                    "Price": "60.00",
                    "AccountRef": {"FullName": "Construction Income"},
                },
            },
            "5",
        ),
        add("Class", {"Name": "Warranty"}, "6"),
        add("StandardTerms", {"Name": "Net 60", "StdDueDays": "60"}, "7"),
        add("DateDrivenTerms", {"Name": "1st of month", "DayOfMonthDue": "1"}, "8"),
        add(
            "Invoice",
            {
                "CustomerRef": job,
                "RefNumber": "3000",
                "InvoiceLineAdd": [{"ItemRef": {"FullName": "Tiling"}, "Quantity": "3"}],
            },
            "9",
        ),
        add(
            "CreditMemo",
            {"CustomerRef": job, "CreditMemoLineAdd": [{"ItemRef": {"FullName": "Tiling"}}]},
            "10",
        ),
        add(
            "Bill",
            {
                "VendorRef": {"FullName": "Tile World"},
                "ExpenseLineAdd": [{"AccountRef": {"FullName": "Rent Expense"}, "Amount": "10.00"}],
            },
            "11",
        ),
    )
    assert [code(r) for r in adds] == [0] * len(adds)
    invoice_id = text(ret(adds[8]), "TxnID")
    go(
        add(
            "ReceivePayment",
            {
                "CustomerRef": job,
                "TotalAmount": "50.00",
                "AppliedToTxnAdd": [{"TxnID": invoice_id, "PaymentAmount": "50.00"}],
            },
            "12",
        )
    )
    mods = []
    for response in adds:
        kind = response.tag[: -len("AddRs")]
        if kind in ("StandardTerms", "DateDrivenTerms"):
            continue
        created = ret(response)
        id_tag = "TxnID" if created.find("TxnID") is not None else "ListID"
        mods.append(
            mod(
                kind,
                {id_tag: text(created, id_tag), "EditSequence": text(created, "EditSequence")},
                kind,
            )
        )
    go(*mods)
    go(
        *(
            query(kind, None, kind)
            for kind in (
                "Customer",
                "Employee",
                "Vendor",
                "SalesRep",
                "ItemService",
                "Item",
                "Class",
                "StandardTerms",
                "DateDrivenTerms",
                "Terms",
                "Account",
                "SalesTaxCode",
                "Invoice",
                "CreditMemo",
                "ReceivePayment",
                "Bill",
            )
        )
    )
    go(node("HostQueryRq"), node("CompanyQueryRq"), node("PreferencesQueryRq"))
    go(
        query("Customer", {"FullName": "Nope"}),
        add("Class", {"Name": "Warranty"}),
        query("Customer", {"MaxReturned": "1"}, iterator="Start"),
    )
    documents.append(qb.hcp_response())
    return documents


def test_every_response_the_fake_writes_validates_against_13_0() -> None:
    schema_for("13.0")
    documents = _every_response_type()
    tags = {r.tag for document in documents for r in answers(document)}
    assert len(tags) >= 40
    for document in documents:
        assert_valid(document, "13.0")
