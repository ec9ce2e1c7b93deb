"""The admin web pages at /admin/ (DESIGN.md section 4): server-rendered with Jinja2
(autoescaped), one stylesheet, no script. Sign-in with ``qbwc admin create`` accounts;
every page calls only ``qbwc_server.operations``.
"""

from __future__ import annotations

from typing import Any

from qbwc_server.admin import auth, pages, work
from qbwc_server.admin.app import AdminApp
from qbwc_server.config import Settings
from request_queue.store import Store

C = "/admin/companies/<int:cid>"
ROUTES: list[tuple[str, str, Any]] = [
    ("/admin/", "GET", auth.index),
    ("/admin/signin", "GET POST", auth.signin),
    ("/admin/signout", "POST", auth.signout),
    ("/admin/static/<name>", "GET", auth.static),
    ("/admin/companies", "GET", pages.companies),
    (C, "GET", pages.company),
    (C + "/settings", "POST", pages.settings),
    (C + "/enabled", "POST", pages.enabled),
    (C + "/qwc", "GET", pages.qwc),
    (C + "/imports", "POST", pages.imports),
    (C + "/projects", "GET", work.projects),
    (C + "/sync-job", "POST", work.sync_job),
    (C + "/bills", "GET POST", work.bills),
    (C + "/queue", "GET", work.queue),
    (C + "/queue/<int:rid>/retry", "POST", work.retry),
    (C + "/queue/<int:rid>/cancel", "POST", work.cancel),
    (C + "/log", "GET", work.log),
]


def make_admin(settings: Settings, store: Store) -> AdminApp:
    """The admin pages over ``store``."""
    return AdminApp(settings, store, ROUTES)


__all__ = ["ROUTES", "AdminApp", "make_admin"]
