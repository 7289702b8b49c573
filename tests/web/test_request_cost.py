"""The fixed per-request work stays small without weakening anything: one query to load the
user, no re-sent session cookie, rate-limit hooks on the auth routes only, and the
security headers added without overriding a view's own."""

from __future__ import annotations

import contextlib
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


def _second_worker(app_factory, db_url, notes_dir, client):
    """Another worker of the same deployment (its own queue cache) and the same learner's
    browser on it: the session cookie carries over."""
    return app_factory(db_url, notes_dir, WTF_CSRF_ENABLED=True), client.get_cookie("session")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_review_step_costs_few_statements_and_no_transaction_it_does_not_need(
        probe_app, logged_in, runner, monkeypatch, app_factory, db_url, notes_dir, workers):
    """After the first step (which builds the learner's queue in each worker): showing the
    next card is one statement, the user's row read with the queue stamp; an answer is the
    user, the card's row and the write, and on SQLite the stamp and the next card. On
    PostgreSQL the user's load also reads the answered card's row, and the write is one
    statement, its own transaction, which also returns the stamp and reads the card shown
    next: two statements, no BEGIN or COMMIT at all (each is a round trip); SQLite writes the
    state and the log row under its write lock, then reads the stamp.

    With two workers taking turns, each meets the learner after the other took an answer:
    the learner's load brings that answer along (no statement of its own), and the card the
    other worker showed is read once more (one statement)."""
    from studyk8s.persistence import engine as engine_module

    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    client, token = logged_in
    engine = probe_app.extensions["db_engine"]
    postgres = engine.dialect.name == "postgresql"
    clients = [client]
    with contextlib.ExitStack() as stack:
        if workers == 2:
            other = stack.enter_context(app_factory(db_url, notes_dir, WTF_CSRF_ENABLED=True))
            clients.append(other.test_client())
            cookie = client.get_cookie("session")
            clients[1].set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        engines = {id(c.application.extensions["db_engine"]): c.application.extensions[
            "db_engine"] for c in clients}.values()
        statements, transactions = [], []
        opened = engine_module._pg_open
        monkeypatch.setattr(engine_module, "_pg_open",
                            lambda *a: (transactions.append(a), opened(*a)))

        def seen(conn, cursor, statement, *args):
            statements.append(statement)

        for c in clients:  # each worker builds the learner's queue
            card = c.get("/api/review/next").get_json()["card"]
        for i in range(4):
            for e in engines:
                event.listen(e, "before_cursor_execute", seen)
            try:
                worker = clients[i % workers]  # with 2: the other one took the last answer
                statements.clear()
                view = worker.get("/api/review/next").get_json()
                assert view["card"]["id"] == card["id"], (view["card"], card)
                missed = workers == 2 and i > 0  # the card the other worker showed, read again
                assert len(statements) == 1 + missed, statements
                assert "FROM users" in statements[0]
                assert "review_log" in statements[0]  # the answers the worker missed
                statements.clear()
                r = worker.post("/api/review/answer", headers={"X-CSRFToken": token}, json={
                    "card_id": card["id"], "rating": 3, "version": card["version"],
                    "client_id": f"cost-answer-{i:04d}", "duration_ms": 900})
                assert r.status_code == 200, r.get_json()
                writes = [s for s in statements if not s.lstrip().startswith("SELECT")]
                assert len(statements) == (2 if postgres else 6), statements
                assert len(writes) == (1 if postgres else 2), writes
                if postgres:  # the learner's load read the answered card's state
                    assert "FROM users" in statements[0] and "card_states" in statements[0]
            finally:
                for e in engines:
                    event.remove(e, "before_cursor_execute", seen)
            card = r.get_json()["next"]["card"]
            assert card is not None
    assert transactions == [] or not postgres
