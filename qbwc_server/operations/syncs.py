"""Queueing work for QuickBooks: a Sync Job for a project, one record, or an import.

A Sync Job queues, in dependency order, the project's customer and job, its sales rep (and
that user's employee or vendor), the classes, terms and items its documents use, then its
invoices, payments, bills (with their vendors) and credit memos, each only where the
company's settings export it (DESIGN.md section 2). Nothing already queued is queued again.
"""

from __future__ import annotations

from datetime import date

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, Refused
from qbwc_server.models.validation import FieldError, RecordInvalid
from qbwc_server.operations.companies import company_settings, find_company
from qbwc_server.operations.records import check_kind, check_record_id
from qbwc_server.sync.exports._spec import Dependency
from qbwc_server.sync.handlers import SyncEnv
from qbwc_server.sync.plan import Plan, plan_sync
from qbwc_server.sync.refs import Refs
from qbwc_server.sync.registry import IMPORT_KINDS
from qbxml.context import BuildContext
from request_queue.rows import CompanyRow, RequestRow
from request_queue.store import Store, Tx

PROJECT_DOCUMENTS = ("invoice", "payment", "bill", "credit_memo")


def sync_env(tx: Tx, company: CompanyRow) -> SyncEnv:
    """The environment exports are planned and built in, for ``company``."""
    settings = company_settings(company)
    ctx = BuildContext(
        version=company.qbxml_version or "13.0", uppercase=bool(settings.get("uppercase"))
    )
    return SyncEnv(tx, company, settings, ctx, Refs(tx, company.id))


class Syncs:
    """Sync Jobs, single-record syncs and imports."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def sync_job(self, company: str | int, project_id: str) -> Plan:
        """Queue the whole project; Refused when its contract predates sync_contracts_after."""
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            env = sync_env(tx, row)
            project = env.refs.find("project", project_id)
            if project is None:
                raise NotFound(f"no project {project_id!r} in company {row.id}")
            _check_contract_date(project_id, project.get("contract_date"), env.settings)
            roots = [Dependency("project", project_id)]
            for kind in PROJECT_DOCUMENTS:
                roots += [
                    Dependency(kind, r.record_id)
                    for r in tx.records.of_project(row.id, kind, project_id)
                ]
            return plan_sync(env, roots, reason=f"Sync Job for project {project_id}")

    def sync_record(self, company: str | int, kind: str, record_id: str) -> Plan:
        """Queue one record and what it depends on."""
        check_kind(kind, writable=True)
        check_record_id(record_id)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            env = sync_env(tx, row)
            data = env.refs.find(kind, record_id)
            if data is None:
                raise NotFound(f"no {kind} {record_id!r} in company {row.id}")
            if kind == "project":
                _check_contract_date(record_id, data.get("contract_date"), env.settings)
            return plan_sync(env, [Dependency(kind, record_id)], reason=f"sync of {kind}")

    def queue_import(self, company: str | int, what: str) -> RequestRow:
        """Queue an import of one QuickBooks list (accounts, items, ...)."""
        handler = IMPORT_KINDS.get(what)
        if handler is None:
            known = ", ".join(sorted(IMPORT_KINDS))
            raise RecordInvalid(
                [
                    FieldError(
                        "kind",
                        f"kind: unknown import kind {what!r}; known: {known}",
                        "unknown_value",
                    )
                ],
                what="import",
            )
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            req = tx.queue.enqueue(row.id, entity=handler.entity, action=handler.action)
            tx.log.write(row.id, "queued", f"Import of {what} queued", request_id=req.id)
            return req


def _check_contract_date(project_id: str, contract: object, settings: dict[str, object]) -> None:
    after = settings.get("sync_contracts_after")
    if not after or not contract:
        return
    if date.fromisoformat(str(contract)) < date.fromisoformat(str(after)):
        raise Refused(
            f"project {project_id!r} has contract date {contract}, before this company's "
            f"sync_contracts_after ({after}): it is not synced to QuickBooks"
        )
