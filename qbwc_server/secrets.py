"""Passwords (slow salted hashes, constant-time checks) and session tickets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable

_SCHEME = "pbkdf2_sha256"
_DUMMY_SALT = b"qbwc-server-dummy-salt"


# The key derivation used for every password check, looked up at call time so a test can count
# what a sign-in spends (hashlib.pbkdf2_hmac's signature: name, password, salt, iterations).
Kdf = Callable[[str, bytes, bytes, int], bytes]
KDF: Kdf = hashlib.pbkdf2_hmac


def hash_password(password: str, *, iterations: int) -> str:
    """A PBKDF2-SHA256 hash with a random salt: ``pbkdf2_sha256$<iterations>$<salt>$<hash>``."""
    salt = secrets.token_bytes(16)
    digest = KDF("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join((_SCHEME, str(iterations), _b64(salt), _b64(digest)))


def hash_iterations(encoded: str | None) -> int | None:
    """The iteration count of a stored hash, or None when it is not one of ours."""
    parsed = _parse(encoded)
    return None if parsed is None else parsed[0]


def verify_password(password: str, encoded: str | None, *, min_iterations: int = 0) -> bool:
    """True if ``password`` matches ``encoded``; the comparison takes constant time.

    At least ``min_iterations`` (the configured count) are spent whatever the stored hash:
    a hash made with fewer, or one that cannot be read, costs the difference on a dummy, so a
    wrong password for a real user answers no faster than an unknown user (dummy_verify).
    """
    parsed = _parse(encoded)
    if parsed is None:
        dummy_verify(password, min_iterations)
        return False
    iterations, salt, expected = parsed
    actual = KDF("sha256", password.encode("utf-8"), salt, iterations)
    dummy_verify(password, min_iterations - iterations)
    return hmac.compare_digest(expected, actual)


def dummy_verify(password: str, iterations: int) -> None:
    """Spend the time a real check of ``iterations`` would, for unknown or refused users."""
    if iterations > 0:
        hmac.compare_digest(KDF("sha256", password.encode("utf-8"), _DUMMY_SALT, iterations), b"")


def _parse(encoded: str | None) -> tuple[int, bytes, bytes] | None:
    if encoded is None:
        return None
    try:
        scheme, iterations, salt, digest = encoded.split("$")
        if scheme != _SCHEME or int(iterations) < 1:
            return None
        return int(iterations), base64.b64decode(salt), base64.b64decode(digest)
    except ValueError:
        return None


def new_ticket() -> str:
    """An unguessable session ticket (256 random bits)."""
    return secrets.token_urlsafe(32)


def ticket_hash(ticket: str) -> str:
    """What is stored for a ticket: its SHA-256 (the ticket itself has 256 bits of entropy)."""
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
