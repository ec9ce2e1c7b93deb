"""API tokens: created with a role, looked up by hash, never stored in the clear."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from request_queue.models import ApiToken

ROLES = ("admin", "staff")


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class Tokens:
    """Operations on API tokens within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def create(self, *, name: str, role: str, token_hash: str) -> TokenRow:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        row = ApiToken(name=name, role=role, token_hash=token_hash, created_at=self._now())
        self._s.add(row)
        self._s.flush()
        return _row(row)

    def by_hash(self, token_hash: str) -> TokenRow | None:
        """The live token with this hash (and note its use), or None."""
        row = self._s.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked.is_(False))
        )
        if row is None:
            return None
        self._s.execute(
            update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=self._now())
        )
        return _row(row)


def _row(row: ApiToken) -> TokenRow:
    return TokenRow(row.id, row.name, row.role, row.created_at, row.last_used_at, row.revoked)
