"""The event feed: what happened to a company's records, in order, from a cursor.

``GET /companies/<cid>/events?after=<cursor>&limit=`` answers ``{"items", "next_cursor"}``.
The cursor is an event's ``seq`` ("0", or no ``after``: from the start). ``next_cursor`` is
always the cursor to ask with next: the last item's seq, or the one given when there is
nothing new, so a reader polls with it and never misses or repeats an event. A page shorter
than ``limit`` means the reader has caught up. Event names: request_queue/events.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.errors import json_response
from qbwc_server.models.validation import FieldError, RecordInvalid
from qbwc_server.operations.events import event_view
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api

CURSOR_DIGITS = 18


def _cursor(query: dict[str, str]) -> int:
    text = query.get("after", "0")
    if not (text.isascii() and text.isdigit() and len(text) <= CURSOR_DIGITS):
        message = "after: must be a cursor (a seq from a previous answer, or 0)"
        raise RecordInvalid([FieldError("after", message, "invalid")], what="query")
    return int(text)


def index(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/events?after=&limit= -> {"items", "next_cursor"}."""
    query = params.query(request, "after", "limit")
    cursor = _cursor(query)
    rows = api.ops.events.after(cid, cursor, params.limit(query))
    return json_response(
        {
            "items": [event_view(e) for e in rows],
            "next_cursor": str(rows[-1].seq if rows else cursor),
        }
    )
