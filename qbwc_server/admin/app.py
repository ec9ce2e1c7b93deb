"""The admin pages' plumbing: routes, the signed-in session, CSRF checks, rendering, errors.

Every page needs a signed-in admin (else it redirects to the sign-in page); every POST needs
the form's CSRF token (else 403). Handlers get a ``View`` and call only ``Operations``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.routing import Map, MapAdapter, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound, QbwcServerError
from qbwc_server.messages import explain_text
from qbwc_server.operations import Operations
from qbwc_server.soap import client_address, trusted_networks
from request_queue import errors as store_errors
from request_queue.admins import AdminSessionRow
from request_queue.store import Store

logger = logging.getLogger("qbwc_server.admin")

SESSION_COOKIE = "qbwc_admin"
SIGN_IN_COOKIE = "qbwc_admin_signin"  # the sign-in form's own CSRF secret (no session yet)
MAX_FORM_BYTES = 256 * 1024
OPEN = frozenset({"signin", "static"})  # the only pages that need no signed-in admin
MSG_CSRF = "This form has expired or did not come from these pages. Reload the page and try again."
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[..., Response]


def csrf_token(secret: str) -> str:
    """The CSRF token of a cookie secret: derived from it, so nothing more is stored and the
    stored SHA-256 of the session id cannot give it away."""
    return hmac.new(secret.encode(), b"qbwc-admin-csrf", hashlib.sha256).hexdigest()


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path of these pages (never another site), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@dataclass
class View:
    """One request to the admin pages, with what the handlers need."""

    app: AdminApp
    request: Request
    adapter: MapAdapter
    session: AdminSessionRow | None
    secret: str  # the session cookie's secret ("" when not signed in)

    @property
    def ops(self) -> Operations:
        return self.app.ops

    @property
    def address(self) -> str:
        return client_address(self.request.environ, self.app.proxies)

    def url(self, endpoint: str, **values: Any) -> str:
        return self.adapter.build(endpoint, {k: v for k, v in values.items() if v is not None})

    def render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        flash = self.session.flash if self.session is not None else None
        kind, _, text = (flash or "").partition(":")
        body = self.app.templates.get_template(template).render(
            url=self.url,
            csrf=csrf_token(self.secret) if self.secret else "",
            admin=self.session.username if self.session is not None else None,
            notice={"kind": kind, "text": text} if flash else None,
            **context,
        )
        return Response(body, status=status, mimetype="text/html")

    def redirect(
        self, endpoint: str, *, notice: str = "", error: bool = False, **values: Any
    ) -> Response:
        """303 to ``endpoint``, with ``notice`` shown once on that page."""
        if notice and self.session is not None:
            self.ops.admins.flash(self.session.id, ("error:" if error else "ok:") + notice)
        return Response(status=303, headers={"Location": self.url(endpoint, **values)})


class AdminApp:
    """The /admin/ pages; called by the WSGI application with each /admin request."""

    def __init__(self, settings: Settings, store: Store, routes: list[tuple[str, str, Any]]):
        self.settings = settings
        self.ops = Operations(store, settings)
        self.proxies = trusted_networks(settings.trusted_proxies)
        self.secure = urlsplit(settings.public_url).scheme == "https"
        self.handlers: dict[str, Handler] = {}
        rules = []
        for path, methods, handler in routes:
            endpoint = handler.__name__
            self.handlers[endpoint] = handler
            rules.append(Rule(path, endpoint=endpoint, methods=methods.split()))
        self.urls = Map(rules)
        self.templates = Environment(
            loader=PackageLoader("qbwc_server.admin", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["explained"] = explain_text
        self.templates.filters["when"] = lambda v: v.strftime("%Y-%m-%d %H:%M UTC") if v else "-"

    def __call__(self, request: Request) -> Response:
        request.max_content_length = MAX_FORM_BYTES
        response = self._respond(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _respond(self, request: Request) -> Response:
        adapter = self.urls.bind_to_environ(request.environ)
        secret = request.cookies.get(SESSION_COOKIE, "")
        view = View(self, request, adapter, None, "")
        try:
            endpoint, values = adapter.match()
            if endpoint not in OPEN:
                session = self.ops.admins.session(secret, take_flash=request.method == "GET")
                if session is None:
                    target = request.full_path if request.method == "GET" else None
                    return view.redirect("signin", next=safe_next(target))
                view.session, view.secret = session, secret
                if request.method == "POST" and not self._csrf_ok(request, secret):
                    return view.render("error.html", status=403, message=MSG_CSRF)
            return self.handlers[endpoint](view, **values)
        except RequestRedirect as exc:
            return exc.get_response(request.environ)
        except (NoRoute, NotFound, store_errors.NotFound) as exc:
            message = getattr(exc, "message", "There is no such page.")
            return view.render("error.html", status=404, message=message)
        except MethodNotAllowed:
            return view.render("error.html", status=405, message="Use the page's buttons.")
        except HTTPException as exc:
            message = exc.description or "The request could not be read."
            return view.render("error.html", status=exc.code or 400, message=message)
        except QbwcServerError as exc:
            return view.render("error.html", status=400, message=exc.message)
        except (store_errors.Conflict, store_errors.StateConflict) as exc:
            return view.render("error.html", status=409, message=exc.message)
        except store_errors.DatabaseError:
            logger.exception("admin %s %s: the database failed", request.method, request.path)
            message = "The database is not answering. Try again in a minute."
            return view.render("error.html", status=503, message=message)
        except Exception:
            logger.exception("admin %s %s failed", request.method, request.path)
            message = "The server failed; the error is logged."
            return view.render("error.html", status=500, message=message)

    @staticmethod
    def _csrf_ok(request: Request, secret: str) -> bool:
        sent = request.form.get("csrf", "")
        return bool(sent) and hmac.compare_digest(sent.encode(), csrf_token(secret).encode())

    def set_cookie(self, response: Response, name: str, value: str, *, path: str) -> None:
        """A cookie only these pages see: HttpOnly, SameSite=Strict, Secure over https."""
        response.set_cookie(
            name, value, path=path, httponly=True, samesite="Strict", secure=self.secure
        )
