"""The server's log lines: text or JSON (QBWC_LOG_FORMAT), each with the request id.

``request_id`` is a context variable that wsgi.py sets for every HTTP request; a filter on the
handler copies it onto each record, so every line written while a request is served names it
(``-`` outside a request). ``Outage`` keeps a failing dependency (the database) from writing
a traceback per call: the first failure is logged, then at most one line per interval.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str] = ContextVar("qbwc_request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_MARK = "_qbwc_handler"  # set on the handler configure() installs, so it is replaced, not added


def new_request_id(environ: Mapping[str, Any]) -> str:
    """The request's id: the proxy's X-Request-Id when it is a plain token, else a new one."""
    incoming = str(environ.get("HTTP_X_REQUEST_ID") or "")
    return incoming if _INCOMING_ID.match(incoming) else os.urandom(8).hex()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record that passes the handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, pid, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for QBWC_LOG_FORMAT (``text`` or ``json``)."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(level: str, log_format: str) -> None:
    """Send the root logger's records to stderr in ``log_format``, with request ids.

    Idempotent: a second call replaces the handler the first one installed.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper())


class Outage:
    """Logs that something (the database) is unavailable: the first failure at once, then at
    most one line per ``interval`` seconds saying how many calls failed meanwhile, and one
    line when it answers again."""

    def __init__(
        self,
        what: str,
        logger: logging.Logger,
        *,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what, self.log, self.interval, self._clock = what, logger, interval, clock
        self._lock = threading.Lock()
        self._since: float | None = None  # when the current outage began
        self._reported = 0.0
        self._unreported = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, reason: str) -> None:
        """One call found it unavailable (``reason``: the error in words, no values)."""
        with self._lock:
            now = self._clock()
            if self._since is None:
                self._since, self._reported, self._unreported = now, now, 0
                message = f"{self.what} unavailable: {reason}; calls fail until it answers"
            elif now - self._reported >= self.interval:
                message = (
                    f"{self.what} still unavailable after {now - self._since:.0f} s "
                    f"({self._unreported + 1} failed calls since the last report): {reason}"
                )
                self._reported, self._unreported = now, 0
            else:
                self._unreported += 1
                return
        self.log.error("%s", message)

    def answered(self) -> None:
        """A call reached it: ends an outage (logged once)."""
        if self._since is None:
            return
        with self._lock:
            if self._since is None:
                return
            lasted = self._clock() - self._since
            self._since = None
        self.log.warning("%s available again after %.0f s", self.what, lasted)


DATABASE = Outage("database", logging.getLogger("qbwc_server.database"))
