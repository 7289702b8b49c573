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


def test_session_cookie_flags(client):
    r = client.post("/signup", data={"email": "c@example.com", "password": "password1",
                                     "confirm": "password1", "timezone": "UTC"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests; SESSION_COOKIE_SECURE=1 behind HTTPS


def test_secure_cookies_when_configured(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    r = client.post("/signup", data={"email": "s@example.com", "password": "password1",
                                     "confirm": "password1", "timezone": "UTC"})
    assert "Secure" in r.headers["Set-Cookie"]
