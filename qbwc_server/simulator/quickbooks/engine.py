"""FakeQuickBooks: executes qbXML message sets against an in-memory company file."""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from lxml import etree

from qbwc_server.simulator.quickbooks.catalog import OBJECT_TYPES, request_type
from qbwc_server.simulator.quickbooks.company import Clock, Company
from qbwc_server.simulator.quickbooks.convert import to_element
from qbwc_server.simulator.quickbooks.handlers import Handlers
from qbwc_server.simulator.quickbooks.hostinfo import Host, company_ret, host_ret, preferences_ret
from qbwc_server.simulator.quickbooks.iterators import Iterators
from qbwc_server.simulator.quickbooks.responses import OK, document, rs_element
from qbwc_server.simulator.quickbooks.seed import dump_company, find_objects, seed_company
from qbxml.errors import XmlParseError
from qbxml.schema import load_schema, schema_file
from qbxml.xmlparse import parse_xml

DEFAULT_VERSIONS = tuple(
    ["1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1"] + [f"{n}.0" for n in range(5, 17)]
)
PARSE_HRESULT = "0x80040400"
PARSE_MESSAGE = "QuickBooks found an error when parsing the provided XML text stream."
DEFAULT_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Demo Contracting.QBW"
MAX_MESSAGE_SET_ID = 24


class RequestProcessorError(Exception):
    """What the request processor raises instead of answering (QBWC reports hresult/message)."""

    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(f"{hresult}: {message}")
        self.hresult = hresult
        self.message = message


class FakeQuickBooks:
    """An in-memory QuickBooks company that answers qbXML like QuickBooks Desktop.

    onError: stopOnError stops after the first Error-severity response (later requests get
    none); continueOnError runs all; rollbackOnError also stops there and then undoes every
    change the set made (real QuickBooks Desktop is documented as refusing rollbackOnError;
    this fake rolls back so tests can rely on it, and says so here).

    responseData="includeNone" leaves every response with its status and no data.

    Error recovery: a set carrying newMessageSetID has its whole response stored, written with
    newMessageSetID and messageSetStatusCode="0". A later set with that oldMessageSetID and no
    requests gets the stored response back; an unknown id answers an empty QBXMLMsgsRs with
    messageSetStatusCode="600" (no stored state). oldMessageSetID="ClearAllMessageSets" forgets
    them all; a newMessageSetID over 24 characters answers messageSetStatusCode="9004".
    """

    def __init__(
        self,
        *,
        product: str = "QuickBooks Pro 2024",
        country: str = "US",
        supported_versions: tuple[str, ...] = DEFAULT_VERSIONS,
        company_file: str = DEFAULT_FILE,
        class_tracking: bool = True,
        sales_tax: bool = True,
        schema_dir: pathlib.Path | None = None,
        clock: Callable[[], datetime] | None = None,
        iterator_ttl_seconds: int = 600,
    ) -> None:
        self.host = Host(
            product, country, tuple(supported_versions), company_file, class_tracking, sales_tax
        )
        self.schema_dir = schema_dir
        self.clock = Clock(clock)
        self.company = Company(self.clock)
        self.iterators = Iterators(iterator_ttl_seconds, company_file)
        self.locked = False
        self._schemas: dict[str, etree.XMLSchema] = {}
        self._message_sets: dict[str, str] = {}
        self._handlers = Handlers(self.company, self.iterators, lambda: self.locked)

    # public API ------------------------------------------------------------------------------
    @property
    def company_file(self) -> str:
        """The path of the open company file, as the Web Connector reports it."""
        return self.host.company_file

    def seed(self, data: Mapping[str, Any] | pathlib.Path | str) -> None:
        """Load a fixture (dict, or the path of a .json file) or a dump into the company."""
        seed_company(self.company, data)

    def dump(self) -> dict[str, Any]:
        """Everything in the company, JSON-serialisable (seed() takes it back)."""
        return dump_company(self.company)

    def find(self, list_or_txn_type: str, **criteria: Any) -> list[dict[str, Any]]:
        """Objects of a type whose top-level fields equal ``criteria`` (test helper)."""
        return find_objects(self.company, list_or_txn_type, criteria)

    def advance_clock(self, seconds: float) -> None:
        """Move the default deterministic clock forward (e.g. to expire iterators)."""
        self.clock.advance(seconds)

    def hcp_response(self) -> str:
        """The Host/Company/Preferences answer QBWC passes as strHCPResponse."""
        parts = (
            ("HostQueryRs", "HostRet", host_ret(self.host)),
            ("CompanyQueryRs", "CompanyRet", company_ret(self.host)),
            ("PreferencesQueryRs", "PreferencesRet", preferences_ret(self.host, self.company)),
        )
        return document(
            rs_element(rs, str(n), OK, [to_element(ret, data)])
            for n, (rs, ret, data) in enumerate(parts)
        )

    def process(self, request_xml: str) -> str:
        """Execute one qbXML message set and return the QBXMLMsgsRs document."""
        msgs = self._parse(request_xml)
        on_error = msgs.get("onError", "stopOnError")
        new_id, old_id = msgs.get("newMessageSetID"), msgs.get("oldMessageSetID")
        requests = [child for child in msgs if isinstance(child.tag, str)]
        if old_id is not None:
            if old_id == "ClearAllMessageSets":
                self._message_sets.clear()
            elif not requests:
                stored = self._message_sets.get(old_id)
                return (
                    stored if stored is not None else document([], {"messageSetStatusCode": "600"})
                )
            else:
                self._message_sets.pop(old_id, None)
        if new_id is not None and len(new_id) > MAX_MESSAGE_SET_ID:
            return document([], {"newMessageSetID": new_id, "messageSetStatusCode": "9004"})
        responses = self._run(requests, on_error)
        if msgs.get("responseData") == "includeNone":
            for response in responses:
                for child in list(response):
                    response.remove(child)
        attributes = (
            {} if new_id is None else {"newMessageSetID": new_id, "messageSetStatusCode": "0"}
        )
        answer = document(responses, attributes)
        if new_id is not None:
            self._message_sets[new_id] = answer
        return answer

    # internals -------------------------------------------------------------------------------
    def _run(self, requests: list[etree._Element], on_error: str) -> list[etree._Element]:
        snapshot = self.company.snapshot() if on_error == "rollbackOnError" else None
        responses = []
        for request in requests:
            response, status = self._dispatch(request)
            responses.append(response)
            if status.is_error and on_error != "continueOnError":
                if snapshot is not None:
                    self.company.restore(snapshot)
                break
        return responses

    def _dispatch(self, request: etree._Element) -> tuple[etree._Element, Any]:
        tag = str(request.tag)
        request_id = request.get("requestID")
        fixed: dict[str, tuple[str, str, Callable[[], dict[str, Any]]]] = {
            "HostQueryRq": ("HostQueryRs", "HostRet", lambda: host_ret(self.host)),
            "CompanyQueryRq": ("CompanyQueryRs", "CompanyRet", lambda: company_ret(self.host)),
            "PreferencesQueryRq": (
                "PreferencesQueryRs",
                "PreferencesRet",
                lambda: preferences_ret(self.host, self.company),
            ),
        }
        if tag in fixed:
            rs, ret, build = fixed[tag]
            return rs_element(rs, request_id, OK, [to_element(ret, build())]), OK
        return self._handlers.handle(request, request_type(tag), request_id)

    def _parse(self, request_xml: str) -> etree._Element:
        try:
            root = parse_xml(request_xml, what="qbXML request")
        except XmlParseError as exc:
            raise RequestProcessorError(PARSE_HRESULT, PARSE_MESSAGE) from exc
        version = None
        for node in root.itersiblings(preceding=True):
            if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
                version = node.get("version")
        msgs = root.find("QBXMLMsgsRq")
        if root.tag != "QBXML" or msgs is None or version is None:
            raise RequestProcessorError(PARSE_HRESULT, PARSE_MESSAGE)
        if version not in self.host.supported_versions:
            # Inferred: QuickBooks refuses a version it does not know before running anything.
            raise RequestProcessorError(PARSE_HRESULT, PARSE_MESSAGE)
        self._validate(root, version)
        return msgs

    def _validate(self, root: etree._Element, version: str) -> None:
        if self.schema_dir is None:
            return
        schema_version = version if version in ("12.0", "13.0") else None
        if schema_version is None or not schema_file(self.schema_dir, schema_version).is_file():
            return
        if schema_version not in self._schemas:
            self._schemas[schema_version] = load_schema(self.schema_dir, schema_version)
        if not self._schemas[schema_version].validate(root.getroottree()):
            raise RequestProcessorError(PARSE_HRESULT, PARSE_MESSAGE)


__all__ = ["OBJECT_TYPES", "FakeQuickBooks", "RequestProcessorError"]
