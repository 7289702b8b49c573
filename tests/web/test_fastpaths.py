"""One test per framework shortcut (studyk8s/web/fastpaths.py): each compares the app with the
shortcut against the same app without it, so an upgrade of Flask, Flask-WTF or Flask-Limiter
that changes what the shortcut leans on fails here rather than in production."""

from __future__ import annotations

import inspect

import pytest
from flask import Blueprint, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from studyk8s.web import fastpaths

from . import csrf_from


def _probe() -> Blueprint:
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/nothing")
    def nothing():
        return "ok"

    @bp.get("/probe/read")
    def read():
        return str(session.get("n", 0))

    @bp.get("/probe/write")
    def write():
        session["n"] = session.get("n", 0) + 1
        return "ok"

    @bp.get("/probe/clear")
    def clear():
        session.clear()
        return "ok"

    @bp.post("/api/probe")
    def api():
        return {"ok": True}

    return bp


def _cookie_shape(response) -> tuple:
    """What a response says about the session cookie, minus the signed value (it carries a
    timestamp)."""
    cookies = [c.split(";", 1) for c in response.headers.getlist("Set-Cookie")
               if c.startswith("session=")]
    return (sorted((value.startswith("session=;"), attrs.strip()) for value, attrs in cookies),
            sorted(response.vary))


def test_session_cookies_as_stock_flask(app_factory, db_url):
    """The cached serializer and the early return for an unchanged session give the same
    cookies and the same ``Vary`` as Flask's own interface, for every kind of request."""
    for name in ("get_signing_serializer", "should_set_cookie", "save_session"):
        assert hasattr(SecureCookieSessionInterface, name), name
    assert list(inspect.signature(
        SecureCookieSessionInterface.get_signing_serializer).parameters) == ["self", "app"]
    shapes = []
    for paths in ((fastpaths.SESSION_COOKIES,), ()):
        with app_factory(db_url, FAST_PATHS=paths) as app:
            assert isinstance(app.session_interface, fastpaths.CookieSessions) == bool(paths)
            app.register_blueprint(_probe())
            client = app.test_client()
            steps = ["nothing", "read", "write", "read", "nothing", "write", "clear", "read"]
            shapes.append([_cookie_shape(client.get(f"/probe/{step}")) for step in steps])
            assert client.get("/probe/read").get_data(as_text=True) == "0"
    assert shapes[0] == shapes[1]
    assert any(shape[0] for shape in shapes[0])  # some steps did set the cookie


def test_csrf_json_as_stock_flask_wtf(app_factory, db_url):
    """JSON calls are accepted with the header token and refused without it, forms with the
    field, exactly as with Flask-WTF's own ``CSRFProtect``."""
    assert callable(getattr(CSRFProtect, "_get_csrf_token", None))
    outcomes = []
    for paths in ((fastpaths.CSRF_JSON,), ()):
        with app_factory(db_url, WTF_CSRF_ENABLED=True, FAST_PATHS=paths) as app:
            assert isinstance(app.extensions["csrf"], fastpaths.JsonCSRFProtect) == bool(paths)
            app.register_blueprint(_probe())
            client = app.test_client()
            token = csrf_from(client.get("/login").get_data(as_text=True))
            runs = [
                client.post("/api/probe", json={}),
                client.post("/api/probe", json={"csrf_token": token}),
                client.post("/api/probe", json={}, headers={"X-CSRFToken": token}),
                client.post("/api/probe", data={"csrf_token": token}),
                client.post("/api/probe", data={}),
                client.post("/api/probe", data="x" * 100, content_type="text/plain",
                            headers={"X-CSRFToken": token}),
            ]
            outcomes.append([(r.status_code, r.get_json(silent=True)) for r in runs])
    assert outcomes[0] == outcomes[1]
    assert [status for status, _ in outcomes[0]] == [400, 400, 200, 200, 400, 200]
    assert outcomes[0][0][1]["error"] == "The CSRF token is missing."


def test_limiter_hooks_move_to_the_login_blueprint(app):
    """Flask-Limiter's three hooks are found (one each) and moved to the auth blueprint: if a
    new version registers them otherwise, nothing is moved and this fails."""
    limiter = app.extensions["login_limiter"]

    def ours(hooks):
        return [h for h in hooks if getattr(h, "__self__", None) is limiter
                or (getattr(h, "args", None) and h.args[0] is limiter)]

    for registry in (app.before_request_funcs, app.after_request_funcs,
                     app.teardown_request_funcs):
        assert ours(registry.get(None, [])) == []
        assert len(ours(registry.get("auth", []))) == 1


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"])
def test_limiter_hooks_stay_app_wide_for_app_wide_limits(app_factory, db_url, setting):
    with app_factory(db_url, **{setting: "1000 per hour"}) as app:
        limiter = app.extensions["login_limiter"]
        assert any(getattr(h, "__self__", None) is limiter
                   or (getattr(h, "args", None) and h.args[0] is limiter)
                   for h in app.before_request_funcs.get(None, []))
