"""Sales tax codes: a one-way import ("Tax", "Non" and the company's own codes).
SalesTaxCodeQuery has no iterator."""

from __future__ import annotations

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped
from qbwc_server.sync.imports._page import Page
from qbxml.builders import sales_tax_code as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return qb.sales_tax_code_query(ctx, active_status="All", modified_from=ask.modified_from)


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_sales_tax_code_ret(element)
    if not ret.list_id:
        raise ResponseError("a SalesTaxCodeRet without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.name, ret.time_modified, ret)


def fields(ret: qb.SalesTaxCodeRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    data = {
        "name": ret.name,
        "description": ret.description,
        "is_taxable": ret.is_taxable,
        "is_active": ret.is_active,
    }
    return Mapped(data)


SPEC = ImportSpec(
    name="sales_tax_codes", kind="sales_tax_code", query=query, read=read, fields=fields
)
