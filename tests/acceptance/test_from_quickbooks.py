"""Every "from QuickBooks" row of DESIGN.md section 2, through a live gunicorn server: imports
queued over the HTTP API, the simulated Web Connector and its fake QuickBooks company, then
our records, links and the event feed, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from tests.acceptance.test_sync_to_quickbooks import PASSWORD, Api, _session
from tests.conftest import FIXTURES
from tests.support.live import LiveServer, live_server
from tests.support.projects import ACCOUNTS
from tests.support.schema import schema_dir

IMPORTS = (
    "accounts",
    "items",
    "classes",
    "terms",
    "sales_tax_codes",
    "vendors",
    "customers",
    "payments",
    "bills",
)
ITEM_TYPES = (
    "ItemService",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemInventory",
    "ItemDiscount",
    "ItemSubtotal",
    "ItemSalesTax",
)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        yield live


def _edit(qb: FakeQuickBooks, type_name: str, list_id: str, **changes: Any) -> None:
    """Change an object in QuickBooks as a bookkeeper would (an XxxModRq)."""
    (current,) = [o for o in qb.find(type_name) if o.get("ListID") == list_id]
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError="stopOnError")
    body = etree.SubElement(etree.SubElement(msgs, f"{type_name}ModRq"), f"{type_name}Mod")
    for tag, value in {
        "ListID": list_id,
        "EditSequence": current["EditSequence"],
        **changes,
    }.items():
        etree.SubElement(body, tag).text = value
    xml = '<?xml version="1.0"?><?qbxml version="13.0"?>' + etree.tostring(root).decode()
    assert 'statusCode="0"' in qb.process(xml)


def _records(api: Api, cid: int, kind: str) -> dict[str, dict[str, Any]]:
    status, body = api.call("GET", f"/companies/{cid}/records/{kind}?limit=500")
    assert status == 200, body
    return {r["id"]: r for r in body["items"]}


def _import(api: Api, cid: int, server: LiveServer, qb: FakeQuickBooks, *kinds: str) -> None:
    for kind in kinds:
        status, body = api.call("POST", f"/companies/{cid}/imports", {"kind": kind})
        assert status == 202, body
    result = _session(server, "ridgeline", qb)
    assert result.outcome == "completed", result


def test_what_quickbooks_holds_comes_back_by_the_rules(server: LiveServer) -> None:
    api = Api(server, server.qbwc("token", "create", "--name", "t", "--role", "admin").strip())
    status, body = api.call(
        "POST",
        "/companies",
        {"name": "Ridgeline", "qbwc_username": "ridgeline", "qbwc_password": PASSWORD},
    )
    assert status == 201, body
    cid = int(body["id"])
    directory = schema_dir()
    qb = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)
    qb.seed(FIXTURES / "simulator" / "demo-company.json")

    _import(api, cid, server, qb, *IMPORTS)
    # One-way and two-way lists arrive with QuickBooks' counts, as qb-<ListID> records.
    assert len(_records(api, cid, "account")) == len(qb.find("Account"))
    assert len(_records(api, cid, "item")) == sum(len(qb.find(t)) for t in ITEM_TYPES)
    assert len(_records(api, cid, "class")) == len(qb.find("Class"))
    assert len(_records(api, cid, "terms")) == len(qb.find("StandardTerms")) + len(
        qb.find("DateDrivenTerms")
    )
    assert len(_records(api, cid, "sales_tax_code")) == len(qb.find("SalesTaxCode"))
    vendors = _records(api, cid, "vendor")
    assert len(vendors) == len(qb.find("Vendor"))
    # Customers created in QuickBooks never come in, nor payments of unlinked customers.
    assert _records(api, cid, "customer") == {}
    assert _records(api, cid, "payment") == {}
    some_vendor = next(iter(vendors.values()))
    assert some_vendor["id"] == "qb-" + some_vendor["links"][0]["qb_id"]

    # Push a customer and its job, then a bookkeeper edits them, a class, an item, a vendor.
    accounts = {r["data"]["name"]: i for i, r in _records(api, cid, "account").items()}
    for kind, rid, data in [
        ("customer", "c1", {"first_name": "Ada", "last_name": "Lovelace", "phone": "555-0100"}),
        (
            "project",
            "p1",
            {"number": "1001", "customer_id": "c1", "address": {"line1": "12 Main St"}},
        ),
    ]:
        assert api.call("PUT", f"/companies/{cid}/records/{kind}/{rid}", data)[0] == 201
    assert api.call("POST", f"/companies/{cid}/sync-jobs", {"project_id": "p1"})[0] == 202
    assert _session(server, "ridgeline", qb).outcome == "completed"
    customer = _records(api, cid, "customer")["c1"]["links"][0]["qb_id"]
    job = _records(api, cid, "project")["p1"]["links"][0]["qb_id"]
    _edit(qb, "Customer", customer, CompanyName="Lovelace Analytics", Phone="555-9999")
    _edit(qb, "Customer", job, JobDesc="Kitchen and bath")
    class_id, a_class = next(iter(_records(api, cid, "class").items()))
    _edit(qb, "Class", class_id[3:], Name="Renamed in QuickBooks")
    vendor_id = some_vendor["id"]
    _edit(qb, "Vendor", vendor_id[3:], Phone="555-0142")
    status, body = api.call("GET", f"/companies/{cid}/events?limit=500")
    cursor = body["next_cursor"]

    _import(api, cid, server, qb, "customers", "classes", "vendors")
    c1 = _records(api, cid, "customer")["c1"]["data"]
    assert c1["company_name"] == "Lovelace Analytics"  # came back
    assert c1["phone"] == "555-0100"  # contact data stays push-only
    assert _records(api, cid, "project")["p1"]["data"]["name"] == "Kitchen and bath"
    assert _records(api, cid, "class")[class_id]["data"]["name"] == "Renamed in QuickBooks"
    assert a_class["data"]["name"] != "Renamed in QuickBooks"
    assert _records(api, cid, "vendor")[vendor_id]["data"]["phone"] == "555-0142"
    status, body = api.call("GET", f"/companies/{cid}/events?after={cursor}&limit=500")
    assert status == 200
    changed = {
        (e["record_kind"], e["record_id"])
        for e in body["items"]
        if e["event"] == "updated_in_quickbooks"
    }
    assert {
        ("customer", "c1"),
        ("project", "p1"),
        ("class", class_id),
        ("vendor", vendor_id),
    } <= changed
    assert accounts  # the chart of accounts stayed in place


def test_payments_and_bills_of_a_project_come_back(server: LiveServer) -> None:
    api = Api(server, server.qbwc("token", "create", "--name", "t", "--role", "admin").strip())
    status, body = api.call(
        "POST",
        "/companies",
        {"name": "Ridgeline", "qbwc_username": "ridgeline", "qbwc_password": PASSWORD},
    )
    cid = int(body["id"])
    directory = schema_dir()
    # QuickBooks' clock is the wall clock: bill candidates are bills modified in the last 14 days.
    qb = FakeQuickBooks(
        schema_dir=directory if directory.is_dir() else None, clock=lambda: datetime.now(UTC)
    )
    undeposited = {
        "Name": "Undeposited Funds",
        "AccountType": "OtherCurrentAsset",
        "SpecialAccountType": "UndepositedFunds",
    }
    qb.seed(
        {"Account": [*ACCOUNTS["Account"], undeposited], "Vendor": [{"Name": "Bayshore Lumber"}]}
    )
    _import(api, cid, server, qb, "accounts")
    accounts = {r["data"]["name"]: i for i, r in _records(api, cid, "account").items()}
    for kind, rid, data in [
        ("customer", "c1", {"first_name": "Ada", "last_name": "Lovelace"}),
        (
            "project",
            "p1",
            {"number": "1001", "customer_id": "c1", "address": {"line1": "12 Main St"}},
        ),
        ("item", "labor", {"name": "Labor", "income_account_id": accounts["Construction Income"]}),
        (
            "invoice",
            "inv1",
            {
                "number": "INV-1",
                "project_id": "p1",
                "date": "2026-03-01",
                "lines": [{"item_id": "labor", "amount": "170.00"}],
            },
        ),
    ]:
        assert api.call("PUT", f"/companies/{cid}/records/{kind}/{rid}", data)[0] == 201
    assert api.call("POST", f"/companies/{cid}/sync-jobs", {"project_id": "p1"})[0] == 202
    assert _session(server, "ridgeline", qb).outcome == "completed"
    invoice = _records(api, cid, "invoice")["inv1"]["links"][0]["qb_id"]
    job = "Lovelace, Ada:1001 - 12 Main St"
    today = datetime.now(UTC).date().isoformat()
    qb.seed(
        {
            "ReceivePayment": [
                {
                    "CustomerRef": {"FullName": job},
                    "TxnDate": today,
                    "RefNumber": "CHK-1",
                    "TotalAmount": "170.00",
                    "AppliedToTxnAdd": [{"TxnID": invoice, "PaymentAmount": "170.00"}],
                }
            ],
            "Bill": [
                {
                    "VendorRef": {"FullName": "Bayshore Lumber"},
                    "TxnDate": today,
                    "RefNumber": "BL-1",
                    "ExpenseLineAdd": [
                        {
                            "AccountRef": {"FullName": "Job Materials"},
                            "Amount": "375.00",
                            "CustomerRef": {"FullName": job},
                        }
                    ],
                }
            ],
        }
    )
    status, body = api.call("GET", f"/companies/{cid}/events?limit=500")
    cursor = body["next_cursor"]
    assert api.call("POST", f"/companies/{cid}/imports", {"kind": "payments"})[0] == 202
    status, body = api.call(
        "POST", f"/companies/{cid}/imports", {"kind": "bills", "project_id": "p1"}
    )
    assert status == 202, body
    assert _session(server, "ridgeline", qb).outcome == "completed"

    (payment,) = qb.find("ReceivePayment")
    payments = _records(api, cid, "payment")
    said = [e["message"] for e in api.call("GET", f"/companies/{cid}/log?limit=20")[1]["items"]]
    assert f"qb-{payment['TxnID']}" in payments, said
    ours = payments[f"qb-{payment['TxnID']}"]
    assert ours["data"]["applications"] == [{"invoice_id": "inv1", "amount": "170.00"}]
    assert ours["links"][0]["qb_id"] == payment["TxnID"]

    status, body = api.call("GET", f"/companies/{cid}/bill-candidates?project_id=p1")
    assert status == 200, body
    (candidate,) = body["items"]
    (bill,) = qb.find("Bill")
    assert candidate["txn_id"] == bill["TxnID"]
    status, body = api.call(
        "POST", f"/companies/{cid}/bill-imports", {"project_id": "p1", "txn_ids": [bill["TxnID"]]}
    )
    assert status == 200, body
    ours = _records(api, cid, "bill")[f"qb-{bill['TxnID']}"]
    assert ours["data"]["project_id"] == "p1" and ours["links"][0]["qb_id"] == bill["TxnID"]
    status, body = api.call("GET", f"/companies/{cid}/events?after={cursor}&limit=500")
    imported = {
        (e["record_kind"], e["record_id"]) for e in body["items"] if e["event"] == "imported"
    }
    assert ("payment", f"qb-{payment['TxnID']}") in imported
