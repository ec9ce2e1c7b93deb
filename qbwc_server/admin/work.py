"""The work pages: projects with their Sync Job button, bill candidates, the queue (filter,
retry, cancel) and the log of a company or of one record."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Response

from qbwc_server.admin.app import View
from qbwc_server.errors import NotFound, Refused
from qbwc_server.models.validation import RecordInvalid
from qbwc_server.operations.queue import RETRYABLE
from qbwc_server.sync.plan import Plan
from request_queue.queue import STATES
from request_queue.rows import RequestRow

PAGE = 50


def projects(view: View, cid: int) -> Response:
    """The company's projects, each with its link to QuickBooks and a Sync Job button."""
    after = view.request.args.get("after") or None
    page = view.ops.records.page(cid, "project", after=after, limit=PAGE)
    return view.render("projects.html", s=view.ops.companies.status(cid), page=page, after=after)


def sync_job(view: View, cid: int) -> Response:
    """Queue the project and everything it needs; a refusal is shown in words."""
    project_id = view.request.form.get("project_id", "")
    try:
        plan = view.ops.syncs.sync_job(cid, project_id)
    except (Refused, NotFound) as exc:
        return view.redirect("projects", cid=cid, notice=f"Not queued: {exc.message}", error=True)
    return view.redirect("projects", cid=cid, notice=_plan_said(project_id, plan))


def _plan_said(project_id: str, plan: Plan) -> str:
    said = (
        f"Sync Job for project {project_id}: {len(plan.queued)} request(s) queued, "
        f"{len(plan.reused)} already queued, {len(plan.unchanged)} unchanged"
    )
    if plan.skipped:
        said += "; skipped: " + "; ".join(f"{k} {i} ({why})" for k, i, why in plan.skipped)
    return said + ". They go to QuickBooks at the next Web Connector session."


def bills(view: View, cid: int) -> Response:
    """GET: the bills the project's last bill import found, to pick. POST ``find``: queue
    that import; POST with ticked ``txn_id``s: import those bills into the project."""
    request = view.request
    project_id = (request.values.get("project_id") or "").strip()
    if request.method == "POST":
        try:
            if "find" in request.form:
                view.ops.syncs.queue_import(cid, "bills", project_id=project_id)
                notice = (
                    f"Looking for project {project_id}'s bills in QuickBooks at the next Web "
                    "Connector session; they are listed here after it."
                )
            else:
                imported = view.ops.syncs.import_bills(
                    cid, project_id, request.form.getlist("txn_id")
                )
                notice = f"{len(imported)} bill(s) imported into project {project_id}."
        except (RecordInvalid, Refused, NotFound) as exc:
            message = exc.errors[0].message if isinstance(exc, RecordInvalid) else exc.message
            return view.redirect(
                "bills", cid=cid, project_id=project_id or None, notice=message, error=True
            )
        return view.redirect("bills", cid=cid, project_id=project_id, notice=notice)
    found = view.ops.syncs.bill_candidates(cid, project_id) if project_id else []
    return view.render(
        "bills.html",
        s=view.ops.companies.status(cid),
        project_id=project_id,
        candidates=[c.data for c in found],
    )


def queue(view: View, cid: int) -> Response:
    """The queue, newest first, filtered by state, with retry and cancel buttons."""
    state = view.request.args.get("state") or None
    before = _int_arg(view.request.args.get("before"))
    rows = view.ops.queue.requests(cid, state=state, before=before, limit=PAGE + 1)
    return view.render(
        "queue.html",
        s=view.ops.companies.status(cid),
        requests=rows[:PAGE],
        more=rows[PAGE - 1].id if len(rows) > PAGE else None,
        state=state,
        states=STATES,
        retryable=RETRYABLE,
        described=described,
    )


def retry(view: View, cid: int, rid: int) -> Response:
    return _steer(view, cid, rid, view.ops.queue.retry, "queued again")


def cancel(view: View, cid: int, rid: int) -> Response:
    return _steer(view, cid, rid, view.ops.queue.cancel, "cancelled")


def _steer(
    view: View, cid: int, rid: int, act: Callable[[int, int], RequestRow], done: str
) -> Response:
    state = view.request.form.get("state") or None
    try:
        act(cid, rid)
    except (Refused, NotFound) as exc:
        return view.redirect("queue", cid=cid, state=state, notice=exc.message, error=True)
    return view.redirect("queue", cid=cid, state=state, notice=f"Request {rid} {done}.")


def log(view: View, cid: int) -> Response:
    """What happened, newest first: the company's, or one record's (kind and id)."""
    args = view.request.args
    kind, record_id = args.get("kind") or None, args.get("id") or None
    before = _int_arg(args.get("before"))
    entries = view.ops.queue.log(
        cid, kind=kind, record_id=record_id, before=before, limit=PAGE * 2 + 1
    )
    shown = entries[: PAGE * 2]
    return view.render(
        "log.html",
        s=view.ops.companies.status(cid),
        entries=shown,
        more=shown[-1].id if len(entries) > len(shown) else None,
        kind=kind,
        record_id=record_id,
    )


def described(req: RequestRow) -> str:
    """``customer export customer C-100``: what a request does, in a few words."""
    parts = [req.entity, req.action]
    if req.record_kind and req.record_id:
        parts += [req.record_kind, req.record_id]
    elif isinstance(req.params.get("record_ids"), list):
        parts.append(", ".join(str(i) for i in req.params["record_ids"]))
    return " ".join(parts)


def _int_arg(text: str | None) -> int | None:
    """A cursor id from the query string; junk means "from the start"."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 19 else None
