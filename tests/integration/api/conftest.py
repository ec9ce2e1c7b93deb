"""The HTTP API in-process: a werkzeug test client over the one WSGI application."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from qbwc_server.config import Settings
from qbwc_server.secrets import ticket_hash
from qbwc_server.wsgi import Application
from request_queue.store import Store

PASSWORD = "s3cret-web-connector"


class Reply(TestResponse):
    """A test response whose JSON body is typed ``Any`` (the tests index it freely)."""

    @property
    def json(self) -> Any:
        return self.get_json()


@dataclass
class Api:
    """A client that sends JSON with a bearer token (admin unless told otherwise)."""

    client: Client
    store: Store
    admin: str
    staff: str

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        role: str = "admin",
        **query: Any,
    ) -> Reply:
        secret = token if token is not None else (self.admin if role == "admin" else self.staff)
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        kwargs: dict[str, Any] = {"headers": headers, "query_string": query or None}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = self.client.open(path, method=method, **kwargs)
        assert isinstance(response, Reply)
        return response

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, {} if body is None else body, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> Reply:
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Reply:
        return self.call("PATCH", path, body, **kwargs)

    def company(self, username: str = "ridgeline", **extra: Any) -> dict[str, Any]:
        body = {"name": "Ridgeline Remodeling", "qbwc_username": username}
        response = self.post("/api/v1/companies", {**body, "qbwc_password": PASSWORD, **extra})
        assert response.status_code == 201, response.get_data(as_text=True)
        created: dict[str, Any] = response.json
        return created


def error_of(response: Reply, status: int, code: str) -> dict[str, Any]:
    """The error of an answer that must be ``status`` with ``code``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error: dict[str, Any] = response.json["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code, error
    return error


def fields_of(response: Reply) -> list[str]:
    """The fields a 400 ``invalid`` answer names."""
    error = error_of(response, 400, "invalid")
    return [f["field"] for f in error["details"]["fields"]]


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = Store(settings.database_url)
    yield store
    store.dispose()


@pytest.fixture
def api(settings: Settings, store: Store) -> Api:
    with store.transaction() as tx:
        tx.tokens.create(name="ops", role="admin", token_hash=ticket_hash("admin-secret"))
        tx.tokens.create(name="app", role="staff", token_hash=ticket_hash("staff-secret"))
    client = Client(Application(settings, store), response_wrapper=Reply)
    return Api(client, store, "admin-secret", "staff-secret")
