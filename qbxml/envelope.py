"""The qbXML request envelope: version PI, QBXMLMsgsRq with onError, requestIDs, message-set ids."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from lxml import etree

from qbxml.context import SUPPORTED_VERSIONS
from qbxml.errors import BuildError

OnError = Literal["stopOnError", "continueOnError", "rollbackOnError"]
MAX_REQUEST_ID = 50
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,50}$")
# QuickBooks' message-set ids are GUID-like strings; we keep to a safe alphabet.
_MESSAGE_SET_ID = re.compile(r"^[A-Za-z0-9{}._-]{1,64}$")


def check_request_id(request_id: str) -> str:
    """Return ``request_id`` if QuickBooks accepts it (1-50 safe characters), else raise."""
    if not _REQUEST_ID.match(request_id):
        raise BuildError(
            f"requestID must be 1-{MAX_REQUEST_ID} letters, digits or ._:- ; got {request_id!r}"
        )
    return request_id


def message_set(
    requests: Sequence[tuple[str, etree._Element]],
    *,
    version: str,
    on_error: OnError = "continueOnError",
    new_message_set_id: str | None = None,
    old_message_set_id: str | None = None,
) -> str:
    """Wrap ``(requestID, request element)`` pairs into one qbXML document (a str for SOAP).

    Independent requests may share one set with ``continueOnError``. A data-changing set should
    carry ``new_message_set_id`` so that, if its answer is lost, a later set with the same value
    as ``old_message_set_id`` asks QuickBooks whether it was applied.
    """
    if version not in SUPPORTED_VERSIONS:
        raise BuildError(f"qbXML version {version} is not one we write")
    if not requests and old_message_set_id is None:
        raise BuildError("a message set needs at least one request")
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    for attr, value in (
        ("newMessageSetID", new_message_set_id),
        ("oldMessageSetID", old_message_set_id),
    ):
        if value is not None:
            if not _MESSAGE_SET_ID.match(value):
                raise BuildError(f"{attr} has characters QuickBooks may refuse: {value!r}")
            msgs.set(attr, value)
    seen: set[str] = set()
    for request_id, element in requests:
        check_request_id(request_id)
        if request_id in seen:
            raise BuildError(f"requestID {request_id!r} appears twice in one message set")
        seen.add(request_id)
        element.set("requestID", request_id)
        msgs.append(element)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n{body}'
