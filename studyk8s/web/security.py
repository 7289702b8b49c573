"""Response headers every page gets: a strict Content-Security-Policy (no inline script, no
plugins, no framing), nosniff, and a referrer policy. Also the login rate limit. (The
shortcuts that keep both cheap are in ``fastpaths``.)

Styles allow 'unsafe-inline' only because mermaid writes a <style> element into each diagram
SVG it draws; scripts never do.
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import partial

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from ..persistence import ratelimit  # noqa: F401  (registers the database:// storage)
from . import fastpaths

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
LOGIN_ENDPOINT = "auth.login"
# (lower-case name, name, value), built once: the after-request hook runs on every response.
_HEADER_ITEMS = tuple((name.lower(), name, value) for name, value in HEADERS.items())


def init_app(app: Flask) -> None:
    trust_proxies(app)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE", False)
    if fastpaths.enabled(app, fastpaths.SESSION_COOKIES):
        app.session_interface = fastpaths.CookieSessions()
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    """Add each header the view did not set itself (``setdefault`` semantics in one pass over
    the response's headers; ``Headers.setdefault`` searches the list once per name)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for lower, name, value in _HEADER_ITEMS:
        if lower not in present:
            headers.add(name, value)
    return response


def limit_logins(app: Flask) -> None:
    """429 after repeated failed logins (successes, which redirect, are not counted), counted
    twice: per account (``LOGIN_RATE_LIMIT``: one learner's typos lock only that account) and
    per client address (``LOGIN_RATE_LIMIT_ADDRESS``, set high: a classroom behind one NAT
    shares an address, so it only stops one machine trying many accounts). The right password
    of another account still gets in from a busy address.

    The counters must be shared by every worker and host: ``database://`` (the default) keeps
    them in the app's own database (``persistence/ratelimit.py``), ``redis://…`` in Redis;
    ``memory://`` counts in one process only (the tests, each app its own)."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    options = {"engine": app.extensions["db_engine"]} if uri.startswith("database:") else {}
    limiter = Limiter(_address, app=app, storage_uri=uri, storage_options=options,
                      default_limits=[], headers_enabled=True)
    app.extensions["login_limiter"] = limiter
    view = app.view_functions[LOGIN_ENDPOINT]
    for kind, key, value in (("account", _account, app.config["LOGIN_RATE_LIMIT"]),
                             ("address", _address, app.config["LOGIN_RATE_LIMIT_ADDRESS"])):
        view = limiter.limit(value, key_func=key, methods=["POST"], scope=f"login-{kind}",
                             deduct_when=lambda response: response.status_code != 302,
                             on_breach=partial(_breached, kind))(view)
    app.view_functions[LOGIN_ENDPOINT] = view
    fastpaths.limiter_hooks_on_login(app, limiter, LOGIN_ENDPOINT.partition(".")[0])


def _address() -> str:
    """The client's address: ``request.remote_addr``, which ProxyFix rewrites from
    X-Forwarded-For only when TRUSTED_PROXIES says how many proxies stand in front."""
    return get_remote_address()


def _account() -> str:
    """The account a login names, hashed (the store never holds email addresses)."""
    email = (request.form.get("email") or "").strip().lower()[:320]
    return "acct-" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:32]


def _breached(kind: str, limit) -> None:
    """Remember which limit refused the login and when it lets the next one through."""
    g.login_refused = (kind, limit.reset_at)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies (nginx…), take the client's address and scheme
    from their X-Forwarded-For/-Proto headers; with none (the default) those headers are
    ignored, so a client cannot pick the address the login limit counts."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(429, _too_many)


def _too_many(exc):
    kind, reset_at = g.get("login_refused") or ("address", None)
    minutes = max(1, math.ceil((reset_at - time.time()) / 60)) if reset_at else 5
    wait = ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)
    message = (_("Too many failed logins for this account.") if kind == "account" else
               _("Too many failed logins from your network.")) + " " + wait
    if request.path.startswith("/api/") or request.is_json:
        response = jsonify(error=message, status=429)
    else:
        response = make_response(render_template("auth/too_many.html", message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(minutes * 60)
    return response
