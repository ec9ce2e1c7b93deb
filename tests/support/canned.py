"""Canned qbXML documents for session tests, written in QuickBooks' exact output shape."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def hcp(name: str = "Enterprise2024") -> str:
    """A strHCPResponse as the Web Connector sends it on the first sendRequestXML."""
    return (FIXTURES / "session" / f"strHCPResponse.{name}.xml").read_text("utf-8")


def account_query_rs(request_id: str) -> str:
    """The canned chart of accounts, answering the AccountQueryRq with ``request_id``."""
    text = (FIXTURES / "qbxml" / "account" / "AccountQueryRs.chart.xml").read_text("utf-8")
    return text.replace('requestID="1"', f'requestID="{request_id}"', 1)


def status_rs(name: str, request_id: str, code: int, severity: str, message: str) -> str:
    """A one-response document with only a status, e.g. a 3180 or a 500."""
    return (
        f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n<{name} requestID="{request_id}" '
        f'statusCode="{code}" statusSeverity="{severity}" statusMessage="{message}" />\n'
        "</QBXMLMsgsRs>\n</QBXML>\n"
    )
