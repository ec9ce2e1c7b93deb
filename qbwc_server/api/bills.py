"""QuickBooks bills for a project: the candidates a bill import found, and importing the ones
staff picked (DESIGN.md sections 2 and 4).

``POST /companies/<cid>/imports {"kind": "bills", "project_id"}`` queues the request that
lists them (QuickBooks bills modified in the last 14 days whose lines charge the project's
Customer:Job). ``GET /companies/<cid>/bill-candidates?project_id=`` shows what the last one
found; ``POST /companies/<cid>/bill-imports {"project_id", "txn_ids": [...]}`` imports the
picked ones as the project's bills, linked to those QuickBooks bills (nothing is sent back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.body import read_object, string_fields
from qbwc_server.api.companies import iso
from qbwc_server.api.errors import json_response
from qbwc_server.models.fields import json_type
from qbwc_server.models.validation import FieldError, RecordInvalid
from request_queue.rows import RecordRow
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api

MAX_TXN_IDS = 500


def candidate_json(row: RecordRow) -> dict[str, Any]:
    """A candidate: its record id (``qb-<TxnID>``) and what it says of the QuickBooks bill
    (txn_id, vendor_name, date, ref_number, amount charged to the job, lines...)."""
    return {"id": row.record_id, **row.data}


def bill_json(row: RecordRow) -> dict[str, Any]:
    """An imported bill as a record."""
    return {
        "kind": row.kind,
        "id": row.record_id,
        "origin": row.origin,
        "data": row.data,
        "updated_at": iso(row.updated_at),
    }


def candidates(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/bill-candidates?project_id= -> {"project_id", "items"}."""
    query = params.query(request, "project_id")
    project_id = query.get("project_id")
    if not project_id:
        message = "project_id: is required (the project whose bill candidates to list)"
        raise RecordInvalid([FieldError("project_id", message, "missing")], what="query")
    found = api.ops.syncs.bill_candidates(cid, project_id)
    return json_response({"project_id": project_id, "items": [candidate_json(r) for r in found]})


def _txn_id_errors(value: object) -> list[FieldError]:
    """What is wrong with ``txn_ids`` as a whole (each TxnID is checked by the operation)."""
    if value is None:
        return [FieldError("txn_ids", "txn_ids: is required (the bills' TxnIDs)", "missing")]
    if not isinstance(value, list):
        message = f"txn_ids: must be a list of TxnIDs, not {json_type(value)}"
        return [FieldError("txn_ids", message, "wrong_type")]
    if len(value) > MAX_TXN_IDS:
        return [FieldError("txn_ids", f"txn_ids: at most {MAX_TXN_IDS} at a time", "invalid")]
    return []


def imports(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """POST /companies/<cid>/bill-imports {"project_id", "txn_ids"} -> {"imported"}: the
    project's bills made from those candidates."""
    body = read_object(request)
    errors = _txn_id_errors(body.get("txn_ids"))
    try:
        fields = string_fields({k: v for k, v in body.items() if k != "txn_ids"}, ("project_id",))
    except RecordInvalid as exc:
        errors = exc.errors + errors
    if errors:
        raise RecordInvalid(errors, what="request body")
    imported = api.ops.syncs.import_bills(cid, fields["project_id"], body["txn_ids"])
    return json_response({"imported": [bill_json(r) for r in imported]})
