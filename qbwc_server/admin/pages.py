"""The company pages: the list, one company's connection status and settings, pausing it,
its .qwc file, and queueing imports from QuickBooks."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Response

from qbwc_server.admin.app import View
from qbwc_server.admin.forms import (
    errors_by_field,
    form_values,
    settings_fields,
    settings_from_form,
)
from qbwc_server.errors import Refused
from qbwc_server.models.validation import RecordInvalid
from qbwc_server.operations.companies import company_settings
from qbwc_server.qwc import render_qwc
from qbwc_server.sync.registry import IMPORT_KINDS

_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def companies(view: View) -> Response:
    return view.render("companies.html", statuses=view.ops.companies.statuses())


def company(view: View, cid: int) -> Response:
    status = view.ops.companies.status(cid)
    return _company_page(view, cid, form_values(company_settings(status.company)), {})


def _company_page(
    view: View, cid: int, values: dict[str, Any], errors: dict[str, str], *, status: int = 200
) -> Response:
    return view.render(
        "company.html",
        status=status,
        s=view.ops.companies.status(cid),
        fields=settings_fields(),
        values=values,
        errors=errors,
        import_kinds=sorted(IMPORT_KINDS),
    )


def settings(view: View, cid: int) -> Response:
    """Save every setting of the form, or none: errors are shown next to their fields."""
    update = settings_from_form(view.request.form)
    try:
        view.ops.companies.update(cid, {"settings": update})
    except RecordInvalid as exc:
        errors = errors_by_field(exc.errors)
        return _company_page(view, cid, form_values(update), errors, status=400)
    return view.redirect("company", cid=cid, notice="Settings saved.")


def enabled(view: View, cid: int) -> Response:
    """Pause or resume syncing (nothing queued is lost)."""
    on = view.request.form.get("enabled") == "1"
    view.ops.companies.update(cid, {"enabled": on})
    notice = (
        "Syncing is on again."
        if on
        else "Syncing is paused: the Web Connector is told there is nothing to do."
    )
    return view.redirect("company", cid=cid, notice=notice)


def qwc(view: View, cid: int) -> Response:
    """The company's .qwc file, to load into the Web Connector."""
    row = view.ops.companies.get(cid)
    text = render_qwc(row, view.app.settings)
    name = _FILE_NAME.sub("-", row.qbwc_username).strip("-.") or f"company-{row.id}"
    response = Response(text, mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.qwc"'
    return response


def imports(view: View, cid: int) -> Response:
    """Queue an import of one QuickBooks list."""
    kind = view.request.form.get("kind", "")
    try:
        req = view.ops.syncs.queue_import(cid, kind)
    except (RecordInvalid, Refused) as exc:
        said = exc.errors[0].message if isinstance(exc, RecordInvalid) else exc.message
        return view.redirect("company", cid=cid, notice=said, error=True)
    return view.redirect(
        "company",
        cid=cid,
        notice=f"Import of {kind} queued (request {req.id}); it runs at the next Web "
        "Connector session.",
    )
