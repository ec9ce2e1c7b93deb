"""Which outcomes of the sync engine go into the event feed (request_queue/events.py).

- ``linked`` when QuickBooks' answer linked a request's record to its object or refreshed the
  link: outcome events ``added``, ``updated`` (a Mod), ``matched`` and ``recovered``, each as
  ``details["how"]``. Only answers count (``result`` given): an export that finds its record
  already linked by a lookup (a Skip, no answer) adds no second event, since the lookup emitted
  one (sync/matching.py, through ``matched``).
- ``failed`` for a failed request that has a record, with the reason and status code, and for
  each request that waited on it and failed with it.

The QuickBooks ids (ListID or TxnID, EditSequence) are read from the record's link as the
transaction commits, so they are the ones just stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbwc_server.sync.exports import SPECS
from qbwc_server.sync.exports._spec import QbIds
from qbwc_server.sync.handlers import Outcome
from qbxml.responses import RequestResult
from request_queue.rows import RequestRow
from request_queue.store import Tx

LINKING = ("added", "updated", "matched", "recovered")
_ROLE = {spec.entity: spec.role for spec in SPECS}  # sales_rep links a user in its own role


def finished(
    tx: Tx, company_id: int, req: RequestRow, outcome: Outcome, result: RequestResult | None
) -> None:
    """The feed event of a request whose outcome is settled, if it has one."""
    if not req.record_kind or not req.record_id:
        return
    role = _ROLE.get(req.entity, "")
    common: dict[str, Any] = {"entity": req.entity, "action": req.action, "request_id": req.id}
    if role:
        common["role"] = role
    if outcome.state == "failed":
        details = {**common, "reason": outcome.message}
        if result is not None:
            details["status_code"] = result.status_code
        tx.events.emit(
            company_id,
            "failed",
            record_kind=req.record_kind,
            record_id=req.record_id,
            details=details,
            link_role=role,
        )
    elif result is not None and outcome.event in LINKING and outcome.state in ("done", "continue"):
        tx.events.emit(
            company_id,
            "linked",
            record_kind=req.record_kind,
            record_id=req.record_id,
            details={**common, "how": outcome.event},
            link_role=role,
        )


def matched(
    tx: Tx, company_id: int, req: RequestRow, kind: str, record_id: str, role: str, ids: QbIds
) -> None:
    """A lookup found the record already in QuickBooks and linked it."""
    details: dict[str, Any] = {"entity": req.entity, "action": req.action, "request_id": req.id}
    if role:
        details["role"] = role
    tx.events.emit(
        company_id,
        "linked",
        record_kind=kind,
        record_id=record_id,
        qb_id=ids.qb_id,
        edit_sequence=ids.edit_sequence,
        details={**details, "how": "matched"},
    )


def dependents_failed(
    tx: Tx, company_id: int, req: RequestRow, reason: str, dependents: Sequence[int]
) -> None:
    """``failed`` for each record whose request waited on ``req`` and failed with it."""
    what = f"{req.record_kind} {req.record_id}" if req.record_id else f"{req.entity} {req.action}"
    tx.events.emit_for_requests(
        company_id,
        "failed",
        dependents,
        {"reason": f"waits for request {req.id} ({what}), which failed: {reason}"},
        link_roles=_ROLE,
    )
