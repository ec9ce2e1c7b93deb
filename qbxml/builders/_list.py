"""What the list-object builders share: checked ids and references, the Mod identity, names,
prices and percentages, and the list query (ListID | FullName | filters, with iterators where
the schema has them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from lxml import etree

from qbxml.context import (
    BuildContext,
    Identity,
    Ref,
    add_datetime,
    add_id,
    add_int,
    add_text,
    request,
    sub,
)
from qbxml.errors import BuildError

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
NAME_MAX = 31  # ClassAdd/Name, ClassMod/Name
FULL_NAME_MAX = 159  # ClassRet/FullName; also ListRef FullName (ClassRef, AccountRef, ParentRef)
ID_MAX = 36  # IDTYPE
EDIT_SEQUENCE_MAX = 16
INCLUDE_RET_ELEMENT_MAX = 50
ITERATOR_ID_MAX = 100  # STRTYPE; QuickBooks sends a braced GUID (38 characters)

ActiveStatus = Literal["ActiveOnly", "InactiveOnly", "All"]
Iterator = Literal["Start", "Continue"]

_ID = re.compile(r"[\x21-\x7e]+")
_ELEMENT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_PERCENT_LIMIT = Decimal("100")
_PRICE_LIMIT = Decimal("9999999999.99999")  # PRICETYPE: [+-]10 digits . 1-5 digits
_PLACES5 = Decimal("0.00001")


def check_id(value: str, what: str, max_len: int = ID_MAX) -> str:
    """``value`` if it is a ListID-like token (1-max_len printable ASCII), else BuildError."""
    if not value or len(value) > max_len or not _ID.fullmatch(value):
        raise BuildError(f"{what} must be 1-{max_len} printable ASCII characters, got {value!r}")
    return value


def add_list_ref(
    ctx: BuildContext, parent: etree._Element, tag: str, ref: Ref | None, max_len: int
) -> etree._Element | None:
    """Append ``<tag>`` naming a list object by a checked ListID, else by a cleaned FullName.

    A FullName is cleaned like the name it refers to was when we sent it (same characters and
    cut), so a reference to an object this server created still matches. BuildError when
    nothing usable is left.
    """
    if ref is None:
        return None
    element = sub(parent, tag)
    if ref.list_id:
        sub(element, "ListID", check_id(ref.list_id, f"{tag}/ListID"))
        return element
    if add_text(ctx, element, "FullName", ref.full_name, max_len, upper=False) is None:
        raise BuildError(f"{tag} has no usable FullName")
    return element


def add_list_identity(parent: etree._Element, ident: Identity) -> None:
    """Append the ListID and EditSequence of the list object a Mod request changes."""
    add_id(parent, "ListID", check_id(ident.id, "ListID"))
    add_id(parent, "EditSequence", check_id(ident.edit_sequence, "EditSequence", EDIT_SEQUENCE_MAX))


def add_name(ctx: BuildContext, parent: etree._Element, value: str, max_len: int) -> None:
    """Append the required ``Name``; BuildError when nothing usable is left after cleaning."""
    if add_text(ctx, parent, "Name", value, max_len) is None:
        raise BuildError(f"{parent.tag} needs a Name, got {value[:40]!r}")


def checked_price(value: Decimal | None, what: str) -> Decimal | None:
    """A PRICETYPE value rounded to 5 places, or BuildError when QuickBooks cannot hold it."""
    if value is None:
        return None
    if not value.is_finite():
        raise BuildError(f"{what} {value} is not a number")
    if abs(value) > _PRICE_LIMIT:  # before rounding: quantize fails on huge values
        raise BuildError(f"{what} {value} is outside QuickBooks' price range")
    rounded = value.quantize(_PLACES5, rounding=ROUND_HALF_UP) + 0
    if abs(rounded) > _PRICE_LIMIT:
        raise BuildError(f"{what} {value} is outside QuickBooks' price range")
    return rounded


def checked_percent(value: Decimal | None, what: str) -> Decimal | None:
    """A PERCENTTYPE discount between 0 and 100, rounded to 5 places; BuildError otherwise."""
    if value is None:
        return None
    if not value.is_finite() or not 0 <= value <= _PERCENT_LIMIT:
        raise BuildError(f"{what} {value} is not a percentage between 0 and 100")
    return value.quantize(_PLACES5, rounding=ROUND_HALF_UP) + 0


def list_query(
    ctx: BuildContext,
    tag: str,
    *,
    full_name_max: int,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    filter_tail: Sequence[tuple[str, str]] = (),
    include_ret_elements: Sequence[str] = (),
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
    allow_iterator: bool = False,
) -> etree._Element:
    """A ``XxxQueryRq`` over a list: by ListIDs, by FullNames, or by filters (never two of them).

    ``filter_tail`` holds (tag, text) filters that follow the ListFilter in this query's schema
    (e.g. AccountType). Iterators are refused (BuildError) where the schema has none.
    """
    filters = (max_returned, active_status, modified_from, modified_to)
    if isinstance(list_ids, str) or isinstance(full_names, str):
        raise BuildError(f"{tag} takes a list of ListIDs or FullNames, not one string")
    uses_filters = any(f is not None for f in filters) or bool(filter_tail)
    if sum((bool(list_ids), bool(full_names), uses_filters)) > 1:
        raise BuildError(f"{tag} takes ListIDs, FullNames or filters, not several of them")
    if active_status not in (None, "ActiveOnly", "InactiveOnly", "All"):
        raise BuildError(f"{tag} ActiveStatus {active_status!r} is not one QuickBooks knows")
    if max_returned is not None and max_returned < 1:
        raise BuildError(f"{tag} MaxReturned must be at least 1, got {max_returned}")
    element = request(tag)
    _set_iterator(element, iterator, iterator_id, allow_iterator)
    for list_id in list_ids:
        add_id(element, "ListID", check_id(list_id, f"{tag}/ListID"))
    for full_name in full_names:
        if add_text(ctx, element, "FullName", full_name, full_name_max, upper=False) is None:
            raise BuildError(f"{tag} FullName {full_name[:40]!r} has nothing to match")
    add_int(element, "MaxReturned", max_returned)
    if active_status is not None:
        sub(element, "ActiveStatus", active_status)
    add_datetime(element, "FromModifiedDate", modified_from)
    add_datetime(element, "ToModifiedDate", modified_to)
    for filter_tag, text in filter_tail:
        sub(element, filter_tag, text)
    for name in include_ret_elements:
        if len(name) > INCLUDE_RET_ELEMENT_MAX or not _ELEMENT_NAME.fullmatch(name):
            raise BuildError(f"IncludeRetElement {name!r} is not an element name")
        sub(element, "IncludeRetElement", name)
    return element


def _set_iterator(
    element: etree._Element, iterator: Iterator | None, iterator_id: str | None, allowed: bool
) -> None:
    if iterator is None:
        if iterator_id is not None:
            raise BuildError('an iteratorID is only sent with iterator="Continue"')
        return
    if not allowed:
        raise BuildError(f"{element.tag} has no iterator in qbXML")
    if iterator not in ("Start", "Continue"):
        raise BuildError(f"iterator must be Start or Continue, got {iterator!r}")
    if iterator == "Continue" and iterator_id is None:
        raise BuildError('iterator="Continue" needs the iteratorID QuickBooks returned')
    if iterator == "Start" and iterator_id is not None:
        raise BuildError('iterator="Start" takes no iteratorID')
    element.set("iterator", iterator)
    if iterator_id is not None:
        element.set("iteratorID", check_id(iterator_id, "iteratorID", ITERATOR_ID_MAX))
