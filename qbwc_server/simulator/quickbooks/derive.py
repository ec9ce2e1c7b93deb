"""Derived amounts: sales totals and tax, what payments leave open, customer and vendor balances."""

from __future__ import annotations

from decimal import Decimal

from qbwc_server.simulator.quickbooks.catalog import ObjectType
from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.convert import Data
from qbwc_server.simulator.quickbooks.values import amount_text, money

_HUNDRED = Decimal(100)


def sales_totals(company: Company, otype: ObjectType, data: Data) -> None:
    """Subtotal, sales tax and what is owed on an invoice or credit memo."""
    subtotal = Decimal(0)
    taxable = Decimal(0)
    for line in data.get(otype.lines[0], []):
        amount = money(line.get("Amount"))
        subtotal += amount
        code_ref = line.get("SalesTaxCodeRef")
        code = company.get("SalesTaxCode", code_ref["ListID"]) if code_ref else None
        if code is not None and code.get("IsTaxable") == "true":
            taxable += amount
    rate = Decimal(0)
    if not data.get("ItemSalesTaxRef"):
        customer = _customer(company, data)
        if customer.get("ItemSalesTaxRef") and company_taxes(company):
            data["ItemSalesTaxRef"] = dict(customer["ItemSalesTaxRef"])
    tax_ref = data.get("ItemSalesTaxRef")
    if tax_ref:
        tax_item = company.get("ItemSalesTax", tax_ref["ListID"]) or {}
        rate = money(tax_item.get("TaxRate"))
    tax = (taxable * rate / _HUNDRED).quantize(Decimal("0.01"))
    data["Subtotal"] = amount_text(subtotal)
    data["SalesTaxPercentage"] = amount_text(rate)
    data["SalesTaxTotal"] = amount_text(tax)
    if otype.name == "Invoice":
        data.setdefault("AppliedAmount", "0.00")
        balance = subtotal + tax + money(data["AppliedAmount"])
        data["BalanceRemaining"] = amount_text(balance)
        data["IsPaid"] = "true" if balance <= 0 else "false"
    else:
        data["TotalAmount"] = amount_text(subtotal + tax)
        data["CreditRemaining"] = amount_text(subtotal + tax)


def company_taxes(company: Company) -> bool:
    """True when the company has at least one sales tax item (sales tax is switched on)."""
    return bool(company.objects["ItemSalesTax"])


def _customer(company: Company, data: Data) -> Data:
    ref = data.get("CustomerRef")
    return (company.get("Customer", ref["ListID"]) if ref else None) or {}


def recompute(company: Company) -> None:
    """Re-derive what payments leave open on invoices, and every customer's and vendor's balance."""
    applied: dict[str, Decimal] = {}
    unused: dict[str, Decimal] = {}
    for payment in company.iter_type("ReceivePayment"):
        for line in payment.get("AppliedToTxnRet", []):
            applied[line["TxnID"]] = applied.get(line["TxnID"], Decimal(0)) + money(line["Amount"])
        owner = payment["CustomerRef"]["ListID"]
        unused[owner] = unused.get(owner, Decimal(0)) + money(payment.get("UnusedPayment"))
    own: dict[str, Decimal] = {}
    for invoice in company.iter_type("Invoice"):
        total = money(invoice["Subtotal"]) + money(invoice["SalesTaxTotal"])
        paid = applied.get(invoice["TxnID"], Decimal(0))
        invoice["AppliedAmount"] = amount_text(-paid)
        balance = total - paid
        invoice["BalanceRemaining"] = amount_text(balance)
        invoice["IsPaid"] = "true" if balance <= 0 else "false"
        owner = invoice["CustomerRef"]["ListID"]
        own[owner] = own.get(owner, Decimal(0)) + balance
    for memo in company.iter_type("CreditMemo"):
        owner = memo["CustomerRef"]["ListID"]
        own[owner] = own.get(owner, Decimal(0)) - money(memo.get("CreditRemaining"))
    customers = company.objects["Customer"]
    for list_id, customer in customers.items():
        customer["Balance"] = amount_text(
            own.get(list_id, Decimal(0)) - unused.get(list_id, Decimal(0))
        )
    for customer in customers.values():
        total = Decimal(0)
        for other in customers.values():
            if other["FullName"] == customer["FullName"] or other["FullName"].startswith(
                customer["FullName"] + ":"
            ):
                total += money(other["Balance"])
        customer["TotalBalance"] = amount_text(total)
    vendors: dict[str, Decimal] = {}
    for bill in company.iter_type("Bill"):
        owner = bill["VendorRef"]["ListID"]
        vendors[owner] = vendors.get(owner, Decimal(0)) + money(bill.get("OpenAmount"))
    for list_id, vendor in company.objects["Vendor"].items():
        vendor["Balance"] = amount_text(vendors.get(list_id, Decimal(0)))
