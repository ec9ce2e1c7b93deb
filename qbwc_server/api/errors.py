"""The API's error answer: {"error": {"code", "message", "details"}} with an HTTP status."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from request_queue.tokens import TokenRow


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
    """The JSON error answer (401 also says how to authenticate)."""
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="qbwc-server"'
    return response


def json_response(body: object, status: int = 200) -> Response:
    """A JSON answer."""
    return Response(json.dumps(body), status=status, mimetype="application/json")


def require_admin(token: TokenRow, what: str) -> None:
    """Refuse a staff token with 403 ``forbidden``, saying what needs an admin token."""
    if token.role != "admin":
        raise ApiError(403, "forbidden", f"{what} needs an admin token")
