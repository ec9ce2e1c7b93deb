"""Real time: with poll_seconds = 30 the .qwc says RunEveryNSeconds 30, and a Sync Job pressed
in the app is in QuickBooks within 60 s of fake time, by a Web Connector polling on schedule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from qbwc_server.config import Settings
from qbwc_server.qwc import render_qwc
from qbxml.xmlparse import parse_xml
from tests.conftest import Clock
from tests.support.inprocess import Harness

SCHEDULE = 30  # seconds between the Web Connector's runs


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock, poll_seconds=SCHEDULE)
    yield h
    h.close()


def _project(h: Harness) -> None:
    h.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    h.put("project", "p1", number="1001", customer_id="c1", address={"line1": "12 Main St"})


def _in_quickbooks(h: Harness) -> bool:
    names = {c["FullName"] for c in h.qb.find("Customer")}
    return {"Lovelace, Ada", "Lovelace, Ada:1001 - 12 Main St"} <= names


def test_the_qwc_asks_for_real_time(harness: Harness) -> None:
    with harness.store.transaction() as tx:
        company = tx.companies.get(harness.company_id)
    scheduler = parse_xml(render_qwc(company, harness.settings)).find("Scheduler")
    assert scheduler is not None
    assert [(child.tag, child.text) for child in scheduler] == [("RunEveryNSeconds", "30")]


@pytest.mark.parametrize("pressed_at", [1, 5, 29])
def test_a_sync_job_lands_within_a_minute(harness: Harness, pressed_at: int) -> None:
    """The Web Connector runs every 30 s of fake time; the project's Sync Job is pressed
    ``pressed_at`` seconds after the first run, and lands at the next run."""
    _project(harness)
    start = harness.clock.now
    landed, outcomes, pressed = None, [], False
    for run_at in range(0, 121, SCHEDULE):
        if not pressed and pressed_at <= run_at:
            harness.clock.now = start + timedelta(seconds=pressed_at)
            harness.ops.syncs.sync_job(harness.company_id, "p1")
            pressed = True
        harness.clock.now = start + timedelta(seconds=run_at)
        run = harness.session()  # authenticate ... closeConnection, as QBWC runs them
        outcomes.append((run_at, run.outcome, run.close))
        if _in_quickbooks(harness):
            landed = (harness.clock.now - start).total_seconds()
            break
    assert outcomes[0] == (0, "none", "")  # nothing to do before the press
    assert landed is not None and landed - pressed_at <= 60, outcomes
    assert outcomes[-1][1] == "completed" and outcomes[-1][2].startswith("Synced 4, 0 failed")
