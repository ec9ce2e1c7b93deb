"""The HTTP API (/api/v1, DESIGN.md section 4): bearer tokens, JSON in and out, JSON errors.

``Api`` routes each request to a small handler in the module of its resource; the handlers
call only ``Operations``. Errors of the operations layer become HTTP statuses here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from qbwc_server.api import (
    bills,
    companies,
    events,
    links,
    log,
    openapi,
    qwc,
    records,
    requests,
    syncs,
)
from qbwc_server.api.errors import ApiError, error_response
from qbwc_server.api.scope import check_scope
from qbwc_server.bounded_read import BodyReadTimeout
from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, Refused, UsageError
from qbwc_server.models.validation import RecordInvalid
from qbwc_server.operations import Operations
from qbwc_server.secrets import ticket_hash
from request_queue import errors as store_errors
from request_queue.store import Store
from request_queue.tokens import TokenRow

__all__ = ["Api", "ApiError", "error_response"]

logger = logging.getLogger("qbwc_server.api")

_BEARER = re.compile(r"^Bearer\s+(\S+)$", re.IGNORECASE)
Handler = Callable[..., Response]

C = "/api/v1/companies/<cid>"
ROUTES: list[tuple[str, str, Handler]] = [
    ("/api/v1/companies", "POST", companies.create),
    ("/api/v1/companies", "GET", companies.index),
    (C, "GET", companies.show),
    (C, "PATCH", companies.patch),
    (C + "/records/<kind>", "GET", records.index),
    (C + "/records/<kind>/<path:rid>", "PUT", records.put),
    (C + "/records/<kind>/<path:rid>", "GET", records.get),
    (C + "/sync-jobs", "POST", syncs.sync_job),
    (C + "/syncs", "POST", syncs.sync_record),
    (C + "/imports", "POST", syncs.queue_import),
    (C + "/bill-candidates", "GET", bills.candidates),
    (C + "/bill-imports", "POST", bills.imports),
    (C + "/requests", "GET", requests.index),
    (C + "/requests/<int:rid>/retry", "POST", requests.retry),
    (C + "/requests/<int:rid>/cancel", "POST", requests.cancel),
    (C + "/links", "GET", links.index),
    (C + "/log", "GET", log.index),
    (C + "/events", "GET", events.index),
    (C + "/qwc", "GET", qwc.download),
    ("/api/v1/openapi.json", "GET", openapi.document),
]
#: Handlers that need no token.
PUBLIC: set[Handler] = {openapi.document}


def _invalid(exc: RecordInvalid) -> Response:
    fields = [{"field": e.field, "message": e.message, "code": e.code} for e in exc.errors]
    return error_response(400, "invalid", exc.message, {"fields": fields})


class Api:
    """Routes /api/v1 requests to their handlers after checking the bearer token."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.ops = Operations(store, settings)
        self.routes = ROUTES
        self.urls = Map(
            [Rule(path, endpoint=handler, methods=[method]) for path, method, handler in ROUTES],
            merge_slashes=False,
        )

    def __call__(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.details)
        except RecordInvalid as exc:
            return _invalid(exc)
        except NotFound as exc:
            return error_response(404, "not_found", exc.message)
        except Refused as exc:
            return error_response(409, "refused", exc.message)
        except UsageError as exc:
            return error_response(400, "usage_error", exc.message)
        except (store_errors.Conflict, store_errors.StateConflict) as exc:
            return error_response(409, "conflict", exc.message)
        except store_errors.NotFound as exc:
            return error_response(404, "not_found", exc.message)
        except NoRoute:
            return error_response(404, "not_found", f"no API endpoint {request.path}")
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or [])
            response = error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.path}",
                {"allowed": allowed},
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        except HTTPException as exc:
            return error_response(exc.code or 400, "http_error", exc.description or "bad request")
        except BodyReadTimeout:
            raise  # bounded_read answers 408
        except Exception:
            logger.exception("API %s %s failed", request.method, request.path)
            return error_response(500, "internal", "the server failed; the error is logged")

    def _dispatch(self, request: Request) -> Response:
        adapter = self.urls.bind_to_environ(request.environ)
        handler, values = adapter.match()
        if handler in PUBLIC:
            public: Response = handler(self, request, None, **values)
            return public
        token = self._token(request)
        check_scope(self, token, values)
        openapi.check_query(handler, request)
        response: Response = handler(self, request, token, **values)
        return response

    def _token(self, request: Request) -> TokenRow:
        match = _BEARER.match(request.headers.get("Authorization", ""))
        if match is None:
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>'")
        with self.store.transaction() as tx:
            token = tx.tokens.by_hash(ticket_hash(match.group(1)))
        if token is None:
            raise ApiError(401, "unauthorized", "the token is not valid")
        return token
