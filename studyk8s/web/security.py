"""Response headers every page gets: a strict Content-Security-Policy (no inline script, no
plugins, no framing), nosniff, and a referrer policy.

Styles allow 'unsafe-inline' only because mermaid writes a <style> element into each diagram
SVG it draws; scripts never do.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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


def init_app(app: Flask) -> None:
    app.config["REMEMBER_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE", False)
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def limit_logins(app: Flask) -> None:
    """429 after repeated failed logins from one address (successes, which redirect, are not
    counted). One Limiter per app, so tests and workers never share counters by accident; the
    storage is shared across workers when RATELIMIT_STORAGE_URI points at Redis."""
    limiter = Limiter(get_remote_address, app=app,
                      storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      default_limits=[], headers_enabled=True)
    app.extensions["login_limiter"] = limiter
    view = app.view_functions["auth.login"]
    app.view_functions["auth.login"] = limiter.limit(
        app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
        deduct_when=lambda response: response.status_code != 302,
    )(view)
    app.register_error_handler(429, _too_many)


def _too_many(exc):
    from flask_babel import gettext as _

    message = _("Too many failed attempts. Wait a few minutes, then try again.")
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=message, status=429), 429
    return render_template("auth/too_many.html", message=message), 429
