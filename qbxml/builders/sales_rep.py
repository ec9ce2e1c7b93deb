"""SalesRepAdd, SalesRepMod and SalesRepQuery, and SalesRepRet parsing.

The app user responsible for a project becomes a QuickBooks sales rep: up to five initials,
referencing that user's Employee or Vendor (SalesRepEntityRef).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from qbxml.builders._list import ActiveStatus, add_list_identity, add_list_ref, list_query
from qbxml.children import Children
from qbxml.context import BuildContext, Identity, Ref, add_bool, add_text, request, sub
from qbxml.errors import BuildError
from qbxml.fields import storable
from qbxml.responses import RefValue, bool_of, datetime_of, ref_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
INITIAL_MAX = 5
ENTITY_REF_MAX = 41  # SalesRepEntityRef is a VendorListRef: FullName up to 41


def initials(given: str | None, first_name: str | None, last_name: str | None) -> str:
    """The user's initials if given, else the first letters of first and last name: capital
    letters and digits QuickBooks can store, at most five."""
    source = given or "".join(part[:1] for part in (first_name or "", last_name or "") if part)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", source) if not unicodedata.combining(c)
    )
    letters = "".join(c for c in storable(plain).upper() if c.isalnum() and c.isascii())
    return letters[:INITIAL_MAX]


@dataclass(frozen=True)
class SalesRep:
    """A sales rep: initials and the Employee or Vendor it stands for."""

    initial: str
    entity: Ref
    is_active: bool | None = None


def _body(ctx: BuildContext, body: etree._Element, rec: SalesRep) -> None:
    if add_text(ctx, body, "Initial", rec.initial, INITIAL_MAX) is None:
        raise BuildError("a sales rep needs initials")
    add_bool(body, "IsActive", rec.is_active)
    add_list_ref(ctx, body, "SalesRepEntityRef", rec.entity, ENTITY_REF_MAX)


def sales_rep_add(rec: SalesRep, ctx: BuildContext) -> etree._Element:
    """SalesRepAddRq for the user responsible for a project."""
    element = request("SalesRepAddRq")
    _body(ctx, sub(element, "SalesRepAdd"), rec)
    return element


def sales_rep_mod(rec: SalesRep, ident: Identity, ctx: BuildContext) -> etree._Element:
    """SalesRepModRq setting the linked sales rep's initials and entity to the app's."""
    element = request("SalesRepModRq")
    body = sub(element, "SalesRepMod")
    add_list_identity(body, ident)
    _body(ctx, body, rec)
    return element


def sales_rep_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
) -> etree._Element:
    """SalesRepQueryRq by ListIDs, initials or filters (qbXML has no iterator here)."""
    return list_query(
        ctx,
        "SalesRepQueryRq",
        full_name_max=INITIAL_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
    )


@dataclass(frozen=True)
class SalesRepRet:
    """A SalesRepRet as typed values."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    initial: str | None
    is_active: bool | None
    entity: RefValue | None


def parse_sales_rep_ret(element: etree._Element) -> SalesRepRet:
    """Read a SalesRepRet."""
    el = Children(element)
    return SalesRepRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        initial=text_of(el, "Initial"),
        is_active=bool_of(el, "IsActive"),
        entity=ref_of(el, "SalesRepEntityRef"),
    )
