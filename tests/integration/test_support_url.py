"""The AppSupport URL follows QBWC_PUBLIC_URL's path, and the server answers it there (and
at /qbwc/support): the Web Connector refuses a .qwc whose support page does not answer 200."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from werkzeug.test import Client

from qbwc_server.config import Settings
from qbwc_server.qwc import render_qwc
from qbwc_server.wsgi import Application
from request_queue.store import Store


@pytest.mark.parametrize(
    ("public_url", "support_url"),
    [
        ("https://qbwc.example.com/qbwc", "https://qbwc.example.com/qbwc/support"),
        ("https://example.com/sync/qbwc", "https://example.com/sync/qbwc/support"),
        ("https://example.com/sync/qbwc/", "https://example.com/sync/qbwc/support"),
        ("https://example.com:8443/a/b/c?x=1#top", "https://example.com:8443/a/b/c/support"),
        ("https://example.com", "https://example.com/support"),
        ("http://localhost:8000/qbwc", "http://localhost:8000/qbwc/support"),
    ],
)
def test_the_support_url_is_under_the_public_urls_path(public_url: str, support_url: str) -> None:
    assert Settings(public_url=public_url).support_url == support_url


@pytest.mark.parametrize("public_url", ["https://example.com/sync/qbwc", "https://example.com"])
def test_the_server_answers_the_support_url_and_the_qwc_names_it(
    settings: Settings, public_url: str
) -> None:
    settings = replace(settings, public_url=public_url)
    store = Store(settings.database_url)
    try:
        client = Client(Application(settings, store))
        for path in (settings.support_path, "/qbwc/support"):
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert answer.mimetype == "text/html" and b"qbwc-server" in answer.data
        assert client.get("/sync/other/support").status_code == 404
        with store.transaction() as tx:
            company = tx.companies.create(
                name="Ridgeline",
                qbwc_username="ridgeline",
                password_hash="x",
                owner_id=settings.owner_id,
                file_id="{00000000-0000-0000-0000-000000000000}",
                settings={},
                enabled=True,
            )
        qwc = render_qwc(company, settings)
        found = re.search(r"<AppSupport>(.*?)</AppSupport>", qwc)
        assert found is not None and found.group(1) == settings.support_url
    finally:
        store.dispose()


def test_an_unknown_path_outside_the_api_answers_in_the_error_shape(settings: Settings) -> None:
    store = Store(settings.database_url)
    try:
        answer = Client(Application(settings, store)).get("/nothing/here")
        assert answer.status_code == 404 and answer.mimetype == "application/json"
        assert answer.json == {
            "error": {"code": "not_found", "message": "no endpoint /nothing/here", "details": {}}
        }
    finally:
        store.dispose()
