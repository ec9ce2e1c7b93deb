"""Signing in to /admin/: hashed sessions, cookie flags, throttling, expiry, signing out."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text
from werkzeug.test import Client

from qbwc_server.config import Settings
from qbwc_server.wsgi import Application
from request_queue.store import Store
from tests.conftest import Clock
from tests.integration.admin.conftest import ADMIN_PASSWORD, Browser, csrf_of


def _session_hashes(url: str) -> list[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        hashes = [row[0] for row in conn.execute(text("SELECT session_hash FROM admin_sessions"))]
    engine.dispose()
    return hashes


def test_pages_need_a_signed_in_admin(browser: Browser) -> None:
    answer = browser.get("/admin/companies?x=1")
    assert answer.status_code == 303
    where = urlsplit(answer.headers["Location"])
    assert where.path == "/admin/signin"
    assert parse_qs(where.query) == {"next": ["/admin/companies?x=1"]}
    assert answer.headers["X-Frame-Options"] == "DENY"  # on every answer, redirects too
    assert browser.get("/admin/static/admin.css").status_code == 200  # the stylesheet is open
    assert browser.get("/admin").status_code in (301, 308)  # to /admin/


def test_sign_in_sets_a_strict_cookie_and_stores_only_its_hash(
    browser: Browser, settings: Settings
) -> None:
    form = browser.get("/admin/signin?next=/admin/companies/7")
    answer = browser.client.post(
        "/admin/signin",
        data={
            "username": "boss",
            "password": ADMIN_PASSWORD,
            "csrf": csrf_of(form),
            "next": "/admin/companies/7",
        },
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/companies/7"
    (cookie,) = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("qbwc_admin=")]
    secret = cookie.split(";")[0].split("=", 1)[1]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/admin"} <= flags
    assert _session_hashes(settings.database_url) == [hashlib.sha256(secret.encode()).hexdigest()]
    page = browser.get("/admin/companies")
    assert page.status_code == 200 and "Signed in as boss" in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_no_secure_flag_when_the_public_url_is_http(settings: Settings, store: Store) -> None:
    plain = Settings(
        database_url=settings.database_url,
        password_hash_iterations=1000,
        public_url="http://localhost:8000/qbwc",
    )
    client = Client(Application(plain, store))
    from qbwc_server.operations import Operations

    Operations(store, plain).admins.create("plain", ADMIN_PASSWORD)
    form = client.get("/admin/signin")
    answer = client.post(
        "/admin/signin",
        data={"username": "plain", "password": ADMIN_PASSWORD, "csrf": csrf_of(form)},
    )
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie


def test_wrong_password_and_unknown_user_say_the_same_and_start_nothing(
    browser: Browser, settings: Settings
) -> None:
    for username, password in (("boss", "wrong password!"), ("nobody", ADMIN_PASSWORD)):
        answer = browser.sign_in(username, password)
        assert answer.status_code == 401
        assert "The user name or password is not right." in answer.get_data(as_text=True)
        assert not any(c.startswith("qbwc_admin=") for c in answer.headers.getlist("Set-Cookie"))
    assert _session_hashes(settings.database_url) == []
    assert browser.get("/admin/companies").status_code == 303


def test_an_offsite_next_is_ignored(browser: Browser) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        browser.client.delete_cookie("qbwc_admin", path="/admin")
        form = browser.get("/admin/signin")
        answer = browser.client.post(
            "/admin/signin",
            data={"username": "boss", "password": ADMIN_PASSWORD, "csrf": csrf_of(form)}
            | {"next": target},
        )
        assert answer.headers["Location"] == "/admin/companies", target


def test_sign_in_needs_the_forms_csrf_token(browser: Browser) -> None:
    data = {"username": "boss", "password": ADMIN_PASSWORD}
    assert browser.client.post("/admin/signin", data=data).status_code == 403  # no form seen
    browser.get("/admin/signin")  # the cookie is set, but the token is not sent
    assert browser.client.post("/admin/signin", data=data).status_code == 403
    assert browser.client.post("/admin/signin", data={**data, "csrf": "x" * 64}).status_code == 403
    assert browser.get("/admin/companies").status_code == 303


def test_too_many_failures_lock_that_address_only(browser: Browser, settings: Settings) -> None:
    here, there = {"REMOTE_ADDR": "203.0.113.9"}, {"REMOTE_ADDR": "198.51.100.4"}
    for _ in range(settings.login_max_failures - 1):
        assert browser.sign_in("boss", "wrong password!", **here).status_code == 401
    locked = browser.sign_in("boss", "wrong password!", **here)
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    refused = browser.sign_in("boss", ADMIN_PASSWORD, **here)  # even the right password
    assert refused.status_code == 401 and "Too many failed" in refused.get_data(as_text=True)
    assert browser.sign_in("boss", ADMIN_PASSWORD, **there).status_code == 303
    browser.client.delete_cookie("qbwc_admin", path="/admin")
    browser.clock.advance(settings.login_lockout_seconds + 1)
    assert browser.sign_in("boss", ADMIN_PASSWORD, **here).status_code == 303


def test_a_session_ends_after_the_idle_time_and_views_keep_it_alive(
    signed_in: Browser, settings: Settings, clock: Clock
) -> None:
    idle = settings.admin_session_seconds
    assert idle == 8 * 3600
    for _ in range(3):  # 3 x (idle - 60 s) in all: longer than idle, but never idle that long
        clock.advance(idle - 60)
        assert signed_in.get("/admin/companies").status_code == 200
    clock.advance(idle + 1)
    answer = signed_in.get("/admin/companies")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/admin/signin")


def test_sign_out_ends_the_session_for_good(signed_in: Browser, settings: Settings) -> None:
    secret = signed_in.client.get_cookie("qbwc_admin", path="/admin")
    assert secret is not None
    answer = signed_in.post("/admin/signout", {})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/signin"
    assert _session_hashes(settings.database_url) == []
    signed_in.client.set_cookie("qbwc_admin", secret.value, path="/admin")  # replayed
    assert signed_in.get("/admin/companies").status_code == 303
