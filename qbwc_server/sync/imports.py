"""Imports from QuickBooks: a list query, page by page, into imported records and links.

A record already linked keeps its app id; one that matches no app record gets the id
``qb-<ListID>`` (DESIGN.md section 4). Iterators fetch large lists a page at a time: the request
goes back to the queue with its iteratorID until QuickBooks says nothing remains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from qbwc_server.sync import outcomes
from qbwc_server.sync.handlers import Outcome, SyncEnv
from qbxml.builders import account
from qbxml.context import BuildContext
from qbxml.errors import ResponseError
from qbxml.responses import RequestResult
from request_queue.rows import RequestRow

PAGE_SIZE = 500


@dataclass(frozen=True)
class Imported:
    """One QuickBooks object as an imported record: its ids and the record's data."""

    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    time_modified: datetime | None
    data: dict[str, Any]


# (ctx, iteratorID or None for the first page, page size) -> the QueryRq element
QueryBuilder = Callable[[BuildContext, str | None, int], etree._Element]


@dataclass(frozen=True)
class ListImport:
    """A request kind that imports one QuickBooks list into records of ``entity``."""

    entity: str
    build_query: QueryBuilder
    read: Callable[[etree._Element], Imported]
    action: str = "import"
    writes: bool = False

    def build(self, req: RequestRow, env: SyncEnv) -> etree._Element:
        return self.build_query(
            env.ctx, req.params.get("iterator_id"), int(req.params.get("page_size", PAGE_SIZE))
        )

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        if not (result.ok or result.no_match):
            return outcomes.decide(self, req, result, env)
        tx = env.tx
        added = updated = 0
        for element in result.rets:
            item = self.read(element)
            link = tx.records.link_by_qb_id(req.company_id, self.entity, item.qb_id)
            app_id = link.app_id if link is not None else f"qb-{item.qb_id}"
            existing = tx.records.get(req.company_id, self.entity, app_id)
            origin = existing.origin if existing is not None else "quickbooks"
            data = {**(existing.data if existing is not None else {}), **item.data}
            tx.records.upsert(req.company_id, self.entity, app_id, origin=origin, data=data)
            tx.records.link(
                req.company_id,
                self.entity,
                app_id,
                qb_id=item.qb_id,
                edit_sequence=item.edit_sequence,
                full_name=item.full_name,
                qb_time_modified=item.time_modified,
            )
            added += existing is None
            updated += existing is not None
        total = {
            "added": int(req.params.get("added", 0)) + added,
            "updated": int(req.params.get("updated", 0)) + updated,
        }
        remaining = result.iterator_remaining_count or 0
        if result.iterator_id and remaining > 0:
            return Outcome(
                "continue",
                f"Imported a page of {self.entity} records ({remaining} more to fetch)",
                params={"iterator_id": result.iterator_id, **total},
                reset_attempts=True,
            )
        return Outcome(
            "done",
            f"Imported {self.entity} records: {total['added']} added, {total['updated']} updated",
            params=total,
        )


def _account_query(ctx: BuildContext, iterator_id: str | None, page_size: int) -> etree._Element:
    # qbXML has no iterator on AccountQuery: the whole chart, active or not, in one answer.
    return account.account_query(ctx, active_status="All")


def _account(element: etree._Element) -> Imported:
    ret = account.parse_account_ret(element)
    if not ret.list_id:
        raise ResponseError("an AccountRet without a ListID")
    data = {
        "name": ret.name,
        "full_name": ret.full_name,
        "account_type": ret.account_type,
        "account_number": ret.account_number,
        "description": ret.description,
        "is_active": ret.is_active,
        "parent_list_id": ret.parent.list_id if ret.parent is not None else None,
        "balance": None if ret.balance is None else str(ret.balance),
    }
    return Imported(ret.list_id, ret.edit_sequence, ret.full_name, ret.time_modified, data)


ACCOUNT_IMPORT = ListImport("account", _account_query, _account)
