"""Response headers every page gets: a strict Content-Security-Policy (no inline script, no
plugins, no framing), nosniff, and a referrer policy. Also the login rate limit. (The
shortcuts that keep both cheap are in ``fastpaths``.)

Styles allow 'unsafe-inline' only because mermaid writes a <style> element into each diagram
SVG it draws; scripts never do.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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
    """429 after repeated failed logins from one address (successes, which redirect, are not
    counted). One Limiter per app, so tests and workers never share counters by accident; the
    storage is shared across workers when RATELIMIT_STORAGE_URI points at Redis."""
    limiter = Limiter(get_remote_address, app=app,
                      storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      default_limits=[], headers_enabled=True)
    app.extensions["login_limiter"] = limiter
    view = app.view_functions[LOGIN_ENDPOINT]
    app.view_functions[LOGIN_ENDPOINT] = limiter.limit(
        app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
        deduct_when=lambda response: response.status_code != 302,
    )(view)
    fastpaths.limiter_hooks_on_login(app, limiter, LOGIN_ENDPOINT.partition(".")[0])


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(429, _too_many)


def _too_many(exc):
    from flask_babel import gettext as _

    message = _("Too many failed attempts. Wait a few minutes, then try again.")
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=message, status=429), 429
    return render_template("auth/too_many.html", message=message), 429
