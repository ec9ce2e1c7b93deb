"""Passwords (slow salted hashes, constant-time checks) and session tickets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_SCHEME = "pbkdf2_sha256"


def hash_password(password: str, *, iterations: int) -> str:
    """A PBKDF2-SHA256 hash with a random salt: ``pbkdf2_sha256$<iterations>$<salt>$<hash>``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join((_SCHEME, str(iterations), _b64(salt), _b64(digest)))


def verify_password(password: str, encoded: str | None) -> bool:
    """True if ``password`` matches ``encoded``; the comparison takes constant time.

    Callers with no hash (an unknown user) call dummy_verify instead, so the answer takes
    as long as for a known user.
    """
    if encoded is None:
        return False
    try:
        scheme, iterations, salt, digest = encoded.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


def dummy_verify(password: str, iterations: int) -> None:
    """Spend the time a real check would, for unknown or locked-out users."""
    hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), b"\0" * 16, iterations)


def new_ticket() -> str:
    """An unguessable session ticket (256 random bits)."""
    return secrets.token_urlsafe(32)


def ticket_hash(ticket: str) -> str:
    """What is stored for a ticket: its SHA-256 (the ticket itself has 256 bits of entropy)."""
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
