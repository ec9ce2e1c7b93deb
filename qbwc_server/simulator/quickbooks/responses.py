"""Statuses and response documents written the way QuickBooks writes them.

Message texts are those of real QuickBooks responses (see shared/samples/qbxml and
QBWC_FACTS.md section 13); where no real text is known the docstring says it is inferred.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

XML_DECLARATION = '<?xml version="1.0" ?>'


@dataclass(frozen=True)
class Status:
    """The status attributes of one response."""

    code: int
    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "Error"


class StatusError(Exception):
    """Raised by a handler to answer its request with an error status instead of data."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.message)
        self.status = status


OK = Status(0, "Info", "Status OK")
NO_MATCH = Status(1, "Info", "A query request did not find a matching object in QuickBooks")
UNSUPPORTED = Status(1030, "Error", "This request is not supported by this implementation.")
_NOT_IN_LIST = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)


def partly_found(value: str) -> Status:
    """500: an asked-for ListID/FullName/TxnID is missing; the others are still returned."""
    return Status(
        500,
        "Warn",
        "The query request has not been fully completed. There was a required element "
        f'("{value}") that could not be found in QuickBooks.',
    )


def name_in_use(name: str) -> Status:
    """3100: the name is taken in the list's name space."""
    return Status(3100, "Error", f'The name "{name}" of the list element is already in use.')


def not_found(object_id: str) -> Status:
    """3120: the object a Mod names does not exist."""
    return Status(
        3120,
        "Error",
        f'Object "{object_id}" specified in the request cannot be found.  {_NOT_IN_LIST}',
    )


def invalid_reference(label: str, value: str, owner: str, *, line: bool = False) -> Status:
    """3140: a reference names an object that does not exist."""
    where = f"{owner} line" if line else owner
    return Status(
        3140,
        "Error",
        f'There is an invalid reference to QuickBooks {label} "{value}" in the {where}.  '
        + _NOT_IN_LIST,
    )


def too_long(value: str, field: str) -> Status:
    """3070: a string is longer than QuickBooks stores in that field."""
    return Status(3070, "Error", f'The string "{value}" in the field "{field}" is too long.')


def locked_list(otype: str, name: str) -> Status:
    """3180: the list is locked by another user (real text, consolibyte sample)."""
    return Status(
        3180,
        "Error",
        f'There was an error when saving a {otype} list, element "{name}". '
        "QuickBooks error message: This list has been modified by another user.",
    )


def locked_txn(otype: str) -> Status:
    """3175: a transaction could not be locked for saving (wording inferred)."""
    return Status(
        3175,
        "Error",
        f"There was an error when saving a {otype} transaction. "
        "QuickBooks error message: This list has been modified by another user.",
    )


def stale_edit_sequence(sequence: str) -> Status:
    """3200: the EditSequence sent with a Mod is not the current one (note the trailing space)."""
    return Status(3200, "Error", f'The provided edit sequence "{sequence}" is out-of-date. ')


def overpaid(field: str, amount: str) -> Status:
    """3210: a payment applies more than the transaction still owes."""
    return Status(
        3210,
        "Error",
        f'The "{field}" field has an invalid value "{amount}".  '
        "QuickBooks error message: You cannot pay more than the amount due.",
    )


def invalid_iterator(iterator_id: str) -> Status:
    """3391: unknown, finished or expired iterator (text of a real QuickBooks answer)."""
    return Status(3391, "Error", f'The iteratorID "{iterator_id}" is not valid.')


def rs_element(
    tag: str,
    request_id: str | None,
    status: Status,
    rets: Iterable[etree._Element] = (),
    *,
    iterator: tuple[int, str] | None = None,
) -> etree._Element:
    """One XxxRs element with QuickBooks' attribute order and its Ret children."""
    element = etree.Element(tag)
    if request_id is not None:
        element.set("requestID", request_id)
    element.set("statusCode", str(status.code))
    element.set("statusSeverity", status.severity)
    element.set("statusMessage", status.message)
    if iterator is not None:
        element.set("iteratorRemainingCount", str(iterator[0]))
        element.set("iteratorID", iterator[1])
    for ret in rets:
        element.append(ret)
    return element


def document(
    responses: Iterable[etree._Element], attributes: Mapping[str, str] | None = None
) -> str:
    """The QBXML > QBXMLMsgsRs document, one element per line as QuickBooks writes it."""
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRs", dict(attributes or {}))
    for response in responses:
        msgs.append(response)
    for element in root.iter():
        if len(element) and not (element.text or "").strip():
            element.text = "\n"
        element.tail = "\n"
    root.tail = None
    return XML_DECLARATION + "\n" + etree.tostring(root, encoding="unicode") + "\n"
