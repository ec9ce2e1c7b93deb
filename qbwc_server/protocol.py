"""The Web Connector callbacks as plain Python: what the SOAP adapter calls.

soap.py (the only module that knows spyne) decodes each SOAP call and calls the matching method
of a QbwcHandler with plain str/int values, then encodes the plain value it returns. Everything
the protocol means (tickets, sessions, the queue) lives behind this interface, so the adapter
could be replaced without touching it.
"""

from __future__ import annotations

from typing import Protocol


class QbwcHandler(Protocol):
    """One method per Web Connector operation; names and parameters follow Intuit's WSDL.

    Empty or missing SOAP string values arrive as "" (never None). Every method returns a value,
    never None: QBWC reads a missing result element as an error.
    """

    def server_version(self) -> str: ...

    def client_version(self, str_version: str) -> str: ...

    def authenticate(
        self, str_user_name: str, str_password: str, *, client_address: str = ""
    ) -> list[str]:
        """``client_address`` is the Web Connector's IP address as the adapter saw it (the
        peer, or X-Forwarded-For from a trusted proxy); "" when unknown."""
        ...

    def send_request_xml(
        self,
        ticket: str,
        str_hcp_response: str,
        str_company_file_name: str,
        qbxml_country: str,
        qbxml_major_vers: int,
        qbxml_minor_vers: int,
    ) -> str: ...

    def receive_response_xml(
        self, ticket: str, response: str, hresult: str, message: str
    ) -> int: ...

    def connection_error(self, ticket: str, hresult: str, message: str) -> str: ...

    def get_last_error(self, ticket: str) -> str: ...

    def close_connection(self, ticket: str) -> str: ...

    def get_interactive_url(self, wc_ticket: str, session_id: str) -> str: ...

    def interactive_done(self, wc_ticket: str) -> str: ...

    def interactive_rejected(self, wc_ticket: str, reason: str) -> str: ...
