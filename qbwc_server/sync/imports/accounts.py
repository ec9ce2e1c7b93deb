"""Accounts: the chart of accounts, a one-way import (AccountQuery has no iterator: the whole
chart, active or not, comes in one answer)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.imports._base import Ask, ImportSpec, Incoming, Mapped
from qbwc_server.sync.imports._page import Page
from qbwc_server.sync.imports._values import money
from qbxml.builders import account
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from request_queue.rows import RecordRow


def query(ctx: BuildContext, ask: Ask) -> etree._Element:
    return account.account_query(ctx, active_status="All", modified_from=ask.modified_from)


def read(element: etree._Element) -> Incoming:
    ret = account.parse_account_ret(element)
    if not ret.list_id:
        raise ResponseError("an AccountRet without a ListID")
    return Incoming(ret.list_id, ret.edit_sequence, ret.full_name, ret.time_modified, ret)


def refs(ret: account.AccountRet) -> list[str]:
    return [ret.parent.list_id] if ret.parent is not None and ret.parent.list_id else []


def fields(ret: account.AccountRet, page: Page, as_kind: str, existing: RecordRow | None) -> Mapped:
    data: dict[str, Any] = {
        "name": ret.name,
        "full_name": ret.full_name,
        "account_type": ret.account_type,
        "special_account_type": ret.special_account_type,
        "account_number": ret.account_number,
        "description": ret.description,
        "is_active": ret.is_active,
        "parent_id": page.ref("account", ret.parent),
        "parent_list_id": ret.parent.list_id if ret.parent is not None else None,
        "balance": money(ret.balance),
    }
    return Mapped(data)


SPEC = ImportSpec(name="accounts", kind="account", query=query, read=read, fields=fields, refs=refs)
