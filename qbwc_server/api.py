"""The HTTP API (/api/v1): bearer tokens, JSON errors. Today it serves the .qwc download;
the rest of DESIGN.md section 4 lands with the staff and admin interfaces."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from qbwc_server.qwc import render_qwc
from qbwc_server.secrets import ticket_hash
from request_queue.errors import NotFound as StoreNotFound
from request_queue.store import Store
from request_queue.tokens import TokenRow

_BEARER = re.compile(r"^Bearer\s+(\S+)$", re.IGNORECASE)


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", "details"}} with ``status``."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="qbwc-server"'
    return response


class Api:
    """Routes /api/v1 requests to their handlers after checking the bearer token."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.urls = Map(
            [
                Rule("/api/v1/companies/<int:cid>/qwc", endpoint="qwc", methods=["GET"]),
            ]
        )

    def __call__(self, request: Request) -> Response:
        try:
            adapter = self.urls.bind_to_environ(request.environ)
            endpoint, values = adapter.match()
            token = self._token(request)
            handler = getattr(self, f"on_{endpoint}")
            response: Response = handler(request, token, **values)
            return response
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.details)
        except NotFound:
            return error_response(404, "not_found", f"no API endpoint {request.path}")
        except MethodNotAllowed as exc:
            return error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.path}",
                {"allowed": sorted(exc.valid_methods or [])},
            )
        except HTTPException as exc:
            return error_response(exc.code or 400, "http_error", exc.description or "bad request")

    def _token(self, request: Request) -> TokenRow:
        match = _BEARER.match(request.headers.get("Authorization", ""))
        if match is None:
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>'")
        with self.store.transaction() as tx:
            token = tx.tokens.by_hash(ticket_hash(match.group(1)))
        if token is None:
            raise ApiError(401, "unauthorized", "the token is not valid")
        return token

    def on_qwc(self, request: Request, token: TokenRow, cid: int) -> Response:
        if token.role != "admin":
            raise ApiError(403, "forbidden", "the .qwc file is for admin tokens only")
        try:
            with self.store.transaction() as tx:
                company = tx.companies.get(cid)
        except StoreNotFound:
            raise ApiError(404, "not_found", f"no company {cid}") from None
        try:
            body = render_qwc(company, self.settings)
        except UsageError as exc:
            raise ApiError(409, "bad_public_url", exc.message) from None
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", company.qbwc_username) + ".qwc"
        return Response(
            body,
            mimetype="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
