"""Bill candidates of a project: QuickBooks bills of the last 14 days charged to its job.

BillQuery filters by vendor, not by the Customer:Job on the lines, so the request (entity
"bill", action "candidates", params {"project_id"}) asks for every bill modified in the last
``WINDOW_DAYS`` days with its lines, a page at a time, and keeps those with an expense or item
line charged to the project's job. Each becomes a ``bill_candidate`` record of the project
(``qb-<TxnID>:<project id>``: a bill charging two jobs is a candidate of both) with the vendor,
date, RefNumber, the amount charged to the job, and those lines; the project's previous
candidates are replaced. Bills already in the app are not candidates.

``import_candidates`` turns the ones staff pick into the project's bills (``qb-<TxnID>``,
linked to the QuickBooks bill, so nothing is sent back), with the vendor as an imported record
when the app does not have it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lxml import etree

from qbwc_server.errors import NotFound, Refused
from qbwc_server.sync import outcomes
from qbwc_server.sync.handlers import Built, Outcome, SyncEnv
from qbwc_server.sync.imports import bills
from qbwc_server.sync.imports._base import (
    PAGE_SIZE,
    Ask,
    ImportSpec,
    Incoming,
    Mapped,
    expired,
    restart,
)
from qbwc_server.sync.imports._changes import content_hash
from qbwc_server.sync.imports._page import Page, new_id
from qbwc_server.sync.imports._values import day, money
from qbwc_server.sync.writes import LinkWrite
from qbxml.builders import bill as qb
from qbxml.responses import RequestResult
from request_queue.rows import RecordRow, RequestRow

WINDOW_DAYS = 14
KIND = "bill_candidate"
RECORD_ID_MAX = 200
NAMES = ("name", "class_name")  # shown with a candidate's lines, not kept on the bill's
LINE_REFS = (
    ("account_id", "account", "name"),
    ("item_id", "item", "name"),
    ("class_id", "class", "class_name"),
)


def _unused(ret: Any, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    return Mapped({})


# The reads a page needs (links of the bills and of what their lines reference).
_SPEC = ImportSpec(
    name="bill candidates",
    kind="bill",
    query=bills.query,
    read=bills.read,
    fields=_unused,
    refs=bills.refs,
    iterates=True,
)


class BillCandidates:
    """The ("bill", "candidates") request: list a project's bill candidates."""

    entity = "bill"
    action = "candidates"
    writes = False

    def build(self, req: RequestRow, env: SyncEnv) -> etree._Element | Built:
        size = int(req.params.get("page_size", PAGE_SIZE))
        if req.params.get("iterator_id"):
            ask = Ask(None, "Continue", str(req.params["iterator_id"]), size)
            return bills.query(env.ctx, ask)
        since = req.params.get("since")
        start = (
            env.tx.now() - timedelta(days=WINDOW_DAYS)
            if not since
            else datetime.fromisoformat(str(since))
        )
        element = bills.query(env.ctx, Ask(start, "Start", None, size))
        return Built(element, {"since": start.isoformat()})

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        if req.params.get("iterator_id") and expired(result):
            again = restart(req, result)  # from the first page: the list is replaced again
            fresh = {"replaced": None, "found": None, "in_app": None}
            return replace(again, params={**again.params, **fresh})
        if not (result.ok or result.no_match):
            return outcomes.decide(self, req, result, env)
        project_id = str(req.params.get("project_id") or req.record_id or "")
        job = env.tx.records.link_by_app(env.company.id, "project", project_id)
        if job is None:
            return Outcome(
                "failed",
                f"Project {project_id!r} is not linked to a QuickBooks job: sync it first",
            )
        first = not req.params.get("replaced")
        if first:
            env.tx.imports.delete_project_records(env.company.id, KIND, project_id)
        page = Page(env, req, _SPEC)
        items = [bills.read(ret) for ret in result.rets]
        page.load(items)
        found = int(req.params.get("found", 0))
        in_app = int(req.params.get("in_app", 0))
        for item in items:
            lines = qb.bill_lines_for_customer(item.ret, bills.job_ref(job))
            if not (lines[0] or lines[1]):
                continue
            if page.linked("bill", item.qb_id) is not None:
                in_app += 1
                continue
            page.save(
                KIND,
                candidate_id(project_id, item.qb_id),
                "quickbooks",
                candidate(item, lines, page, project_id),
            )
            found += 1
        page.flush()
        counts = {"found": found, "in_app": in_app, "replaced": True}
        if result.has_more:
            return Outcome(
                "continue",
                f"Read a page of QuickBooks bills for project {project_id}",
                params={"iterator_id": result.iterator_id, **counts},
                reset_attempts=True,
            )
        also = f"; {in_app} more already in the app" if in_app else ""
        return Outcome(
            "done",
            f"Found {found} QuickBooks bills of the last {WINDOW_DAYS} days charged to project "
            f"{project_id}'s job ({job.full_name or job.qb_id}){also}",
            event="bill_candidates",
        )


def candidate_id(project_id: str, txn_id: str) -> str:
    """A candidate's record id, ``qb-<TxnID>:<project id>``: a bill whose lines charge two
    jobs is a candidate of each project (ids longer than a record id holds use a digest)."""
    record_id = f"{new_id(txn_id)}:{project_id}"
    if len(record_id) <= RECORD_ID_MAX:
        return record_id
    return f"{new_id(txn_id)}:{hashlib.sha256(project_id.encode()).hexdigest()}"


def candidate(item: Incoming, lines: bills.Lines, page: Page, project_id: str) -> dict[str, Any]:
    """A bill candidate's data: the bill, and only its lines charged to the project's job."""
    ret: qb.BillRet = item.ret
    rows = bills.app_lines(lines, page)
    refs = [(e.account, e.class_ref) for e in lines[0]] + [(i.item, i.class_ref) for i in lines[1]]
    for row, (ref, class_ref) in zip(rows, refs, strict=True):
        if ref is not None and ref.full_name:
            row["name"] = ref.full_name
        if class_ref is not None and class_ref.full_name:
            row["class_name"] = class_ref.full_name
    total = sum((Decimal(str(r["amount"])) for r in rows if r.get("amount")), Decimal(0))
    data = {
        "project_id": project_id,
        "txn_id": ret.txn_id,
        "vendor_id": page.ref("vendor", ret.vendor),
        "vendor_list_id": ret.vendor.list_id if ret.vendor else None,
        "vendor_name": ret.vendor.full_name if ret.vendor else None,
        "date": day(ret.txn_date),
        "due_date": day(ret.due_date),
        "ref_number": ret.ref_number,
        "memo": ret.memo,
        "amount": money(total),
        "bill_amount": money(ret.amount_due),
        "is_paid": ret.is_paid,
        "status": bills.status(ret),
        "lines": rows,
        "edit_sequence": ret.edit_sequence,
        "time_modified": ret.time_modified.isoformat() if ret.time_modified else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def import_candidates(env: SyncEnv, project_id: str, txn_ids: Sequence[str]) -> list[RecordRow]:
    """The project's bills for the candidates ``txn_ids`` (already imported ones as they are).

    NotFound names every TxnID that is not a candidate of the project; Refused one already in
    the app for another project.
    """
    tx, company_id = env.tx, env.company.id
    wanted = list(dict.fromkeys(txn_ids))
    links = tx.imports.links_by_qb_ids(company_id, wanted)
    bill_links = {t: next((k for k in links.get(t, []) if k.kind == "bill"), None) for t in wanted}
    owners = tx.imports.records(
        company_id, [("bill", link.app_id) for link in bill_links.values() if link is not None]
    )
    candidates = {
        str(row.data.get("txn_id")): row
        for row in tx.records.of_project(company_id, KIND, project_id)
    }
    missing = []
    for txn_id in wanted:
        link = bill_links[txn_id]
        if link is not None:
            owner = owners.get(("bill", link.app_id))
            if owner is not None and owner.project_id != project_id:
                raise Refused(
                    f"QuickBooks bill {txn_id} is already the app's bill {link.app_id!r} "
                    f"of project {owner.project_id!r}"
                )
        elif txn_id not in candidates:
            missing.append(txn_id)
    if missing:
        raise NotFound(
            f"not bill candidates of project {project_id!r}: {', '.join(missing)} "
            "(queue a bill import for the project, and pick among the bills it lists)"
        )
    picked = [candidates[t] for t in wanted if bill_links[t] is None]
    _references(env, picked)
    for found in picked:
        _import(env, found)
    done = [candidates[t].record_id for t in wanted if t in candidates]
    tx.imports.delete_records(company_id, KIND, done)
    ids = []
    for txn_id in wanted:
        link = bill_links[txn_id]
        ids.append(("bill", link.app_id if link is not None else new_id(txn_id)))
    final = tx.imports.records(company_id, ids)
    return [final[key] for key in ids if key in final]


def _references(env: SyncEnv, picked: list[RecordRow]) -> None:
    """Refused when the picked bills' lines name accounts, items or classes the app does not
    have: the bill could not be built for its project's Sync Job, which would then fail."""
    wanted: dict[tuple[str, str], str] = {}
    for found in picked:
        for line in found.data.get("lines", []):
            for field, kind, label in LINE_REFS:
                if line.get(field):
                    wanted[(kind, str(line[field]))] = str(line.get(label) or line[field])
    have = env.tx.imports.records(env.company.id, wanted)
    missing = sorted((key[0], name) for key, name in wanted.items() if key not in have)
    if missing:
        plural = {"account": "accounts", "item": "items", "class": "classes"}
        kinds = " and ".join(plural[k] for k in sorted({kind for kind, _ in missing}))
        named = ", ".join(f"{kind} {name!r}" for kind, name in missing)
        raise Refused(
            f"the bills' lines use what the app does not have yet ({named}): import {kinds} "
            "from QuickBooks first"
        )


def _import(env: SyncEnv, found: RecordRow) -> None:
    cand = found.data
    tx, company_id = env.tx, env.company.id
    vendor_id = str(cand.get("vendor_id") or "")
    if vendor_id and tx.records.get(company_id, "vendor", vendor_id) is None:
        _vendor(env, vendor_id, cand)
    bill_id = new_id(str(cand["txn_id"]))
    data = {
        "vendor_id": vendor_id or None,
        "project_id": cand["project_id"],
        "number": cand.get("ref_number"),
        "date": cand.get("date"),
        "due_date": cand.get("due_date"),
        "memo": cand.get("memo"),
        "status": cand.get("status", "approved"),
        "lines": [
            {k: v for k, v in line.items() if k not in NAMES} for line in cand.get("lines", [])
        ],
    }
    data = {k: v for k, v in data.items() if v is not None}
    tx.records.upsert(company_id, "bill", bill_id, origin="quickbooks", data=data)
    env.link(
        LinkWrite(
            kind="bill",
            app_id=bill_id,
            qb_id=str(cand["txn_id"]),
            edit_sequence=cand.get("edit_sequence"),
            full_name=cand.get("ref_number"),
            qb_time_modified=_moment(cand.get("time_modified")),
            content_hash=content_hash(env, "bill", data),
        )
    )
    words = (
        f"QuickBooks bill {cand.get('ref_number') or cand['txn_id']} from "
        f"{cand.get('vendor_name') or 'its vendor'} imported into project {cand['project_id']}"
    )
    tx.log.write(company_id, "imported", words, record_kind="bill", record_id=bill_id)
    tx.events.emit(
        company_id,
        "imported",
        record_kind="bill",
        record_id=bill_id,
        qb_id=str(cand["txn_id"]),
        edit_sequence=cand.get("edit_sequence"),
        details={"import": "bill candidates", "project_id": cand["project_id"]},
    )


def _vendor(env: SyncEnv, vendor_id: str, cand: dict[str, Any]) -> None:
    """The bill's vendor as an imported record, so the bill has one to name."""
    tx, company_id = env.tx, env.company.id
    data = {
        "name": cand.get("vendor_name") or vendor_id,
        "vendor_type": "vendor",
        "updated_at": tx.now().isoformat(),
    }
    tx.records.upsert(company_id, "vendor", vendor_id, origin="quickbooks", data=data)
    list_id = cand.get("vendor_list_id")
    if list_id and tx.records.link_by_app(company_id, "vendor", vendor_id) is None:
        env.link(
            LinkWrite(
                kind="vendor",
                app_id=vendor_id,
                qb_id=str(list_id),
                edit_sequence=None,
                full_name=cand.get("vendor_name"),
                qb_time_modified=None,
            )
        )


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None
