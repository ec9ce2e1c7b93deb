"""Recovery per status code (DESIGN.md section 6), against the fake QuickBooks company."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.support.inprocess import Harness


def _customer(h: Harness, cid: str = "c1", last: str = "Lovelace") -> None:
    h.put("customer", cid, first_name="Ada", last_name=last)


def _qb_customer(h: Harness, full_name: str) -> dict[str, object]:
    (found,) = h.qb.find("Customer", FullName=full_name)
    return found


def _answer_first(h: Harness, tag: str, reply: Callable[[str], str]) -> None:
    """Make QuickBooks answer the first request named ``tag`` with ``reply(requestID)``."""
    real = h.qb.process
    done: list[bool] = []

    def process(xml: str) -> str:
        match = re.search(rf'<{tag} requestID="([^"]+)"', xml)
        if match is None or done:
            return real(xml)
        done.append(True)
        return (
            '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
            f"{reply(match.group(1))}\n</QBXMLMsgsRs>\n</QBXML>\n"
        )

    h.qb.process = process  # type: ignore[method-assign]


def test_3200_stale_edit_sequence_is_re_read_and_sent_again(harness: Harness) -> None:
    _customer(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    # Someone edits the customer in QuickBooks: our EditSequence is now stale.
    qb_row = harness.qb.company.objects["Customer"][harness.link("customer", "c1").qb_id]
    qb_row["EditSequence"] = str(int(str(qb_row["EditSequence"])) + 7)
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace", phone="555-0100")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    run = harness.session()
    assert run.outcome == "completed", run
    assert _qb_customer(harness, "Lovelace, Ada")["Phone"] == "555-0100"
    events = [e.event for e in harness.log("customer", "c1")]
    assert "reread" in events and "updated" in events
    current = _qb_customer(harness, "Lovelace, Ada")
    assert harness.link("customer", "c1").edit_sequence == current["EditSequence"]


def test_3140_a_reference_gone_from_quickbooks_is_synced_first(harness: Harness) -> None:
    _customer(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    # The bookkeeper deletes the customer in QuickBooks; the job's ParentRef now points nowhere.
    del harness.qb.company.objects["Customer"][harness.link("customer", "c1").qb_id]
    harness.put("project", "p1", number="1001", customer_id="c1", address={"line1": "1 Elm"})
    harness.ops.syncs.sync_record(harness.company_id, "project", "p1")
    run = harness.session()
    assert run.outcome == "completed", run
    job = _qb_customer(harness, "Lovelace, Ada:1001 - 1 Elm")
    assert harness.link("project", "p1").qb_id == job["ListID"]
    assert harness.link("customer", "c1").qb_id == _qb_customer(harness, "Lovelace, Ada")["ListID"]
    assert harness.states()["failed"] == 0


def test_3180_locked_waits_and_lands_later(harness: Harness) -> None:
    _customer(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.qb.locked = True
    harness.session()
    assert harness.qb.find("Customer") == []
    assert harness.link("customer", "c1") is None
    harness.qb.locked = False
    harness.clock.advance(61)
    run = harness.session()
    assert run.outcome == "completed"
    assert harness.link("customer", "c1") is not None


def test_3070_fails_naming_the_field_and_the_rest_lands(harness: Harness) -> None:
    _customer(harness, "c1", "Lovelace")
    _customer(harness, "c2", "Byron")
    _answer_first(
        harness,
        "CustomerAddRq",
        lambda rid: (
            f'<CustomerAddRs requestID="{rid}" statusCode="3070" statusSeverity="Error" '
            'statusMessage="The string &quot;Byron, Ada&quot; in the field &quot;Name&quot; is too '
            'long." />'
        ),
    )
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c2")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    run = harness.session()
    assert run.close.endswith("1 failed")
    (failed,) = [e for e in harness.log("customer", "c2") if e.event == "failed"]
    assert "Name" in failed.message and "3070" in failed.message
    assert harness.link("customer", "c1") is not None


def test_3100_a_name_used_by_another_kind_is_disambiguated(harness: Harness) -> None:
    harness.qb.seed({"Employee": [{"Name": "Lovelace, Ada", "LastName": "Lovelace"}]})
    _customer(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    run = harness.session()
    assert run.outcome == "completed", run
    link = harness.link("customer", "c1")
    assert link.full_name == "Lovelace, Ada (2)" and link.name_suffix == " (2)"
    assert "disambiguated" in [e.event for e in harness.log("customer", "c1")]
    # Later changes keep the name that QuickBooks accepted.
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace", phone="1")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.session()
    assert _qb_customer(harness, "Lovelace, Ada (2)")["Phone"] == "1"


def test_retries_are_bounded(harness: Harness) -> None:
    _customer(harness)
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    harness.qb.locked = True
    for _ in range(harness.settings.request_max_attempts + 1):
        harness.session()
        harness.clock.advance(61)
    assert harness.states()["failed"] == 1
    (failed,) = [e for e in harness.log("customer", "c1") if e.event == "failed"]
    assert "Gave up after" in failed.message
