"""Rendering a company's .qwc file, every value XML-escaped (Programmer's Guide Table 4-1)."""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlsplit

from jinja2 import Environment, StrictUndefined

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from request_queue.rows import CompanyRow

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
APP_NAME = "qbwc-server"
DEFAULT_RUN_EVERY_MINUTES = 15


def _template_text() -> str:
    return resources.files("qwc_templates").joinpath("qbwc.qwc.j2").read_text("utf-8")


def check_url(url: str, what: str) -> None:
    """Refuse URLs the Web Connector would refuse: http except on localhost, IP hosts."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        raise UsageError(
            f"{what} must use https: the Web Connector loads http URLs only for "
            f"localhost (QBWC1010); got {url!r}"
        )


def render_qwc(
    company: CompanyRow, settings: Settings, *, run_every_minutes: int = DEFAULT_RUN_EVERY_MINUTES
) -> str:
    """The .qwc XML for ``company``: OwnerID and FileID are the company's stored GUIDs.

    The Scheduler says RunEveryNMinutes, or RunEveryNSeconds when the company's poll_seconds
    setting is set (which then wins): QBWC shows that as "Real Time" (Programmer's Guide
    p.37, p.39), and takes the first of the two if both were there (Table 4-1).
    """
    check_url(settings.public_url, "QBWC_PUBLIC_URL")
    check_url(settings.support_url, "the support URL")
    if not 1 <= run_every_minutes <= 1440:
        raise UsageError("run_every_minutes must be between 1 and 1440")
    seconds = company.settings.get("poll_seconds")
    if seconds is not None and (type(seconds) is not int or seconds < 1):
        raise UsageError(f"the company's poll_seconds must be a whole number, got {seconds!r}")
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_template_text())
    return template.render(
        app_name=f"{APP_NAME} - {company.name}",
        app_id="",
        app_url=settings.public_url,
        app_description=f"Keeps QuickBooks in sync with the contractor app for {company.name}"[:80],
        app_support=settings.support_url,
        app_display_name=f"{APP_NAME} - {company.name}",
        app_unique_name=f"{APP_NAME}.{urlsplit(settings.public_url).hostname}.{company.id}",
        username=company.qbwc_username,
        owner_id=company.owner_id,
        file_id=company.file_id,
        run_every_minutes=run_every_minutes,
        run_every_seconds=seconds,
    )
