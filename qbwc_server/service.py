"""The Web Connector protocol: sign-in, sessions and the session-level replies.

QbwcService implements qbwc_server.protocol.QbwcHandler. Handing out work and recording
QuickBooks' answers is in exchange.py; this module owns tickets and the session's life.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from qbwc_server import __version__, collector, metrics
from qbwc_server.config import Settings
from qbwc_server.exchange import Exchange, release_in_flight
from qbwc_server.messages import SESSION_WORDS, with_advice
from qbwc_server.not_stored import answer_not_stored
from qbwc_server.polls import IdlePolls, idle_answer, refused_words
from qbwc_server.polls import session_end_changes as _session_end_changes
from qbwc_server.secrets import dummy_verify, hash_password, needs_rehash, new_ticket, ticket_hash
from qbwc_server.sync.handlers import HandlerRegistry
from request_queue.errors import Conflict, DatabaseError, DatabaseUnavailable
from request_queue.rows import CompanyRow, SessionRow
from request_queue.store import Store, Tx

log = logging.getLogger("qbwc_server.service")

NVU, NONE, BUSY = "nvu", "none", "busy"
MAX_USER_NAME = 200  # the longest Web Connector user name stored (companies.qbwc_username)
THROTTLE_PURGE_SECONDS = 60  # how often a process deletes sign-in counters past their window
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MSG_NVU = SESSION_WORDS["nvu"]
MSG_LOCKED = SESSION_WORDS["locked"]
MSG_BUSY = SESSION_WORDS["busy"]
MSG_UNKNOWN_TICKET = SESSION_WORDS["unknown_ticket"]


@dataclass(frozen=True)
class _SignIn:
    company: CompanyRow | None
    locked: bool


class QbwcService:
    """Answers every Web Connector call; holds no session state between calls."""

    def __init__(self, store: Store, settings: Settings, handlers: HandlerRegistry) -> None:
        self.store = store
        self.settings = settings
        self.exchange = Exchange(store, settings, handlers)
        self.polls = IdlePolls(store, settings)

    # -- versions ---------------------------------------------------------------------------
    def server_version(self) -> str:
        return f"qbwc-server {__version__}"

    def client_version(self, str_version: str) -> str:
        """ "" to proceed; "O:<min>" when this Web Connector is older than we support."""
        wanted = _version_tuple(self.settings.min_client_version)
        have = _version_tuple(str_version)
        if have and wanted and have < wanted:
            return f"O:{self.settings.min_client_version}"
        return ""

    # -- sign-in ----------------------------------------------------------------------------
    def authenticate(
        self, str_user_name: str, str_password: str, *, client_address: str = ""
    ) -> list[str]:
        """Sign-in. Failures are counted per (client address, user name): a lockout refuses
        that pair only, so failures from elsewhere cannot lock out the real Web Connector.
        The password is checked even for a locked pair, at the cost of the configured hash
        iterations whoever asks (unknown user, weaker stored hash), so timing tells nothing.
        An idle poll is answered from one read (qbwc_server/polls.py) when it can be."""
        ticket = new_ticket()
        address = client_address[:64]
        iterations = self.settings.password_hash_iterations
        if len(str_user_name) > MAX_USER_NAME or _CONTROL.search(str_user_name):
            # No such user can exist (at most 200 characters, no control characters), so the
            # database is not asked (PostgreSQL would refuse a NUL anyway).
            log.warning(
                "Web Connector sign-in refused from %s: a user name of %d characters that "
                "cannot be valid",
                address or "an unknown address",
                len(str_user_name),
            )
            metrics.record_session(NVU)
            return [ticket, NVU]
        idle = self.polls.answer(str_user_name, str_password, address)
        if idle is not None:
            metrics.record_session(NONE if len(idle) == 2 else "postponed")
            return idle
        with self.store.transaction() as tx:
            now = tx.now()
            due = getattr(self, "_throttle_purge_due", None)
            if due is None or now >= due:
                # Bounded, and at most once a minute per process: old counters are dropped.
                self._throttle_purge_due = now + timedelta(seconds=THROTTLE_PURGE_SECONDS)
                tx.throttle.purge(older_than_seconds=self.settings.login_lockout_seconds)
            sign_in = _SignIn(
                tx.companies.by_username(str_user_name),
                tx.throttle.locked(address, str_user_name),
            )
        # The slow hash runs outside any transaction so it never holds the database lock.
        rehashed = None
        if sign_in.company is None:
            dummy_verify(str_password, iterations)
            valid = False
        else:
            stored = sign_in.company.password_hash
            valid, slow = self.polls.check_password(str_password, stored)
            if sign_in.locked and not slow:
                dummy_verify(str_password, iterations)  # a lockout answers in the same time
            if valid and not sign_in.locked and needs_rehash(stored, iterations):
                # Bring the hash to the configured strength, so later checks cost the same.
                rehashed = hash_password(str_password, iterations=iterations)
                self.polls.remember(str_password, rehashed)
        with self.store.transaction() as tx:
            if not valid or sign_in.locked:
                answer = [ticket, self._refuse_login(tx, ticket, str_user_name, address, sign_in)]
            else:
                assert sign_in.company is not None
                tx.throttle.clear(address, str_user_name)
                if rehashed is not None:
                    tx.companies.update(sign_in.company.id, password_hash=rehashed)
                answer = self._open_session(tx, ticket, sign_in.company)
        metrics.record_session(answer[1] if answer[1] in (NVU, NONE, BUSY) else "started")
        return answer

    def _refuse_login(
        self, tx: Tx, ticket: str, username: str, address: str, sign_in: _SignIn
    ) -> str:
        message = MSG_LOCKED if sign_in.locked else MSG_NVU
        locked_now = sign_in.locked
        if not sign_in.locked:
            locked_now = tx.throttle.failure(
                address,
                username,
                max_failures=self.settings.login_max_failures,
                lockout_seconds=self.settings.login_lockout_seconds,
            )
        company_id = sign_in.company.id if sign_in.company else None
        tx.sessions.create(
            company_id=company_id,
            ticket_hash=ticket_hash(ticket),
            state="refused",
            idle_seconds=self.settings.session_idle_seconds,
            last_error=message,
        )
        # The admin's record: who tried, from where (never the password).
        source = address or "an unknown address"
        reason = "locked out after too many failures" if sign_in.locked else "wrong credentials"
        tx.log.write(
            company_id,
            "sign_in_refused",
            f"Web Connector sign-in refused for user name {username!r} from {source}: {reason}"
            + ("; this address is now locked out" if locked_now and not sign_in.locked else ""),
            level="warning",
            details={"address": address, "user_name": username, "locked": locked_now},
        )
        log.warning(
            "Web Connector sign-in refused for user name %r from %s (company %s): %s",
            username,
            source,
            company_id,
            reason,
        )
        return NVU

    def _open_session(self, tx: Tx, ticket: str, company: CompanyRow) -> list[str]:
        self._end_dead_sessions(tx, company.id)
        idle = self.settings.session_idle_seconds
        hashed = ticket_hash(ticket)
        if tx.sessions.open_for_company(company.id):
            tx.sessions.create(
                company_id=company.id,
                ticket_hash=hashed,
                state="refused",
                idle_seconds=idle,
                last_error=MSG_BUSY,
            )
            tx.log.write(company.id, "busy", MSG_BUSY, level="warning")
            return [ticket, BUSY]
        # Paused, backing off or nothing to do: the same answers as the idle fast path gives
        # (qbwc_server/polls.py), their words carried by the ticket, nothing stored.
        enabled, backoff_until = company.enabled, company.backoff_until
        refusal = idle_answer(
            enabled=enabled, backoff_until=backoff_until, has_work=True, now=tx.now()
        )
        if refusal is None:
            self.exchange.requeue_uncertain_reads(tx, company.id)
            has_work = tx.queue.has_work(company.id)
            refusal = idle_answer(
                enabled=enabled, backoff_until=backoff_until, has_work=has_work, now=tx.now()
            )
        if refusal is not None:
            return refusal
        session = tx.sessions.create(
            company_id=company.id, ticket_hash=hashed, state="open", idle_seconds=idle
        )
        tx.companies.update(company.id, last_session_at=tx.now())
        tx.log.write(
            company.id,
            "session_started",
            "Web Connector session started",
            session_id=session.id,
        )
        return [ticket, company.company_file or ""]

    def _end_dead_sessions(self, tx: Tx, company_id: int) -> None:
        """Open sessions silent for longer than busy_seconds died: their work is released."""
        now = tx.now()
        for old in tx.sessions.open_for_company(company_id):
            silent = (now - old.last_seen_at).total_seconds()
            if silent < self.settings.busy_seconds and old.expires_at > now:
                continue
            tx.sessions.update(
                old.id,
                expected_state="open",
                state="expired",
                last_error=SESSION_WORDS["abandoned"],
            )
            released = release_in_flight(
                tx, self.exchange.handlers, old, company_id, self.settings.request_max_attempts
            )
            metrics.record_session("lost")
            tx.log.write(
                company_id,
                "session_lost",
                f"Session {old.id} stopped answering; {released} request(s) in flight "
                "were released",
                level="warning",
                session_id=old.id,
            )

    # -- session replies --------------------------------------------------------------------
    def send_request_xml(
        self,
        ticket: str,
        str_hcp_response: str,
        str_company_file_name: str,
        qbxml_country: str,
        qbxml_major_vers: int,
        qbxml_minor_vers: int,
    ) -> str:
        return self.exchange.send(
            ticket_hash(ticket),
            str_hcp_response,
            str_company_file_name,
            qbxml_country,
            qbxml_major_vers,
            qbxml_minor_vers,
        )

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        hashed = ticket_hash(ticket)
        try:
            with collector.paused():  # a big answer: no full collections while it is applied
                return self.exchange.receive(hashed, response, hresult, message)
        except DatabaseUnavailable:
            raise  # nothing can be recorded; the session is released once it is seen dead
        except (DatabaseError, Conflict) as exc:
            log.warning("an answer could not be stored: %s", exc.message)
            with self.store.transaction() as tx:
                return answer_not_stored(tx, self.exchange, hashed, exc.message)

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        """Retry the bound company file a couple of times, then "done" (Guide p.69)."""
        with self.store.transaction() as tx:
            session = self._open_session_row(tx, ticket)
            if session is None or session.company_id is None:
                return "done"
            company = tx.companies.get(session.company_id)
            tries = session.connection_errors + 1
            said = f"QuickBooks could not open the company file ({hresult}: {message})"
            words = with_advice(said, hresult)
            tx.log.write(
                company.id,
                "connection_error",
                words,
                level="warning",
                session_id=session.id,
                details={"hresult": hresult, "try": tries},
            )
            release_in_flight(
                tx, self.exchange.handlers, session, company.id, self.settings.request_max_attempts
            )
            if tries <= self.settings.connection_error_retries:
                tx.sessions.update(session.id, connection_errors=tries)
                return company.company_file or ""
            reason = (
                f"{words}. Open QuickBooks with the company file"
                f"{' ' + company.company_file if company.company_file else ''} "
                "and run the Web Connector again."
            )
            tx.sessions.update(
                session.id,
                expected_state="open",
                connection_errors=tries,
                state="failed",
                last_error=reason,
            )
            return "done"

    def get_last_error(self, ticket: str) -> str:
        """ "NoOp" when we asked QBWC to wait, else the session's last error in words."""
        words = refused_words(ticket)
        if words is not None:
            return words  # an idle answer's ticket: nothing was stored
        with self.store.transaction() as tx:
            session = tx.sessions.by_ticket_hash(ticket_hash(ticket))
            if session is None:
                return MSG_UNKNOWN_TICKET
            if session.pending_noop and session.state == "open":
                tx.sessions.update(session.id, pending_noop=False)
                return "NoOp"
            return session.last_error

    def close_connection(self, ticket: str) -> str:
        """End the session and answer a one-line summary ("Synced 12, 1 failed"). A failed
        session postpones the company's next sign-ins (qbwc_server/polls.py); a good one
        forgets earlier failures."""
        words = refused_words(ticket)
        if words is not None:
            return words  # an idle answer's ticket: nothing was stored
        with self.store.transaction() as tx:
            session = tx.sessions.by_ticket_hash(ticket_hash(ticket))
            if session is None:
                return MSG_UNKNOWN_TICKET
            if session.state == "refused":
                return session.last_error
            if session.summary is not None:
                return session.summary
            summary = _summary(session)
            new_state = "closed" if session.state == "open" else session.state
            if session.company_id is not None:
                release_in_flight(
                    tx,
                    self.exchange.handlers,
                    session,
                    session.company_id,
                    self.settings.request_max_attempts,
                )
                company = tx.companies.get(session.company_id)
                failed = new_state == "failed"
                changes = _session_end_changes(company, failed=failed, now=tx.now())
                tx.companies.update(session.company_id, last_session_result=summary, **changes)
                tx.log.write(session.company_id, "session_closed", summary, session_id=session.id)
            tx.sessions.update(session.id, state=new_state, summary=summary)
        metrics.record_session(new_state)
        return summary

    # -- interactive mode (not used by qbwc-server; answered as the guide says) --------------
    def get_interactive_url(self, wc_ticket: str, session_id: str) -> str:
        return ""

    def interactive_done(self, wc_ticket: str) -> str:
        return "Done"

    def interactive_rejected(self, wc_ticket: str, reason: str) -> str:
        return "qbwc-server does not use interactive mode; nothing was changed."

    def _open_session_row(self, tx: Tx, ticket: str) -> SessionRow | None:
        session = tx.sessions.by_ticket_hash(ticket_hash(ticket))
        if session is None or session.state != "open":
            return None
        return session


def _summary(session: SessionRow) -> str:
    if session.state in ("failed", "expired") and session.last_error:
        first = session.last_error.split(". ")[0].rstrip(".")
        return f"Synced {session.done_count}, {session.failed_count} failed; stopped: {first}"
    return f"Synced {session.done_count}, {session.failed_count} failed"


def _version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return ()
