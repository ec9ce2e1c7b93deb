"""Admin accounts and their server-side sessions (session ids stored as SHA-256 only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from request_queue.errors import Conflict
from request_queue.models import AdminAccount, AdminSession


@dataclass(frozen=True)
class AdminAccountRow:
    id: int
    username: str
    password_hash: str
    created_at: datetime
    last_sign_in_at: datetime | None


@dataclass(frozen=True)
class AdminSessionRow:
    id: int
    account_id: int
    username: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    flash: str | None


class Admins:
    """Operations on admin accounts and admin sessions within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def create(self, *, username: str, password_hash: str) -> AdminAccountRow:
        taken = self._s.scalar(select(AdminAccount.id).where(AdminAccount.username == username))
        if taken is not None:
            raise Conflict(f"an admin named {username!r} already exists")
        row = AdminAccount(username=username, password_hash=password_hash, created_at=self._now())
        self._s.add(row)
        self._s.flush()
        return _account(row)

    def by_username(self, username: str) -> AdminAccountRow | None:
        row = self._s.scalar(select(AdminAccount).where(AdminAccount.username == username))
        return None if row is None else _account(row)

    def start_session(
        self, account_id: int, *, session_hash: str, idle_seconds: int
    ) -> AdminSessionRow:
        """A new session for ``account_id``; notes the sign-in on the account."""
        now = self._now()
        row = AdminSession(
            account_id=account_id,
            session_hash=session_hash,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=idle_seconds),
        )
        self._s.add(row)
        self._s.execute(
            update(AdminAccount).where(AdminAccount.id == account_id).values(last_sign_in_at=now)
        )
        self._s.flush()
        found = self.live_session(session_hash)
        assert found is not None
        return found

    def live_session(self, session_hash: str) -> AdminSessionRow | None:
        """The unexpired session with this hash, or None."""
        found = self._s.execute(
            select(AdminSession, AdminAccount.username)
            .join(AdminAccount, AdminAccount.id == AdminSession.account_id)
            .where(AdminSession.session_hash == session_hash)
            .where(AdminSession.expires_at > self._now())
        ).first()
        if found is None:
            return None
        row, username = found
        return AdminSessionRow(
            row.id,
            row.account_id,
            username,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
            row.flash,
        )

    def touch(self, session_id: int, *, idle_seconds: int) -> None:
        """Note a request: the session lives ``idle_seconds`` more from now."""
        now = self._now()
        self._s.execute(
            update(AdminSession)
            .where(AdminSession.id == session_id)
            .values(last_seen_at=now, expires_at=now + timedelta(seconds=idle_seconds))
        )

    def set_flash(self, session_id: int, text: str | None) -> None:
        """Keep (or, with None, clear) the one-time notice of the session's next page."""
        self._s.execute(
            update(AdminSession).where(AdminSession.id == session_id).values(flash=text)
        )

    def end_session(self, session_hash: str) -> None:
        self._s.execute(delete(AdminSession).where(AdminSession.session_hash == session_hash))

    def purge_expired(self, *, limit: int = 1000) -> int:
        """Delete up to ``limit`` expired sessions; return how many went."""
        ids = list(
            self._s.scalars(
                select(AdminSession.id).where(AdminSession.expires_at <= self._now()).limit(limit)
            )
        )
        if ids:
            self._s.execute(
                delete(AdminSession)
                .where(AdminSession.id.in_(ids))
                .execution_options(synchronize_session=False)
            )
        return len(ids)


def _account(row: AdminAccount) -> AdminAccountRow:
    return AdminAccountRow(
        row.id, row.username, row.password_hash, row.created_at, row.last_sign_in_at
    )
