"""Companies and Web Connector sign-in throttling (per client address and user name)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.orm import Session

from request_queue.errors import Conflict, NotFound
from request_queue.models import Company, LoginThrottle
from request_queue.rows import CompanyRow, to_row


class Companies:
    """Operations on companies within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def create(
        self,
        *,
        name: str,
        qbwc_username: str,
        password_hash: str,
        owner_id: str,
        file_id: str,
        settings: dict[str, Any],
        enabled: bool = True,
    ) -> CompanyRow:
        taken = self._s.scalar(select(Company.id).where(Company.qbwc_username == qbwc_username))
        if taken is not None:
            raise Conflict(f"the Web Connector user name {qbwc_username!r} is already in use")
        now = self._now()
        company = Company(
            name=name,
            qbwc_username=qbwc_username,
            password_hash=password_hash,
            owner_id=owner_id,
            file_id=file_id,
            settings=settings,
            enabled=enabled,
            created_at=now,
            updated_at=now,
        )
        self._s.add(company)
        self._s.flush()
        return to_row(CompanyRow, company)  # type: ignore[no-any-return]

    def get(self, company_id: int) -> CompanyRow:
        company = self._s.get(Company, company_id)
        if company is None:
            raise NotFound(f"no company with id {company_id}")
        return to_row(CompanyRow, company)  # type: ignore[no-any-return]

    def by_username(self, username: str) -> CompanyRow | None:
        company = self._s.scalar(select(Company).where(Company.qbwc_username == username))
        return None if company is None else to_row(CompanyRow, company)

    def find(self, key: str) -> CompanyRow:
        """A company by id (digits) or by Web Connector user name."""
        if key.isdigit():
            return self.get(int(key))
        row = self.by_username(key)
        if row is None:
            raise NotFound(f"no company with id or user name {key!r}")
        return row

    def all(self) -> list[CompanyRow]:
        return [
            to_row(CompanyRow, c) for c in self._s.scalars(select(Company).order_by(Company.id))
        ]

    def update(self, company_id: int, **values: Any) -> None:
        """Set columns of a company (name, enabled, settings, company_file, host_info, ...)."""
        values["updated_at"] = self._now()
        result = self._s.execute(update(Company).where(Company.id == company_id).values(**values))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(f"no company with id {company_id}")


class Throttle:
    """Counts failed sign-ins per (client address, user name) and locks that pair out after
    too many within the lockout window. Another address is never locked by these failures.
    """

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def locked(self, address: str, username: str) -> bool:
        row = self._s.get(LoginThrottle, (address, username))
        return row is not None and row.locked_until is not None and row.locked_until > self._now()

    def failure(
        self, address: str, username: str, *, max_failures: int, lockout_seconds: int
    ) -> bool:
        """Record one failure; return True when the pair is now locked out.

        Failures older than the lockout window no longer count, and an expired lockout starts
        the count again.
        """
        now = self._now()
        window = timedelta(seconds=lockout_seconds)
        row = self._s.get(LoginThrottle, (address, username), with_for_update=True)
        if row is None:
            row = LoginThrottle(address=address, username=username, failures=0, updated_at=now)
            self._s.add(row)
        expired = row.locked_until is not None and row.locked_until <= now
        stale = row.locked_until is None and row.updated_at <= now - window
        if expired or stale:
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.updated_at = now
        if row.failures >= max_failures:
            row.locked_until = now + window
        self._s.flush()
        return row.locked_until is not None

    def clear(self, address: str, username: str) -> None:
        row = self._s.get(LoginThrottle, (address, username))
        if row is not None:
            self._s.delete(row)

    def clear_user(self, username: str) -> int:
        """Forget every failure of ``username`` from every address (an admin's unlock);
        return how many (address, user name) rows went."""
        result = self._s.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.username == username)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def purge(self, *, older_than_seconds: int, limit: int = 1000) -> int:
        """Delete up to ``limit`` rows untouched for ``older_than_seconds`` and not locked;
        return how many went."""
        now = self._now()
        cutoff = now - timedelta(seconds=older_than_seconds)
        keys = self._s.execute(
            select(LoginThrottle.address, LoginThrottle.username)
            .where(LoginThrottle.updated_at < cutoff)
            .where(or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now))
            .limit(limit)
        ).all()
        if not keys:
            return 0
        result = self._s.execute(
            delete(LoginThrottle)
            .where(
                tuple_(LoginThrottle.address, LoginThrottle.username).in_([tuple(k) for k in keys])
            )
            .where(LoginThrottle.updated_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
