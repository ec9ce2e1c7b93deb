"""ClassAdd, ClassMod and ClassQuery requests, and ClassRet parsing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from qbxml.builders._list import (
    FULL_NAME_MAX,
    NAME_MAX,
    ActiveStatus,
    add_list_identity,
    add_list_ref,
    add_name,
    list_query,
)
from qbxml.children import Children
from qbxml.context import BuildContext, Identity, Ref, add_bool, request, sub
from qbxml.responses import RefValue, bool_of, datetime_of, int_of, ref_of, text_of


@dataclass(frozen=True)
class Class:
    """An app class (``name``, ``parent_id``) in QuickBooks terms."""

    name: str
    parent: Ref | None = None
    is_active: bool | None = None


def _class_body(ctx: BuildContext, body: etree._Element, rec: Class) -> None:
    add_name(ctx, body, rec.name, NAME_MAX)
    add_bool(body, "IsActive", rec.is_active)
    add_list_ref(ctx, body, "ParentRef", rec.parent, FULL_NAME_MAX)


def class_add(rec: Class, ctx: BuildContext) -> etree._Element:
    """ClassAddRq for an app class."""
    element = request("ClassAddRq")
    _class_body(ctx, sub(element, "ClassAdd"), rec)
    return element


def class_mod(rec: Class, ident: Identity, ctx: BuildContext) -> etree._Element:
    """ClassModRq setting the linked class's name, parent and active flag to the app's."""
    element = request("ClassModRq")
    body = sub(element, "ClassMod")
    add_list_identity(body, ident)
    _class_body(ctx, body, rec)
    return element


def class_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    include_ret_elements: Sequence[str] = (),
) -> etree._Element:
    """ClassQueryRq by ListIDs, FullNames or filters. qbXML has no iterator on ClassQuery."""
    return list_query(
        ctx,
        "ClassQueryRq",
        full_name_max=FULL_NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
        include_ret_elements=include_ret_elements,
    )


@dataclass(frozen=True)
class ClassRet:
    """A ClassRet as typed values."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    full_name: str | None
    is_active: bool | None
    parent: RefValue | None
    sublevel: int | None


def parse_class_ret(element: etree._Element) -> ClassRet:
    """Read a ClassRet element (from an Add, Mod or Query answer).

    Every field is optional because IncludeRetElement can trim any of them.
    """
    el = Children(element)
    return ClassRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        full_name=text_of(el, "FullName"),
        is_active=bool_of(el, "IsActive"),
        parent=ref_of(el, "ParentRef"),
        sublevel=int_of(el, "Sublevel"),
    )
