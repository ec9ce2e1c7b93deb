"""Classes: two-way. A linked app class takes QuickBooks' name and parent; a class created in
QuickBooks comes in as ``qb-<ListID>``. ClassQuery has no iterator."""

from __future__ import annotations

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped
from qbwc_server.sync.imports._page import Page
from qbxml.builders import class_ as qb
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return qb.class_query(ctx, active_status="All", modified_from=ask.modified_from)


def read(element: etree._Element) -> Incoming:
    ret = qb.parse_class_ret(element)
    if not ret.list_id:
        raise ResponseError("a ClassRet without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.full_name, ret.time_modified, ret)


def refs(ret: qb.ClassRet) -> list[str]:
    return [ret.parent.list_id] if ret.parent is not None and ret.parent.list_id else []


def fields(ret: qb.ClassRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    data = {"name": ret.name, "parent_id": page.ref("class", ret.parent)}
    return Mapped(data, {"full_name": ret.full_name, "is_active": ret.is_active})


SPEC = ImportSpec(name="classes", kind="class", query=query, read=read, fields=fields, refs=refs)
