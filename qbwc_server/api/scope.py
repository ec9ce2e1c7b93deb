"""Tokens scoped to one company: such a token reaches that company's endpoints only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qbwc_server.api.errors import ApiError
from qbwc_server.errors import NotFound
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def check_scope(api: Api, token: TokenRow, values: Mapping[str, object]) -> None:
    """Refuse (403) a scoped token on another company, or on an endpoint of no one company
    (listing or creating companies). Unknown companies get the same 403, so a scoped token
    cannot learn which other companies exist."""
    if token.company_id is None:
        return
    cid = values.get("cid")
    if cid is None:
        raise ApiError(
            403,
            "forbidden",
            "this token is scoped to one company: it cannot list or create companies",
        )
    try:
        company_id: int | None = api.ops.companies.get(str(cid)).id
    except NotFound:
        company_id = None
    if company_id != token.company_id:
        raise ApiError(403, "forbidden", f"this token reaches only company {token.company_id}")
