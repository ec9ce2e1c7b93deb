"""API tokens: created with a role (and maybe one company), looked up by hash, listed,
revoked; never stored in the clear."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from request_queue.errors import NotFound
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
    company_id: int | None = None  # the one company it reaches; None: every company


class Tokens:
    """Operations on API tokens within one transaction."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._now = clock

    def create(
        self, *, name: str, role: str, token_hash: str, company_id: int | None = None
    ) -> TokenRow:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        row = ApiToken(
            name=name,
            role=role,
            token_hash=token_hash,
            created_at=self._now(),
            company_id=company_id,
        )
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

    def all(self) -> list[TokenRow]:
        """Every token, revoked ones too, oldest first."""
        return [_row(r) for r in self._s.scalars(select(ApiToken).order_by(ApiToken.id))]

    def revoke(self, token_id: int) -> TokenRow:
        """Revoke a token for good (NotFound when there is no such token)."""
        row = self._s.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}")
        row.revoked = True
        self._s.flush()
        return _row(row)


def _row(row: ApiToken) -> TokenRow:
    return TokenRow(
        row.id,
        row.name,
        row.role,
        row.created_at,
        row.last_used_at,
        row.revoked,
        row.company_id,
    )
