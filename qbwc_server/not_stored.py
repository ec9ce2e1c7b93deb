"""When the database refuses what an answer would store: count the try, cap it, go on.

Applying QuickBooks' answer runs in one transaction; if the database refuses it (a value it
will not take, a unique link already taken) everything is rolled back and the requests would
stay ``sent``, to be handed out again without limit. ``answer_not_stored`` records the failure
in a new transaction instead, so every path has the QBWC_REQUEST_MAX_ATTEMPTS cap.
"""

from __future__ import annotations

from typing import Any

from qbwc_server import metrics
from qbwc_server.exchange import Exchange
from request_queue.rows import RequestRow, SessionRow
from request_queue.store import Tx


def answer_not_stored(tx: Tx, exchange: Exchange, hashed: str, reason: str) -> int:
    """Record that the answer of session ``hashed`` could not be stored; the percent done.

    Each request the answer was for counts the try: once it has had QBWC_REQUEST_MAX_ATTEMPTS
    it fails (the session counts it, its dependents fail). Before that a read is queued again
    and a write becomes uncertain; its recovery asks QuickBooks again, and recoveries are not
    otherwise counted, so the failure counts one try for it. A set of several then goes out
    one by one, so the request the database refuses is found and the others get through.
    """
    words = f"QuickBooks' answer could not be stored ({reason})"
    session = tx.sessions.by_ticket_hash(hashed)
    if session is None or session.state != "open" or session.company_id is None:
        return -1
    tx.sessions.touch(session.id, exchange.settings.session_idle_seconds)
    in_flight = tx.queue.in_state(session.company_id, "sent", session_id=session.id)
    for req in in_flight:
        _count_try(tx, exchange, session, req, words, solo=len(in_flight) > 1)
    return exchange._percent(tx, session.id, session.company_id)


def _count_try(
    tx: Tx, exchange: Exchange, session: SessionRow, req: RequestRow, words: str, *, solo: bool
) -> None:
    assert session.company_id is not None
    handler = exchange.handlers.get(req.entity, req.action)
    writes = handler is None or handler.writes
    attempts = req.attempts + (1 if writes else 0)
    most = exchange.settings.request_max_attempts
    where: dict[str, Any] = {
        "record_kind": req.record_kind,
        "record_id": req.record_id,
        "request_id": req.id,
    }
    if attempts >= most:
        reason = f"{words}. Gave up after {attempts} tries"
        tx.queue.move(req.id, "sent", "failed", attempts=attempts, error=reason)
        dependents = tx.queue.fail_dependents(
            req.id, f"waits for request {req.id}, which failed: {reason}"
        )
        tx.sessions.add_counts(session.id, failed=1 + len(dependents))
        tx.log.write(
            session.company_id, "failed", reason, level="error", session_id=session.id, **where
        )
        metrics.record_finished(req.entity, "failed")
        return
    if writes:
        tx.queue.move(req.id, "sent", "uncertain", attempts=attempts, error=words)
    else:
        tx.queue.move(
            req.id, "sent", "queued", session_id=None, attempts=attempts, error=words, solo=solo
        )
    tx.log.write(
        session.company_id,
        "not_stored",
        f"{words}; try {attempts} of {most}",
        level="warning",
        session_id=session.id,
        **where,
    )
