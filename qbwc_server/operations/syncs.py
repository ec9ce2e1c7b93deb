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
from qbwc_server.sync.imports import BILL_CANDIDATES
from qbwc_server.sync.imports.bill_candidates import KIND as CANDIDATE_KIND
from qbwc_server.sync.imports.bill_candidates import import_candidates
from qbwc_server.sync.plan import Plan, plan_sync
from qbwc_server.sync.refs import Refs
from qbwc_server.sync.registry import IMPORT_KINDS
from qbxml.context import BuildContext
from request_queue.rows import CompanyRow, RecordRow, RequestRow
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

    def queue_import(
        self, company: str | int, what: str, *, project_id: str | None = None
    ) -> RequestRow:
        """Queue an import of one QuickBooks list (accounts, items, ...); ``bills`` with a
        ``project_id`` lists that project's bill candidates instead."""
        handler = IMPORT_KINDS.get(what)
        if handler is None:
            known = ", ".join(sorted(IMPORT_KINDS))
            raise _invalid("kind", f"kind: unknown import kind {what!r}; known: {known}")
        if project_id is not None:
            if what != "bills":
                why = "project_id: only a bills import takes a project (its bill candidates)"
                raise _invalid("project_id", why)
            return self.queue_bill_candidates(company, project_id)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            req = tx.queue.enqueue(row.id, entity=handler.entity, action=handler.action)
            tx.log.write(row.id, "queued", f"Import of {what} queued", request_id=req.id)
            return req

    def queue_bill_candidates(self, company: str | int, project_id: str) -> RequestRow:
        """Queue the listing of a project's bill candidates: QuickBooks bills of the last 14
        days charged to its job. One already queued is returned instead of a second."""
        check_record_id(project_id)
        handler = BILL_CANDIDATES
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            if tx.records.get(row.id, "project", project_id) is None:
                raise NotFound(f"no project {project_id!r} in company {row.id}")
            if tx.records.link_by_app(row.id, "project", project_id) is None:
                raise Refused(
                    f"project {project_id!r} is not in QuickBooks yet: sync it first, so its "
                    "job's bills can be found"
                )
            queued = tx.queue.active(row.id, handler.action).get((handler.entity, project_id))
            if queued is not None:
                return tx.queue.get(queued)
            req = tx.queue.enqueue(
                row.id,
                entity=handler.entity,
                action=handler.action,
                record_kind="project",
                record_id=project_id,
                params={"project_id": project_id},
            )
            tx.log.write(
                row.id,
                "queued",
                f"Bill candidates of project {project_id} queued (QuickBooks bills of the last "
                "14 days charged to its job)",
                record_kind="project",
                record_id=project_id,
                request_id=req.id,
            )
            return req

    def bill_candidates(self, company: str | int, project_id: str) -> list[RecordRow]:
        """The bill candidates the project's last bill import found (not yet imported)."""
        check_record_id(project_id)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            if tx.records.get(row.id, "project", project_id) is None:
                raise NotFound(f"no project {project_id!r} in company {row.id}")
            return tx.records.of_project(row.id, CANDIDATE_KIND, project_id)

    def import_bills(
        self, company: str | int, project_id: str, txn_ids: list[str]
    ) -> list[RecordRow]:
        """Import the picked bill candidates (QuickBooks TxnIDs) as the project's bills, linked
        to those QuickBooks bills; NotFound names TxnIDs that are not its candidates."""
        check_record_id(project_id)
        if not isinstance(txn_ids, list) or not txn_ids:
            raise _invalid("txn_ids", "txn_ids: must be a non-empty list of QuickBooks TxnIDs")
        bad = [i for i, t in enumerate(txn_ids) if not isinstance(t, str) or not t.strip()]
        if bad:
            raise _invalid(f"txn_ids.{bad[0]}", f"txn_ids.{bad[0]}: must be a TxnID (a string)")
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            if tx.records.get(row.id, "project", project_id) is None:
                raise NotFound(f"no project {project_id!r} in company {row.id}")
            env = sync_env(tx, row)
            return import_candidates(env, project_id, [t.strip() for t in txn_ids])


def _invalid(field: str, message: str) -> RecordInvalid:
    return RecordInvalid([FieldError(field, message, "invalid")], what="import")


def _check_contract_date(project_id: str, contract: object, settings: dict[str, object]) -> None:
    after = settings.get("sync_contracts_after")
    if not after or not contract:
        return
    if date.fromisoformat(str(contract)) < date.fromisoformat(str(after)):
        raise Refused(
            f"project {project_id!r} has contract date {contract}, before this company's "
            f"sync_contracts_after ({after}): it is not synced to QuickBooks"
        )
