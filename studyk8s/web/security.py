"""Response headers every page gets: a strict Content-Security-Policy (no inline script, no
plugins, no framing), nosniff, and a referrer policy. Also the session cookie's interface and
the login rate limit, both kept cheap for the requests they do not concern.

Styles allow 'unsafe-inline' only because mermaid writes a <style> element into each diagram
SVG it draws; scripts never do.
"""

from __future__ import annotations

from functools import partial

from flask import Flask, Response, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
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
LOGIN_ENDPOINT = "auth.login"
# (lower-case name, name, value), built once: the after-request hook runs on every response.
_HEADER_ITEMS = tuple((name.lower(), name, value) for name, value in HEADERS.items())


def init_app(app: Flask) -> None:
    app.config["REMEMBER_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE", False)
    app.session_interface = CookieSessions()
    app.after_request(_headers)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, same cookie and same rules, minus two costs paid on every
    request: the serializer is built once per key set (building one runs a test ``dumps``), and
    an unchanged session returns before the cookie settings are read."""

    _cached: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._cached
        if cached is not None and cached[0] == keys:
            return cached[1]
        serializer = super().get_signing_serializer(app)
        self._cached = (keys, serializer)
        return serializer

    def save_session(self, app: Flask, session, response: Response) -> None:
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


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
    _hooks_for_login_only(app, limiter)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(429, _too_many)


def _hooks_for_login_only(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter hooks every request (before, after, teardown), though only the login view
    is limited. Move its hooks to the auth blueprint so other requests skip them: the login
    view's own check is in its decorator, and the after-request hook, still run on auth
    requests, deducts failed attempts and adds the X-RateLimit headers. Kept app-wide if
    default, application or meta limits are configured (those apply to every request)."""
    if any(app.config.get(key) for key in
           ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        return

    def ours(hook) -> bool:
        if isinstance(hook, partial):
            return bool(hook.args) and hook.args[0] is limiter
        return getattr(hook, "__self__", None) is limiter

    registries = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    found = [[hook for hook in registry.get(None, []) if ours(hook)] for registry in registries]
    if any(len(hooks) != 1 for hooks in found):
        return  # not the hooks this was written for (another Flask-Limiter?): leave them be
    blueprint = LOGIN_ENDPOINT.partition(".")[0]
    for registry, (hook,) in zip(registries, found, strict=True):
        registry[None].remove(hook)
        registry[blueprint].append(hook)


def _too_many(exc):
    from flask_babel import gettext as _

    message = _("Too many failed attempts. Wait a few minutes, then try again.")
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=message, status=429), 429
    return render_template("auth/too_many.html", message=message), 429
