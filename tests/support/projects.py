"""A whole project as the app would send it: every exported kind of DESIGN.md section 2.

``full_project(put, accounts)`` sends the records through ``put(kind, id, data)`` (the
in-process operations, or the HTTP API), using imported account record ids from ``accounts``
(name -> record id). ``EXPECTED`` is what lands in QuickBooks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Put = Callable[[str, str, dict[str, Any]], None]

ACCOUNTS = {
    "Account": [
        {"Name": "Construction Income", "AccountType": "Income"},
        {"Name": "Job Materials", "AccountType": "CostOfGoodsSold"},
    ]
}
SETTINGS = {
    "employee_export": True,
    "credit_memo_export": True,
    "expense_export_status": "paid_and_approved",
}
# QuickBooks object type -> how many the project adds (customer + job are both Customers).
EXPECTED = {
    "Customer": 2,
    "Employee": 1,
    "SalesRep": 1,
    "Class": 1,
    "StandardTerms": 1,
    "ItemService": 1,
    "Invoice": 2,
    "CreditMemo": 1,
    "ReceivePayment": 1,
    "Vendor": 1,
    "Bill": 1,
}


def full_project(put: Put, accounts: dict[str, str], project_id: str = "p1") -> None:
    put(
        "customer",
        "c1",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "555-0100",
        },
    )
    put(
        "user",
        "u1",
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "employment_type": "employee",
            "initials": "GH",
        },
    )
    put("class", "cl1", {"name": "Remodel"})
    put("terms", "t30", {"name": "Net 30", "due_days": 30})
    put(
        "item",
        "labor",
        {"name": "Labor", "rate": "85.00", "income_account_id": accounts["Construction Income"]},
    )
    put(
        "project",
        project_id,
        {
            "number": "1001",
            "customer_id": "c1",
            "address": {"line1": "12 Main St", "city": "Springfield"},
            "contract_date": "2026-02-01",
            "sales_rep_user_id": "u1",
            "class_id": "cl1",
        },
    )
    for n in (1, 2):
        put(
            "invoice",
            f"inv{n}",
            {
                "number": f"INV-{n}",
                "project_id": project_id,
                "date": "2026-03-01",
                "terms_id": "t30",
                "class_id": "cl1",
                "memo": f"Invoice {n}",
                "lines": [
                    {"item_id": "labor", "quantity": "2", "rate": "85.00", "amount": "170.00"}
                ],
            },
        )
    put(
        "credit_memo",
        "cm1",
        {
            "number": "CM-1",
            "project_id": project_id,
            "date": "2026-03-03",
            "lines": [{"item_id": "labor", "amount": "20.00"}],
        },
    )
    put(
        "payment",
        "pay1",
        {
            "project_id": project_id,
            "date": "2026-03-05",
            "amount": "340.00",
            "reference": "CHK-77",
            "applications": [
                {"invoice_id": "inv1", "amount": "170.00"},
                {"invoice_id": "inv2", "amount": "170.00"},
            ],
        },
    )
    put(
        "vendor",
        "v1",
        {"name": "Acme Lumber", "vendor_type": "supplier", "updated_at": "2026-03-01T00:00:00Z"},
    )
    put(
        "bill",
        "b1",
        {
            "vendor_id": "v1",
            "project_id": project_id,
            "number": "B-9",
            "date": "2026-03-02",
            "status": "paid",
            "lines": [
                {"account_id": accounts["Job Materials"], "amount": "120.00"},
                {"item_id": "labor", "amount": "30.00"},
            ],
        },
    )
