"""Iterators: a list comes a page at a time; an iterator that expires between two pages starts
the import again from the first page; the watermark is set only when the last page is in."""

from __future__ import annotations

from datetime import timedelta

from qbxml.values import parse_datetime
from tests.integration.imports.support import RetCounter, import_, messages, records
from tests.support.inprocess import Harness

VENDORS = {"Vendor": [{"Name": f"Vendor {n:02d}"} for n in range(30)]}


def _watermark(h: Harness, kind: str) -> object:
    with h.store.transaction() as tx:
        return tx.imports.watermark(h.company_id, kind)


def test_pages_of_an_iterator_then_the_watermark(harness: Harness) -> None:
    h = harness
    h.qb.seed(VENDORS)
    counter = RetCounter(h)
    run = import_(h, "vendors", page_size=10)
    assert run.sends == 3 and counter.total == 30
    assert 'iterator="Start"' in run.requests[0] and 'iterator="Continue"' in run.requests[2]
    assert len(records(h, "vendor")) == 30
    newest = max(parse_datetime(v["TimeModified"]) for v in h.qb.find("Vendor"))
    assert newest is not None and _watermark(h, "vendor") == newest + timedelta(seconds=1)


def test_an_expired_iterator_starts_the_import_again(harness: Harness) -> None:
    h = harness
    h.qb.seed(VENDORS)
    counter = RetCounter(h)
    with h.store.transaction() as tx:
        rid = tx.queue.enqueue(
            h.company_id, entity="vendor", action="import", params={"page_size": 10}
        ).id
    first = h.session(max_sends=1)  # the Web Connector stops after the first page
    assert first.sends == 1 and counter.total == 10
    with h.store.transaction() as tx:
        req = tx.queue.get(rid)
    assert req.state == "queued" and req.params["iterator_id"]
    assert _watermark(h, "vendor") is None  # not before the last page: a crash re-fetches
    h.qb.advance_clock(3600)  # the iterator expires in QuickBooks
    second = h.session()
    assert second.outcome == "completed"
    assert counter.total == 10 + 30  # the first page again, and every page after it
    assert 'iteratorID="' in second.requests[0]  # the stale iterator was tried first
    assert 'iterator="Start"' in second.requests[1]
    assert len(records(h, "vendor")) == 30
    with h.store.transaction() as tx:
        assert tx.queue.get(rid).state == "done"
    [restart] = messages(h, "restarted")
    assert "3391" in restart and "starting again from the first page" in restart
    assert _watermark(h, "vendor") is not None
