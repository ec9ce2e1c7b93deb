"""The log: what happened to a company and its records, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.companies import iso
from qbwc_server.api.errors import json_response
from request_queue.rows import LogRow
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def entry_json(entry: LogRow) -> dict[str, Any]:
    """One log entry."""
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "level": entry.level,
        "event": entry.event,
        "message": entry.message,
        "record_kind": entry.record_kind,
        "record_id": entry.record_id,
        "request_id": entry.request_id,
        "session_id": entry.session_id,
        "details": entry.details,
    }


def index(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/log?kind=&id=&before=&limit= -> {"items", "next_cursor"}."""
    query = params.query(request, "kind", "id", "before", "limit")
    size = params.limit(query)
    rows = api.ops.queue.log(
        cid,
        kind=query.get("kind"),
        record_id=query.get("id"),
        before=params.id_cursor(query, "before"),
        limit=size + 1,
    )
    more = len(rows) > size
    return json_response(
        {
            "items": [entry_json(e) for e in rows[:size]],
            "next_cursor": str(rows[size - 1].id) if more else None,
        }
    )
