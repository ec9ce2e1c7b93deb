"""The request-handler registry: (entity, action) -> how to build its qbXML and apply its answer.

A queued request names an ``entity`` (what it sends or reads: "customer", "job", "invoice",
"account"...) and an ``action`` ("export", "lookup", "import"). Its handler builds the request
element when the request is handed out and reads QuickBooks' answer into records and links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from lxml import etree

from qbxml.context import BuildContext
from qbxml.responses import RequestResult
from request_queue.rows import CompanyRow, RequestRow
from request_queue.store import Tx

if TYPE_CHECKING:
    from qbwc_server.sync.refs import Refs
    from qbwc_server.sync.writes import LinkWrite, Writes

OutcomeState = Literal["done", "failed", "retry", "continue"]


@dataclass(frozen=True)
class Outcome:
    """What an answer means for its request: finished, failed, try again, or send once more.

    ``continue`` puts the request back in the queue at once with ``params`` merged in (the next
    iterator page, or the next step of a recovery); ``reset_attempts`` is for iterator pages.
    ``depends_on`` makes a retried request wait for other requests first.
    """

    state: OutcomeState
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    delay_seconds: float = 0.0
    reset_attempts: bool = False
    event: str | None = None
    depends_on: tuple[int, ...] = ()


@dataclass(frozen=True)
class Built:
    """A request element, and params to store on the request as it is sent."""

    element: etree._Element
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    """Nothing needs sending: the request is done with ``message`` (e.g. unchanged)."""

    message: str
    event: str = "unchanged"


BuildResult = etree._Element | Built | Skip


@dataclass
class SyncEnv:
    """What a handler works with during one SOAP call: the transaction, the company and its
    settings, the qbXML build context and a cache of records and links."""

    tx: Tx
    company: CompanyRow
    settings: dict[str, Any]
    ctx: BuildContext
    refs: Refs
    writes: Writes | None = None  # set while an answer is applied: links are stored in bulk

    def link(self, write: LinkWrite) -> None:
        """Link a record to its QuickBooks object (buffered while an answer is applied)."""
        if self.writes is not None:
            self.writes.link(write)
            return
        self.tx.records.link(
            self.company.id,
            write.kind,
            write.app_id,
            qb_id=write.qb_id,
            edit_sequence=write.edit_sequence,
            full_name=write.full_name,
            qb_time_modified=write.qb_time_modified,
            role=write.role,
            content_hash=write.content_hash,
            name_suffix=write.name_suffix,
        )
        self.refs.forget_link(write.kind, write.app_id, write.role)

    def save_record(self, kind: str, record_id: str, origin: str, data: dict[str, Any]) -> None:
        """Create or replace a record (buffered while an answer is applied)."""
        if self.writes is not None:
            self.writes.record(kind, record_id, origin, data)
        else:
            self.tx.records.upsert(self.company.id, kind, record_id, origin=origin, data=data)

    def log(self, event: str, message: str, **fields: Any) -> None:
        """Write a log entry of this company (buffered while an answer is applied)."""
        if self.writes is not None:
            self.writes.log(event, message, **fields)
        else:
            self.tx.log.write(self.company.id, event, message, **fields)

    def owner_of(self, qb_id: str) -> tuple[str, str, str] | None:
        """(kind, app_id, role) of the record already linked to the QuickBooks ``qb_id``."""
        if self.writes is not None:
            return self.writes.owner_of(qb_id)
        stored = self.tx.records.link_of_qb_object(self.company.id, qb_id)
        return None if stored is None else (stored.kind, stored.app_id, stored.role)


class RequestHandler(Protocol):
    """How one (entity, action) of queued request is sent and its answer applied."""

    @property
    def entity(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def writes(self) -> bool:
        """True when the request changes QuickBooks (newMessageSetID, checked recovery)."""
        ...

    def build(self, req: RequestRow, env: SyncEnv) -> BuildResult:
        """The request element (without requestID), from the latest record and link."""
        ...

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        """Record an answer; return what becomes of the request."""
        ...


class HandlerRegistry:
    """Every request handler the service knows, looked up by (entity, action)."""

    def __init__(self, handlers: Iterable[RequestHandler]) -> None:
        self._handlers = {(h.entity, h.action): h for h in handlers}

    def get(self, entity: str, action: str) -> RequestHandler | None:
        return self._handlers.get((entity, action))

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._handlers

    def names(self) -> list[tuple[str, str]]:
        return sorted(self._handlers)
