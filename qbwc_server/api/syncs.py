"""Queueing work for QuickBooks: a Sync Job for a project, one record, or an import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api.body import read_object, string_fields
from qbwc_server.api.errors import json_response
from qbwc_server.api.requests import request_json
from qbwc_server.sync.plan import Plan
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def plan_json(plan: Plan) -> dict[str, Any]:
    """What a sync queued, reused (already queued), found unchanged, and left out (why)."""
    return {
        "queued": [request_json(r) for r in plan.queued],
        "reused": list(plan.reused),
        "unchanged": [{"kind": kind, "id": rid} for kind, rid in plan.unchanged],
        "skipped": [
            {"kind": kind, "id": rid, "reason": reason} for kind, rid, reason in plan.skipped
        ],
    }


def sync_job(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """POST /companies/<cid>/sync-jobs {"project_id"} -> 202 with the plan."""
    body = string_fields(read_object(request), ("project_id",))
    return json_response(plan_json(api.ops.syncs.sync_job(cid, body["project_id"])), 202)


def sync_record(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """POST /companies/<cid>/syncs {"kind", "id"}: one record and its dependencies -> 202."""
    body = string_fields(read_object(request), ("kind", "id"))
    plan = api.ops.syncs.sync_record(cid, body["kind"], body["id"])
    return json_response(plan_json(plan), 202)


def queue_import(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """POST /companies/<cid>/imports {"kind", "project_id"?}: import one QuickBooks list (or,
    with kind "bills" and a project, the project's bill candidates) -> 202."""
    body = string_fields(read_object(request), ("kind",), ("project_id",))
    req = api.ops.syncs.queue_import(cid, body["kind"], project_id=body.get("project_id"))
    return json_response({"queued": [request_json(req)]}, 202)
