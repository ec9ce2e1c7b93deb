"""SQLAlchemy 2 models: companies, sessions, the request queue, links, records, the log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Integer primary keys that autoincrement on SQLite and are BIGINT on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no offset, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every table of the store."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime}


class Company(Base):
    """A QuickBooks company file that one Web Connector user syncs."""

    __tablename__ = "companies"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    qbwc_username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    owner_id: Mapped[str] = mapped_column(String(40))
    file_id: Mapped[str] = mapped_column(String(40))
    company_file: Mapped[str | None] = mapped_column(Text, default=None)
    host_info: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    qbxml_version: Mapped[str | None] = mapped_column(String(10), default=None)
    last_session_at: Mapped[datetime | None] = mapped_column(default=None)
    last_session_result: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The last event seq taken (request_queue/events.py): the per-company feed counter.
    event_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Sessions that ended failed in a row, and until when sign-ins are postponed because of
    # them (qbwc_server/polls.py: the Web Connector is told to come back later).
    failed_sessions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    backoff_until: Mapped[datetime | None] = mapped_column(default=None)


class LoginThrottle(Base):
    """Failed Web Connector sign-ins per (client address, user name), known or not.

    A lockout holds for one address only: failures from elsewhere never lock out the real
    Web Connector. Rows older than the lockout window are purged.
    """

    __tablename__ = "login_throttle"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_login_throttle_updated", "updated_at"),)


class AdminAccount(Base):
    """A person who signs in to the /admin/ pages (password as a salted PBKDF2 hash)."""

    __tablename__ = "admin_accounts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class AdminSession(Base):
    """A signed-in admin: the cookie's session id is kept only as its SHA-256."""

    __tablename__ = "admin_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("admin_accounts.id"))
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # A one-time notice shown on the next page (after a form's redirect).
    flash: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_admin_sessions_expires", "expires_at"),)


class QbwcSession(Base):
    """One Web Connector session: from authenticate to closeConnection (or its death)."""

    __tablename__ = "qbwc_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), default=None)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # open -> closed | failed | expired ; refused (nvu/none/busy: only closeConnection follows)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    company_file: Mapped[str | None] = mapped_column(Text, default=None)
    qbxml_version: Mapped[str | None] = mapped_column(String(10), default=None)
    client_version: Mapped[str | None] = mapped_column(String(40), default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    pending_noop: Mapped[bool] = mapped_column(Boolean, default=False)
    noops: Mapped[int] = mapped_column(Integer, default=0)
    connection_errors: Mapped[int] = mapped_column(Integer, default=0)
    sets_sent: Mapped[int] = mapped_column(Integer, default=0)
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_sessions_company_state", "company_id", "state"),)


# The partial claim index's condition; queries that use the index repeat it literally.
QUEUED_PREDICATE = "state = 'queued'"


class QueuedRequest(Base):
    """An intent (entity + action) waiting to be, or having been, sent to QuickBooks.

    The qbXML is built when the request is handed out, from the latest record and link.
    """

    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    entity: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    record_kind: Mapped[str | None] = mapped_column(String(40), default=None)
    record_id: Mapped[str | None] = mapped_column(String(200), default=None)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # queued -> sent -> done | failed | uncertain -> resolved ; queued -> cancelled
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    solo: Mapped[bool] = mapped_column(Boolean, default=False)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("qbwc_sessions.id"), default=None)
    qb_request_id: Mapped[str | None] = mapped_column(String(50), default=None)
    message_set_id: Mapped[str | None] = mapped_column(String(64), default=None)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        # The claim: this company's queued requests, due first (partial: no finished
        # history in it). Serves the filter and the ORDER BY not_before, id (request_queue/
        # queue_sql.py says why not ORDER BY id alone).
        Index(
            "ix_requests_queued",
            "company_id",
            "not_before",
            "id",
            sqlite_where=text(QUEUED_PREDICATE),
            postgresql_where=text(QUEUED_PREDICATE),
        ),
        Index("ix_requests_session", "session_id", "state"),
        Index("ix_requests_record", "company_id", "record_kind", "record_id"),
        Index("ix_requests_state", "company_id", "state", "entity", "record_id"),
    )


class QueueCount(Base):
    """A company's requests per state, kept by the queue as states change (request_queue/
    tally.py), so progress is read from one row instead of counting the requests."""

    __tablename__ = "queue_counts"
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id"), primary_key=True, autoincrement=False
    )
    queued: Mapped[int] = mapped_column(BigInteger, default=0)
    sent: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    failed: Mapped[int] = mapped_column(BigInteger, default=0)
    uncertain: Mapped[int] = mapped_column(BigInteger, default=0)
    resolved: Mapped[int] = mapped_column(BigInteger, default=0)
    cancelled: Mapped[int] = mapped_column(BigInteger, default=0)


class RequestDependency(Base):
    """``request_id`` waits until ``depends_on_id`` is done (or resolved)."""

    __tablename__ = "request_dependencies"
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)

    __table_args__ = (Index("ix_dependencies_target", "depends_on_id"),)


class Link(Base):
    """An app record linked to its QuickBooks object (ListID or TxnID + EditSequence)."""

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[str] = mapped_column(String(40))
    app_id: Mapped[str] = mapped_column(String(200))
    qb_id: Mapped[str] = mapped_column(String(60))
    edit_sequence: Mapped[str | None] = mapped_column(String(40), default=None)
    full_name: Mapped[str | None] = mapped_column(Text, default=None)
    qb_time_modified: Mapped[datetime | None] = mapped_column(default=None)
    last_synced_at: Mapped[datetime]
    # "" for a record's own object; "sales_rep" for a user's SalesRep (one user, two objects).
    role: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # SHA-256 of the request last built for it; None when linked by a match (not yet sent).
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # Appended to the record's QuickBooks name when its own name was taken (3100).
    name_suffix: Mapped[str] = mapped_column(String(20), default="", server_default="")

    __table_args__ = (
        UniqueConstraint("company_id", "kind", "app_id", "role", name="uq_links_app"),
        UniqueConstraint("company_id", "kind", "role", "qb_id", name="uq_links_qb"),
        Index("ix_links_qb_id", "company_id", "qb_id"),
    )


class Record(Base):
    """An app record (origin "app") or one imported from QuickBooks (origin "quickbooks")."""

    __tablename__ = "records"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]
    # data["project_id"], kept in a column so a Sync Job finds a project's documents by index.
    project_id: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (
        UniqueConstraint("company_id", "kind", "record_id", name="uq_records"),
        Index("ix_records_project", "company_id", "kind", "project_id"),
    )


class ImportWatermark(Base):
    """Where the last complete import of one kind got to, in QuickBooks' clock: the next
    import of that kind asks only for objects modified from ``modified_since`` on."""

    __tablename__ = "import_watermarks"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    modified_since: Mapped[datetime]
    updated_at: Mapped[datetime]


class LogEntry(Base):
    """What happened: one line per event, per record and request where they apply."""

    __tablename__ = "log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), default=None)
    at: Mapped[datetime]
    level: Mapped[str] = mapped_column(String(8))
    event: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    record_kind: Mapped[str | None] = mapped_column(String(40), default=None)
    record_id: Mapped[str | None] = mapped_column(String(200), default=None)
    request_id: Mapped[int | None] = mapped_column(BigId, default=None)
    session_id: Mapped[int | None] = mapped_column(BigId, default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_log_company_at", "company_id", "id"),
        Index("ix_log_record", "company_id", "record_kind", "record_id"),
    )


class Event(Base):
    """One entry of a company's event feed; ``seq`` is gap-free and commit-ordered per company
    (request_queue/events.py says how)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
    event: Mapped[str] = mapped_column(String(40))
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(200))
    qb_id: Mapped[str | None] = mapped_column(String(60), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    # The unique constraint is also the index of the feed's read (company_id, seq > cursor).
    __table_args__ = (UniqueConstraint("company_id", "seq", name="uq_events_seq"),)


class ApiToken(Base):
    """A bearer token for the HTTP API, stored as a SHA-256 of the token."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # admin | staff
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The one company this token reaches; None: every company.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), default=None)
