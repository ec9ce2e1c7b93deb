"""Admin accounts for the /admin/ pages: creation (hashed passwords), throttled sign-in, and
server-side sessions that end after ``QBWC_ADMIN_SESSION_SECONDS`` without a page view.

The session id handed to the browser is random (256 bits); only its SHA-256 is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from qbwc_server.config import Settings
from qbwc_server.errors import Refused, UsageError
from qbwc_server.models.fields import CONTROL_CHARACTERS
from qbwc_server.secrets import hash_password, new_ticket, ticket_hash, verify_password
from request_queue.admins import AdminAccountRow, AdminSessionRow
from request_queue.store import Store

USERNAME_MAX = 200
PASSWORD_MIN, PASSWORD_MAX = 10, 200
TOUCH_AFTER_SECONDS = 60  # a session's expiry moves at most once a minute (one UPDATE)
MSG_BAD_SIGN_IN = "The user name or password is not right."
MSG_LOCKED = "Too many failed sign-ins from this address; try again in a few minutes."


@dataclass(frozen=True)
class SignedIn:
    """A new admin session: ``secret`` goes into the cookie and is never stored."""

    secret: str
    session: AdminSessionRow


def throttle_key(username: str) -> str:
    """The sign-in throttle's user name for an admin (apart from Web Connector users)."""
    return "admin:" + username[: USERNAME_MAX - 6]


def check_username(username: str) -> str:
    if not username or not username.strip():
        raise UsageError("the admin user name must not be empty")
    if username != username.strip():
        raise UsageError("the admin user name must not start or end with a space")
    if CONTROL_CHARACTERS.search(username):
        raise UsageError("the admin user name must not contain control characters")
    if len(username) > USERNAME_MAX:
        raise UsageError(f"the admin user name must be at most {USERNAME_MAX} characters")
    return username


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise UsageError(f"the admin password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters")
    if CONTROL_CHARACTERS.search(password):
        raise UsageError("the admin password must not contain control characters")
    return password


class AdminOps:
    """Admin accounts and their sessions."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def create(self, username: str, password: str) -> AdminAccountRow:
        """A new admin account; Conflict when the user name is taken."""
        check_username(username)
        hashed = hash_password(
            check_password(password), iterations=self.settings.password_hash_iterations
        )
        with self.store.transaction() as tx:
            row = tx.admins.create(username=username, password_hash=hashed)
            tx.log.write(None, "admin_created", f"Admin account {username} created")
            return row

    def sign_in(self, username: str, password: str, *, address: str) -> SignedIn:
        """Check the password (throttled per address and user name); Refused, saying why,
        when the sign-in fails."""
        key = throttle_key(username)
        with self.store.transaction() as tx:
            locked = tx.throttle.locked(address, key)
            account = tx.admins.by_username(username)
        if locked:
            raise Refused(MSG_LOCKED)
        ok = verify_password(
            password,
            account.password_hash if account is not None else None,
            min_iterations=self.settings.password_hash_iterations,
        )
        if account is None or not ok:
            with self.store.transaction() as tx:
                now_locked = tx.throttle.failure(
                    address,
                    key,
                    max_failures=self.settings.login_max_failures,
                    lockout_seconds=self.settings.login_lockout_seconds,
                )
            raise Refused(MSG_LOCKED if now_locked else MSG_BAD_SIGN_IN)
        secret = new_ticket()
        with self.store.transaction() as tx:
            tx.throttle.clear(address, key)
            tx.admins.purge_expired(limit=100)
            session = tx.admins.start_session(
                account.id,
                session_hash=ticket_hash(secret),
                idle_seconds=self.settings.admin_session_seconds,
            )
        return SignedIn(secret, session)

    def session(self, secret: str, *, take_flash: bool = False) -> AdminSessionRow | None:
        """The live session of a cookie's ``secret`` (its expiry moved on), or None.

        With ``take_flash`` the session's one-time notice is returned in ``flash`` and cleared.
        """
        if not secret:
            return None
        idle = self.settings.admin_session_seconds
        with self.store.transaction() as tx:
            found = tx.admins.live_session(ticket_hash(secret))
            if found is None:
                return None
            if tx.now() - found.last_seen_at >= timedelta(seconds=TOUCH_AFTER_SECONDS):
                tx.admins.touch(found.id, idle_seconds=idle)
            if take_flash and found.flash is not None:
                tx.admins.set_flash(found.id, None)
            return found

    def flash(self, session_id: int, text: str) -> None:
        """Keep a notice for the session's next page (what the form just did)."""
        with self.store.transaction() as tx:
            tx.admins.set_flash(session_id, text[:2000])

    def sign_out(self, secret: str) -> None:
        with self.store.transaction() as tx:
            tx.admins.end_session(ticket_hash(secret))
