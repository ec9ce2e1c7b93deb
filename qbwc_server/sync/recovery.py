"""Recovery: what to do when QuickBooks lost track of an object, or we lost its answer.

- A 3140 (a referenced object is missing in QuickBooks) drops the stale link of the record
  behind that reference, queues that record's sync, and retries after it.
- A data-changing message set whose answer never came (requests ``uncertain``) is asked for
  again with ``oldMessageSetID``: QuickBooks answers what it did with it. When it no longer
  knows the set, each request first looks its object up by name or RefNumber (phase
  ``recover``) and links it if it landed; only an object that is not there is added.
"""

from __future__ import annotations

from qbwc_server.sync.handlers import Outcome, SyncEnv
from request_queue.rows import RequestRow


def missing_reference(req: RequestRow, value: str | None, said: str, env: SyncEnv) -> Outcome:
    """3140: re-sync the referenced record (named by the ListID QuickBooks quoted), then retry."""
    from qbwc_server.sync.exports._spec import Dependency
    from qbwc_server.sync.plan import plan_sync

    link = env.tx.records.link_of_qb_object(env.company.id, value) if value else None
    if link is None:
        return Outcome("retry", f"{said}; the reference could not be traced, trying once more")
    env.tx.records.unlink(env.company.id, link.kind, link.app_id, role=link.role)
    env.refs.forget_link(link.kind, link.app_id, link.role)
    plan = plan_sync(
        env,
        [Dependency(link.kind, link.app_id, link.role)],
        reason=f"QuickBooks no longer has it (needed by request {req.id})",
    )
    return Outcome(
        "retry",
        f"{said}; the {link.kind} {link.app_id!r} it references is missing in QuickBooks, so "
        "it is synced again first",
        depends_on=tuple(plan.request_ids),
        event="retry",
    )


def unanswered_params(req: RequestRow, writes: bool) -> dict[str, object]:
    """The params of a request that went out but got no answer in a set that was answered
    (a recovery set QuickBooks no longer knew): writes first look for their object."""
    if writes and req.action == "export" and req.params.get("phase") in ("add", None):
        return {"phase": "recover"}
    return {}
