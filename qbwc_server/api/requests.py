"""The queue: a company's requests newest first, and retrying or cancelling one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.companies import iso
from qbwc_server.api.errors import json_response
from request_queue.rows import RequestRow
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def request_json(req: RequestRow) -> dict[str, Any]:
    """A queued request as the API shows it."""
    return {
        "id": req.id,
        "entity": req.entity,
        "action": req.action,
        "record_kind": req.record_kind,
        "record_id": req.record_id,
        "state": req.state,
        "attempts": req.attempts,
        "error": req.error,
        "status_code": req.status_code,
        "created_at": iso(req.created_at),
        "updated_at": iso(req.updated_at),
    }


def index(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/requests?status=&before=&limit= -> {"items", "next_cursor"}."""
    query = params.query(request, "status", "before", "limit")
    size = params.limit(query)
    rows = api.ops.queue.requests(
        cid,
        state=query.get("status"),
        before=params.id_cursor(query, "before"),
        limit=size + 1,
    )
    more = len(rows) > size
    return json_response(
        {
            "items": [request_json(r) for r in rows[:size]],
            "next_cursor": str(rows[size - 1].id) if more else None,
        }
    )


def retry(api: Api, request: Request, token: TokenRow, cid: str, rid: int) -> Response:
    """POST /companies/<cid>/requests/<rid>/retry: queue a failed or cancelled one again."""
    return json_response(request_json(api.ops.queue.retry(cid, rid)))


def cancel(api: Api, request: Request, token: TokenRow, cid: str, rid: int) -> Response:
    """POST /companies/<cid>/requests/<rid>/cancel: cancel a queued request."""
    return json_response(request_json(api.ops.queue.cancel(cid, rid)))
