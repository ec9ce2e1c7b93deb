"""StandardTermsAdd, DateDrivenTermsAdd and TermsQuery requests, and terms Ret parsing.

qbXML (12.0 and 13.0) has no StandardTermsMod or DateDrivenTermsMod: terms can be added and
read, never changed through the SDK. ``terms_mod`` therefore raises BuildError, so the sync can
log why an edited term was not pushed instead of failing some other way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from lxml import etree

from qbxml.builders._list import (
    ActiveStatus,
    add_name,
    checked_percent,
    list_query,
)
from qbxml.children import Children
from qbxml.context import BuildContext, Identity, add_bool, add_decimal, add_int, request, sub
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import bool_of, datetime_of, decimal_of, int_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0).
NAME_MAX = 31  # StandardTermsAdd/Name, DateDrivenTermsAdd/Name; terms refs are SimpleListRef (31)
FULL_NAME_MAX = NAME_MAX  # terms have no hierarchy: FullName is Name
DAYS_MAX = 999  # a sanity bound on day counts (INTTYPE itself is unbounded)

TermsKind = Literal["Standard", "DateDriven"]


@dataclass(frozen=True)
class StandardTerms:
    """App terms (``name``, ``due_days``, ``discount_days?``, ``discount_percent?``):
    "Net ``due_days``", with an early-payment discount when both discount fields are set."""

    name: str
    due_days: int | None = None
    discount_days: int | None = None
    discount_percent: Decimal | None = None
    is_active: bool | None = None


@dataclass(frozen=True)
class DateDrivenTerms:
    """Terms due on a day of the month ("due on the 10th; next month if issued within N days
    of it"), with an optional discount when paid by ``discount_day_of_month``."""

    name: str
    day_of_month_due: int
    due_next_month_days: int | None = None
    discount_day_of_month: int | None = None
    discount_percent: Decimal | None = None
    is_active: bool | None = None


Terms = StandardTerms | DateDrivenTerms


def _days(value: int | None, what: str, low: int = 0, high: int = DAYS_MAX) -> int | None:
    if value is not None and not low <= value <= high:
        raise BuildError(f"{what} must be between {low} and {high}, got {value}")
    return value


def terms_add(rec: Terms, ctx: BuildContext) -> etree._Element:
    """StandardTermsAddRq or DateDrivenTermsAddRq, depending on the kind of ``rec``."""
    if isinstance(rec, StandardTerms):
        element = request("StandardTermsAddRq")
        body = sub(element, "StandardTermsAdd")
        path = body.tag
        due = _days(rec.due_days, f"{path}/StdDueDays")
        discount_days = _days(rec.discount_days, f"{path}/StdDiscountDays")
        pct = checked_percent(rec.discount_percent, f"{path}/DiscountPct")
        add_name(ctx, body, rec.name, NAME_MAX)
        add_bool(body, "IsActive", rec.is_active)
        add_int(body, "StdDueDays", due)
        add_int(body, "StdDiscountDays", discount_days)
        add_decimal(body, "DiscountPct", pct)
        return element
    element = request("DateDrivenTermsAddRq")
    body = sub(element, "DateDrivenTermsAdd")
    path = body.tag
    day_due = _days(rec.day_of_month_due, f"{path}/DayOfMonthDue", 1, 31)
    next_month = _days(rec.due_next_month_days, f"{path}/DueNextMonthDays")
    discount_day = _days(rec.discount_day_of_month, f"{path}/DiscountDayOfMonth", 1, 31)
    pct = checked_percent(rec.discount_percent, f"{path}/DiscountPct")
    add_name(ctx, body, rec.name, NAME_MAX)
    add_bool(body, "IsActive", rec.is_active)
    add_int(body, "DayOfMonthDue", day_due)
    add_int(body, "DueNextMonthDays", next_month)
    add_int(body, "DiscountDayOfMonth", discount_day)
    add_decimal(body, "DiscountPct", pct)
    return element


def terms_mod(rec: Terms, ident: Identity, ctx: BuildContext) -> etree._Element:
    """Always BuildError: qbXML has no request that changes existing terms."""
    kind = "StandardTerms" if isinstance(rec, StandardTerms) else "DateDrivenTerms"
    raise BuildError(
        f"qbXML {ctx.version} has no {kind}Mod: terms {rec.name!r} ({ident.id}) cannot be "
        "changed from here; edit them in QuickBooks"
    )


def terms_query(
    ctx: BuildContext,
    *,
    kind: TermsKind | None = None,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    include_ret_elements: Sequence[str] = (),
) -> etree._Element:
    """TermsQueryRq (both kinds), or StandardTermsQueryRq / DateDrivenTermsQueryRq for ``kind``.

    qbXML has no iterator on any terms query.
    """
    tag = "TermsQueryRq" if kind is None else f"{kind}TermsQueryRq"
    return list_query(
        ctx,
        tag,
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
class TermsRet:
    """A StandardTermsRet or DateDrivenTermsRet as typed values (``kind`` says which)."""

    kind: TermsKind
    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    is_active: bool | None
    due_days: int | None
    discount_days: int | None
    day_of_month_due: int | None
    due_next_month_days: int | None
    discount_day_of_month: int | None
    discount_percent: Decimal | None


def parse_terms_ret(element: etree._Element) -> TermsRet:
    """Read a StandardTermsRet or DateDrivenTermsRet element; ResponseError for anything else."""
    el = Children(element)
    if el.tag == "StandardTermsRet":
        kind: TermsKind = "Standard"
    elif el.tag == "DateDrivenTermsRet":
        kind = "DateDriven"
    else:
        raise ResponseError(f"<{el.tag}> is not a terms Ret element")
    return TermsRet(
        kind=kind,
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        is_active=bool_of(el, "IsActive"),
        due_days=int_of(el, "StdDueDays"),
        discount_days=int_of(el, "StdDiscountDays"),
        day_of_month_due=int_of(el, "DayOfMonthDue"),
        due_next_month_days=int_of(el, "DueNextMonthDays"),
        discount_day_of_month=int_of(el, "DiscountDayOfMonth"),
        discount_percent=decimal_of(el, "DiscountPct"),
    )
