"""The fixed per-request work stays small without weakening anything: one query to load the
user, no re-sent session cookie, rate-limit hooks on the auth routes only, and the
security headers added without overriding a view's own."""

from __future__ import annotations

import re

import pytest
from flask import jsonify
from flask_login import login_required
from sqlalchemy import event


@pytest.fixture
def probe_app(app_factory, db_url, notes_dir):
    """An app with CSRF on and a trivial login-required JSON endpoint (added before the first
    request, as Flask requires)."""
    with app_factory(db_url, notes_dir, WTF_CSRF_ENABLED=True) as app:
        @app.route("/api/_probe", methods=["GET", "POST"])
        @login_required
        def probe():
            return jsonify(ok=1)

        @app.get("/api/_probe/own-csp")
        def own_csp():
            response = jsonify(ok=1)
            response.headers["Content-Security-Policy"] = "default-src 'none'"
            return response

        yield app


@pytest.fixture
def logged_in(probe_app):
    client = probe_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/signup").get_data(as_text=True))[1]
    r = client.post("/signup", data={"email": "cost@example.com", "password": "kube-study-4471",
                                     "confirm": "kube-study-4471", "timezone": "UTC",
                                     "csrf_token": token})
    assert r.status_code == 302
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"',
                     client.get("/review").get_data(as_text=True))[1]
    return client, meta


def test_an_authenticated_request_runs_one_query_and_sends_no_cookie(probe_app, logged_in):
    client, token = logged_in
    statements = []
    engine = probe_app.extensions["db_engine"]

    def seen(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # how a transaction starts is not the point
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        r = client.get("/api/_probe")
        assert r.status_code == 200 and "Set-Cookie" not in r.headers
        assert len(statements) == 1 and "FROM users" in statements[0]
        r = client.post("/api/_probe", json={}, headers={"X-CSRFToken": token})
        assert r.status_code == 200 and "Set-Cookie" not in r.headers
        r = client.get("/api/review/next")
        assert r.status_code == 200 and "Set-Cookie" not in r.headers
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_json_posts_still_need_the_header_token(logged_in):
    client, token = logged_in
    assert client.post("/api/_probe", json={}).status_code == 400
    assert client.post("/api/_probe", json={"csrf_token": token}).status_code == 400  # body: no
    assert client.post("/api/_probe", json={}, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert client.post("/api/_probe", json={}, headers={"X-CSRFToken": token}).status_code == 200


def test_rate_limit_hooks_run_on_auth_routes_only(probe_app, logged_in):
    limiter = probe_app.extensions["login_limiter"]
    app_wide = [*probe_app.before_request_funcs[None], *probe_app.after_request_funcs[None],
                *probe_app.teardown_request_funcs[None]]
    assert not any(getattr(h, "__self__", None) is limiter
                   or getattr(h, "args", (None,))[:1] == (limiter,) for h in app_wide)
    client, _ = logged_in
    assert not any(k.startswith("X-RateLimit") for k, _ in client.get("/api/_probe").headers)
    anon = probe_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      anon.get("/login").get_data(as_text=True))[1]
    r = anon.post("/login", data={"email": "cost@example.com", "password": "wrong-one",
                                  "csrf_token": token})
    assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "10"
    assert r.headers["X-RateLimit-Remaining"] == "9"


def test_security_headers_once_and_a_views_own_value_kept(probe_app):
    client = probe_app.test_client()
    r = client.get("/api/_probe/own-csp")
    assert r.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert r.headers.getlist("X-Frame-Options") == ["DENY"]
    r = client.get("/login")
    assert len(r.headers.getlist("Content-Security-Policy")) == 1


def test_a_review_step_costs_few_statements_and_no_transaction_it_does_not_need(
        probe_app, logged_in, runner, monkeypatch):
    """After the first step (which builds the learner's queue in the worker): showing the
    next card is one statement, the user's row read with the queue stamp; an answer is the
    user, the card's row, the write and the next card. On PostgreSQL the write is one
    statement, its own transaction, which also returns the stamp: no BEGIN or COMMIT at all
    (each is a round trip); SQLite writes the state and the log row under its write lock,
    then reads the stamp."""
    from studyk8s.persistence import engine as engine_module

    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    client, token = logged_in
    engine = probe_app.extensions["db_engine"]
    postgres = engine.dialect.name == "postgresql"
    statements, transactions = [], []
    opened = engine_module._pg_open
    monkeypatch.setattr(engine_module, "_pg_open",
                        lambda *a: (transactions.append(a), opened(*a)))

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    card = client.get("/api/review/next").get_json()["card"]
    for i in range(3):
        event.listen(engine, "before_cursor_execute", seen)
        try:
            statements.clear()
            view = client.get("/api/review/next").get_json()
            assert view["card"]["id"] == card["id"] and len(statements) == 1, statements
            assert "FROM users" in statements[0]
            statements.clear()
            r = client.post("/api/review/answer", headers={"X-CSRFToken": token}, json={
                "card_id": card["id"], "rating": 3, "version": card["version"],
                "client_id": f"cost-answer-{i:04d}", "duration_ms": 900})
            assert r.status_code == 200, r.get_json()
            writes = [s for s in statements if not s.lstrip().startswith("SELECT")]
            assert len(statements) == (4 if postgres else 6), statements
            assert len(writes) == (1 if postgres else 2), writes
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        card = r.get_json()["next"]["card"]
    assert transactions == [] or not postgres
