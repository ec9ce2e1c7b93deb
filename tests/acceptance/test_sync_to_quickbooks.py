"""Every "to QuickBooks" row of DESIGN.md section 2, through a live gunicorn server: records
PUT over the HTTP API, a Sync Job, and the simulated Web Connector with its fake QuickBooks
company. The objects are checked in the fake company and in our links, on both databases."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.webconnector import WebConnector
from tests.support.live import LiveServer, live_server
from tests.support.projects import ACCOUNTS, EXPECTED, SETTINGS, full_project
from tests.support.schema import schema_dir

PASSWORD = "s3cret-web-connector"


class Api:
    """A tiny JSON client for /api/v1 with a bearer token."""

    def __init__(self, server: LiveServer, token: str) -> None:
        self.base = server.base_url + "/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        yield live


def _company(api: Api, username: str) -> int:
    status, body = api.call(
        "POST",
        "/companies",
        {
            "name": "Ridgeline",
            "qbwc_username": username,
            "qbwc_password": PASSWORD,
            "settings": SETTINGS,
        },
    )
    assert status == 201, body
    return int(body["id"])


def _quickbooks() -> FakeQuickBooks:
    directory = schema_dir()
    qb = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)
    qb.seed(ACCOUNTS)
    return qb


def _session(server: LiveServer, username: str, qb: FakeQuickBooks) -> Any:
    connector = WebConnector(server.soap_url, username, PASSWORD, qb, sleep=lambda _s: None)  # type: ignore[arg-type]
    return connector.run_session()


def _accounts(api: Api, cid: int) -> dict[str, str]:
    status, body = api.call("GET", f"/companies/{cid}/records/account?limit=500")
    assert status == 200, body
    return {r["data"]["name"]: r["id"] for r in body["items"]}


def test_a_sync_job_lands_every_kind_in_quickbooks(server: LiveServer) -> None:
    api = Api(server, server.qbwc("token", "create", "--name", "t", "--role", "admin").strip())
    cid = _company(api, "ridgeline")
    qb = _quickbooks()
    assert api.call("POST", f"/companies/{cid}/imports", {"kind": "accounts"})[0] == 202
    assert _session(server, "ridgeline", qb).outcome == "completed"

    def put(kind: str, rid: str, data: dict[str, Any]) -> None:
        status, body = api.call("PUT", f"/companies/{cid}/records/{kind}/{rid}", data)
        assert status in (200, 201), (kind, rid, body)

    full_project(put, _accounts(api, cid))
    status, body = api.call("POST", f"/companies/{cid}/sync-jobs", {"project_id": "p1"})
    assert status == 202 and body["queued"], body
    result = _session(server, "ridgeline", qb)
    assert result.outcome == "completed", result
    assert result.close_message.endswith(", 0 failed"), result.close_message
    assert {name: len(qb.find(name)) for name in EXPECTED} == EXPECTED
    # Our links name the objects QuickBooks holds.
    status, body = api.call("GET", f"/companies/{cid}/links?limit=500")
    assert status == 200
    linked = {(link["kind"], link["id"], link["role"]): link["qb_id"] for link in body["items"]}
    invoices = {i["RefNumber"]: i["TxnID"] for i in qb.find("Invoice")}
    assert linked[("invoice", "inv1", "")] == invoices["INV-1"]
    assert linked[("payment", "pay1", "")] == qb.find("ReceivePayment")[0]["TxnID"]
    assert linked[("bill", "b1", "")] == qb.find("Bill")[0]["TxnID"]
    assert linked[("user", "u1", "sales_rep")] == qb.find("SalesRep")[0]["ListID"]
    job = qb.find("Customer", FullName="Lovelace, Ada:1001 - 12 Main St")[0]
    assert linked[("project", "p1", "")] == job["ListID"]
    status, record = api.call("GET", f"/companies/{cid}/records/project/p1")
    assert status == 200 and record["links"][0]["qb_id"] == job["ListID"]
    # A 1099 user synced on its own becomes a QuickBooks Vendor.
    put(
        "user",
        "u2",
        {"first_name": "Alan", "last_name": "Turing", "employment_type": "1099_vendor"},
    )
    status, body = api.call("POST", f"/companies/{cid}/syncs", {"kind": "user", "id": "u2"})
    assert status == 202 and body["queued"], body
    assert _session(server, "ridgeline", qb).outcome == "completed"
    status, record = api.call("GET", f"/companies/{cid}/records/user/u2")
    vendor = next(v for v in qb.find("Vendor") if v["ListID"] == record["links"][0]["qb_id"])
    assert vendor["Name"] == "Alan Turing"
    # Pressing Sync Job again sends nothing.
    status, body = api.call("POST", f"/companies/{cid}/sync-jobs", {"project_id": "p1"})
    assert status == 202 and body["queued"] == []
    assert _session(server, "ridgeline", qb).outcome == "no_work"


def test_what_a_bookkeeper_typed_is_linked_not_duplicated(server: LiveServer) -> None:
    api = Api(server, server.qbwc("token", "create", "--name", "t", "--role", "admin").strip())
    cid = _company(api, "ridgeline")
    qb = _quickbooks()
    api.call("POST", f"/companies/{cid}/imports", {"kind": "accounts"})
    assert _session(server, "ridgeline", qb).outcome == "completed"
    accounts = _accounts(api, cid)
    income = next(a for a in qb.find("Account") if a["Name"] == "Construction Income")
    qb.seed(
        {
            "Customer": [
                {"Name": "Lovelace, Ada"},
                {"Name": "1001 - 12 Main St", "ParentRef": {"FullName": "Lovelace, Ada"}},
            ],
            "ItemService": [
                {"Name": "Labor", "SalesOrPurchase": {"AccountRef": {"ListID": income["ListID"]}}}
            ],
        }
    )
    qb.seed(
        {
            "Invoice": [
                {
                    "CustomerRef": {"FullName": "Lovelace, Ada:1001 - 12 Main St"},
                    "TxnDate": "2026-03-01",
                    "RefNumber": "INV-1",
                    "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Amount": "170.00"}],
                }
            ]
        }
    )
    before = {name: len(qb.find(name)) for name in ("Customer", "ItemService", "Invoice")}
    for kind, rid, data in [
        ("customer", "c1", {"first_name": "Ada", "last_name": "Lovelace"}),
        ("item", "labor", {"name": "Labor", "income_account_id": accounts["Construction Income"]}),
        (
            "project",
            "p1",
            {"number": "1001", "customer_id": "c1", "address": {"line1": "12 Main St"}},
        ),
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
        assert api.call("PUT", f"/companies/{cid}/records/{kind}/{rid}", data)[0] in (200, 201)
    assert api.call("POST", f"/companies/{cid}/sync-jobs", {"project_id": "p1"})[0] == 202
    result = _session(server, "ridgeline", qb)
    assert result.outcome == "completed", result
    after = {name: len(qb.find(name)) for name in ("Customer", "ItemService", "Invoice")}
    assert after == before == {"Customer": 2, "ItemService": 1, "Invoice": 1}
    status, body = api.call("GET", f"/companies/{cid}/log?kind=invoice&id=inv1")
    assert status == 200 and "matched" in [e["event"] for e in body["items"]]
