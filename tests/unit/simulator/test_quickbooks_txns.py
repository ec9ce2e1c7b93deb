"""FakeQuickBooks transactions: invoices, payments applied to them, bills and credit memos."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.simulator.test_quickbooks_support import add, code, demo, mod, one, query, ret, text

JOB = {"FullName": "Nguyen, Anh:1042 - 18 Pine St"}


def _invoice(qb: Any, ref: str = "2001", lines: list[dict[str, Any]] | None = None) -> Any:
    fields = {
        "CustomerRef": JOB,
        "TxnDate": "2026-01-05",
        "RefNumber": ref,
        "TermsRef": {"FullName": "Net 30"},
        "InvoiceLineAdd": lines
        or [
            {"ItemRef": {"FullName": "Labor"}, "Quantity": "10"},
            {"ItemRef": {"FullName": "Lumber"}, "Desc": "Studs", "Quantity": "2", "Rate": "50.00"},
        ],
    }
    response = one(qb, add("Invoice", fields))
    assert code(response) == 0, response.get("statusMessage")
    return ret(response)


def test_invoice_add_works_out_lines_totals_tax_and_due_date() -> None:
    qb = demo()
    invoice = _invoice(qb)
    assert text(invoice, "TxnID").split("-")[1] == text(invoice, "EditSequence")
    lines = invoice.findall("InvoiceLineRet")
    assert [text(line, "Amount") for line in lines] == ["850.00", "100.00"]
    assert text(lines[0], "Rate") == "85.00" and text(lines[0], "Desc") == "Construction labor"
    assert len({text(line, "TxnLineID") for line in lines}) == 2
    assert text(invoice, "Subtotal") == "950.00"
    # Lumber is taxable (Tax), the parent customer charges Alameda County 10.25 %... on the job
    # itself no sales tax item is set, so no tax is charged.
    assert text(invoice, "SalesTaxTotal") == "0.00"
    assert text(invoice, "BalanceRemaining") == "950.00"
    assert text(invoice, "DueDate") == "2026-02-04"
    assert text(invoice, "ARAccountRef/FullName") == "Accounts Receivable"
    assert text(invoice, "IsPaid") == "false"


def test_sales_tax_is_charged_on_taxable_lines() -> None:
    qb = demo()
    fields = {
        "CustomerRef": {"FullName": "Nguyen, Anh"},
        "ItemSalesTaxRef": {"FullName": "Alameda County"},
        "InvoiceLineAdd": [
            {"ItemRef": {"FullName": "Lumber"}, "Quantity": "1", "Rate": "200.00"},
            {"ItemRef": {"FullName": "Labor"}, "Quantity": "1"},
        ],
    }
    invoice = ret(one(qb, add("Invoice", fields)))
    assert text(invoice, "SalesTaxPercentage") == "10.25"
    assert text(invoice, "SalesTaxTotal") == "20.50"
    assert text(invoice, "BalanceRemaining") == "305.50"


def test_payment_applied_to_an_invoice_reduces_its_balance_and_marks_it_paid() -> None:
    qb = demo()
    invoice = _invoice(qb)
    txn_id = text(invoice, "TxnID")
    payment = {
        "CustomerRef": JOB,
        "TotalAmount": "600.00",
        "AppliedToTxnAdd": [{"TxnID": txn_id, "PaymentAmount": "600.00"}],
    }
    paid = ret(one(qb, add("ReceivePayment", payment)))
    assert text(paid, "DepositToAccountRef/FullName") == "Undeposited Funds"
    assert text(paid, "AppliedToTxnRet/TxnType") == "Invoice"
    assert text(paid, "AppliedToTxnRet/BalanceRemaining") == "350.00"
    assert text(paid, "UnusedPayment") == "0.00"
    after = ret(one(qb, query("Invoice", {"TxnID": txn_id})))
    assert (text(after, "AppliedAmount"), text(after, "BalanceRemaining")) == ("-600.00", "350.00")
    assert text(after, "IsPaid") == "false"
    rest = {
        **payment,
        "TotalAmount": "350.00",
        "AppliedToTxnAdd": [{"TxnID": txn_id, "PaymentAmount": "350.00"}],
    }
    assert code(one(qb, add("ReceivePayment", rest))) == 0
    settled = ret(one(qb, query("Invoice", {"TxnID": txn_id})))
    assert (text(settled, "BalanceRemaining"), text(settled, "IsPaid")) == ("0.00", "true")


def test_paying_more_than_is_owed_is_3210() -> None:
    qb = demo()
    txn_id = text(_invoice(qb), "TxnID")
    payment = {
        "CustomerRef": JOB,
        "AppliedToTxnAdd": [{"TxnID": txn_id, "PaymentAmount": "950.01"}],
    }
    response = one(qb, add("ReceivePayment", payment))
    assert code(response) == 3210
    assert "You cannot pay more than the amount due." in response.get("statusMessage", "")


def test_customer_balances_follow_invoices_and_payments() -> None:
    qb = demo()
    before = qb.find("Customer", FullName=JOB["FullName"])[0]
    _invoice(qb)
    after = qb.find("Customer", FullName=JOB["FullName"])[0]
    parent = qb.find("Customer", FullName="Nguyen, Anh")[0]
    assert float(after["Balance"]) == float(before["Balance"]) + 950
    assert parent["TotalBalance"] == after["Balance"]


def test_invoice_mod_rewrites_lines_as_given() -> None:
    qb = demo()
    invoice = _invoice(qb)
    keep = invoice.findall("InvoiceLineRet")[0]
    fields = {
        "TxnID": text(invoice, "TxnID"),
        "EditSequence": text(invoice, "EditSequence"),
        "Memo": "Revised",
        "InvoiceLineMod": [
            {"TxnLineID": text(keep, "TxnLineID"), "Quantity": "12", "Amount": "1020.00"},
            {"TxnLineID": "-1", "ItemRef": {"FullName": "Framing"}, "Quantity": "1"},
        ],
    }
    changed = ret(one(qb, mod("Invoice", fields)))
    lines = changed.findall("InvoiceLineRet")
    assert [text(line, "Amount") for line in lines] == ["1020.00", "95.00"]
    assert text(lines[0], "TxnLineID") == text(keep, "TxnLineID")
    assert text(changed, "Subtotal") == "1115.00" and text(changed, "Memo") == "Revised"
    stale = one(qb, mod("Invoice", fields))
    assert code(stale) == 3200


def test_bill_with_expense_and_item_lines() -> None:
    qb = demo()
    fields = {
        "VendorRef": {"FullName": "Delta Plumbing Supply"},
        "TxnDate": "2026-01-05",
        "RefNumber": "DP-1",
        "ExpenseLineAdd": [
            {
                "AccountRef": {"FullName": "Job Expenses:Job Materials"},
                "Amount": "120.00",
                "CustomerRef": JOB,
            }
        ],
        "ItemLineAdd": [{"ItemRef": {"FullName": "Subcontracted Electrical"}, "Quantity": "2"}],
    }
    bill = ret(one(qb, add("Bill", fields)))
    assert text(bill, "APAccountRef/FullName") == "Accounts Payable"
    assert text(bill, "ItemLineRet/Amount") == "160.00"
    assert (text(bill, "AmountDue"), text(bill, "OpenAmount")) == ("280.00", "280.00")
    assert text(bill, "DueDate") == "2026-01-20"  # the vendor's Net 15 terms are filled in
    assert qb.find("Vendor", Name="Delta Plumbing Supply")[0]["Balance"] == "280.00"
    found = one(qb, query("Bill", {"TxnID": text(bill, "TxnID"), "IncludeLineItems": "true"}))
    assert found.find("BillRet/ExpenseLineRet") is not None


def test_credit_memo_add_mod_and_query() -> None:
    qb = demo()
    fields = {
        "CustomerRef": JOB,
        "RefNumber": "CM-1",
        "CreditMemoLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "2"}],
    }
    memo = ret(one(qb, add("CreditMemo", fields)))
    assert (text(memo, "TotalAmount"), text(memo, "CreditRemaining")) == ("170.00", "170.00")
    changed = one(
        qb,
        mod(
            "CreditMemo",
            {
                "TxnID": text(memo, "TxnID"),
                "EditSequence": text(memo, "EditSequence"),
                "Memo": "goodwill",
            },
        ),
    )
    assert code(changed) == 0
    found = one(qb, query("CreditMemo", {"RefNumber": "CM-1"}))
    assert text(ret(found), "Memo") == "goodwill"


@pytest.mark.parametrize(
    ("kind", "fields", "message_part"),
    [
        (
            "Invoice",
            {"CustomerRef": {"FullName": "Nobody"}},
            'QuickBooks Customer "Nobody" in the Invoice.',
        ),
        (
            "Invoice",
            {"CustomerRef": JOB, "InvoiceLineAdd": [{"ItemRef": {"FullName": "Unicorn"}}]},
            'QuickBooks Item "Unicorn" in the Invoice line.',
        ),
        ("Bill", {"VendorRef": {"FullName": "Nope"}}, 'QuickBooks Vendor "Nope" in the Bill.'),
    ],
)
def test_missing_references_in_transactions_are_3140(
    kind: str, fields: dict[str, Any], message_part: str
) -> None:
    response = one(demo(), add(kind, fields))
    assert code(response) == 3140
    assert message_part in response.get("statusMessage", "")


def test_locked_transactions_answer_3175() -> None:
    qb = demo()
    qb.locked = True
    response = one(qb, add("Invoice", {"CustomerRef": JOB}))
    assert (code(response), response.get("statusSeverity")) == (3175, "Error")
