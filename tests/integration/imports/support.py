"""Helpers of the import tests: run an import, count what QuickBooks returned, edit objects
the way a bookkeeper would in QuickBooks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from request_queue.rows import RecordRow
from tests.support.inprocess import Harness, Run


class RetCounter:
    """Wraps the fake QuickBooks' ``process`` and counts the Ret elements of its answers."""

    def __init__(self, h: Harness, before: Callable[[int], None] | None = None) -> None:
        self.rets: Counter[str] = Counter()
        self.answers = 0
        self._process = h.qb.process
        self._before = before
        h.qb.process = self  # type: ignore[method-assign]

    def __call__(self, request_xml: str) -> str:
        if self._before is not None:
            self._before(self.answers)
        answer = self._process(request_xml)
        self.answers += 1
        root = etree.fromstring(answer.split("?>", 1)[-1].encode())
        for rs in root.iterfind("QBXMLMsgsRs/*"):
            for child in rs:
                if str(child.tag).endswith("Ret"):
                    self.rets[str(child.tag)] += 1
        return answer

    @property
    def total(self) -> int:
        return sum(self.rets.values())


def import_(h: Harness, *kinds: str, **params: Any) -> Run:
    """Queue imports of ``kinds`` and run a Web Connector session; it must complete."""
    for kind in kinds:
        if params:
            with h.store.transaction() as tx:
                entity = {"accounts": "account", "vendors": "vendor", "items": "item"}[kind]
                tx.queue.enqueue(h.company_id, entity=entity, action="import", params=params)
        else:
            h.ops.syncs.queue_import(h.company_id, kind)
    run = h.session(max_sends=200)
    assert run.outcome == "completed", run
    return run


def records(h: Harness, kind: str) -> dict[str, RecordRow]:
    with h.store.transaction() as tx:
        rows = tx.records.of_kind(h.company_id, kind, limit=100_000)
    return {r.record_id: r for r in rows}


def record(h: Harness, kind: str, record_id: str) -> RecordRow:
    with h.store.transaction() as tx:
        row = tx.records.get(h.company_id, kind, record_id)
    assert row is not None, (kind, record_id)
    return row


def _append(parent: etree._Element, fields: dict[str, Any]) -> None:
    for tag, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            child = etree.SubElement(parent, tag)
            if isinstance(one, dict):
                _append(child, one)
            else:
                child.text = str(one)


def edit(h: Harness, type_name: str, object_id: str, **changes: Any) -> dict[str, Any]:
    """Change an object in QuickBooks as a bookkeeper would: an XxxModRq run by the fake
    QuickBooks (a new EditSequence and TimeModified). ``changes`` are Mod elements in schema
    order; nested dicts are aggregates (SalesOrPurchaseMod, VendorAddress...)."""
    [current] = [o for o in h.qb.find(type_name) if object_id in (o.get("ListID"), o.get("TxnID"))]
    id_tag = "TxnID" if "TxnID" in current else "ListID"
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError="stopOnError")
    body = etree.SubElement(etree.SubElement(msgs, f"{type_name}ModRq"), f"{type_name}Mod")
    _append(body, {id_tag: object_id, "EditSequence": current["EditSequence"], **changes})
    xml = '<?xml version="1.0"?><?qbxml version="13.0"?>' + etree.tostring(root).decode()
    answer = FakeQuickBooks.process(h.qb, xml)  # not through a RetCounter
    assert 'statusCode="0"' in answer, answer
    [now] = [o for o in h.qb.find(type_name) if o.get(id_tag) == object_id]
    return now


def messages(h: Harness, event: str) -> list[str]:
    return [e.message for e in h.log() if e.event == event]


def feed(h: Harness) -> list[tuple[str, str, str]]:
    """The event feed as (event, record kind, record id), oldest first."""
    with h.store.transaction() as tx:
        return [
            (e.event, e.record_kind, e.record_id) for e in tx.events.after(h.company_id, 0, 10_000)
        ]
