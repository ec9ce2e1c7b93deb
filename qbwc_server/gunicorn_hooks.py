"""What ``qbwc serve`` adds to gunicorn: its error answers, its access log, worker exits.

- ``QbwcWorker``: gunicorn answers requests it cannot parse (a request line over 8190 bytes:
  414; headers too large: 431; a malformed line: 400) itself, before any application code
  runs, with an HTML page, and has no setting or hook for that page. This gthread worker
  answers them as the application would: a SOAP Fault (text/xml) for the Web Connector
  endpoint, JSON ``{"error": ...}`` for /api/, /healthz and /metrics. When gunicorn could not
  read the path at all (414) the answer is a Fault: the Web Connector is the one client that
  cannot be told any other way. The status code stays gunicorn's.
- ``AccessLogger``: the access log names the path without its query string (a token or
  ticket sent there would otherwise be written to the log), nor the referer's query; in the
  JSON log format its lines and gunicorn's own are JSON too, with the request id.
- ``child_exit``: a dead worker's live metric files are dropped (metrics.mark_process_dead).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any
from xml.sax.saxutils import escape

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http.message import Request
from gunicorn.workers.gthread import ThreadWorker

from qbwc_server import logs, metrics

ACCESS_LOG_FORMAT = (
    '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}o)s'
)
JSON_PATHS = ("/api/", "/healthz", "/metrics")
_local = threading.local()  # the path of the request whose error is being answered
_WORDS = {
    400: "The request could not be read as HTTP",
    414: "The request line is too long",
    431: "A request header is too large, or there are too many",
}


def error_answer(status: int, reason: str, path: str | None) -> tuple[str, bytes]:
    """(content type, body) of gunicorn's own error answer for a request to ``path``."""
    words = _WORDS.get(status, reason)
    if path is not None and path.startswith(JSON_PATHS):
        body = {"error": {"code": f"http_{status}", "message": words, "details": {}}}
        return "application/json", json.dumps(body).encode()
    fault = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{escape(words)}"
        "</faultstring></soap:Fault></soap:Body></soap:Envelope>"
    )
    return "text/xml; charset=utf-8", fault.encode()


def _write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error, answering in the application's formats (no HTML, and
    gunicorn's message, which may quote the request line, is not echoed)."""
    content_type, body = error_answer(status_int, reason, getattr(_local, "path", None))
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def _path_of(req: Any, exc: BaseException) -> str | None:
    """The path of the request gunicorn refused, when it read that far. Headers that are too
    large are refused while the Request is being built (``req`` is None then): the request
    under construction is found in the traceback's frames."""
    for candidate in (req, getattr(exc, "req", None)):
        path = getattr(candidate, "path", None)
        if isinstance(path, str):
            return path
    tb = exc.__traceback__
    while tb is not None:
        request = tb.tb_frame.f_locals.get("self")
        if isinstance(request, Request) and isinstance(getattr(request, "path", None), str):
            return str(request.path)
        tb = tb.tb_next
    return None


class QbwcWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker whose own error answers are a Fault or JSON, not HTML."""

    def init_process(self) -> None:
        util.write_error = _write_error  # this worker process only; read at call time
        super().init_process()

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        _local.path = _path_of(req, exc)
        try:
            super().handle_error(req, client, addr, exc)
        finally:
            _local.path = None


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, without query strings in the access log, JSON when asked."""

    log_format = "text"  # set by serve.py from QBWC_LOG_FORMAT before gunicorn starts

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        raw = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        path = raw.split("?", 1)[0]
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = path
        atoms["q"] = "-"
        atoms["f"] = str(environ.get("HTTP_REFERER") or "-").split("?", 1)[0]
        # gunicorn 23+ also offers every environ value as {name}e: the same three, cut.
        for name in ("{raw_uri}e", "{request_uri}e", "{http_referer}e"):
            if name in atoms:
                atoms[name] = str(atoms[name]).split("?", 1)[0]
        if "{query_string}e" in atoms:
            atoms["{query_string}e"] = "-"
        return atoms

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(logs.RequestIdFilter())
                if self.log_format == "json":
                    handler.setFormatter(logs.JsonFormatter())


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's child_exit hook (in the master): a worker process ended."""
    metrics.mark_process_dead(worker.pid)
    logging.getLogger("qbwc_server.serve").debug("worker %s exited", worker.pid)
