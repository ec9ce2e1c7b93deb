"""Plain, frozen views of stored rows: what the store hands to the rest of the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CompanyRow:
    id: int
    name: str
    qbwc_username: str
    password_hash: str
    enabled: bool
    settings: dict[str, Any]
    owner_id: str
    file_id: str
    company_file: str | None
    host_info: dict[str, Any] | None
    qbxml_version: str | None
    last_session_at: datetime | None
    last_session_result: str | None
    created_at: datetime
    failed_sessions: int = 0  # sessions that ended failed in a row
    backoff_until: datetime | None = None  # sign-ins are postponed until then


@dataclass(frozen=True)
class SessionRow:
    id: int
    company_id: int | None
    state: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    company_file: str | None
    qbxml_version: str | None
    client_version: str | None
    last_error: str
    pending_noop: bool
    noops: int
    connection_errors: int
    sets_sent: int
    done_count: int
    failed_count: int
    summary: str | None


@dataclass(frozen=True)
class RequestRow:
    id: int
    company_id: int
    entity: str
    action: str
    record_kind: str | None
    record_id: str | None
    params: dict[str, Any]
    state: str
    attempts: int
    not_before: datetime
    solo: bool
    session_id: int | None
    qb_request_id: str | None
    message_set_id: str | None
    status_code: int | None
    error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LinkRow:
    company_id: int
    kind: str
    app_id: str
    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    qb_time_modified: datetime | None
    last_synced_at: datetime
    role: str
    content_hash: str | None
    name_suffix: str


@dataclass(frozen=True)
class RecordRow:
    company_id: int
    kind: str
    record_id: str
    origin: str
    data: dict[str, Any]
    updated_at: datetime
    project_id: str | None


@dataclass(frozen=True)
class LogRow:
    id: int
    company_id: int | None
    at: datetime
    level: str
    event: str
    message: str
    record_kind: str | None
    record_id: str | None
    request_id: int | None
    session_id: int | None
    details: dict[str, Any] | None


@dataclass(frozen=True)
class QueueCounts:
    """How many of a company's requests are in each state, and how many are ready now."""

    by_state: dict[str, int]
    ready: int
    due_soon: int


def to_row(cls: type[Any], obj: Any) -> Any:
    """Copy the matching attributes of an ORM object into the frozen row class ``cls``."""
    names = cls.__dataclass_fields__
    return cls(**{name: getattr(obj, name) for name in names})
