"""The .qwc file a Web Connector user adds (admin tokens only: it names the user)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from qbwc_server.api import params
from qbwc_server.api.errors import ApiError, require_admin
from qbwc_server.errors import UsageError
from qbwc_server.qwc import render_qwc
from request_queue.tokens import TokenRow

if TYPE_CHECKING:
    from qbwc_server.api import Api


def download(api: Api, request: Request, token: TokenRow, cid: str) -> Response:
    """GET /companies/<cid>/qwc: the file, as an attachment named after the user."""
    require_admin(token, "the .qwc file")
    params.query(request)
    company = api.ops.companies.get(cid)
    try:
        body = render_qwc(company, api.settings)
    except UsageError as exc:  # the server's public URL is wrong: not the client's fault
        raise ApiError(409, "bad_public_url", exc.message) from None
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", company.qbwc_username) + ".qwc"
    return Response(
        body,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
