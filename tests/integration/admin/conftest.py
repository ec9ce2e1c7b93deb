"""The admin pages in-process: a werkzeug test client (it keeps cookies) over the one WSGI
application, with a hand-moved clock for session expiry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.wsgi import Application
from request_queue.store import Store
from tests.conftest import Clock

ADMIN, ADMIN_PASSWORD = "boss", "correct horse battery"
QBWC_PASSWORD = "s3cret-web-connector"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(page: TestResponse) -> str:
    """The CSRF token of the first form on ``page``."""
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)[:2000]
    return found.group(1)


@dataclass
class Browser:
    """A signed-out visitor of /admin/ (cookies kept between calls, like a browser)."""

    client: Client
    ops: Operations
    clock: Clock
    csrf: str = ""  # the CSRF token of the signed-in session

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any], *, csrf: str | None = None) -> TestResponse:
        """POST a form; ``csrf`` defaults to the token of the page last signed in with."""
        return self.client.post(path, data={**data, "csrf": csrf or self.csrf})

    def sign_in(
        self, username: str = ADMIN, password: str = ADMIN_PASSWORD, **environ: Any
    ) -> TestResponse:
        form = self.client.get("/admin/signin", environ_base=environ or None)
        answer = self.client.post(
            "/admin/signin",
            data={"username": username, "password": password, "csrf": csrf_of(form)},
            environ_base=environ or None,
        )
        if answer.status_code == 303:
            self.csrf = csrf_of(self.client.get("/admin/companies"))
        return answer


@pytest.fixture
def store(settings: Settings, clock: Clock) -> Iterator[Store]:
    store = Store(settings.database_url, clock=clock)
    yield store
    store.dispose()


@pytest.fixture
def ops(store: Store, settings: Settings) -> Operations:
    ops = Operations(store, settings)
    ops.admins.create(ADMIN, ADMIN_PASSWORD)
    return ops


@pytest.fixture
def browser(settings: Settings, store: Store, ops: Operations, clock: Clock) -> Browser:
    return Browser(Client(Application(settings, store)), ops, clock)


@pytest.fixture
def signed_in(browser: Browser) -> Browser:
    assert browser.sign_in().status_code == 303
    return browser


@pytest.fixture
def company_id(ops: Operations) -> int:
    row, _ = ops.companies.create(
        {
            "name": "Ridgeline Remodeling",
            "qbwc_username": "ridgeline",
            "qbwc_password": QBWC_PASSWORD,
        }
    )
    return row.id
