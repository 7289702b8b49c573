"""Security headers on every kind of response, and cookie flags."""

from __future__ import annotations

import re

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
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and "Too many failed logins for this account." in html
    wait = int(re.search(r"Try again in (\d) minutes?\.", html).group(1))
    assert 1 <= wait <= 5 and 0 < int(r.headers["Retry-After"]) <= 300
    assert client.get("/login").status_code == 200  # the form itself stays reachable


def test_one_learners_typos_do_not_lock_the_classroom(app, client, auth):
    """30 learners behind one NAT: one of them mistypes a password 11 times; that account
    waits, the others (same address) log in with theirs."""
    app.config["WTF_CSRF_ENABLED"] = False
    for name in ("typo", "next", "third"):
        auth.signup(f"{name}@example.com")
        auth.logout()
    codes = [auth.login("typo@example.com", "wrong-one").status_code for _ in range(11)]
    assert codes[-1] == 429
    assert auth.login("typo@example.com").status_code == 429  # that account waits…
    assert auth.login("next@example.com").status_code == 302  # …the classroom does not
    auth.logout()
    assert auth.login("third@example.com", "wrong-one").status_code == 200  # own counter
    assert auth.login("third@example.com").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(app_factory, db_url, notes_dir):
    with app_factory(db_url, notes_dir, LOGIN_RATE_LIMIT_ADDRESS="5 per 5 minutes") as app:
        client = app.test_client()
        codes = [client.post("/login", data={"email": f"u{i}@example.com",
                                              "password": "guess-guess"}).status_code
                 for i in range(6)]
        assert codes == [200] * 5 + [429]
        r = client.post("/login", data={"email": "new@example.com", "password": "x" * 9})
        assert r.status_code == 429
        assert "Too many failed logins from your network." in r.get_data(as_text=True)
        # another address is not affected
        other = client.post("/login", data={"email": "u0@example.com", "password": "nope-nope"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert other.status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_for_is_believed_only_behind_a_trusted_proxy(app_factory, db_url, notes_dir,
                                                              proxies):
    with app_factory(db_url, notes_dir, LOGIN_RATE_LIMIT_ADDRESS="3 per 5 minutes",
                     TRUSTED_PROXIES=proxies) as app:
        client = app.test_client()
        codes = [client.post("/login", data={"email": f"v{i}@example.com", "password": "nope-nope"},
                             headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(4)]
    # Without a trusted proxy the header is ignored: one address, stopped at the 4th try.
    # Behind one, each forwarded address is its own client.
    assert codes == ([200, 200, 200, 429] if proxies == 0 else [200] * 4)


def test_too_many_in_chinese(app, client, auth):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.signup("zh@example.com")
    auth.logout()
    client.post("/language", data={"locale": "zh"})
    for _ in range(11):
        r = auth.login("zh@example.com", "wrong-one")
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and "此账户登录失败次数过多" in html and "分钟后再试" in html


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
    email = f"{uuid.uuid4().hex[:12]}@example.com"  # a fresh account counter too
    codes = [apps[i % 2].test_client().post(
        "/login", data={"email": email, "password": "bad-password"},
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


def test_two_workers_share_login_failures_through_the_database(db_url, notes_dir, app_factory):
    """The default store: two app instances on one database (two gunicorn workers, or two
    hosts) count the same failures, with no other service running."""
    import contextlib
    import uuid

    stack = contextlib.ExitStack()
    apps = [stack.enter_context(app_factory(
        db_url, notes_dir, RATELIMIT_STORAGE_URI="database://",
        LOGIN_RATE_LIMIT="4 per 5 minutes")) for _ in range(2)]
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    codes = [apps[i % 2].test_client().post(
        "/login", data={"email": email, "password": "bad-password"}).status_code
        for i in range(5)]
    other = apps[1].test_client().post("/login", data={"email": "someone@example.com",
                                                       "password": "bad-password"})
    stack.close()
    assert codes == [200, 200, 200, 200, 429]
    assert other.status_code == 200  # another account, same address: still let through


def test_database_storage_counts_and_expires(app):
    from studyk8s.persistence.ratelimit import DatabaseStorage

    store = DatabaseStorage("database://", engine=app.extensions["db_engine"])
    assert store.check() and store.get("k") == 0
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3 and store.get_expiry("k") > 0
    assert store.incr("gone", -1) == 1  # a window already over…
    assert store.get("gone") == 0 and store.incr("gone", 60) == 1  # …starts again
    store.clear("k")
    assert store.get("k") == 0 and store.reset() >= 1
