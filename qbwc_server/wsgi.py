"""The WSGI application, composed in this one place: SOAP endpoint, support page, API, health,
metrics; and each request's id (logs.request_id, answered as X-Request-Id)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from qbwc_server import logs, metrics
from qbwc_server.admin import make_admin
from qbwc_server.api import Api, error_response
from qbwc_server.bounded_read import MARK as BOUNDED
from qbwc_server.bounded_read import bounded_read
from qbwc_server.config import Settings
from qbwc_server.service import QbwcService
from qbwc_server.soap import make_soap_app
from qbwc_server.sync.registry import default_registry
from request_queue.errors import StoreError
from request_queue.store import Store

log = logging.getLogger("qbwc_server.wsgi")
DATABASE = logs.DATABASE
REQUEST_ID = "qbwc.request_id"  # the environ key of this request's id

SUPPORT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qbwc-server support</title></head>
<body><h1>qbwc-server</h1>
<p>This server keeps QuickBooks Desktop in sync with the contractor app through the
QuickBooks Web Connector.</p>
<p>If the Web Connector shows an error, open its log (View Log in the Web Connector) and send it
to your administrator together with the company name and the time of the error.</p>
</body></html>
"""


class Application:
    """Routes a request to the SOAP endpoint, the support page or the health check."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.service = QbwcService(store, settings, default_registry())
        self.api = Api(settings, store)
        self.admin = make_admin(settings, store)
        self.soap = make_soap_app(
            self.service,
            public_url=settings.public_url,
            max_body_bytes=settings.max_body_bytes,
            trusted_proxies=settings.trusted_proxies,
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if REQUEST_ID not in environ:  # every log line while serving it names the request
            rid = environ[REQUEST_ID] = logs.new_request_id(environ)
            token = logs.request_id.set(rid)

            def with_id(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
                return start_response(status, [*headers, ("X-Request-Id", rid)], *exc)

            try:
                return self(environ, with_id)
            finally:  # the next request (or a test in the same thread) starts without it
                logs.request_id.reset(token)
        if BOUNDED not in environ:  # every body gets a read deadline; the guard calls back in
            return bounded_read(self, self.settings.body_read_timeout_seconds)(
                environ, start_response
            )
        path = environ.get("PATH_INFO", "") or "/"
        if path in ("/qbwc", "/qbwc/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/qbwc"
            environ["PATH_INFO"] = path[len("/qbwc") :]
            return self.soap(environ, start_response)
        request = Request(environ)
        if path in ("/qbwc/support", self.settings.support_path):
            response = Response(SUPPORT_PAGE, mimetype="text/html")
        elif path.startswith("/api/"):
            response = self.api(request)
        elif path == "/admin" or path.startswith("/admin/"):
            response = self.admin(request)
        elif path == "/healthz":
            response = self._health()
        elif path == "/metrics":
            body, content_type = metrics.render(self.store)
            response = Response(body, content_type=content_type)
        elif path == "/":
            response = Response(
                "qbwc-server: the Web Connector endpoint is /qbwc (WSDL at /qbwc?wsdl)\n",
                mimetype="text/plain",
            )
        else:
            response = error_response(404, "not_found", f"no endpoint {path}")
        return response(request.environ, start_response)

    def _health(self) -> Response:
        """200 when the database answers, else 503; an outage is logged once, then at most
        once a minute (probes come every few seconds)."""
        try:
            with self.store.transaction() as tx:
                tx.companies.all()
        except Exception as exc:  # health must answer, whatever the database does
            DATABASE.failed(exc.message if isinstance(exc, StoreError) else type(exc).__name__)
            body, status = {"status": "database unavailable"}, 503
        else:
            DATABASE.answered()
            body, status = {"status": "ok"}, 200
        return Response(json.dumps(body), status=status, mimetype="application/json")


def create_app(settings: Settings | None = None, store: Store | None = None) -> Application:
    """Build the application from QBWC_* settings (gunicorn calls this in each worker)."""
    settings = settings or Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    return Application(settings, store or Store(settings.database_url))
