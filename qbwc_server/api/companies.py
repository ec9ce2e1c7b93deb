"""Companies: create (admin), list, show, and change settings, name, password or pause (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from qbwc_server.api.body import read_object
from qbwc_server.api.errors import json_response, require_admin
from qbwc_server.operations.companies import company_settings
from request_queue.rows import CompanyRow
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def iso(value: datetime | None) -> str | None:
    """A timestamp as ISO 8601 (None stays None)."""
    return value.isoformat() if value is not None else None


def company_json(company: CompanyRow) -> dict[str, Any]:
    """A company as the API shows it: never its password hash."""
    host = company.host_info or {}
    return {
        "id": company.id,
        "name": company.name,
        "qbwc_username": company.qbwc_username,
        "enabled": company.enabled,
        "settings": company_settings(company),
        "company_file": company.company_file,
        "qbxml_version": company.qbxml_version,
        "quickbooks": host.get("product_name"),
        "last_session_at": iso(company.last_session_at),
        "last_session_result": company.last_session_result,
    }


def create(api: Api, request: Request, token: TokenRow) -> Response:
    """POST /companies {name, qbwc_username, qbwc_password?, settings?, enabled?} -> 201.

    Without ``qbwc_password`` the server generates one and answers it, this once only."""
    require_admin(token, "creating a company")
    new = api.ops.companies.create_new(read_object(request))
    body = company_json(new.company)
    if new.password is not None:
        body["qbwc_password"] = new.password
    response = json_response(body, 201)
    response.headers["Location"] = f"/api/v1/companies/{new.company.id}"
    return response


def index(api: Api, request: Request, token: TokenRow) -> Response:
    """GET /companies -> {"items": [company...]}."""
    return json_response({"items": [company_json(c) for c in api.ops.companies.all()]})


def show(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid> (an id or the Web Connector user name)."""
    return json_response(company_json(api.ops.companies.get(cid)))


def patch(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """PATCH /companies/<cid> {settings?, enabled?, name?, qbwc_password?}: all or nothing."""
    require_admin(token, "changing a company")
    return json_response(company_json(api.ops.companies.update(cid, read_object(request))))
