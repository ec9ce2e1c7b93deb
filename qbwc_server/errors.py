"""The errors the service raises: one small hierarchy with structured fields."""

from __future__ import annotations


class QbwcServerError(Exception):
    """Base of the service's errors: a short ``code``, a ``message`` in words."""

    code = "server_error"

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id


class ConfigError(QbwcServerError):
    """A QBWC_* setting is missing or wrong."""

    code = "config_error"


class UsageError(QbwcServerError):
    """A command or API call was given bad input."""

    code = "usage_error"


class NotFound(QbwcServerError):
    """The company, request or record named does not exist."""

    code = "not_found"
