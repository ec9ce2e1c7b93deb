"""Link records: which app record is which QuickBooks object."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.errors import json_response
from qbwc_server.api.records import link_json
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def index(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/links?kind=&after=&limit= ordered by (kind, id, role)."""
    query = params.query(request, "kind", "after", "limit")
    size = params.limit(query)
    after = params.decode_key(query, "after", 3)
    rows = api.ops.queue.links(
        cid,
        kind=query.get("kind"),
        after=(after[0], after[1], after[2]) if after else None,
        limit=size + 1,
    )
    more = len(rows) > size
    last = rows[size - 1] if more else None
    return json_response(
        {
            "items": [{"kind": r.kind, "id": r.app_id, **link_json(r)} for r in rows[:size]],
            "next_cursor": params.encode_key((last.kind, last.app_id, last.role)) if last else None,
        }
    )
