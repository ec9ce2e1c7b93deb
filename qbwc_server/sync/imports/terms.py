"""Terms: import and add only. qbXML 12.0/13.0 have no StandardTermsMod or DateDrivenTermsMod,
so terms are never changed in QuickBooks from here, and terms linked to the app's are left as
the app has them (``keep``); terms created in QuickBooks come in as ``qb-<ListID>``.

Standard terms fill the app's fields (due_days, discount_days, discount_percent). Date-driven
terms ("due on the 15th") have no app equivalent: they come in with their name, and their
days of the month under "quickbooks". TermsQuery has no iterator.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import number
from qbxml.builders import terms as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return qb.terms_query(ctx, active_status="All", modified_from=ask.modified_from)


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_terms_ret(element)
    if not ret.list_id:
        raise ResponseError(f"a {element.tag} without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.name, ret.time_modified, ret)


def fields(ret: qb.TermsRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    extra: dict[str, Any] = {"terms_type": ret.kind, "is_active": ret.is_active}
    data: dict[str, Any] = {"name": ret.name}
    if ret.kind == "Standard":
        data.update(
            due_days=ret.due_days if ret.due_days is not None else 0,
            discount_days=ret.discount_days,
            discount_percent=number(ret.discount_percent),
        )
    else:
        extra.update(
            day_of_month_due=ret.day_of_month_due,
            due_next_month_days=ret.due_next_month_days,
            discount_day_of_month=ret.discount_day_of_month,
            discount_percent=ret.discount_percent,
        )
    return Mapped(data, extra)


SPEC = ImportSpec(
    name="terms",
    kind="terms",
    query=query,
    read=read,
    fields=fields,
    rule=lambda as_kind: "keep",
)
