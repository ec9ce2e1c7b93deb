"""Adding and modifying transactions: lines, defaults, totals and payments applied to invoices."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from qbwc_server.simulator.quickbooks.catalog import ObjectType
from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.convert import Data, retify
from qbwc_server.simulator.quickbooks.derive import recompute, sales_totals
from qbwc_server.simulator.quickbooks.lists import check_edit_sequence, merge
from qbwc_server.simulator.quickbooks.refs import resolve_refs
from qbwc_server.simulator.quickbooks.responses import StatusError, not_found, overpaid
from qbwc_server.simulator.quickbooks.values import amount_text, money, stamp_text
from qbxml.values import parse_date

_ACCOUNT_DEFAULTS = {
    "Invoice": ("ARAccountRef", "AccountsReceivable"),
    "CreditMemo": ("ARAccountRef", "AccountsReceivable"),
    "ReceivePayment": ("ARAccountRef", "AccountsReceivable"),
    "Bill": ("APAccountRef", "AccountsPayable"),
}
_FLAGS = {
    "Invoice": ("IsPending", "IsFinanceCharge", "IsToBePrinted", "IsToBeEmailed"),
    "CreditMemo": ("IsPending", "IsToBePrinted", "IsToBeEmailed"),
}


def add_txn(
    company: Company, otype: ObjectType, payload: dict[str, Any], *, keep_ids: bool = False
) -> Data:
    """Add a transaction from an XxxAdd payload; returns the stored object."""
    data = retify(payload)
    resolve_refs(company, otype, data)
    at = company.clock.now() if keep_ids and data.get("TxnID") else company.clock.tick()
    data.setdefault("TxnDate", at.date().isoformat())
    _default_account(company, otype, data)
    if otype.name == "ReceivePayment":
        data.setdefault("DepositToAccountRef", _account_ref(company, "UndepositedFunds"))
        _apply_payment(company, data, exclude=None)
    for flag in _FLAGS.get(otype.name, ()):
        data.setdefault(flag, "false")
    if keep_ids and data.get("TxnID"):
        company.txn_counter = max(company.txn_counter, int(data["TxnID"].split("-")[0], 16))
        data.setdefault("TimeCreated", stamp_text(at))
        data.setdefault("TimeModified", data["TimeCreated"])
        data.setdefault("EditSequence", str(int(at.timestamp())))
    else:
        data["TxnID"] = company.new_txn_id(at)
        data["TimeCreated"] = data["TimeModified"] = stamp_text(at)
        data["EditSequence"] = str(int(at.timestamp()))
    if data.get("TxnNumber"):
        company.txn_number = max(company.txn_number, int(data["TxnNumber"]))
    else:
        data["TxnNumber"] = company.next_txn_number()
    _number_lines(company, otype, data, at)
    _fill_lines(company, otype, data)
    _due_date(company, otype, data)
    company.objects[otype.name][data["TxnID"]] = data
    recompute(company)
    return data


def mod_txn(company: Company, otype: ObjectType, payload: dict[str, Any]) -> Data:
    """Apply an XxxMod payload: header fields replace, line lists are rewritten as given."""
    txn_id = str(payload.get("TxnID", ""))
    stored = company.get(otype.name, txn_id)
    if stored is None:
        raise StatusError(not_found(txn_id))
    current = copy.deepcopy(stored)
    check_edit_sequence(current, payload)
    skip = ("TxnID", "EditSequence", "ClearExpenseLines", "ClearItemLines")
    changes = retify({k: v for k, v in payload.items() if k not in skip})
    resolve_refs(company, otype, changes)
    at = company.clock.tick()
    for tag in otype.lines:
        if tag in changes:
            changes[tag] = _merge_lines(current.get(tag, []), changes[tag])
    updated = merge(current, changes)
    for flag, tag in (("ClearExpenseLines", "ExpenseLineRet"), ("ClearItemLines", "ItemLineRet")):
        if str(payload.get(flag, "")).lower() == "true":
            updated.pop(tag, None)
    if otype.name == "ReceivePayment":
        _apply_payment(company, updated, exclude=txn_id)
    _number_lines(company, otype, updated, at)
    _fill_lines(company, otype, updated)
    updated["TimeModified"] = stamp_text(at)
    updated["EditSequence"] = str(int(at.timestamp()))
    company.objects[otype.name][txn_id] = updated
    recompute(company)
    return updated


def _merge_lines(existing: list[Data], given: list[Data]) -> list[Data]:
    by_id = {line.get("TxnLineID"): line for line in existing}
    lines = []
    for line in given:
        line_id = line.get("TxnLineID", "-1")
        if line_id == "-1":
            lines.append({k: v for k, v in line.items() if k != "TxnLineID"})
        elif line_id in by_id:
            lines.append(merge(by_id[line_id], line))
        else:
            raise StatusError(not_found(str(line_id)))
    return lines


def _number_lines(company: Company, otype: ObjectType, data: Data, at: datetime) -> None:
    for tag in otype.lines:
        for line in data.get(tag, []):
            if tag != "AppliedToTxnRet" and not line.get("TxnLineID"):
                line["TxnLineID"] = company.new_txn_id(at)


def _fill_lines(company: Company, otype: ObjectType, data: Data) -> None:
    """Work out line amounts and the transaction's totals."""
    if otype.name in ("Invoice", "CreditMemo"):
        for line in data.get(otype.lines[0], []):
            item = _item_of(company, line)
            sales = item.get("SalesOrPurchase") or item.get("SalesAndPurchase") or {}
            line.setdefault("Desc", sales.get("Desc") or sales.get("SalesDesc"))
            if "Amount" not in line:
                rate = line.get("Rate") or sales.get("Price") or sales.get("SalesPrice") or "0"
                quantity = line.get("Quantity") or "1"
                line.setdefault("Rate", amount_text(money(rate)))
                line["Amount"] = amount_text(money(rate) * money(quantity))
            if "SalesTaxCodeRef" in item:
                line.setdefault("SalesTaxCodeRef", item["SalesTaxCodeRef"])
            if line.get("Desc") is None:
                line.pop("Desc")
        sales_totals(company, otype, data)
    elif otype.name == "Bill":
        total = Decimal(0)
        for line in data.get("ExpenseLineRet", []):
            total += money(line.get("Amount"))
        for line in data.get("ItemLineRet", []):
            if "Amount" not in line:
                item = _item_of(company, line)
                purchase = item.get("SalesAndPurchase") or item.get("SalesOrPurchase") or {}
                cost = line.get("Cost") or purchase.get("PurchaseCost") or purchase.get("Price")
                line["Amount"] = amount_text(money(cost) * money(line.get("Quantity") or "1"))
            total += money(line["Amount"])
        data["AmountDue"] = amount_text(total)
        data["OpenAmount"] = amount_text(total)
        data["IsPaid"] = "true" if total == 0 else "false"


def _item_of(company: Company, line: Data) -> Data:
    ref = line.get("ItemRef")
    if not ref:
        return {}
    found = company.find_id(
        tuple(n for n in company.objects if n.startswith("Item")), ref["ListID"]
    )
    return found[1] if found else {}


def _apply_payment(company: Company, data: Data, *, exclude: str | None) -> None:
    """Turn AppliedToTxn lines into AppliedToTxnRet and check nothing is overpaid."""
    applied_total = Decimal(0)
    customer = data.get("CustomerRef", {}).get("ListID")
    for line in data.get("AppliedToTxnRet", []):
        invoice = company.get("Invoice", str(line.get("TxnID", "")))
        if invoice is None or invoice.get("CustomerRef", {}).get("ListID") != customer:
            raise StatusError(not_found(str(line.get("TxnID", ""))))
        amount = money(line.pop("PaymentAmount", None) or line.get("Amount"))
        open_amount = _open_balance(company, invoice, exclude)
        if amount > open_amount:
            raise StatusError(overpaid("AppliedToTxnAdd payment amount", amount_text(amount)))
        line.update(
            TxnType="Invoice",
            TxnDate=invoice["TxnDate"],
            BalanceRemaining=amount_text(open_amount - amount),
            Amount=amount_text(amount),
        )
        if "RefNumber" in invoice:
            line["RefNumber"] = invoice["RefNumber"]
        applied_total += amount
    total = money(data.get("TotalAmount")) if data.get("TotalAmount") else applied_total
    data["TotalAmount"] = amount_text(total)
    data["UnusedPayment"] = amount_text(total - applied_total)
    data.setdefault("UnusedCredits", "0.00")


def _open_balance(company: Company, invoice: Data, exclude: str | None) -> Decimal:
    balance = money(invoice.get("BalanceRemaining"))
    if exclude is not None:
        payment = company.get("ReceivePayment", exclude) or {}
        for line in payment.get("AppliedToTxnRet", []):
            if line.get("TxnID") == invoice["TxnID"]:
                balance += money(line.get("Amount"))
    return balance


def _default_account(company: Company, otype: ObjectType, data: Data) -> None:
    if otype.name in _ACCOUNT_DEFAULTS:
        field, account_type = _ACCOUNT_DEFAULTS[otype.name]
        if field not in data:
            ref = _account_ref(company, account_type)
            if ref:
                data[field] = ref


def _account_ref(company: Company, wanted: str) -> Data:
    for account in company.iter_type("Account"):
        if wanted in (account.get("AccountType"), account.get("SpecialAccountType")):
            return {"ListID": account["ListID"], "FullName": account["FullName"]}
    return {}


def _due_date(company: Company, otype: ObjectType, data: Data) -> None:
    if otype.name not in ("Invoice", "Bill", "CreditMemo") or "DueDate" in data:
        return
    txn_date = parse_date(data["TxnDate"])
    assert txn_date is not None
    if "TermsRef" not in data and otype.entity_ref:
        terms = _entity_terms(company, otype, data)
        if terms:
            data["TermsRef"] = terms
    terms_ref = data.get("TermsRef")
    due = txn_date
    if terms_ref:
        terms = company.get("StandardTerms", terms_ref["ListID"])
        if terms is not None:
            due = txn_date + timedelta(days=int(terms.get("StdDueDays", "0")))
        else:
            terms = company.get("DateDrivenTerms", terms_ref["ListID"]) or {}
            day = int(terms.get("DayOfMonthDue", str(txn_date.day)))
            month = txn_date.replace(day=1) + timedelta(days=32)
            due = month.replace(day=min(day, 28))
    data["DueDate"] = due.isoformat()


def _entity_terms(company: Company, otype: ObjectType, data: Data) -> Data | None:
    """The terms of the customer (or its parent) or vendor, which QuickBooks fills in."""
    ref = data.get(otype.entity_ref)
    owner_type = "Vendor" if otype.entity_ref == "VendorRef" else "Customer"
    owner = company.get(owner_type, ref["ListID"]) if ref else None
    while owner is not None:
        if owner.get("TermsRef"):
            return dict(owner["TermsRef"])
        parent = owner.get("ParentRef")
        owner = company.get(owner_type, parent["ListID"]) if parent else None
    return None
