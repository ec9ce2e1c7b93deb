"""A whole project's Sync Job: every exported kind lands once, in few round trips, and a lost
answer at any point of the session leaves no duplicate."""

from __future__ import annotations

import pytest

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness
from tests.support.projects import ACCOUNTS, EXPECTED, SETTINGS, full_project


def _ready(settings: Settings, clock: Clock) -> Harness:
    h = Harness(settings, clock, **SETTINGS)
    h.qb.seed(ACCOUNTS)
    h.ops.syncs.queue_import(h.company_id, "accounts")
    assert h.session().outcome == "completed"
    with h.store.transaction() as tx:
        accounts = {
            r.data["name"]: r.record_id for r in tx.records.of_kind(h.company_id, "account")
        }
    full_project(lambda kind, rid, data: h.put(kind, rid, **data), accounts)
    return h


def _counts(h: Harness) -> dict[str, int]:
    return {name: len(h.qb.find(name)) for name in EXPECTED}


def test_every_kind_lands_once(settings: Settings, clock: Clock) -> None:
    h = _ready(settings, clock)
    try:
        h.ops.syncs.sync_job(h.company_id, "p1")
        run = h.session()
        assert run.outcome == "completed", run
        assert _counts(h) == EXPECTED
        assert h.states()["failed"] == 0
        assert run.sends <= 8
        for kind, rid in [
            ("customer", "c1"),
            ("project", "p1"),
            ("invoice", "inv1"),
            ("payment", "pay1"),
            ("bill", "b1"),
            ("vendor", "v1"),
            ("item", "labor"),
            ("class", "cl1"),
            ("terms", "t30"),
            ("credit_memo", "cm1"),
            ("user", "u1"),
        ]:
            assert h.link(kind, rid) is not None, (kind, rid)
        assert h.link("user", "u1", "sales_rep") is not None
        again = h.ops.syncs.sync_job(h.company_id, "p1")
        assert again.queued == []
    finally:
        h.close()


@pytest.mark.parametrize("lost", [2, 3, 4, 5, 6])
def test_a_lost_answer_anywhere_adds_nothing_twice(
    settings: Settings, clock: Clock, lost: int
) -> None:
    h = _ready(settings, clock)
    try:
        h.ops.syncs.sync_job(h.company_id, "p1")
        died = h.session(lose_answer_of=lost)
        if died.outcome != "died":
            pytest.skip(f"the session needed fewer than {lost} sets")
        h.clock.advance(h.settings.busy_seconds + 1)
        run = h.session()
        assert run.outcome == "completed", run
        assert _counts(h) == EXPECTED
        assert h.states()["failed"] == 0
        assert h.states()["uncertain"] == 0
    finally:
        h.close()
