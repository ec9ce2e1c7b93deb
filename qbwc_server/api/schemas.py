"""The shapes of the API's answers and of its small request bodies, as pydantic models.

The OpenAPI document (``openapi.py``) is generated from these and from the models that
validate records, settings and company bodies (``qbwc_server.models``). Answer models forbid
unknown keys, so an answer that grows a field the document does not name fails the
schemathesis test instead of drifting silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qbwc_server.models import APP_KINDS, CompanySettings
from qbwc_server.models.fields import NOT_BLANK_PATTERN, SINGLE_LINE_PATTERN, STRICT, NotNull
from qbwc_server.sync.registry import IMPORT_KINDS
from request_queue.queue import STATES

#: The id of an app record: 1..200 printable characters (``str.isprintable``: no control,
#: format, private-use or unassigned characters, and no separator but the space). JSON Schema
#: has no pattern short enough for that, so the document names the rule as the string
#: format ``printable`` and the pattern says the part it can (no control characters).
RECORD_ID_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": SINGLE_LINE_PATTERN,
    "format": "printable",
}


def _import_kinds(schema: dict[str, Any]) -> None:
    """The import kinds this server has, read when the document is built."""
    schema["enum"] = sorted(IMPORT_KINDS)


#: ``project_id`` goes only with the bills import (which then lists its bill candidates).
_IMPORT_SHAPES: dict[str, Any] = {
    "oneOf": [
        {"not": {"required": ["project_id"]}},
        {
            "required": ["kind", "project_id"],
            "properties": {"kind": {"const": "bills"}, "project_id": RECORD_ID_SCHEMA},
        },
    ]
}


class Answer(BaseModel):
    """Base of the answer models: every key is named."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Answer):
    """What went wrong: a machine ``code``, a sentence, and details (``fields`` for a 400
    ``invalid``: each bad field's dotted path, message and code)."""

    code: str
    message: str
    details: dict[str, Any]


class Error(Answer):
    """Every error answer: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


class Company(Answer):
    """A company (never its password)."""

    id: int
    name: str
    qbwc_username: str
    enabled: bool
    settings: CompanySettings
    company_file: str | None
    qbxml_version: str | None
    quickbooks: str | None = Field(description="the QuickBooks product of the last session")
    last_session_at: datetime | None
    last_session_result: str | None


class CreatedCompany(Company):
    """A company just created; ``qbwc_password`` only when the server generated it."""

    qbwc_password: str | None = Field(
        None, description="the generated Web Connector password: shown this once only"
    )


class CompanyList(Answer):
    """Every company."""

    items: list[Company]


class Link(Answer):
    """A link between a record and a QuickBooks object (ListID or TxnID + EditSequence)."""

    role: str = Field(description='"" for the record itself; "sales_rep" for a user\'s SalesRep')
    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    qb_time_modified: datetime | None
    last_synced_at: datetime | None
    content_hash: str | None


class Record(Answer):
    """An app record or one imported from QuickBooks, with its links."""

    kind: str
    id: str
    origin: Literal["app", "quickbooks"]
    data: dict[str, Any]
    updated_at: datetime | None
    links: list[Link]


class RecordPage(Answer):
    """A page of records; ``next_cursor`` is the ``after`` of the next page (null: the end)."""

    items: list[Record]
    next_cursor: str | None


class QueuedRequest(Answer):
    """A request in the queue: an intent (entity + action) for one record or a list."""

    id: int
    entity: str
    action: str
    record_kind: str | None
    record_id: str | None
    state: str = Field(json_schema_extra={"enum": list(STATES)})
    attempts: int
    error: str | None
    status_code: int | None = Field(description="QuickBooks' statusCode of the last answer")
    created_at: datetime | None
    updated_at: datetime | None


class RequestPage(Answer):
    """A page of the queue, newest first; ``next_cursor`` is the ``before`` of the next."""

    items: list[QueuedRequest]
    next_cursor: str | None


class LinkItem(Link):
    """A link with the record it belongs to."""

    kind: str
    id: str


class LinkPage(Answer):
    """A page of links by (kind, id, role); ``next_cursor`` is the ``after`` of the next."""

    items: list[LinkItem]
    next_cursor: str | None


class LogEntry(Answer):
    """One line of the log."""

    id: int
    at: datetime
    level: str
    event: str
    message: str
    record_kind: str | None
    record_id: str | None
    request_id: int | None
    session_id: int | None
    details: dict[str, Any] | None


class LogPage(Answer):
    """A page of the log, newest first; ``next_cursor`` is the ``before`` of the next."""

    items: list[LogEntry]
    next_cursor: str | None


class Skipped(Answer):
    """A record a sync left out, and why."""

    kind: str
    id: str
    reason: str


class RecordKey(Answer):
    """A record named by kind and id."""

    kind: str
    id: str


class Plan(Answer):
    """What a sync queued, reused (ids of requests already queued), found unchanged since
    its last sync, and left out."""

    queued: list[QueuedRequest]
    reused: list[int]
    unchanged: list[RecordKey]
    skipped: list[Skipped]


class Queued(Answer):
    """What an import queued."""

    queued: list[QueuedRequest]


class SyncJobBody(BaseModel):
    """The body of ``POST .../sync-jobs``."""

    model_config = STRICT

    project_id: str


class SyncBody(BaseModel):
    """The body of ``POST .../syncs``: one app record (its dependencies come along)."""

    model_config = STRICT

    kind: str = Field(json_schema_extra={"enum": list(APP_KINDS)})
    id: str = Field(json_schema_extra=RECORD_ID_SCHEMA)


class ImportBody(BaseModel):
    """The body of ``POST .../imports``; ``project_id`` only with kind ``bills``."""

    model_config = ConfigDict(**STRICT, json_schema_extra=_IMPORT_SHAPES)

    kind: str = Field(json_schema_extra=_import_kinds)
    project_id: Annotated[str | None, NotNull] = None


class BillCandidates(Answer):
    """The bill candidates the project's last bill import found: QuickBooks bills of the last
    14 days charged to its job (``id`` is ``qb-<TxnID>``; then txn_id, vendor_name, date,
    ref_number, the amount charged to the job, the lines...)."""

    project_id: str
    items: list[dict[str, Any]]


class BillImportBody(BaseModel):
    """The body of ``POST .../bill-imports``: the picked candidates' TxnIDs."""

    model_config = STRICT

    project_id: str = Field(json_schema_extra=RECORD_ID_SCHEMA)
    txn_ids: list[Annotated[str, Field(pattern=NOT_BLANK_PATTERN)]] = Field(
        min_length=1, max_length=500
    )


class ImportedBill(Answer):
    """A bill made from a candidate, as a record (linked to its QuickBooks bill)."""

    kind: str
    id: str
    origin: str
    data: dict[str, Any]
    updated_at: datetime | None


class BillsImported(Answer):
    """The project's bills made from the picked candidates."""

    imported: list[ImportedBill]


class Event(Answer):
    """One event of the feed: linked, updated_in_quickbooks, imported, conflict, failed."""

    seq: int
    at: datetime
    event: str
    record_kind: str
    record_id: str
    qb_id: str | None
    edit_sequence: str | None
    details: dict[str, Any]


class EventPage(Answer):
    """Events after the cursor, oldest first; ``next_cursor`` is always the ``after`` to ask
    with next (the last seq, or the one given when nothing is new)."""

    items: list[Event]
    next_cursor: str
