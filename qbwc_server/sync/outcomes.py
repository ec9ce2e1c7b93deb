"""The status-code policy: what QuickBooks' error answer to a request means for it.

DESIGN.md section 6: 3200 re-read and retry; 3100 link if it is the same object, else pick
another name; 3140 sync the missing reference first; 3170-3180 retry later; 1/500 on a lookup
means add; 3070 and its kind fail, naming the field. Every retry counts as an attempt, and
the exchange parks a request as failed when its attempts run out.
"""

from __future__ import annotations

from qbwc_server.sync.handlers import Outcome, SyncEnv
from qbxml.responses import RequestResult
from qbxml.status import Action, classify
from request_queue.rows import RequestRow

RETRY_DELAY_SECONDS = 30.0
LOCKED_DELAY_SECONDS = 30.0


def words(result: RequestResult) -> str:
    """QuickBooks' answer in one line."""
    return f"QuickBooks said {result.status_code}: {' '.join(result.status_message.split())}"


def decide(handler: object, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
    """The outcome of an error (or unexpected) answer to ``req``."""
    decision = classify(result)
    said = words(result)
    action = decision.action
    if action is Action.STALE_RETRY and req.action == "export":
        return Outcome(
            "continue",
            f"{said}; re-reading the EditSequence and sending again",
            params={"phase": "reread"},
            event="retry",
        )
    if action is Action.NAME_IN_USE and req.action == "export":
        return Outcome(
            "continue",
            f"{said}; looking for that name in QuickBooks before anything else",
            params={"phase": "name_in_use"},
            event="retry",
        )
    if action is Action.MISSING_REFERENCE and req.action == "export":
        from qbwc_server.sync.recovery import missing_reference

        return missing_reference(req, decision.value, said, env)
    if action is Action.LOCKED_RETRY_LATER:
        return Outcome("retry", f"{said}; trying again later", delay_seconds=LOCKED_DELAY_SECONDS)
    if action is Action.NOT_FOUND and req.action == "export":
        return Outcome(
            "failed",
            f"{said}. The linked QuickBooks object no longer exists (deleted in QuickBooks?); "
            "nothing was sent",
        )
    if action is Action.INVALID_FIELD:
        field = decision.field or "a field"
        value = f" ({decision.value!r})" if decision.value else ""
        return Outcome("failed", f"QuickBooks refused the value of {field}{value}. {said}")
    if decision.retryable:
        return Outcome("retry", said, delay_seconds=RETRY_DELAY_SECONDS)
    if action in (Action.OK, Action.WARNING_OK, Action.NO_MATCH_ADD):
        return Outcome("failed", f"{said}, but its answer carried nothing to record")
    return Outcome("failed", said)


def disambiguate(req: RequestRow) -> Outcome:
    """The name is taken by an object of another type: add under "<name> (2)", "(3)", ..."""
    current = str(req.params.get("name_suffix") or "")
    number = int(current.strip(" ()") or "1") + 1
    suffix = f" ({number})"
    return Outcome(
        "continue",
        f"Its name is used by another kind of QuickBooks object (QuickBooks names are unique "
        f"across customers, vendors, employees and other names): it will be added with "
        f"{suffix.strip()} after the name",
        params={"phase": None, "name_suffix": suffix},
        event="disambiguated",
    )
