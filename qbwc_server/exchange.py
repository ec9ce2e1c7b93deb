"""Handing work to the Web Connector and recording QuickBooks' answers.

sendRequestXML: check the session, read strHCPResponse on the first call, claim ready requests,
build their qbXML from the latest records and links, and hand out one message set.
receiveResponseXML: match each answer to its request by requestID, record the result, and
report how much of the session's work is done.
"""

from __future__ import annotations

import logging
import ntpath
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from lxml import etree

from qbwc_server.config import Settings
from qbwc_server.errors import SyncError
from qbwc_server.messages import SESSION_WORDS, with_advice
from qbwc_server.metrics import record_finished
from qbwc_server.models import default_settings
from qbwc_server.sync import feed
from qbwc_server.sync.handlers import Built, HandlerRegistry, Outcome, Skip, SyncEnv
from qbwc_server.sync.recovery import unanswered_params
from qbwc_server.sync.refs import Refs
from qbwc_server.sync.writes import Writes
from qbxml.context import BuildContext
from qbxml.envelope import message_set
from qbxml.errors import BuildError, QbxmlError, VersionError
from qbxml.hcp import parse_hcp
from qbxml.responses import RequestResult, parse_response
from qbxml.versions import choose_version
from request_queue.rows import CompanyRow, RequestRow, SessionRow
from request_queue.store import Store, Tx

log = logging.getLogger("qbwc_server.exchange")
PARSE_ERROR_HRESULT = "0x80040400"
MESSAGE_SET_ID_LENGTH = 24  # QuickBooks refuses longer newMessageSetIDs (status 9004)


class Exchange:
    """The send/receive half of a session."""

    def __init__(self, store: Store, settings: Settings, handlers: HandlerRegistry) -> None:
        self.store = store
        self.settings = settings
        self.handlers = handlers

    # -- sendRequestXML ---------------------------------------------------------------------
    def send(
        self, hashed: str, hcp: str, company_file: str, country: str, major: int, minor: int
    ) -> str:
        with self.store.transaction() as tx:
            session = _live_session(tx, hashed)
            if session is None or session.company_id is None:
                return ""
            tx.sessions.touch(session.id, self.settings.session_idle_seconds)
            company = tx.companies.get(session.company_id)
            version = session.qbxml_version
            if version is None:
                version = self._first_call(tx, session, company, hcp, company_file, major, minor)
                if version is None:
                    return ""
            if not company.enabled:
                return ""
            return self._hand_out(tx, session, company, version)

    def _first_call(
        self,
        tx: Tx,
        session: SessionRow,
        company: CompanyRow,
        hcp: str,
        company_file: str,
        major: int,
        minor: int,
    ) -> str | None:
        host: dict[str, Any] | None = None
        supported: list[str] = []
        if hcp.strip():
            try:
                parsed = parse_hcp(hcp)
                host = _jsonable(asdict(parsed))
                supported = list(parsed.supported_versions)
            except QbxmlError as exc:
                tx.log.write(
                    company.id,
                    "hcp_unreadable",
                    f"Could not read QuickBooks' host information: {exc}",
                    level="warning",
                    session_id=session.id,
                )
        if not supported and major:
            supported = [f"{major}.{minor}"]
        try:
            version = choose_version(supported)
        except VersionError as exc:
            self._fail_session(tx, session, company, exc.message)
            return None
        bound = company.company_file
        if bound and company_file and _same_file(bound, company_file) is False:
            reason = (
                f"The Web Connector has the company file {company_file} open, but "
                f"qbwc-server's company '{company.name}' syncs {bound}. Nothing was "
                "synced. Open the right company file in QuickBooks, or ask an admin "
                "to change which file this company syncs."
            )
            self._fail_session(tx, session, company, reason)
            return None
        changes: dict[str, Any] = {"qbxml_version": version}
        if host is not None:
            changes["host_info"] = host
        if not bound and company_file:
            changes["company_file"] = company_file
            tx.log.write(
                company.id,
                "company_file_bound",
                f"Company bound to QuickBooks file {company_file}",
                session_id=session.id,
            )
        tx.companies.update(company.id, **changes)
        tx.sessions.update(session.id, qbxml_version=version, company_file=company_file or bound)
        return version

    def _fail_session(self, tx: Tx, session: SessionRow, company: CompanyRow, reason: str) -> None:
        tx.sessions.update(session.id, expected_state="open", state="failed", last_error=reason)
        tx.log.write(company.id, "session_refused", reason, level="error", session_id=session.id)

    def _env(self, tx: Tx, company: CompanyRow, version: str) -> SyncEnv:
        settings = {**default_settings(), **company.settings}
        ctx = BuildContext(version=version, uppercase=bool(settings.get("uppercase")))
        return SyncEnv(tx, company, settings, ctx, Refs(tx, company.id))

    def _hand_out(self, tx: Tx, session: SessionRow, company: CompanyRow, version: str) -> str:
        recovering = tx.queue.claim_uncertain(company.id, session.id)
        if recovering:
            return self._recovery_set(tx, session, company, version, recovering)
        limit, max_bytes = (
            self.settings.message_set_max_requests,
            self.settings.message_set_max_bytes,
        )
        while True:
            claimed = tx.queue.claim(company.id, session.id, limit)
            if not claimed:
                return self._nothing_ready(tx, session, company)
            env = self._env(tx, company, version)
            env.refs.preload(
                (r.record_kind, r.record_id) for r in claimed if r.record_kind and r.record_id
            )
            parts: list[tuple[str, etree._Element]] = []
            writes: list[int] = []
            params: dict[int, dict[str, Any]] = {}
            size = 0
            for index, req in enumerate(claimed):
                element = self._build(tx, req, env)
                if element is None:
                    continue
                if isinstance(element, Built):
                    params[req.id] = element.params
                    element = element.element
                size += len(etree.tostring(element))
                if parts and size > max_bytes:
                    tx.queue.unclaim([r.id for r in claimed[index:]])
                    params.pop(req.id, None)
                    break
                self._log_sent(tx, req, env)
                parts.append((req.qb_request_id or str(req.id), element))
                handler = self.handlers.get(req.entity, req.action)
                if handler is not None and handler.writes:
                    writes.append(req.id)
            if not parts:
                continue  # every claimed request was finished without sending; claim more
            tx.queue.merge_params(params, {r.id: r.params for r in claimed})
            message_set_id = None
            if writes:
                message_set_id = uuid.uuid4().hex[:MESSAGE_SET_ID_LENGTH]
                tx.queue.set_message_set(writes, message_set_id)
            tx.sessions.add_counts(session.id, sets=1)
            return message_set(
                parts,
                version=version,
                on_error="continueOnError",
                new_message_set_id=message_set_id,
            )

    def _recovery_set(
        self,
        tx: Tx,
        session: SessionRow,
        company: CompanyRow,
        version: str,
        requests: list[RequestRow],
    ) -> str:
        """Ask QuickBooks what became of a data-changing set whose answer was lost."""
        set_id = requests[0].message_set_id
        tx.sessions.add_counts(session.id, sets=1)
        if set_id is None:  # sent before message-set ids were kept: look the objects up
            for req in requests:
                tx.queue.move(
                    req.id,
                    "sent",
                    "queued",
                    session_id=None,
                    params={**req.params, "phase": "recover"},
                )
            return self._hand_out(tx, session, company, version)
        tx.log.write(
            company.id,
            "recovering",
            f"Asking QuickBooks what became of {len(requests)} request(s) whose answer was lost",
            session_id=session.id,
            details={"message_set_id": set_id},
        )
        return message_set(
            [], version=version, on_error="continueOnError", old_message_set_id=set_id
        )

    def _build(self, tx: Tx, req: RequestRow, env: SyncEnv) -> etree._Element | Built | None:
        """The request's element, or None when it was finished without sending."""
        handler = self.handlers.get(req.entity, req.action)
        env.ctx.notes.clear()
        try:
            if handler is None:
                raise BuildError(f"no way to send a {req.entity} {req.action} request")
            built = handler.build(req, env)
        except SyncError as exc:
            self._finish(
                tx, req, env.company.id, Outcome("failed", f"Not sent: {exc.message}"), None
            )
            return None
        except (BuildError, QbxmlError) as exc:
            self._finish(
                tx, req, env.company.id, Outcome("failed", f"Could not build: {exc}"), None
            )
            return None
        if isinstance(built, Skip):
            self._finish(
                tx, req, env.company.id, Outcome("done", built.message, event=built.event), None
            )
            return None
        for note in env.ctx.notes:
            tx.log.write(
                env.company.id,
                f"field_{note.change}",
                f"{note.path}: {note.original!r} sent as {note.result!r}",
                level="warning",
                record_kind=req.record_kind,
                record_id=req.record_id,
                request_id=req.id,
            )
        return built

    def _log_sent(self, tx: Tx, req: RequestRow, env: SyncEnv) -> None:
        tx.log.write(
            env.company.id,
            "sent",
            f"{req.entity} {req.action} sent (try {req.attempts})",
            record_kind=req.record_kind,
            record_id=req.record_id,
            request_id=req.id,
            session_id=req.session_id,
        )

    def _nothing_ready(self, tx: Tx, session: SessionRow, company: CompanyRow) -> str:
        """ "" ends the session; with work due shortly, ask QBWC to wait (NoOp) instead.
        The claim just found nothing ready now, so "due shortly" is one read of the claim
        index, and none at all once the NoOps are used up."""
        horizon = self.settings.noop_horizon_seconds
        if session.noops < self.settings.max_noops_per_session and tx.queue.ready_within(
            company.id, horizon
        ):
            tx.sessions.update(session.id, pending_noop=True, noops=session.noops + 1)
        return ""

    # -- receiveResponseXML -----------------------------------------------------------------
    def receive(self, hashed: str, response: str, hresult: str, message: str) -> int:
        with self.store.transaction() as tx:
            session = _live_session(tx, hashed)
            if session is None or session.company_id is None:
                return -1
            tx.sessions.touch(session.id, self.settings.session_idle_seconds)
            company_id = session.company_id
            in_flight = tx.queue.in_state(company_id, "sent", session_id=session.id)
            if hresult.strip():
                return self._request_processor_error(tx, session, in_flight, hresult, message)
            try:
                if not response.strip():
                    raise QbxmlError("the response is empty")
                answers = parse_response(response)
            except QbxmlError as exc:
                reason = (
                    f"QuickBooks' answer could not be read ({exc}). The requests it "
                    "answered will be checked before anything is sent again."
                )
                release_in_flight(
                    tx, self.handlers, session, company_id, self.settings.request_max_attempts
                )
                return self._end_with_error(tx, session, reason)
            company = tx.companies.get(company_id)
            env = self._env(tx, company, session.qbxml_version or "13.0")
            by_request_id = {r.qb_request_id: r for r in in_flight}
            answered: list[tuple[RequestRow, RequestResult]] = []
            for result in answers.results:
                req = by_request_id.pop(result.request_id or "", None)
                if req is None:
                    tx.log.write(
                        company_id,
                        "unmatched_response",
                        f"Ignored an answer ({result.name}, requestID "
                        f"{result.request_id!r}) to nothing handed out in this session",
                        level="warning",
                        session_id=session.id,
                    )
                    continue
                answered.append((req, result))
            env.refs.preload(
                (r.record_kind, r.record_id) for r, _ in answered if r.record_kind and r.record_id
            )
            env.writes = Writes(tx, company_id, env.refs)
            settled = [(req, self._outcome(req, result, env), result) for req, result in answered]
            env.writes.flush()
            unanswered: list[tuple[int, str, str, dict[str, Any]]] = []
            for req in by_request_id.values():  # no answer in this set: ask or look again
                handler = self.handlers.get(req.entity, req.action)
                extra = unanswered_params(req, handler is not None and handler.writes)
                unanswered.append(
                    (
                        req.id,
                        "sent",
                        "queued",
                        {"session_id": None, "params": {**req.params, **extra}},
                    )
                )
            self._settle(tx, company_id, settled)
            tx.queue.move_many(unanswered)
            return self._percent(tx, session.id, company_id)

    def _outcome(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        handler = self.handlers.get(req.entity, req.action)
        if handler is None:
            return Outcome("failed", f"no way to read a {req.entity} {req.action} answer")
        try:
            return handler.apply(req, result, env)
        except SyncError as exc:
            return Outcome("failed", exc.message)
        except (QbxmlError, ValueError) as exc:
            return Outcome("failed", f"QuickBooks' answer could not be read: {exc}")

    def _finish(
        self,
        tx: Tx,
        req: RequestRow,
        company_id: int,
        outcome: Outcome,
        result: RequestResult | None,
    ) -> None:
        self._settle(tx, company_id, [(req, outcome, result)])

    def _settle(
        self,
        tx: Tx,
        company_id: int,
        items: Sequence[tuple[RequestRow, Outcome, RequestResult | None]],
    ) -> None:
        """Record what became of answered requests: their states in one executemany per
        kind of change, the log in one INSERT, the session's counts in one UPDATE."""
        now = tx.now()
        moves: list[tuple[int, str, str, dict[str, Any]]] = []
        entries: list[dict[str, Any]] = []
        failed: list[tuple[RequestRow, str]] = []
        counts: dict[int, list[int]] = {}
        for req, outcome, result in items:
            code = None if result is None else result.status_code
            level, state = "info", str(outcome.state)
            exhausted = req.attempts >= self.settings.request_max_attempts
            if state in ("retry", "continue") and exhausted and not outcome.reset_attempts:
                state = "failed"
                outcome = Outcome(
                    "failed", f"{outcome.message}. Gave up after {req.attempts} tries"
                )
            values: dict[str, Any] = {"status_code": code}
            if state == "done":
                values["error"] = None
                counts.setdefault(req.session_id or 0, [0, 0])[0] += 1
            elif state == "continue":
                params = {
                    k: v for k, v in {**req.params, **outcome.params}.items() if v is not None
                }
                values.update(params=params, session_id=None)
                if outcome.reset_attempts:
                    values["attempts"] = 0
                state = "queued"
            elif state == "retry":
                level = "warning"
                for target in outcome.depends_on:
                    tx.queue.add_dependency(req.id, target)
                values.update(
                    error=outcome.message,
                    session_id=None,
                    not_before=now + timedelta(seconds=outcome.delay_seconds),
                )
                state = "queued"
            else:
                level, state = "error", "failed"
                values["error"] = outcome.message
                failed.append((req, outcome.message))
            moves.append((req.id, "sent", state, values))
            record_finished(req.entity, state)
            feed.finished(tx, company_id, req, outcome, result)  # linked / failed events
            entries.append(
                {
                    "company_id": company_id,
                    "event": "failed" if level == "error" else (outcome.event or outcome.state),
                    "message": outcome.message,
                    "level": level,
                    "record_kind": req.record_kind,
                    "record_id": req.record_id,
                    "request_id": req.id,
                    "session_id": req.session_id,
                    "details": None if code is None else {"status_code": code},
                }
            )
        tx.queue.move_many(moves)
        for req, reason in failed:
            dependents = tx.queue.fail_dependents(
                req.id, f"waits for request {req.id}, which failed: {reason}"
            )
            counts.setdefault(req.session_id or 0, [0, 0])[1] += 1 + len(dependents)
            feed.dependents_failed(tx, company_id, req, reason, dependents)
        tx.log.write_many(entries)
        for session_id, (done, failures) in counts.items():
            if session_id:
                tx.sessions.add_counts(session_id, done=done, failed=failures)

    def _request_processor_error(
        self, tx: Tx, session: SessionRow, in_flight: list[RequestRow], hresult: str, message: str
    ) -> int:
        assert session.company_id is not None
        said = f"QuickBooks could not run the request ({hresult}: {message.strip()})"
        words = with_advice(said, hresult)
        if hresult.strip().lower() == PARSE_ERROR_HRESULT and in_flight:
            # QuickBooks refused the whole set before running any of it: nothing was applied.
            if len(in_flight) > 1:
                for req in in_flight:
                    tx.queue.move(req.id, "sent", "queued", solo=True, session_id=None)
                tx.log.write(
                    session.company_id,
                    "set_refused",
                    f"{words}; the requests will "
                    "be sent one by one to find the one QuickBooks refuses",
                    level="warning",
                    session_id=session.id,
                )
            else:
                self._finish(tx, in_flight[0], session.company_id, Outcome("failed", words), None)
            return self._percent(tx, session.id, session.company_id)
        release_in_flight(
            tx, self.handlers, session, session.company_id, self.settings.request_max_attempts
        )
        return self._end_with_error(tx, session, words)

    def _end_with_error(self, tx: Tx, session: SessionRow, reason: str) -> int:
        tx.sessions.update(session.id, expected_state="open", state="failed", last_error=reason)
        tx.log.write(
            session.company_id, "session_error", reason, level="error", session_id=session.id
        )
        return -101

    def _percent(self, tx: Tx, session_id: int, company_id: int) -> int:
        """0-99 while this company has work in flight or ready (or due within the NoOp
        horizon and NoOps are left), 100 when there is none.

        Nothing is counted: the company's requests per state are kept (one row read), and
        whether any queued one is ready is one read of the claim index. The percent is the
        session's processed requests over those plus every queued or unanswered one.
        """
        session = tx.sessions.by_id(session_id)
        kept = tx.queue.kept_counts(company_id)
        in_flight = kept["sent"] + kept["uncertain"]
        if not in_flight:
            noops_left = session.noops < self.settings.max_noops_per_session
            horizon = self.settings.noop_horizon_seconds if noops_left else 0
            if not kept["queued"] or not tx.queue.ready_within(company_id, horizon):
                return 100
        processed = session.done_count + session.failed_count
        remaining = kept["queued"] + in_flight
        return min(99, (100 * processed) // (processed + remaining))

    def requeue_uncertain_reads(self, tx: Tx, company_id: int) -> None:
        """A lost answer to a read-only request is harmless: ask again."""
        for req in tx.queue.in_state(company_id, "uncertain"):
            handler = self.handlers.get(req.entity, req.action)
            if handler is not None and not handler.writes:
                if give_up(tx, req, "uncertain", self.settings.request_max_attempts):
                    continue
                tx.queue.move(req.id, "uncertain", "queued", session_id=None)
                tx.log.write(
                    company_id,
                    "requeued",
                    "The answer was lost; a read-only request is simply sent again",
                    request_id=req.id,
                    record_kind=req.record_kind,
                    record_id=req.record_id,
                )


def give_up(tx: Tx, req: RequestRow, expected: str, max_attempts: int | None) -> bool:
    """Fail ``req`` (and what waits on it) when its tries are used up; True if it was."""
    if max_attempts is None or req.attempts < max_attempts:
        return False
    reason = f"No answer came after {req.attempts} tries; gave up"
    tx.queue.move(req.id, expected, "failed", error=reason)
    tx.queue.fail_dependents(req.id, f"waits for request {req.id}, which failed: {reason}")
    tx.log.write(
        req.company_id,
        "failed",
        reason,
        level="error",
        request_id=req.id,
        record_kind=req.record_kind,
        record_id=req.record_id,
    )
    return True


def release_in_flight(
    tx: Tx,
    handlers: HandlerRegistry,
    session: SessionRow,
    company_id: int,
    max_attempts: int | None = None,
) -> int:
    """Requests sent in ``session`` whose answer never came: reads go back to the queue
    (failed once ``max_attempts`` tries are used up), writes become uncertain (they are
    checked in QuickBooks before anything is re-sent)."""
    released = 0
    for req in tx.queue.in_state(company_id, "sent", session_id=session.id):
        handler = handlers.get(req.entity, req.action)
        if handler is not None and not handler.writes:
            if not give_up(tx, req, "sent", max_attempts):
                tx.queue.move(req.id, "sent", "queued", session_id=None)
        else:
            tx.queue.move(req.id, "sent", "uncertain")
            tx.log.write(
                company_id,
                "uncertain",
                "Sent, but the answer never came; it will be "
                "checked in QuickBooks before anything is sent again",
                level="warning",
                request_id=req.id,
                record_kind=req.record_kind,
                record_id=req.record_id,
            )
        released += 1
    return released


def _live_session(tx: Tx, hashed: str) -> SessionRow | None:
    session = tx.sessions.by_ticket_hash(hashed)
    if session is None or session.state != "open":
        return None
    if session.expires_at <= tx.now():
        tx.sessions.update(
            session.id,
            expected_state="open",
            state="expired",
            last_error=SESSION_WORDS["expired"],
        )
        # Its work in flight is released, whatever comes late: every request becomes
        # uncertain; the next sign-in sends reads again and checks writes in QuickBooks.
        stuck = tx.queue.in_state(session.company_id or 0, "sent", session_id=session.id)
        for req in stuck:
            tx.queue.move(req.id, "sent", "uncertain")
        if stuck:
            tx.log.write(
                session.company_id,
                "session_expired",
                f"Session {session.id} expired with {len(stuck)} request(s) in flight; "
                "they will be checked before anything is sent again",
                level="warning",
                session_id=session.id,
            )
        return None
    return session


def _same_file(a: str, b: str) -> bool:
    """Windows paths compare case-insensitively, with either slash."""
    return ntpath.normcase(ntpath.normpath(a)) == ntpath.normcase(ntpath.normpath(b))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
