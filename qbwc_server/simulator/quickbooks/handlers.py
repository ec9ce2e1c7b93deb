"""One handler for every Add, Mod and Query request, driven by the catalog of types."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy

from lxml import etree

from qbwc_server.simulator.quickbooks.catalog import GROUPS, OBJECT_TYPES, ObjectType
from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.convert import to_data
from qbwc_server.simulator.quickbooks.iterators import Iterators
from qbwc_server.simulator.quickbooks.lists import add_list, mod_list
from qbwc_server.simulator.quickbooks.queries import Match, run_query, types_for
from qbwc_server.simulator.quickbooks.render import render
from qbwc_server.simulator.quickbooks.responses import (
    NO_MATCH,
    OK,
    UNSUPPORTED,
    Status,
    StatusError,
    invalid_iterator,
    locked_list,
    locked_txn,
    rs_element,
)
from qbwc_server.simulator.quickbooks.transactions import add_txn, mod_txn

Answer = tuple[etree._Element, Status]


class Handlers:
    """Executes single requests against the company; the engine runs them as a message set."""

    def __init__(self, company: Company, iterators: Iterators, locked: Callable[[], bool]) -> None:
        self.company = company
        self.iterators = iterators
        self.locked = locked

    def handle(
        self, request: etree._Element, parsed: tuple[str, str] | None, request_id: str | None
    ) -> Answer:
        """Answer one request element (``parsed`` is its (type, operation) or None)."""
        tag = str(request.tag)
        rs_tag = tag[:-2] + "Rs" if tag.endswith("Rq") else tag + "Rs"
        if parsed is None:
            return _status(rs_tag, request_id, UNSUPPORTED)
        name, op = parsed
        if op == "Query" and name in GROUPS:
            return self._query(request, types_for(name), rs_tag, request_id)
        otype = OBJECT_TYPES.get(name)
        if otype is None or op not in otype.ops:
            return _status(rs_tag, request_id, UNSUPPORTED)
        if op == "Query":
            return self._query(request, (otype,), rs_tag, request_id)
        payload_element = request.find(f"{name}{op}")
        payload = to_data(payload_element) if payload_element is not None else {}
        include = tuple(c.text or "" for c in request.findall("IncludeRetElement")) or None
        try:
            if self.locked():
                raise StatusError(self._lock_status(otype, payload))
            if otype.is_txn:
                obj = (add_txn if op == "Add" else mod_txn)(self.company, otype, payload)
            else:
                obj = (add_list if op == "Add" else mod_list)(self.company, otype, payload)
        except StatusError as error:
            return _status(rs_tag, request_id, error.status)
        ret = render(self.company, otype, obj, include=include)
        return rs_element(rs_tag, request_id, OK, [ret]), OK

    def _lock_status(self, otype: ObjectType, payload: dict[str, object]) -> Status:
        if otype.is_txn:
            return locked_txn(otype.name)
        name = payload.get(otype.name_field)
        if name is None and payload.get("ListID"):
            current = self.company.get(otype.name, str(payload["ListID"])) or {}
            name = current.get(otype.name_field, "")
        return locked_list(otype.name, str(name or ""))

    def _query(
        self,
        request: etree._Element,
        otypes: tuple[ObjectType, ...],
        rs_tag: str,
        request_id: str | None,
    ) -> Answer:
        include = tuple(c.text or "" for c in request.findall("IncludeRetElement")) or None
        include_lines = (request.findtext("IncludeLineItems") or "false") == "true"
        max_text = request.findtext("MaxReturned")
        size = int(max_text) if max_text else None
        mode = request.get("iterator")
        now = self.company.clock.now()
        if mode == "Continue":
            iterator_id = request.get("iteratorID", "")
            iterator = self.iterators.resume(iterator_id, str(request.tag), now)
            if iterator is None:
                return _status(rs_tag, request_id, invalid_iterator(iterator_id))
            page = self.iterators.page(iterator, size)
            rets = self._rets(page, iterator.include_lines, iterator.include)
            status = OK if rets else NO_MATCH
            return rs_element(
                rs_tag,
                request_id,
                status,
                rets,
                iterator=(len(iterator.remaining), iterator.iterator_id),
            ), status
        if mode == "Start":
            result = run_query(self.company, otypes, _without_max(request))
            iterator = self.iterators.start(
                str(request.tag),
                result.matches,
                include_lines=include_lines,
                include=include,
                now=now,
            )
            page = self.iterators.page(iterator, size)
            status = result.warning or (OK if page else NO_MATCH)
            return rs_element(
                rs_tag,
                request_id,
                status,
                self._rets(page, include_lines, include),
                iterator=(len(iterator.remaining), iterator.iterator_id),
            ), status
        result = run_query(self.company, otypes, request)
        rets = self._rets(result.matches, include_lines, include)
        status = result.warning or (OK if rets else NO_MATCH)
        return rs_element(rs_tag, request_id, status, rets), status

    def _rets(
        self, matches: list[Match], include_lines: bool, include: tuple[str, ...] | None
    ) -> list[etree._Element]:
        rets = []
        for type_name, object_id in matches:
            obj = self.company.get(type_name, object_id)
            if obj is not None:
                otype = OBJECT_TYPES[type_name]
                rets.append(
                    render(self.company, otype, obj, include_lines=include_lines, include=include)
                )
        return rets


def _status(rs_tag: str, request_id: str | None, status: Status) -> Answer:
    return rs_element(rs_tag, request_id, status), status


def _without_max(request: etree._Element) -> etree._Element:
    copy = etree.Element(request.tag)
    for child in request:
        if isinstance(child.tag, str) and child.tag != "MaxReturned":
            copy.append(deepcopy(child))
    return copy
