"""What storing a record queues by itself (DESIGN.md section 3), in the upsert's transaction.

- ``sync_type: automatic``: every upsert of an invoice, payment, bill or credit memo queues its
  sync, with what it depends on, as the Sync button would. ``plan_sync`` reuses a request
  already queued, so repeated upserts while one waits queue nothing new, and a record synced
  and unchanged since queues nothing at all.
- ``auto_export_expenses_on_completion``: an upsert that marks a project ``work_completed``
  (it was false or absent) queues the project's bills. Those the bill export leaves out
  (``expense_export_status``, ``bill_export``) are not queued.

Documents of a project whose contract predates ``sync_contracts_after`` are not queued, as a
Sync Job of that project would be refused. Nothing here fails an upsert: what cannot be queued
is logged, and plan_sync logs each request it queues with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qbwc_server.errors import Refused
from qbwc_server.sync.exports._spec import Dependency
from qbwc_server.sync.handlers import SyncEnv
from qbwc_server.sync.plan import plan_sync
from request_queue.rows import CompanyRow
from request_queue.store import Tx

FINANCIAL = ("invoice", "payment", "bill", "credit_memo")


@dataclass(frozen=True)
class Upserted:
    """One record an upsert stored: its data now and before (None when it is new)."""

    kind: str
    record_id: str
    data: dict[str, Any]
    before: dict[str, Any] | None


def completes(change: Upserted) -> bool:
    """True when the upsert marks a project work-completed that was not."""
    was = bool((change.before or {}).get("work_completed"))
    return change.kind == "project" and change.data.get("work_completed") is True and not was


def queue_after_upserts(tx: Tx, company: CompanyRow, changes: Sequence[Upserted]) -> None:
    """Queue what the company's settings say these upserts start (nothing when manual)."""
    # syncs imports records, which calls this module: import it when called, not at load.
    from qbwc_server.operations.syncs import sync_env

    env = sync_env(tx, company)
    if env.settings.get("sync_type") == "automatic":
        roots = [Dependency(c.kind, c.record_id) for c in changes if c.kind in FINANCIAL]
        roots = _in_contract_window(env, roots)
        if roots:
            plan_sync(env, roots, reason="automatic sync of a changed record")
    if not env.settings.get("auto_export_expenses_on_completion"):
        return
    for change in changes:
        if not completes(change):
            continue
        bills = [
            Dependency("bill", r.record_id)
            for r in tx.records.of_project(company.id, "bill", change.record_id)
        ]
        bills = _in_contract_window(env, bills)
        if bills:
            reason = (
                f"project {change.record_id} marked work completed "
                "(auto_export_expenses_on_completion)"
            )
            plan_sync(env, bills, reason=reason)


def _project_of(env: SyncEnv, root: Dependency) -> str:
    """The project id a document belongs to ("" when it names none or does not exist)."""
    return str((env.refs.find(root.kind, root.record_id) or {}).get("project_id") or "")


def _in_contract_window(env: SyncEnv, roots: list[Dependency]) -> list[Dependency]:
    """``roots`` without the documents of projects whose contract predates
    sync_contracts_after (logged once per project)."""
    from qbwc_server.operations.syncs import _check_contract_date

    env.refs.preload((r.kind, r.record_id) for r in roots)
    projects = sorted({p for r in roots if (p := _project_of(env, r))})
    env.refs.preload(("project", p) for p in projects)
    refused: set[str] = set()
    for project_id in projects:
        project = env.refs.find("project", project_id)
        if project is None:
            continue
        try:
            _check_contract_date(project_id, project.get("contract_date"), env.settings)
        except Refused as exc:
            refused.add(project_id)
            env.tx.log.write(
                env.company.id,
                "not_queued",
                f"Not synced automatically: {exc.message}",
                record_kind="project",
                record_id=project_id,
            )
    return [r for r in roots if _project_of(env, r) not in refused]
