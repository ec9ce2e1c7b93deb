"""Vendors: two-way, the side changed last wins (QuickBooks' TimeModified against the app's
``updated_at``). A QuickBooks vendor that is an app user's (a 1099 user) is left alone: users
are pushed, never imported. Vendors created in QuickBooks come in as ``qb-<ListID>``.

The vendor type travels in the Notes ("Vendor type: Installer", as the export writes it), else
in a VendorTypeRef named Installer, Supplier or Vendor; a vendor with neither is a "vendor".
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped, Rule, paged
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import address, money
from qbxml.builders import vendor as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from qbxml.responses import text_of
from request_queue.rows import RecordRow

TYPES = ("installer", "supplier", "vendor")
_NOTES_PREFIX = "vendor type:"


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return paged(qb.vendor_query, ctx, ask, first={"active_status": "All"})


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_vendor_ret(element)
    if not ret.list_id:
        raise ResponseError("a VendorRet without a ListID")
    return Incoming(
        ret.list_id,
        ret.edit_sequence,
        ret.name,
        ret.time_modified,
        (ret, text_of(element, "Notes")),
    )


def refs(ret: tuple[qb.VendorRet, str | None]) -> list[str]:
    terms = ret[0].terms
    return [terms.list_id] if terms is not None and terms.list_id else []


def vendor_type(ret: qb.VendorRet, notes: str | None) -> str | None:
    """The app's vendor type, from the Notes line the export writes or the VendorTypeRef."""
    for line in (notes or "").splitlines():
        text = line.strip().casefold()
        if text.startswith(_NOTES_PREFIX) and text[len(_NOTES_PREFIX) :].strip() in TYPES:
            return text[len(_NOTES_PREFIX) :].strip()
    named = (ret.vendor_type.full_name or "").casefold() if ret.vendor_type else ""
    return named if named in TYPES else None


def fields(
    value: tuple[qb.VendorRet, str | None], page: Page, as_kind: str, existing: RecordRow | None
) -> Mapped:
    ret, notes = value
    data: dict[str, Any] = {
        "name": ret.name,
        "company_name": ret.company_name,
        "email": ret.email,
        "phone": ret.phone,
        "address": address(ret.address),
        "terms_id": page.ref("terms", ret.terms),
    }
    kind = vendor_type(ret, notes)
    if kind is not None:
        data["vendor_type"] = kind
    elif existing is None or "vendor_type" not in existing.data:
        data["vendor_type"] = "vendor"
    if ret.time_modified is not None:
        data["updated_at"] = ret.time_modified.isoformat()
    extra = {
        "is_active": ret.is_active,
        "first_name": ret.first_name,
        "last_name": ret.last_name,
        "mobile": ret.mobile,
        "is_1099": ret.is_1099,
        "balance": money(ret.balance),
        "vendor_type_name": ret.vendor_type.full_name if ret.vendor_type else None,
    }
    return Mapped(data, extra)


def rule(as_kind: str) -> Rule:
    return "last_wins" if as_kind == "vendor" else "keep"


SPEC = ImportSpec(
    name="vendors",
    kind="vendor",
    query=query,
    read=read,
    fields=fields,
    refs=refs,
    iterates=True,
    link_kinds=("vendor", "user"),
    rule=rule,
)
