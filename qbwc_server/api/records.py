"""App and imported records: upsert one, read one, or page through a kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.body import read_object
from qbwc_server.api.companies import iso
from qbwc_server.api.errors import json_response
from qbwc_server.operations.records import RecordView
from request_queue.rows import LinkRow
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def link_json(link: LinkRow) -> dict[str, Any]:
    """A link between a record and a QuickBooks object (the record's key left out)."""
    return {
        "role": link.role,
        "qb_id": link.qb_id,
        "edit_sequence": link.edit_sequence,
        "full_name": link.full_name,
        "qb_time_modified": iso(link.qb_time_modified),
        "last_synced_at": iso(link.last_synced_at),
        "content_hash": link.content_hash,
    }


def record_json(view: RecordView) -> dict[str, Any]:
    """A record with its links."""
    record = view.record
    return {
        "kind": record.kind,
        "id": record.record_id,
        "origin": record.origin,
        "data": record.data,
        "updated_at": iso(record.updated_at),
        "links": [link_json(link) for link in view.links],
    }


def put(api: Api, request: Request, token: TokenRow, cid: str, kind: str, rid: str) -> Response:
    """PUT /companies/<cid>/records/<kind>/<id> -> 201 created or 200 with the record."""
    view = api.ops.records.upsert(cid, kind, rid, read_object(request))
    return json_response(record_json(view), 201 if view.created else 200)


def get(api: Api, request: Request, token: TokenRow, cid: str, kind: str, rid: str) -> Response:
    """GET /companies/<cid>/records/<kind>/<id>."""
    params.query(request)
    return json_response(record_json(api.ops.records.get(cid, kind, rid)))


def index(api: Api, request: Request, token: TokenRow, cid: str, kind: str) -> Response:
    """GET /companies/<cid>/records/<kind>?after=&limit= -> {"items", "next_cursor"}."""
    query = params.query(request, "after", "limit")
    page = api.ops.records.page(cid, kind, after=query.get("after"), limit=params.limit(query))
    return json_response(
        {"items": [record_json(v) for v in page.items], "next_cursor": page.next_cursor}
    )
