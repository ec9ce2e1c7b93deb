"""Bill candidates over the API: POST imports {"kind": "bills", "project_id"} lists them through
a Web Connector session, GET bill-candidates shows them, POST bill-imports imports the picked
ones into the project; and the 400s and 404s of those routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from qbwc_server.config import Settings
from qbwc_server.wsgi import Application
from tests.conftest import Clock
from tests.integration.api.conftest import Api, Reply, error_of, fields_of
from tests.support.bills import project_with_quickbooks_bills
from tests.support.inprocess import Harness


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = project_with_quickbooks_bills(settings, clock)
    yield h
    h.close()


@pytest.fixture
def on_clock(api: Api, harness: Harness, settings: Settings) -> Api:
    """The API over the harness's store, so what it queues is due on the harness's clock."""
    client = Client(Application(settings, harness.store), response_wrapper=Reply)
    return Api(client, harness.store, api.admin, api.staff)


def test_the_bill_candidate_flow(on_clock: Api, harness: Harness) -> None:
    api = on_clock
    base = f"/api/v1/companies/{harness.company_id}"
    queued = api.post(f"{base}/imports", {"kind": "bills", "project_id": "p1"}, role="staff")
    assert queued.status_code == 202, queued.get_data(as_text=True)
    (req,) = queued.json["queued"]
    assert (req["record_kind"], req["record_id"]) == ("project", "p1")
    assert harness.session().outcome == "completed"

    listed = api.get(f"{base}/bill-candidates", project_id="p1", role="staff")
    assert listed.status_code == 200
    assert listed.json["project_id"] == "p1"
    (candidate,) = listed.json["items"]
    (qb_bill,) = harness.qb.find("Bill", RefNumber="BL-7781")
    assert candidate["txn_id"] == qb_bill["TxnID"]
    assert candidate["id"].startswith(f"qb-{qb_bill['TxnID']}")
    assert (candidate["ref_number"], candidate["amount"]) == ("BL-7781", "375.00")

    picked = api.post(
        f"{base}/bill-imports", {"project_id": "p1", "txn_ids": [qb_bill["TxnID"]]}, role="staff"
    )
    assert picked.status_code == 200, picked.get_data(as_text=True)
    (bill,) = picked.json["imported"]
    assert (bill["kind"], bill["id"], bill["origin"]) == (
        "bill",
        f"qb-{qb_bill['TxnID']}",
        "quickbooks",
    )
    assert bill["data"]["project_id"] == "p1" and bill["data"]["number"] == "BL-7781"
    # Imported: no longer a candidate, and linked to the QuickBooks bill.
    assert api.get(f"{base}/bill-candidates", project_id="p1").json["items"] == []
    assert harness.link("bill", bill["id"]).qb_id == qb_bill["TxnID"]
    # The host app hears of it through the event feed.
    last = api.get(f"{base}/events").json["items"][-1]
    assert (last["event"], last["record_kind"], last["record_id"], last["qb_id"]) == (
        "imported",
        "bill",
        bill["id"],
        qb_bill["TxnID"],
    )


def test_bill_routes_refuse_bad_bodies_and_queries_naming_the_field(
    on_clock: Api, harness: Harness
) -> None:
    api = on_clock
    base = f"/api/v1/companies/{harness.company_id}"
    assert fields_of(api.get(f"{base}/bill-candidates")) == ["project_id"]
    assert fields_of(api.get(f"{base}/bill-candidates", project_id="p1", kind="x")) == ["kind"]
    assert fields_of(api.post(f"{base}/bill-imports", {})) == ["project_id", "txn_ids"]
    body: dict[str, object] = {"project_id": "p1", "txn_ids": "T-1"}
    assert fields_of(api.post(f"{base}/bill-imports", body)) == ["txn_ids"]
    body = {"project_id": 7, "txn_ids": ["T-1"], "vendor": "x"}
    assert sorted(fields_of(api.post(f"{base}/bill-imports", body))) == ["project_id", "vendor"]
    body = {"project_id": "p1", "txn_ids": ["T-1", 5]}
    assert fields_of(api.post(f"{base}/bill-imports", body)) == ["txn_ids.1"]
    assert fields_of(api.post(f"{base}/imports", {"kind": "bills", "project_id": 1})) == [
        "project_id"
    ]
    assert fields_of(api.post(f"{base}/imports", {"kind": "accounts", "project_id": "p1"})) == [
        "project_id"
    ]


def test_unknown_projects_and_bills_are_404s(on_clock: Api, harness: Harness) -> None:
    api = on_clock
    base = f"/api/v1/companies/{harness.company_id}"
    error_of(api.get(f"{base}/bill-candidates", project_id="nope"), 404, "not_found")
    error = error_of(
        api.post(f"{base}/bill-imports", {"project_id": "p1", "txn_ids": ["T-404"]}),
        404,
        "not_found",
    )
    assert "T-404" in error["message"]
    body = {"kind": "bills", "project_id": "nope"}
    error_of(api.post(f"{base}/imports", body), 404, "not_found")
