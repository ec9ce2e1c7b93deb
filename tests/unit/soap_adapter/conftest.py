"""A recording handler: the SOAP adapter's peer in these unit tests."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from qbwc_server.soap import make_soap_app

PUBLIC_URL = "https://sync.example.com/qbwc"
MAX_BODY = 16 * 1024 * 1024


class RecordingHandler:
    """Records every call with its plain arguments and answers scripted values."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.answers: dict[str, Any] = {
            "server_version": "qbwc-server test",
            "client_version": "",
            "authenticate": ["ticket-1", ""],
            "send_request_xml": "<QBXML/>",
            "receive_response_xml": 100,
            "connection_error": "done",
            "get_last_error": "",
            "close_connection": "Synced 1, 0 failed",
            "get_interactive_url": "",
            "interactive_done": "Done",
            "interactive_rejected": "ok",
        }
        self.raise_on: str | None = None

    def _answer(self, name: str, *args: Any) -> Any:
        self.calls.append((name, args))
        if self.raise_on == name:
            raise RuntimeError("boom with secret-password inside")
        return self.answers[name]

    def server_version(self) -> str:
        return self._answer("server_version")  # type: ignore[no-any-return]

    def client_version(self, str_version: str) -> str:
        return self._answer("client_version", str_version)  # type: ignore[no-any-return]

    def authenticate(self, str_user_name: str, str_password: str) -> list[str]:
        return self._answer("authenticate", str_user_name, str_password)  # type: ignore[no-any-return]

    def send_request_xml(self, *args: Any) -> str:
        return self._answer("send_request_xml", *args)  # type: ignore[no-any-return]

    def receive_response_xml(self, *args: Any) -> int:
        return self._answer("receive_response_xml", *args)  # type: ignore[no-any-return]

    def connection_error(self, *args: Any) -> str:
        return self._answer("connection_error", *args)  # type: ignore[no-any-return]

    def get_last_error(self, ticket: str) -> str:
        return self._answer("get_last_error", ticket)  # type: ignore[no-any-return]

    def close_connection(self, ticket: str) -> str:
        return self._answer("close_connection", ticket)  # type: ignore[no-any-return]

    def get_interactive_url(self, *args: Any) -> str:
        return self._answer("get_interactive_url", *args)  # type: ignore[no-any-return]

    def interactive_done(self, wc_ticket: str) -> str:
        return self._answer("interactive_done", wc_ticket)  # type: ignore[no-any-return]

    def interactive_rejected(self, *args: Any) -> str:
        return self._answer("interactive_rejected", *args)  # type: ignore[no-any-return]


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def client(handler: RecordingHandler) -> Client:
    return Client(make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY))
