"""A read whose answer never comes is asked again, but not forever: its tries are capped."""

from __future__ import annotations

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness


def test_a_lost_read_is_given_up_after_its_tries(settings: Settings, clock: Clock) -> None:
    h = Harness(settings, clock)
    try:
        request = h.ops.syncs.queue_import(h.company_id, "accounts")
        for _ in range(settings.request_max_attempts + 2):
            assert h.session(lose_answer_of=1).outcome in ("died", "none")
            h.clock.advance(settings.busy_seconds + 1)
        h.session()
        with h.store.transaction() as tx:
            row = tx.queue.get(request.id)
        assert row.state == "failed" and row.attempts == settings.request_max_attempts
        assert "gave up" in (row.error or "")
    finally:
        h.close()
