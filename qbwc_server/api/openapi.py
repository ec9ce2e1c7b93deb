"""The OpenAPI 3.1 document of the API, built from its route table and its pydantic models.

Paths and methods come from ``ROUTES`` (``qbwc_server.api``); bodies and answers are the
JSON Schemas of the models that validate them (``qbwc_server.models``, ``api/schemas.py``),
so the document and the validation cannot drift. ``OPERATIONS`` adds what a route table does
not say: a summary, the body and answer models, the query parameters and the error statuses.
A route without an entry there is left out of the document (and fails the route test).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema
from werkzeug.wrappers import Request, Response

from qbwc_server import __version__
from qbwc_server.api import (
    bills,
    companies,
    events,
    links,
    log,
    params,
    qwc,
    records,
    requests,
    syncs,
)
from qbwc_server.api import schemas as s
from qbwc_server.models import APP_KINDS, IMPORTED_ONLY_KINDS, RECORD_MODELS
from qbwc_server.models.settings import CompanyCreate, CompanyPatch
from request_queue.queue import STATES

if TYPE_CHECKING:
    from qbwc_server.api import Api

Handler = Callable[..., Response]
REF = "#/components/schemas/{model}"
ALL_KINDS = (*APP_KINDS, *IMPORTED_ONLY_KINDS)


@dataclass(frozen=True)
class Operation:
    """What the document says about one route beyond its path and method."""

    summary: str
    tag: str
    answer: type[BaseModel] | None  # None: ``media`` is not JSON
    status: int = 200
    also: tuple[int, ...] = ()  # other success statuses, with the same answer
    body: type[BaseModel] | None = None
    query: tuple[str, ...] = ()
    errors: tuple[int, ...] = (404,)
    admin: bool = False
    media: str = "application/json"
    required: tuple[str, ...] = ()  # query parameters that must be given
    schemas: tuple[tuple[str, dict[str, Any]], ...] = ()  # this route's own query schemas


def check_query(handler: Handler, request: Request) -> None:
    """Refuse (400) a query parameter the document does not name for this route."""
    op = OPERATIONS.get(handler)
    if op is not None:
        params.query(request, *op.query)


def document(api: Api, request: Request, token: object) -> Response:
    """GET /api/v1/openapi.json: this document (no token needed)."""
    body = openapi_json(tuple((path, method, handler) for path, method, handler in api.routes))
    return Response(body, mimetype="application/json")


@cache
def openapi_json(routes: tuple[tuple[str, str, Handler], ...]) -> str:
    """The document for ``routes`` as JSON text (built once per route table)."""
    return json.dumps(build(routes), indent=1)


# -- parameters ---------------------------------------------------------------------------

_PATH = {
    "cid": (
        {"type": "string", "minLength": 1},
        "The company: its id or its Web Connector user name.",
    ),
    "kind": ({"type": "string", "enum": list(ALL_KINDS)}, "The record kind."),
    "rid": ({"type": "string", "minLength": 1}, "The record's id (the app's own string)."),
}
_INT_PATH = {
    "rid": (
        {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1},
        "The request's id.",
    ),
}
_CURSOR_ID = {"type": "string", "pattern": "^0*[1-9][0-9]*$", "maxLength": 18}
_QUERY: dict[str, tuple[dict[str, Any], str]] = {
    "limit": (
        {
            "type": "integer",
            "minimum": 1,
            "maximum": params.MAX_LIMIT,
            "default": params.DEFAULT_LIMIT,
        },
        "How many items per page.",
    ),
    "before": (_CURSOR_ID, "The next_cursor of the previous page (newest-first lists)."),
    "after": ({"type": "string"}, "The next_cursor of the previous page."),
    "status": ({"type": "string", "enum": list(STATES)}, "Only requests in this state."),
    "kind": ({"type": "string", "enum": list(ALL_KINDS)}, "Only this record kind."),
    "id": ({"type": "string"}, "Only this record id (with kind)."),
    "project_id": ({"type": "string", "minLength": 1}, "The project."),
}
_CONVERTED = re.compile(r"<(?:(\w+):)?(\w+)>")


def _template(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """A werkzeug rule as an OpenAPI path template, and its path parameters."""
    parameters = []
    for converter, name in _CONVERTED.findall(rule):
        schema, text = (_INT_PATH if converter == "int" else _PATH)[name]
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": schema, "description": text}
        )
    return _CONVERTED.sub(lambda m: "{" + m.group(2) + "}", rule), parameters


def _query(name: str, op: Operation) -> dict[str, Any]:
    schema, text = _QUERY[name]
    schema = dict(op.schemas).get(name, schema)
    return {
        "name": name,
        "in": "query",
        "required": name in op.required,
        "schema": schema,
        "description": text,
    }


# -- operations ---------------------------------------------------------------------------

_BODY_ERRORS = (400, 404, 413, 415)
OPERATIONS: dict[Handler, Operation] = {
    companies.create: Operation(
        "Create a company (admin); without a password, one is generated and answered once",
        "companies",
        s.CreatedCompany,
        status=201,
        body=CompanyCreate,
        errors=(400, 409, 413, 415),
        admin=True,
    ),
    companies.index: Operation("List the companies", "companies", s.CompanyList, errors=()),
    companies.show: Operation("One company", "companies", s.Company),
    companies.patch: Operation(
        "Change settings, name, password or pause (admin)",
        "companies",
        s.Company,
        body=CompanyPatch,
        errors=_BODY_ERRORS,
        admin=True,
    ),
    records.index: Operation(
        "Records of one kind, by id", "records", s.RecordPage, query=("after", "limit")
    ),
    records.get: Operation("One record with its links", "records", s.Record),
    records.put: Operation(
        "Create or replace an app record",
        "records",
        s.Record,
        also=(201,),
        errors=_BODY_ERRORS,
    ),
    syncs.sync_job: Operation(
        "Queue a Sync Job for a project",
        "syncs",
        s.Plan,
        status=202,
        body=s.SyncJobBody,
        errors=(*_BODY_ERRORS, 409),
    ),
    syncs.sync_record: Operation(
        "Queue one record and what it depends on",
        "syncs",
        s.Plan,
        status=202,
        body=s.SyncBody,
        errors=(*_BODY_ERRORS, 409),
    ),
    syncs.queue_import: Operation(
        "Queue an import from QuickBooks",
        "syncs",
        s.Queued,
        status=202,
        body=s.ImportBody,
        errors=(*_BODY_ERRORS, 409),
    ),
    bills.candidates: Operation(
        "The bill candidates the project's last bill import found",
        "syncs",
        s.BillCandidates,
        query=("project_id",),
        required=("project_id",),
        schemas=(("project_id", s.RECORD_ID_SCHEMA),),
        errors=(400, 404),
    ),
    bills.imports: Operation(
        "Import picked bill candidates as the project's bills",
        "syncs",
        s.BillsImported,
        body=s.BillImportBody,
        errors=(*_BODY_ERRORS, 409),
    ),
    events.index: Operation(
        "What happened to records, in order from a cursor",
        "queue",
        s.EventPage,
        query=("after", "limit"),
        schemas=(("after", {"type": "string", "pattern": "^[0-9]{1,18}$"}),),
        errors=(400, 404),
    ),
    requests.index: Operation(
        "The queue, newest first",
        "queue",
        s.RequestPage,
        query=("status", "before", "limit"),
        errors=(400, 404),
    ),
    requests.retry: Operation(
        "Queue a failed or cancelled request again", "queue", s.QueuedRequest, errors=(404, 409)
    ),
    requests.cancel: Operation(
        "Cancel a queued request", "queue", s.QueuedRequest, errors=(404, 409)
    ),
    links.index: Operation(
        "Link records by kind, id and role",
        "queue",
        s.LinkPage,
        query=("kind", "after", "limit"),
        errors=(400, 404),
    ),
    log.index: Operation(
        "What happened, newest first",
        "queue",
        s.LogPage,
        query=("kind", "id", "before", "limit"),
        errors=(400, 404),
    ),
    qwc.download: Operation(
        "The .qwc file for the Web Connector (admin)",
        "companies",
        None,
        errors=(404, 409),
        admin=True,
        media="application/xml",
    ),
}

_DESCRIPTIONS = {
    400: "The input is invalid; details.fields names each bad field.",
    401: "No token, or not a valid one.",
    403: "The token may not do this (a staff token, or one scoped to another company).",
    404: "No such company, record or request (or no such endpoint).",
    409: "Refused by the rules, or in conflict with what is stored.",
    413: "The body is too large.",
    415: "The body is not UTF-8 JSON.",
}


def _error(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _json(model: type[BaseModel], names: dict[tuple[type[BaseModel], str], Any], mode: str) -> Any:
    return {"application/json": {"schema": names[(model, mode)]}}


def _operation(
    op: Operation, path_params: list[dict[str, Any]], names: dict[Any, Any]
) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": op.summary}
    if op.answer is not None:
        ok["content"] = _json(op.answer, names, "serialization")
    else:
        ok["content"] = {op.media: {"schema": {"type": "string"}}}
    responses = {str(status): ok for status in (op.status, *op.also)}
    for status in sorted({400, 401, 403, *op.errors}):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    result: dict[str, Any] = {
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": path_params + [_query(name, op) for name in op.query],
        "responses": responses,
    }
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": _json(op.body, names, "validation")}
    return result


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema, without a ``default: null`` on a field that may not be null
    (a partial update's "not sent")."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> Any:
        value = super().default_schema(schema)
        if value.get("default", 0) is None and not _nullable(value):
            value.pop("default")
        return value


def _nullable(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "null" for o in options)


def _models() -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """Every model the document names: answers as serialized, bodies as validated."""
    answers: list[type[BaseModel]] = [s.Error]
    answers += [op.answer for op in OPERATIONS.values() if op.answer is not None]
    bodies = [op.body for op in OPERATIONS.values() if op.body is not None]
    bodies += list(RECORD_MODELS.values())
    serialized: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "serialization") for m in dict.fromkeys(answers)
    ]
    return serialized + [(m, "validation") for m in dict.fromkeys(bodies)]


def _record_path(
    kind: str, method: str, op: Operation, params: list[dict[str, Any]], names: dict[Any, Any]
) -> dict[str, Any]:
    """GET or PUT of one record kind: each app kind's body is its own model; a kind that is
    imported from QuickBooks only cannot be written (always 400)."""
    one = _operation(op, [p for p in params if p["name"] != "kind"], names)
    one["operationId"] = f"{method}_{kind}_record"
    if method == "get":
        one["summary"] = f"One {kind} record with its links"
        return one
    model = RECORD_MODELS.get(kind)
    if model is None:
        one["summary"] = f"{kind} records are imported from QuickBooks only: always 400"
        for status in (op.status, *op.also):
            one["responses"].pop(str(status))
        one["requestBody"] = {"required": True, "content": _json_any()}
        return one
    one["summary"] = f"Create or replace a {kind} record"
    one["requestBody"] = {"required": True, "content": _json(model, names, "validation")}
    for p in one["parameters"]:
        if p["name"] == "rid":
            p["schema"] = s.RECORD_ID_SCHEMA
    return one


def _json_any() -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object"}}}


def build(routes: Sequence[tuple[str, str, Handler]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (those with an ``OPERATIONS`` entry)."""
    names, defs = models_json_schema(_models(), ref_template=REF, schema_generator=_Schemas)
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, handler in routes:
        op = OPERATIONS.get(handler)
        template, params = _template(rule)
        if handler is document:
            paths[template] = {"get": _openapi_operation()}
        elif handler in (records.get, records.put) and op is not None:
            # one path per kind: the body of a PUT depends on the kind
            for kind in ALL_KINDS:
                one = _record_path(kind, method.lower(), op, params, names)
                paths.setdefault(template.replace("{kind}", kind), {})[method.lower()] = one
        elif op is not None:
            one = _operation(op, params, names)
            one["operationId"] = f"{handler.__module__.rsplit('.', 1)[-1]}_{handler.__name__}"
            paths.setdefault(template, {})[method.lower()] = one
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qbwc-server API",
            "version": __version__,
            "description": "Companies, app records, syncs, imports, the queue, links and "
            "the log of qbwc-server. Send 'Authorization: Bearer <token>'; errors are "
            '{"error": {"code", "message", "details"}}.',
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "responses": {f"E{status}": _error(status) for status in _DESCRIPTIONS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def _openapi_operation() -> dict[str, Any]:
    return {
        "summary": "This document",
        "tags": ["meta"],
        "operationId": "openapi_document",
        "security": [],
        "responses": {
            "200": {
                "description": "The OpenAPI 3.1 document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }
