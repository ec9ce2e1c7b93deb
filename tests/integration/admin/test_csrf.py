"""Every form POST of the admin pages needs its session's CSRF token: without it, or with
another session's, the answer is 403 and nothing happens."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from qbwc_server.admin import ROUTES
from tests.integration.admin.conftest import Browser, csrf_of

POSTS = sorted(path for path, methods, _ in ROUTES if "POST" in methods.split())


def _concrete(path: str, company_id: int) -> str:
    return path.replace("<int:cid>", str(company_id)).replace("<int:rid>", "1")


def test_every_post_route_is_checked_here() -> None:
    assert POSTS == [
        "/admin/companies/<int:cid>/bills",
        "/admin/companies/<int:cid>/enabled",
        "/admin/companies/<int:cid>/imports",
        "/admin/companies/<int:cid>/queue/<int:rid>/cancel",
        "/admin/companies/<int:cid>/queue/<int:rid>/retry",
        "/admin/companies/<int:cid>/settings",
        "/admin/companies/<int:cid>/sync-job",
        "/admin/signin",
        "/admin/signout",
    ]


@pytest.mark.parametrize("token", ["", "0" * 64, "other-session"])
def test_posts_without_the_sessions_token_are_refused(
    signed_in: Browser, company_id: int, token: str
) -> None:
    if token == "other-session":
        other = Browser(Client(signed_in.client.application), signed_in.ops, signed_in.clock)
        assert other.sign_in().status_code == 303
        token = other.csrf
        assert token and token != signed_in.csrf
    for path in POSTS:
        if path == "/admin/signin":
            continue  # its own token: test_signin.py
        url = _concrete(path, company_id)
        answer = signed_in.client.post(
            url, data={"csrf": token, "enabled": "0", "kind": "accounts"}
        )
        assert answer.status_code == 403, url
        assert "did not come from these pages" in answer.get_data(as_text=True)
    company = signed_in.ops.companies.get(company_id)
    assert company.enabled is True  # the pause form did nothing
    assert signed_in.ops.queue.requests(company_id) == []  # nor did the import button
    assert signed_in.get("/admin/companies").status_code == 200  # still signed in


def test_the_right_token_is_accepted_and_is_in_every_form(
    signed_in: Browser, company_id: int
) -> None:
    page = signed_in.get(f"/admin/companies/{company_id}").get_data(as_text=True)
    forms = page.count('<form method="post"')
    assert forms >= 4 and page.count(f'name="csrf" value="{signed_in.csrf}"') == forms
    answer = signed_in.post(f"/admin/companies/{company_id}/enabled", {"enabled": "0"})
    assert answer.status_code == 303
    assert signed_in.ops.companies.get(company_id).enabled is False
    assert csrf_of(signed_in.get("/admin/companies")) == signed_in.csrf  # per session, stable
