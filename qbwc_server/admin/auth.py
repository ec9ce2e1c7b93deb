"""Signing in and out of the admin pages, and the stylesheet.

The sign-in form has no session yet, so its CSRF token comes from a cookie of its own
(``qbwc_admin_signin``): a POST whose token does not match that cookie is refused (403).
"""

from __future__ import annotations

import hmac
import secrets
from importlib import resources

from werkzeug.wrappers import Response

from qbwc_server.admin.app import SESSION_COOKIE, SIGN_IN_COOKIE, View, csrf_token, safe_next
from qbwc_server.errors import Refused

STYLESHEETS = ("admin.css",)


def _cookie_path(view: View) -> str:
    return view.url("index").rstrip("/") or "/"


def index(view: View) -> Response:
    return view.redirect("companies")


def signin(view: View) -> Response:
    """GET: the form. POST: check the user name and password, start a session."""
    request = view.request
    next_url = safe_next(request.values.get("next")) or view.url("companies")
    if request.method == "GET":
        if view.app.ops.admins.session(request.cookies.get(SESSION_COOKIE, "")) is not None:
            return Response(status=303, headers={"Location": next_url})
        return _form(view, next_url, "")
    cookie = request.cookies.get(SIGN_IN_COOKIE, "")
    sent = request.form.get("csrf", "")
    if not cookie or not sent or not hmac.compare_digest(sent, csrf_token(cookie)):
        return view.render(
            "error.html",
            status=403,
            message="The sign-in form has expired. Open the sign-in page again.",
        )
    try:
        signed_in = view.ops.admins.sign_in(
            request.form.get("username", ""),
            request.form.get("password", ""),
            address=view.address,
        )
    except Refused as exc:
        return _form(view, next_url, exc.message, status=401)
    response = Response(status=303, headers={"Location": next_url})
    view.app.set_cookie(response, SESSION_COOKIE, signed_in.secret, path=_cookie_path(view))
    response.delete_cookie(SIGN_IN_COOKIE, path=_cookie_path(view))
    return response


def _form(view: View, next_url: str, error: str, *, status: int = 200) -> Response:
    """The sign-in page, with a fresh secret for its CSRF token."""
    secret = secrets.token_urlsafe(32)
    response = view.render(
        "signin.html",
        status=status,
        signin_csrf=csrf_token(secret),
        next_url=next_url,
        error=error,
        username=view.request.form.get("username", ""),
    )
    view.app.set_cookie(response, SIGN_IN_COOKIE, secret, path=_cookie_path(view))
    return response


def signout(view: View) -> Response:
    view.ops.admins.sign_out(view.secret)
    response = Response(status=303, headers={"Location": view.url("signin")})
    response.delete_cookie(SESSION_COOKIE, path=_cookie_path(view))
    return response


def static(view: View, name: str) -> Response:
    if name not in STYLESHEETS:
        return view.render("error.html", status=404, message="There is no such file.")
    text = resources.files("qbwc_server.admin").joinpath("static", name).read_text("utf-8")
    response = Response(text, mimetype="text/css")
    response.headers["Cache-Control"] = "max-age=3600"
    return response
