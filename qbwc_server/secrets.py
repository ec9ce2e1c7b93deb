"""Web Connector passwords (two stored schemes, constant-time checks, remembered successes)
and session tickets. docs/security.md says why each scheme is safe against offline guessing.

- ``sha256$<salt>$<hash>``: a password the server generated (192 random bits): salted SHA-256.
- ``pbkdf2_sha256$<iterations>$<salt>$<hash>``: a password a person chose: slow PBKDF2.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

_SCHEME = "pbkdf2_sha256"
FAST_SCHEME = "sha256"
_DUMMY_SALT = b"qbwc-server-dummy-salt"
GENERATED_BYTES = 24  # 192 random bits: 32 URL-safe characters

# The key derivation used for every password check, looked up at call time so a test can count
# what a sign-in spends (hashlib.pbkdf2_hmac's signature: name, password, salt, iterations).
Kdf = Callable[[str, bytes, bytes, int], bytes]
KDF: Kdf = hashlib.pbkdf2_hmac


def generate_password() -> str:
    """A Web Connector password with 192 random bits, to be shown once."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def hash_generated(password: str) -> str:
    """A fast hash for a generated (high-entropy) password: ``sha256$<salt>$<hash>``."""
    salt = secrets.token_bytes(16)
    return "$".join((FAST_SCHEME, _b64(salt), _b64(_sha256(salt, password))))


def hash_password(password: str, *, iterations: int) -> str:
    """A PBKDF2-SHA256 hash with a random salt: ``pbkdf2_sha256$<iterations>$<salt>$<hash>``."""
    salt = secrets.token_bytes(16)
    digest = KDF("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join((_SCHEME, str(iterations), _b64(salt), _b64(digest)))


def hash_iterations(encoded: str | None) -> int | None:
    """The iteration count of a stored PBKDF2 hash, or None when it is not one."""
    parsed = _parse(encoded)
    return None if parsed is None else parsed[0]


def needs_rehash(encoded: str | None, iterations: int) -> bool:
    """True for a PBKDF2 hash made with another count than the configured one (a generated
    password's fast hash is never turned into a slow one)."""
    stored = hash_iterations(encoded)
    return stored is not None and stored != iterations


def verify_fast(password: str, encoded: str | None) -> bool | None:
    """Check a generated password's fast hash: True or False, or None when ``encoded`` is not
    of the fast scheme (only a slow check can tell)."""
    parsed = _parse_fast(encoded)
    if parsed is None:
        return None
    salt, expected = parsed
    return hmac.compare_digest(expected, _sha256(salt, password))


def verify_password(password: str, encoded: str | None, *, min_iterations: int = 0) -> bool:
    """True if ``password`` matches ``encoded``; the comparison takes constant time.

    A wrong password costs at least ``min_iterations`` (the configured count) whatever the
    stored hash: a PBKDF2 hash made with fewer, a fast hash, or one that cannot be read cost
    the difference on a dummy, so a refusal answers no faster than an unknown user does
    (dummy_verify). Only a right password for a fast hash answers at once.
    """
    fast = verify_fast(password, encoded)
    if fast is not None:
        if not fast:
            dummy_verify(password, min_iterations)
        return fast
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


class RememberedChecks:
    """Successful slow checks, remembered in this process for ``seconds`` after their last use.

    An entry is HMAC-SHA256(a random key made at start, stored hash + password) -> expiry: the
    password is never kept, the key never leaves memory, and a changed password (a new stored
    hash) no longer matches. ``seconds`` <= 0 remembers nothing.
    """

    def __init__(self, seconds: int, *, max_entries: int = 100_000) -> None:
        self._key = secrets.token_bytes(32)
        self._life = timedelta(seconds=seconds)
        self._max = max_entries
        self._entries: dict[bytes, datetime] = {}
        self._lock = threading.Lock()

    def _mac(self, password: str, encoded: str) -> bytes:
        message = encoded.encode("utf-8") + b"\0" + password.encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def recalls(self, password: str, encoded: str, now: datetime) -> bool:
        """True when this password was found right for this stored hash within ``seconds``;
        a hit keeps the entry for another ``seconds``."""
        if self._life <= timedelta(0):
            return False
        mac = self._mac(password, encoded)
        with self._lock:
            expires = self._entries.get(mac)
            if expires is None:
                return False
            if expires <= now:
                del self._entries[mac]
                return False
            self._entries[mac] = now + self._life
            return True

    def remember(self, password: str, encoded: str, now: datetime) -> None:
        """Note a successful slow check of ``password`` against ``encoded``."""
        if self._life <= timedelta(0):
            return
        mac = self._mac(password, encoded)
        with self._lock:
            if len(self._entries) >= self._max and mac not in self._entries:
                for old in [k for k, until in self._entries.items() if until <= now]:
                    del self._entries[old]
                while len(self._entries) >= self._max:  # still full: drop the oldest
                    del self._entries[next(iter(self._entries))]
            self._entries[mac] = now + self._life


def _sha256(salt: bytes, password: str) -> bytes:
    return hashlib.sha256(salt + password.encode("utf-8")).digest()


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


def _parse_fast(encoded: str | None) -> tuple[bytes, bytes] | None:
    if encoded is None or not encoded.startswith(FAST_SCHEME + "$"):
        return None
    try:
        _scheme, salt, digest = encoded.split("$")
        return base64.b64decode(salt), base64.b64decode(digest)
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
