"""Idle polls: the sign-in that finds nothing to do, answered from one read, writing nothing.

Most Web Connector calls are a scheduled authenticate answered "none" and the closeConnection
that follows. When the password can be checked without the slow hash (a generated password's
fast hash, or a chosen one remembered as right), no failures are being counted for this
address, no session is open and the company is paused, backing off or has no work, the answer
comes from request_queue.polls.SignInReads' one statement, and its ticket carries the reason
("none.<random>"), so closeConnection and getLastError answer in words without a stored row.
Everything else goes the full way (qbwc_server/service.py).

Postpones use authenticate's third member: "the number of seconds to wait before the next
update ... tell that QBWC client not to bother you for a specified time" (Programmer's Guide
p.21); with NONE it shows "Update postponed by application" and the next run is that many
seconds later (p.63, Example 4). QBWC honours it only with Auto Run on (p.62); without it the
Web Connector simply keeps its schedule. The fourth member (MinimumRunEveryNSeconds, p.21) is
never sent: it raises the Web Connector's own Every_Min setting, and nothing ever lowers it
again (p.62-63, Examples 2, 5 and 6), so a back-off sent through it would outlast the pause.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.messages import SESSION_WORDS
from qbwc_server.secrets import RememberedChecks, verify_fast, verify_password
from request_queue.polls import SignInReads
from request_queue.rows import CompanyRow
from request_queue.store import Store

NONE = "none"
MSG_NONE = SESSION_WORDS["none"]
MSG_PAUSED = SESSION_WORDS["paused"]
MSG_BACKOFF = SESSION_WORDS["later"]
PAUSED_POSTPONE_SECONDS = 300  # a paused company's Web Connector asks again after 5 minutes
BACKOFF_FIRST_SECONDS = 60  # after two failed sessions in a row; doubled for each further one
BACKOFF_MAX_SECONDS = 3600
# The reason a refused ticket carries, and the words closeConnection and getLastError give.
_REFUSALS = {"none": MSG_NONE, "paused": MSG_PAUSED, "later": MSG_BACKOFF}


def refused_ticket(reason: str) -> str:
    """A ticket for an idle answer: its reason, a dot (never in a session ticket), randomness."""
    return f"{reason}.{secrets.token_urlsafe(32)}"


def refused_words(ticket: str) -> str | None:
    """What closeConnection and getLastError say for an idle answer's ticket, else None."""
    reason, dot, _rest = ticket.partition(".")
    return _REFUSALS.get(reason) if dot else None


def backoff_seconds(failures: int) -> int:
    """How long sign-ins wait after ``failures`` failed sessions in a row: none after one (it
    may have been passing: QuickBooks closing, a file being moved), then 60 s, 2 min, 4 min,
    ... at most an hour."""
    if failures < 2:
        return 0
    return min(BACKOFF_FIRST_SECONDS << min(failures - 2, 16), BACKOFF_MAX_SECONDS)


def session_end_changes(company: CompanyRow, *, failed: bool, now: datetime) -> dict[str, Any]:
    """The company columns to set when one of its sessions ends (nothing when nothing changes):
    a failure counts and postpones the next sign-ins; a good session forgets the failures."""
    if failed:
        count = company.failed_sessions + 1
        wait = backoff_seconds(count)
        return {
            "failed_sessions": count,
            "backoff_until": now + timedelta(seconds=wait) if wait else None,
        }
    if company.failed_sessions or company.backoff_until is not None:
        return {"failed_sessions": 0, "backoff_until": None}
    return {}


def idle_answer(
    *, enabled: bool, backoff_until: datetime | None, has_work: bool, now: datetime
) -> list[str] | None:
    """authenticate's answer when the company is paused, backing off or has nothing to do;
    None when a session should start."""
    if not enabled:
        return [refused_ticket("paused"), NONE, str(PAUSED_POSTPONE_SECONDS)]
    if backoff_until is not None and backoff_until > now:
        wait = max(1, math.ceil((backoff_until - now).total_seconds()))
        return [refused_ticket("later"), NONE, str(wait)]
    if not has_work:
        return [refused_ticket("none"), NONE]
    return None


class IdlePolls:
    """The fast sign-in, and the password check both sign-in paths share."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.checks = RememberedChecks(settings.password_cache_seconds)
        self.reads = SignInReads(store.db.engine)

    def answer(self, username: str, password: str, address: str) -> list[str] | None:
        """The idle answer, from one read and no write; None when the full sign-in must run
        (unknown user, a wrong or not yet remembered password, counted failures, an open
        session, or work to do)."""
        now = self.store.clock()
        facts = self.reads.facts(username, address, now)
        if facts is None or facts.throttled or facts.live_session:
            return None
        stored = facts.password_hash
        right = verify_fast(password, stored)
        if right is None:
            right = self.checks.recalls(password, stored, now)
        if not right:
            return None  # a wrong password is counted, and paid for, by the full sign-in
        return idle_answer(
            enabled=facts.enabled,
            backoff_until=facts.backoff_until,
            has_work=facts.has_work,
            now=now,
        )

    def check_password(self, password: str, stored: str) -> tuple[bool, bool]:
        """(right, whether the slow hash was spent): a fast hash or a remembered success
        answers at once; otherwise PBKDF2 at the configured cost, remembered when right."""
        now = self.store.clock()
        if verify_fast(password, stored) or self.checks.recalls(password, stored, now):
            return True, False
        iterations = self.settings.password_hash_iterations
        right = verify_password(password, stored, min_iterations=iterations)
        if right:
            self.checks.remember(password, stored, now)
        return right, True

    def remember(self, password: str, stored: str) -> None:
        """Note that ``password`` is right for ``stored`` (a hash just made from it)."""
        self.checks.remember(password, stored, self.store.clock())
