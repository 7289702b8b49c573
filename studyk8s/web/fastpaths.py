"""Framework shortcuts, all in one place: each leans on how Flask, Flask-WTF or Flask-Limiter
work inside, to save time on every request. Each says why it is here and what an upgrade can
break; tests/web/test_fastpaths.py has a test per shortcut that fails when the framework
changes under it (the shortcut must then be rewritten or dropped), and the README gives the
``make bench ONLY=http`` medians with and without each.

``FAST_PATHS`` (config, env ``STUDYK8S_FAST_PATHS``: names separated by commas, or "none")
picks which are installed; the default is all of them. Turning one off only costs time.
"""

from __future__ import annotations

from functools import partial

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect

SESSION_COOKIES = "session_cookies"
CSRF_JSON = "csrf_json"
LIMITER_HOOKS = "limiter_hooks"
ALL = (SESSION_COOKIES, CSRF_JSON, LIMITER_HOOKS)


def enabled(app: Flask, name: str) -> bool:
    return name in app.config.get("FAST_PATHS", ALL)


# --- 1. session cookies ----------------------------------------------------------------------
#
# Why: Flask builds a new signing serializer for every request that reads or writes the session
# (``get_signing_serializer``: an itsdangerous ``URLSafeTimedSerializer``, whose constructor
# runs a test ``dumps``), and reads five cookie settings in ``save_session`` even when the
# session did not change. This keeps one serializer per set of keys and returns early for an
# unchanged session, with the same cookie and the same ``Vary: Cookie``.
# Breaks if: Flask renames or changes ``get_signing_serializer``, ``should_set_cookie`` or what
# ``save_session`` does for an unchanged session (the test compares our responses with
# stock Flask's for new, unchanged, modified and emptied sessions).


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, same cookie and same rules, minus two costs paid on every
    request: the serializer is built once per key set, and an unchanged session returns before
    the cookie settings are read."""

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


# --- 2. CSRF tokens of JSON calls ------------------------------------------------------------
#
# Why: Flask-WTF's check looks for the token in the form first, so a JSON call's body is
# parsed as a form (Werkzeug reads the stream, finds nothing) before the header is read. A body
# that is not a form cannot hold the field; only the header can. This skips the form for
# those and reads the stream's length limit the same way (413 over MAX_CONTENT_LENGTH).
# Breaks if: Flask-WTF renames ``CSRFProtect._get_csrf_token`` or starts reading the token
# from elsewhere (the test checks the method exists and that form and JSON requests are
# accepted and refused exactly as with the stock ``CSRFProtect``).

_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class JsonCSRFProtect(CSRFProtect):
    """Flask-WTF's check, unchanged, except that it does not parse the body of a request that
    is not a form (a JSON call) looking for a ``csrf_token`` field."""

    def _get_csrf_token(self):
        if request.mimetype in _FORM_TYPES:
            return super()._get_csrf_token()
        request.stream  # noqa: B018 - as request.form did: 413 if over MAX_CONTENT_LENGTH
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            if token := request.headers.get(header_name):
                return token
        return None


def csrf_protect(app: Flask) -> CSRFProtect:
    """The CSRF protection this app gets (installed by ``auth.init_app``)."""
    return JsonCSRFProtect() if enabled(app, CSRF_JSON) else CSRFProtect()


# --- 3. Flask-Limiter's hooks, on the login blueprint only ------------------------------------
#
# Why: Flask-Limiter hooks every request (before, after, teardown), though only the login view
# is limited. Its hooks move to the auth blueprint, so other requests skip them: the login
# view's own check is in its decorator, and the after-request hook, still run on auth
# requests, deducts failed attempts and adds the X-RateLimit headers. Kept app-wide if default,
# application or meta limits are configured (those apply to every request).
# Breaks if: Flask-Limiter registers its hooks differently (not one each, or not as bound
# methods or partials of the limiter): then nothing is moved (``limiter_hooks_on_login``
# returns False) and the test fails, so the shortcut is rewritten, not silently lost.


def limiter_hooks_on_login(app: Flask, limiter: Limiter, blueprint: str) -> bool:
    """Move ``limiter``'s app-wide hooks to ``blueprint``; True if they were moved."""
    if not enabled(app, LIMITER_HOOKS) or any(
            app.config.get(key) for key in
            ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        return False

    def ours(hook) -> bool:
        if isinstance(hook, partial):
            return bool(hook.args) and hook.args[0] is limiter
        return getattr(hook, "__self__", None) is limiter

    registries = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    found = [[hook for hook in registry.get(None, []) if ours(hook)] for registry in registries]
    if any(len(hooks) != 1 for hooks in found):
        return False  # not the hooks this was written for (another Flask-Limiter?): leave them
    for registry, (hook,) in zip(registries, found, strict=True):
        registry[None].remove(hook)
        registry[blueprint].append(hook)
    return True
