"""The queue as people see it: requests with retry and cancel, links, and the log."""

from __future__ import annotations

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, Refused, UsageError
from qbwc_server.operations.companies import MAX_ID, find_company
from qbwc_server.operations.records import check_kind
from request_queue.errors import NotFound as StoreNotFound
from request_queue.errors import StateConflict
from request_queue.queue import STATES
from request_queue.rows import LinkRow, LogRow, RequestRow
from request_queue.store import Store, Tx

RETRYABLE = ("failed", "cancelled")


class QueueOps:
    """Reading and steering a company's queue."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def requests(
        self,
        company: str | int,
        *,
        state: str | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[RequestRow]:
        """Newest first; ``before`` is the cursor (a request id)."""
        if state is not None and state not in STATES:
            raise UsageError(f"unknown request state {state!r}; known: {', '.join(STATES)}")
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            return tx.queue.recent(row.id, state=state, limit=limit, before_id=before)

    def retry(self, company: str | int, request_id: int) -> RequestRow:
        """Queue a failed or cancelled request again, with fresh attempts."""
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            req = self._own(tx, row.id, request_id)
            if req.state not in RETRYABLE:
                raise Refused(
                    f"request {request_id} is {req.state}; only failed or cancelled "
                    "requests can be retried"
                )
            tx.queue.move(
                req.id,
                req.state,
                "queued",
                attempts=0,
                error=None,
                not_before=tx.now(),
                finished_at=None,
                session_id=None,
            )
            tx.log.write(
                row.id,
                "retried",
                "Queued again by hand",
                request_id=req.id,
                record_kind=req.record_kind,
                record_id=req.record_id,
            )
            return tx.queue.get(req.id)

    def cancel(self, company: str | int, request_id: int) -> RequestRow:
        """Cancel a queued request (one already sent cannot be called back)."""
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            req = self._own(tx, row.id, request_id)
            try:
                tx.queue.move(req.id, "queued", "cancelled", error="cancelled by hand")
            except StateConflict:
                raise Refused(
                    f"request {request_id} is {req.state}; only queued requests can be cancelled"
                ) from None
            failed = tx.queue.fail_dependents(req.id, f"waits for request {req.id}, cancelled")
            tx.log.write(
                row.id,
                "cancelled",
                "Cancelled by hand"
                + (f"; {len(failed)} request(s) waiting on it failed" if failed else ""),
                request_id=req.id,
                record_kind=req.record_kind,
                record_id=req.record_id,
            )
            return tx.queue.get(req.id)

    def links(
        self,
        company: str | int,
        *,
        kind: str | None = None,
        after: tuple[str, str, str] | None = None,
        limit: int = 100,
    ) -> list[LinkRow]:
        if kind is not None:
            check_kind(kind)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            return tx.records.links(row.id, kind, limit=limit, after=after)

    def log(
        self,
        company: str | int,
        *,
        kind: str | None = None,
        record_id: str | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[LogRow]:
        """What happened, newest first; ``before`` is the cursor (a log entry id)."""
        if kind is not None:
            check_kind(kind)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            return tx.log.read(
                row.id, record_kind=kind, record_id=record_id, before_id=before, limit=limit
            )

    @staticmethod
    def _own(tx: Tx, company_id: int, request_id: int) -> RequestRow:
        if not 0 < request_id <= MAX_ID:
            raise NotFound(f"no request {request_id}")
        try:
            req = tx.queue.get(request_id)
        except StoreNotFound:
            raise NotFound(f"no request {request_id}") from None
        if req.company_id != company_id:
            raise NotFound(f"no request {request_id} in company {company_id}")
        return req
