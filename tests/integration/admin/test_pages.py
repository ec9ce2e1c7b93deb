"""The admin pages over a company that has synced: status, .qwc, projects and Sync Job,
the queue (filter, retry, cancel), a record's log, imports, bills; errors in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from lxml import etree
from werkzeug.test import Client

from qbwc_server.config import Settings
from qbwc_server.wsgi import Application
from tests.conftest import Clock
from tests.integration.admin.conftest import ADMIN, ADMIN_PASSWORD, Browser
from tests.support.bills import project_with_quickbooks_bills
from tests.support.inprocess import Harness


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock)
    h.put("customer", "C-100", first_name="Dana", last_name="Whitfield")
    h.put("project", "P-1001", number="1001", customer_id="C-100", contract_date="2024-05-01")
    yield h
    h.close()


@pytest.fixture
def site(harness: Harness, settings: Settings, clock: Clock) -> Browser:
    harness.ops.admins.create(ADMIN, ADMIN_PASSWORD)
    browser = Browser(Client(Application(settings, harness.store)), harness.ops, clock)
    assert browser.sign_in().status_code == 303
    return browser


def _text(html: str) -> str:
    """The page's words, tags removed and spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_sync_job_session_queue_and_log(site: Browser, harness: Harness) -> None:
    cid = harness.company_id
    projects = site.get(f"/admin/companies/{cid}/projects").get_data(as_text=True)
    assert "P-1001" in projects and "Not in QuickBooks yet" in projects
    answer = site.post(f"/admin/companies/{cid}/sync-job", {"project_id": "P-1001"})
    assert answer.status_code == 303
    notice = _text(site.get(answer.headers["Location"]).get_data(as_text=True))
    assert "Sync Job for project P-1001: 4 request(s) queued" in notice
    queued = _text(site.get(f"/admin/companies/{cid}/queue?state=queued").get_data(as_text=True))
    assert "job export project P-1001" in queued and queued.count(" queued ") >= 4

    assert harness.session().outcome == "completed"
    done = site.get(f"/admin/companies/{cid}/queue").get_data(as_text=True)
    assert set(re.findall(r'data-state="([a-z]+)"', done)) == {"done"}
    linked = _text(site.get(f"/admin/companies/{cid}/projects").get_data(as_text=True))
    assert "Linked as Whitfield, Dana:1001" in linked
    log = site.get(f"/admin/companies/{cid}/log?kind=project&id=P-1001").get_data(as_text=True)
    assert "Log of project P-1001" in log and "Added to QuickBooks as Customer:Job" in log
    assert "customer C-100" not in _text(log)  # only that record's entries

    status = _text(site.get(f"/admin/companies/{cid}").get_data(as_text=True))
    assert "QuickBooks Pro 2024" in status and "Synced 4, 0 failed" in status
    assert "qbXML version 13.0" in status and harness.qb.company_file in status
    assert "Next poll expected about" in status
    listed = _text(site.get("/admin/companies").get_data(as_text=True))
    assert "Ridgeline Remodeling" in listed and "Synced 4, 0 failed" in listed


def test_a_refused_sync_job_is_shown_in_words(site: Browser, harness: Harness) -> None:
    cid = harness.company_id
    harness.ops.companies.update(cid, {"settings": {"sync_contracts_after": "2025-01-01"}})
    answer = site.post(f"/admin/companies/{cid}/sync-job", {"project_id": "P-1001"})
    page = _text(site.get(answer.headers["Location"]).get_data(as_text=True))
    assert "Not queued: project 'P-1001' has contract date 2024-05-01, before" in page
    missing = site.post(f"/admin/companies/{cid}/sync-job", {"project_id": "P-404"})
    assert "no project 'P-404'" in _text(
        site.get(missing.headers["Location"]).get_data(as_text=True)
    )
    assert harness.ops.queue.requests(cid) == []


def test_retry_cancel_and_filter(site: Browser, harness: Harness) -> None:
    cid = harness.company_id
    first = harness.ops.syncs.queue_import(cid, "accounts")
    second = harness.ops.syncs.queue_import(cid, "accounts")
    answer = site.post(f"/admin/companies/{cid}/queue/{first.id}/cancel", {"state": "queued"})
    assert answer.headers["Location"] == f"/admin/companies/{cid}/queue?state=queued"
    page = site.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Request {first.id} cancelled." in page
    assert re.findall(r'data-request="(\d+)"', page) == [str(second.id)]  # the filter held
    cancelled = site.get(f"/admin/companies/{cid}/queue?state=cancelled").get_data(as_text=True)
    assert re.findall(r'data-request="(\d+)"', cancelled) == [str(first.id)]
    again = site.post(f"/admin/companies/{cid}/queue/{first.id}/cancel", {})
    said = _text(site.get(again.headers["Location"]).get_data(as_text=True))
    assert f"request {first.id} is cancelled; only queued requests can be cancelled" in said
    site.post(f"/admin/companies/{cid}/queue/{first.id}/retry", {})
    assert harness.ops.queue.requests(cid, state="queued")[-1].id == first.id
    assert site.get(f"/admin/companies/{cid}/queue?state=bogus").status_code == 400


def test_request_errors_are_explained(site: Browser, harness: Harness) -> None:
    cid = harness.company_id
    req = harness.ops.syncs.queue_import(cid, "accounts")
    with harness.store.transaction() as tx:
        error = "QuickBooks status 3180 (Error): There was an error when saving a Customer list"
        tx.queue.move(req.id, "queued", "failed", error=error, status_code=3180)
        tx.log.write(cid, "connection_error", "could not open (0x8004041D: not allowed)")
    queue = _text(site.get(f"/admin/companies/{cid}/queue").get_data(as_text=True))
    assert "The list is locked in QuickBooks" in queue and error in queue
    log = _text(site.get(f"/admin/companies/{cid}/log").get_data(as_text=True))
    assert "Integrated Applications, allow this application to log in automatically" in log


def test_qwc_download(site: Browser, harness: Harness, settings: Settings) -> None:
    answer = site.get(f"/admin/companies/{harness.company_id}/qwc")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="ridgeline.qwc"'
    root = etree.fromstring(answer.get_data())
    assert root.tag == "QBWCXML"
    assert root.findtext("AppURL") == settings.public_url
    assert root.findtext("UserName") == "ridgeline"


def test_import_buttons_and_the_bills_page(site: Browser, harness: Harness) -> None:
    cid = harness.company_id
    page = site.get(f"/admin/companies/{cid}").get_data(as_text=True)
    assert 'id="import-accounts"' in page
    answer = site.post(f"/admin/companies/{cid}/imports", {"kind": "accounts"})
    assert "Import of accounts queued" in site.get(answer.headers["Location"]).get_data(
        as_text=True
    )
    assert [r.entity for r in harness.ops.queue.requests(cid)] == ["account"]
    bad = site.post(f"/admin/companies/{cid}/imports", {"kind": "spaceships"})
    assert "unknown import kind 'spaceships'" in _text(
        site.get(bad.headers["Location"]).get_data(as_text=True)
    )
    assert site.get(f"/admin/companies/{cid}/bills").status_code == 200


def test_a_bill_import_before_the_project_is_in_quickbooks_is_refused(
    site: Browser, harness: Harness
) -> None:
    cid = harness.company_id
    early = site.post(f"/admin/companies/{cid}/bills", {"project_id": "P-1001", "find": "1"})
    assert "project 'P-1001' is not in QuickBooks" in _text(
        site.get(early.headers["Location"]).get_data(as_text=True)
    )
    assert harness.ops.queue.requests(cid) == []


def test_bill_candidates_are_found_picked_and_imported(settings: Settings, clock: Clock) -> None:
    h = project_with_quickbooks_bills(settings, clock)  # p1 synced; two bills in QuickBooks
    try:
        h.ops.admins.create(ADMIN, ADMIN_PASSWORD)
        site = Browser(Client(Application(settings, h.store)), h.ops, clock)
        assert site.sign_in().status_code == 303
        bills = f"/admin/companies/{h.company_id}/bills"
        empty = _text(site.get(bills + "?project_id=p1").get_data(as_text=True))
        assert "No bills found for project p1 yet" in empty
        find = site.post(bills, {"project_id": "p1", "find": "1"})
        assert "Looking for project p1's bills" in _text(
            site.get(find.headers["Location"]).get_data(as_text=True)
        )
        assert h.session().outcome == "completed"
        page = site.get(bills + "?project_id=p1").get_data(as_text=True)
        (txn,) = re.findall(r'data-txn="([^"]+)"', page)  # only the bill charged to p1's job
        assert "BL-7781" in page and "Bayshore Lumber" in page and "375.00" in page
        # the bill's line names an account: have the accounts imported too (an Import button)
        site.post(f"/admin/companies/{h.company_id}/imports", {"kind": "accounts"})
        assert h.session().outcome == "completed"
        picked = site.post(bills, {"project_id": "p1", "txn_id": txn})
        after = _text(site.get(picked.headers["Location"]).get_data(as_text=True))
        assert "1 bill(s) imported into project p1." in after
        assert "No bills found for project p1 yet" in after  # no longer a candidate
        (bill,) = h.ops.records.page(h.company_id, "bill").items
        assert bill.record.project_id == "p1" and bill.links[0].qb_id == txn
        nothing = site.post(bills, {"project_id": "p1"})
        assert "txn_ids: must be a non-empty list" in _text(
            site.get(nothing.headers["Location"]).get_data(as_text=True)
        )
    finally:
        h.close()


def test_text_is_escaped_and_unknown_companies_are_404(site: Browser, harness: Harness) -> None:
    harness.ops.companies.update(harness.company_id, {"name": "<script>alert(1)</script>"})
    page = site.get("/admin/companies").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    missing = site.get("/admin/companies/999999")
    assert missing.status_code == 404 and "no company" in missing.get_data(as_text=True)
    assert site.get("/admin/nowhere").status_code == 404
