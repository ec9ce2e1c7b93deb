"""Reading qbXML response documents: one RequestResult per *Rs element, plus typed value helpers.

parse_response turns what QuickBooks answered (the ``response`` of receiveResponseXML) into a
ResponseSet; it never raises anything but XmlParseError (not XML) or ResponseError (XML, but not
a qbXML response). The ``*_of`` helpers read typed children of a ``*Ret`` element for the
per-entity parsers: None when the child is absent, ResponseError naming the field when it is
present but unreadable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from lxml import etree

from qbxml.children import Node
from qbxml.errors import ResponseError
from qbxml.values import parse_bool, parse_date, parse_datetime, parse_decimal, parse_int
from qbxml.xmlparse import parse_xml

_T = TypeVar("_T")
_SEVERITIES = {"info": "Info", "warn": "Warn", "warning": "Warn", "error": "Error"}
NO_MATCH_CODES = frozenset({1, 500})
# The longest QuickBooks ids accepted from an answer: the columns they are stored in
# (QuickBooks' own IDTYPE is 36 characters and EditSequence 16; the builders send no more).
STORED_ID_MAX = {"ListID": 60, "TxnID": 60, "EditSequence": 40}


@dataclass(frozen=True)
class RefValue:
    """A ``*Ref`` aggregate as QuickBooks returns it (either part may be missing)."""

    list_id: str | None
    full_name: str | None


@dataclass(frozen=True)
class ErrorRecovery:
    """The ErrorRecovery element QuickBooks adds to an Add/Mod answer of a recovered message set.

    It names the object the earlier, unanswered request created or changed.
    """

    list_id: str | None = None
    owner_id: str | None = None
    txn_id: str | None = None
    txn_number: int | None = None
    edit_sequence: str | None = None
    external_guid: str | None = None


@dataclass(frozen=True)
class RequestResult:
    """The answer to one request of a message set (one ``*Rs`` element)."""

    request_id: str | None
    name: str
    status_code: int
    status_severity: str
    status_message: str
    iterator_id: str | None
    iterator_remaining_count: int | None
    ret_count: int | None
    rets: tuple[etree._Element, ...]
    error_recovery: ErrorRecovery | None = None

    @property
    def ok(self) -> bool:
        """statusCode 0: done, with whatever was asked for in ``rets``."""
        return self.status_code == 0

    @property
    def is_error(self) -> bool:
        """statusSeverity Error: QuickBooks did not do what was asked."""
        return self.status_severity == "Error"

    @property
    def is_warning(self) -> bool:
        """statusSeverity Warn: done, but QuickBooks had something to say."""
        return self.status_severity == "Warn"

    @property
    def no_match(self) -> bool:
        """A query found nothing (status 1, or 500 for an element that could not be found)."""
        return self.status_code in NO_MATCH_CODES

    @property
    def request_type(self) -> str:
        """The request this answers, e.g. "CustomerAdd" for "CustomerAddRs"."""
        return self.name[:-2] if self.name.endswith("Rs") else self.name

    @property
    def has_more(self) -> bool:
        """An iterator query with more records left to fetch (iteratorRemainingCount > 0)."""
        return self.iterator_id is not None and (self.iterator_remaining_count or 0) > 0

    @property
    def ret(self) -> etree._Element | None:
        """The first ``*Ret`` child (an Add or Mod answer has at most one), or None."""
        return self.rets[0] if self.rets else None


@dataclass(frozen=True)
class ResponseSet:
    """Every answer of one QBXMLMsgsRs, in document order, and the message-set attributes."""

    results: tuple[RequestResult, ...]
    new_message_set_id: str | None = None
    message_set_status_code: int | None = None

    def by_request_id(self) -> dict[str, RequestResult]:
        """Answers keyed by requestID; answers without one are left out.

        Raises ResponseError when QuickBooks echoed one requestID twice, since neither answer
        could then be matched to its request with certainty.
        """
        found: dict[str, RequestResult] = {}
        for result in self.results:
            if result.request_id is None:
                continue
            if result.request_id in found:
                raise ResponseError(
                    "the response carries this requestID twice", request_id=result.request_id
                )
            found[result.request_id] = result
        return found


def _int_attr(element: etree._Element, name: str) -> int | None:
    raw = element.get(name)
    if raw is None:
        return None
    value = parse_int(raw, field=f"{element.tag}/@{name}")
    if value is None:
        raise ResponseError(f"{element.tag} has an empty {name} attribute")
    return value


def _children(element: Node) -> list[etree._Element]:
    """Element children only (no comments or processing instructions)."""
    return [child for child in element if isinstance(child.tag, str)]


def _error_recovery(element: etree._Element) -> ErrorRecovery:
    # Read as given (no id length check): it belongs to the whole message set, and whoever
    # stores one of its ids checks it then, for that one request.
    def raw(name: str) -> str | None:
        child = _child(element, name)
        return None if child is None else child.text or ""

    return ErrorRecovery(
        list_id=raw("ListID"),
        owner_id=raw("OwnerID"),
        txn_id=raw("TxnID"),
        txn_number=int_of(element, "TxnNumber"),
        edit_sequence=raw("EditSequence"),
        external_guid=raw("ExternalGUID"),
    )


def _result(element: etree._Element) -> RequestResult:
    name = str(element.tag)
    code = _int_attr(element, "statusCode")
    if code is None:
        raise ResponseError(f"{name} has no statusCode attribute")
    raw_severity = element.get("statusSeverity")
    if raw_severity is None:
        raise ResponseError(f"{name} has no statusSeverity attribute")
    severity = _SEVERITIES.get(raw_severity.strip().lower())
    if severity is None:
        raise ResponseError(f"{name} has an unknown statusSeverity {raw_severity!r}")
    rets: list[etree._Element] = []
    recovery: ErrorRecovery | None = None
    for child in _children(element):
        if child.tag == "ErrorRecovery":
            recovery = _error_recovery(child)
        elif str(child.tag).endswith("Ret"):
            rets.append(child)
    return RequestResult(
        request_id=element.get("requestID"),
        name=name,
        status_code=code,
        status_severity=severity,
        status_message=element.get("statusMessage", ""),
        iterator_id=element.get("iteratorID"),
        iterator_remaining_count=_int_attr(element, "iteratorRemainingCount"),
        ret_count=_int_attr(element, "retCount"),
        rets=tuple(rets),
        error_recovery=recovery,
    )


def parse_response(text: str | bytes) -> ResponseSet:
    """Parse a qbXML response document (``<QBXML><QBXMLMsgsRs>...``) into a ResponseSet.

    Raises XmlParseError when ``text`` is not well-formed XML, ResponseError when it is XML but
    not a qbXML response or a status attribute is missing or unreadable.
    """
    root = parse_xml(text, what="qbXML response")
    if root.tag != "QBXML":
        raise ResponseError(f"expected a QBXML document, got <{root.tag}>")
    msgs = [child for child in _children(root) if child.tag == "QBXMLMsgsRs"]
    if len(msgs) != 1:
        found = ", ".join(str(child.tag) for child in _children(root)) or "nothing"
        raise ResponseError(f"expected one QBXMLMsgsRs inside QBXML, found {found}")
    results = []
    for child in _children(msgs[0]):
        if not str(child.tag).endswith("Rs"):
            raise ResponseError(f"unexpected <{child.tag}> inside QBXMLMsgsRs")
        results.append(_result(child))
    return ResponseSet(
        results=tuple(results),
        new_message_set_id=msgs[0].get("newMessageSetID"),
        message_set_status_code=_int_attr(msgs[0], "messageSetStatusCode"),
    )


# --- typed children of a *Ret element -------------------------------------------------------


def _child(element: Node, path: str) -> etree._Element | None:
    """The first child at ``path`` ("Name", "BillAddress/City"): lxml's find, or a dict
    lookup when ``element`` is a Children (what the Ret readers pass)."""
    return element.find(path)


def _typed(element: Node, path: str, parse: Callable[..., _T | None]) -> _T | None:
    child = _child(element, path)
    if child is None:
        return None
    return parse(child.text, field=f"{element.tag}/{path}")


def text_of(element: Node, path: str) -> str | None:
    """The text of child ``path`` ("Name", "BillAddress/City"); "" when empty, None if absent.

    QuickBooks ids are stored as they come (ListID/TxnID in 60 characters, EditSequence in
    40): a longer one raises ResponseError naming the field, so the request it answers fails
    with that reason instead of the database refusing the whole answer.
    """
    child = _child(element, path)
    if child is None:
        return None
    text = child.text or ""
    longest = STORED_ID_MAX.get(path.rpartition("/")[2])
    if longest is not None and len(text) > longest:
        raise ResponseError(
            f"{element.tag}/{path} is {len(text)} characters long; a QuickBooks "
            f"{path.rpartition('/')[2]} has at most {longest}"
        )
    return text


def texts_of(element: Node, name: str) -> tuple[str, ...]:
    """The texts of every direct child called ``name`` (repeated elements), in order."""
    return tuple(c.text or "" for c in _children(element) if c.tag == name)


def decimal_of(element: Node, path: str) -> Decimal | None:
    """An AMTTYPE/QUANTYPE/PRICETYPE/PERCENTTYPE child as a Decimal."""
    return _typed(element, path, parse_decimal)


def date_of(element: Node, path: str) -> date | None:
    """A DATETYPE child."""
    return _typed(element, path, parse_date)


def datetime_of(element: Node, path: str) -> datetime | None:
    """A DATETIMETYPE child, with its UTC offset when QuickBooks sent one."""
    return _typed(element, path, parse_datetime)


def bool_of(element: Node, path: str) -> bool | None:
    """A BOOLTYPE child."""
    return _typed(element, path, parse_bool)


def int_of(element: Node, path: str) -> int | None:
    """An INTTYPE child."""
    return _typed(element, path, parse_int)


def ref_of(element: Node, path: str) -> RefValue | None:
    """A ``*Ref`` child (ListID and/or FullName); ResponseError if it carries neither."""
    child = _child(element, path)
    if child is None:
        return None
    ref = RefValue(text_of(child, "ListID") or None, text_of(child, "FullName") or None)
    if ref.list_id is None and ref.full_name is None:
        raise ResponseError(f"{element.tag}/{path} has neither ListID nor FullName")
    return ref
