"""Security headers on every kind of response, and cookie flags."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/review", "/static/css/app.css",
                                  "/no-such-page"])
def test_strict_headers_everywhere(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(auth):
    r = auth.signup("c@example.com")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests; SESSION_COOKIE_SECURE=1 behind HTTPS


def test_secure_cookies_when_configured(app, auth):
    app.config["SESSION_COOKIE_SECURE"] = True
    r = auth.signup("s@example.com")
    assert "Secure" in r.headers["Set-Cookie"]


def test_login_rate_limit_counts_failures_only(app, client, auth):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.signup("r@example.com")
    auth.logout()
    for _ in range(3):  # successes don't count
        assert auth.login("r@example.com").status_code == 302
        auth.logout()
    codes = [auth.login("r@example.com", "wrong-one").status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # Even the right password is refused until the window passes.
    r = auth.login("r@example.com")
    assert r.status_code == 429 and "Too many failed attempts" in r.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # the form itself stays reachable


def test_rate_limit_storage_is_per_app(app, app_factory, db_url, notes_dir):
    """Counters live in each app's own storage (memory by default): tests and separately
    configured apps never share them by accident."""
    client = app.test_client()
    bad = {"email": "x@example.com", "password": "nope-nope"}
    codes = [client.post("/login", data=bad).status_code for _ in range(11)]
    assert codes[-1] == 429
    with app_factory(db_url, notes_dir) as other:
        assert other.test_client().post("/login", data=bad).status_code == 200


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis on 127.0.0.1:6379 is not running")
def test_two_workers_share_login_failures_through_redis(db_url, notes_dir, app_factory):
    """Two app instances (as two gunicorn workers would be) count failures in one store."""
    import contextlib
    import uuid


    stack = contextlib.ExitStack()
    apps = [stack.enter_context(app_factory(
        db_url, notes_dir, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        LOGIN_RATE_LIMIT="4 per 5 minutes")) for _ in range(2)]
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"  # a fresh counter
    env = {"REMOTE_ADDR": address}
    codes = [apps[i % 2].test_client().post(
        "/login", data={"email": "x@example.com", "password": "bad-password"},
        environ_base=env).status_code for i in range(5)]
    stack.close()
    assert codes == [200, 200, 200, 200, 429]


def _signup(client, email="t@example.com", password="kube-study-4471"):
    from tests.conftest import AuthActions

    assert AuthActions(client).signup(email, password).status_code == 302


def _cookie(client):
    return client.get_cookie("session").value


def test_a_cookie_captured_before_logout_is_refused_after(app, client):
    _signup(client)
    stolen = _cookie(client)
    assert client.get("/review").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    r = thief.get("/review")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert thief.get("/api/review/next").status_code == 401


def test_password_change_ends_other_sessions_but_not_this_one(app, client):
    _signup(client, "p@example.com")
    other_device = app.test_client()
    other_device.set_cookie("session", _cookie(client))
    assert other_device.get("/review").status_code == 200
    r = client.post("/settings/password", data={"current": "kube-study-4471",
                                                 "password": "new-password-2",
                                                 "confirm": "new-password-2"})
    assert r.status_code == 302
    assert client.get("/review").status_code == 200  # this session carries on
    assert other_device.get("/review").status_code == 302  # the other one is over
    client.post("/logout")
    assert client.post("/login", data={"email": "p@example.com", "password": "kube-study-4471"}
                       ).status_code == 200  # old password refused
    assert client.post("/login", data={"email": "p@example.com",
                                       "password": "new-password-2"}).status_code == 302


def test_password_change_needs_the_current_password(client):
    _signup(client, "q@example.com")
    r = client.post("/settings/password", data={"current": "wrong-one", "password":
                                                 "new-password-2", "confirm": "new-password-2"})
    assert r.status_code == 200 and "current password is not right" in r.get_data(as_text=True)
