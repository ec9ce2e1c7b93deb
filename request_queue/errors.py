"""The store's errors: one small hierarchy; database errors are wrapped with ``raise from``."""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's errors: a short ``code`` and a ``message`` in words."""

    code = "store_error"

    def __init__(self, message: str, *, request_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id


class DatabaseError(StoreError):
    """The database refused or failed an operation."""

    code = "database_error"


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached (connection refused or lost): nothing was changed."""

    code = "database_unavailable"


class NotInitialized(StoreError):
    """The database does not exist yet, or its schema is older than this code: run init."""

    code = "not_initialized"


class Conflict(StoreError):
    """A unique value (a user name, a link) is already taken."""

    code = "conflict"


class NotFound(StoreError):
    """The row named does not exist."""

    code = "not_found"


class StateConflict(StoreError):
    """A conditional state change found the row in another state (someone else moved it)."""

    code = "state_conflict"
