"""The event feed from real Web Connector sessions (in-process, the fake QuickBooks answering):
linked for each record a Sync Job lands, once; failed with QuickBooks' reason."""

from __future__ import annotations

import re
from typing import Any

from tests.support.inprocess import Harness


def _events(h: Harness) -> list[Any]:
    with h.store.transaction() as tx:
        return tx.events.after(h.company_id, 0, 500)


def _project(h: Harness, cid: str = "c1", last: str = "Lovelace", pid: str = "p1") -> None:
    h.put("customer", cid, first_name="Ada", last_name=last)
    h.put("project", pid, number="1001", customer_id=cid, address={"line1": "12 Main St"})


def test_a_sync_job_emits_linked_for_each_record_with_its_quickbooks_ids(
    harness: Harness,
) -> None:
    _project(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert harness.session().outcome == "completed"
    events = _events(harness)
    assert [(e.seq, e.event, e.record_kind, e.record_id) for e in events] == [
        (1, "linked", "customer", "c1"),
        (2, "linked", "project", "p1"),
    ]
    for event in events:
        link = harness.link(event.record_kind, event.record_id)
        assert event.qb_id == link.qb_id
        assert event.details["edit_sequence"] == link.edit_sequence
        assert event.details["how"] == "added"
    # Nothing changed: a second Sync Job sends nothing and adds no event.
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    harness.session()
    assert len(_events(harness)) == 2


def test_a_mod_emits_linked_updated_with_the_new_edit_sequence(harness: Harness) -> None:
    _project(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    before = harness.link("customer", "c1")
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace", phone="555-0100")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    last = _events(harness)[-1]
    after = harness.link("customer", "c1")
    assert after.edit_sequence != before.edit_sequence
    assert (last.event, last.details["how"]) == ("linked", "updated")
    assert (last.qb_id, last.details["edit_sequence"]) == (after.qb_id, after.edit_sequence)


def test_a_record_found_in_quickbooks_is_linked_once_as_matched(harness: Harness) -> None:
    harness.qb.seed({"Customer": [{"Name": "Lovelace, Ada"}]})
    _project(harness)
    harness.ops.syncs.sync_job(harness.company_id, "p1")
    assert harness.session().outcome == "completed"
    (qb_customer,) = harness.qb.find("Customer", FullName="Lovelace, Ada")
    customer = [e for e in _events(harness) if e.record_kind == "customer"]
    assert [(e.event, e.details["how"], e.qb_id) for e in customer] == [
        ("linked", "matched", qb_customer["ListID"])
    ]
    assert customer[0].details["edit_sequence"] == qb_customer["EditSequence"]


def test_a_record_quickbooks_rejects_emits_failed_with_the_reason(harness: Harness) -> None:
    _project(harness, "c2", "Byron", "p2")
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    real = harness.qb.process

    def process(xml: str) -> str:
        match = re.search(r'<CustomerAddRq requestID="([^"]+)">\s*<CustomerAdd>\s*<Name>Byron', xml)
        if match is None:
            return real(xml)
        return (
            '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
            f'<CustomerAddRs requestID="{match.group(1)}" statusCode="3070" '
            'statusSeverity="Error" statusMessage="The string &quot;Byron, Ada&quot; in the '
            'field &quot;Name&quot; is too long." />\n</QBXMLMsgsRs>\n</QBXML>\n'
        )

    harness.qb.process = process  # type: ignore[method-assign,assignment]
    harness.ops.syncs.sync_job(harness.company_id, "p2")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    by_record = {(e.record_kind, e.record_id): e for e in _events(harness)}
    failed = by_record[("customer", "c2")]
    assert failed.event == "failed" and failed.qb_id is None
    assert failed.details["status_code"] == 3070
    assert "Name" in failed.details["reason"] and "3070" in failed.details["reason"]
    # The job waited for that customer: it fails too, saying why.
    job = by_record[("project", "p2")]
    assert job.event == "failed"
    assert "customer c2" in job.details["reason"] and "3070" in job.details["reason"]
    assert by_record[("customer", "c1")].event == "linked"
