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


class Refused(QbwcServerError):
    """The request is understood but the rules forbid it now (HTTP 409), e.g. a Sync Job for
    a project whose contract predates ``sync_contracts_after``."""

    code = "refused"


class SyncError(QbwcServerError):
    """A request cannot be built from the app's records (it fails, saying why)."""

    code = "sync_error"


class MissingRecord(SyncError):
    """A record the request needs is not in qbwc-server (it was never sent by the app)."""

    code = "missing_record"

    def __init__(self, kind: str, record_id: str, *, needed_by: str | None = None) -> None:
        whose = f" (needed by {needed_by})" if needed_by else ""
        super().__init__(f"the {kind} {record_id!r} does not exist in qbwc-server{whose}")
        self.kind, self.record_id = kind, record_id


class NotLinked(SyncError):
    """A record the request references is not (yet) linked to a QuickBooks object."""

    code = "not_linked"

    def __init__(self, kind: str, record_id: str, *, role: str = "", why: str = "") -> None:
        what = f"{kind} {record_id!r}" + (f" ({role})" if role else "")
        super().__init__(f"the {what} is not linked to QuickBooks" + (f": {why}" if why else ""))
        self.kind, self.record_id, self.role = kind, record_id, role
