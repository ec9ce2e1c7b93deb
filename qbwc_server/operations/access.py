"""Who may come in: API tokens (created, listed, revoked; maybe scoped to one company) and
unlocking a Web Connector user name that failed sign-in too often."""

from __future__ import annotations

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, UsageError
from qbwc_server.models.fields import CONTROL_CHARACTERS
from qbwc_server.operations.companies import MAX_ID, find_company
from qbwc_server.secrets import new_ticket, ticket_hash
from request_queue.errors import NotFound as StoreNotFound
from request_queue.store import Store
from request_queue.tokens import ROLES, TokenRow

NAME_MAX = 200


def check_name(value: str, what: str) -> str:
    """``value`` if it is 1..NAME_MAX characters without control characters, else UsageError
    naming ``what``."""
    if not value.strip():
        raise UsageError(f"{what} must not be empty")
    if CONTROL_CHARACTERS.search(value):
        raise UsageError(f"{what} must not contain control characters")
    if len(value) > NAME_MAX:
        raise UsageError(f"{what} must be at most {NAME_MAX} characters")
    return value


class Access:
    """API tokens and sign-in lockouts."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def create_token(
        self, name: str, role: str, *, company: str | int | None = None
    ) -> tuple[TokenRow, str]:
        """A new token and its secret (shown once; only its hash is kept). With ``company``
        the token reaches only that company."""
        check_name(name, "the token name")
        if role not in ROLES:
            raise UsageError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
        secret = new_ticket()
        with self.store.transaction() as tx:
            company_id = find_company(tx, company).id if company is not None else None
            row = tx.tokens.create(
                name=name, role=role, token_hash=ticket_hash(secret), company_id=company_id
            )
        return row, secret

    def tokens(self) -> list[TokenRow]:
        """Every token, revoked ones too, oldest first (never their secrets)."""
        with self.store.transaction() as tx:
            return tx.tokens.all()

    def revoke_token(self, token_id: int) -> TokenRow:
        """Revoke a token: it stops working at once, for good."""
        if not 0 < token_id <= MAX_ID:
            raise NotFound(f"no token {token_id}")
        with self.store.transaction() as tx:
            try:
                return tx.tokens.revoke(token_id)
            except StoreNotFound:
                raise NotFound(f"no token {token_id}") from None

    def unlock(self, username: str) -> int:
        """Clear the failed sign-ins of a Web Connector user name from every address; return
        how many lockout counters went (0: it was not locked)."""
        check_name(username, "the user name")
        with self.store.transaction() as tx:
            return tx.throttle.clear_user(username)
