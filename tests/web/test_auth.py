"""Sign up, log in, log out, `next`, CSRF, roles and the nav: real HTTP on a real database."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask_login import login_required
from sqlalchemy import select

from studyk8s.persistence.models import User
from studyk8s.web.auth import LOGIN_FAILED, role_required
from studyk8s.web.responses import safe_next
from tests.conftest import AuthActions

from . import csrf_from, page_problems

PASSWORD = "correct horse"


def signup(client, email, password=PASSWORD, confirm=None, timezone="Europe/Berlin", **kw):
    return AuthActions(client).signup(email, password, confirm=confirm, timezone=timezone,
                                      **kw)


def login(client, email, password=PASSWORD, **kw):
    return AuthActions(client).login(email, password, **kw)


def users_in(app) -> dict[str, User]:
    with app.extensions["db_sessions"]() as s:
        return {u.email: u for u in s.scalars(select(User))}


def logged_in_as(client) -> str | None:
    html = client.get("/").get_data(as_text=True)
    m = re.search(r'<span class="nav-email"[^>]*>([^<]+)</span>', html)
    return m.group(1) if m else None


# --- the happy path ----------------------------------------------------------------------


def test_signup_logout_login_round_trip(app, client):
    response = signup(client, "Ada@Example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in_as(client) == "ada@example.com"

    assert client.post("/logout").status_code == 302
    assert logged_in_as(client) is None
    assert client.get("/settings").status_code == 302  # needs a login again

    response = login(client, "ADA@example.com ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in_as(client) == "ada@example.com"
    assert client.get("/settings").status_code == 200

    stored = users_in(app)["ada@example.com"]
    assert stored.password_hash.startswith("$argon2id$")
    assert stored.timezone == "Europe/Berlin"


def test_first_account_is_admin_second_is_learner(app, client):
    signup(client, "first@example.com")
    client.post("/logout")
    signup(client, "second@example.com")
    roles = {email: u.role for email, u in users_in(app).items()}
    assert roles == {"first@example.com": "admin", "second@example.com": "learner"}


def test_signup_and_login_pages_are_accessible_and_script_free(client):
    for path in ("/signup", "/login", "/"):
        html = client.get(path).get_data(as_text=True)
        assert page_problems(html) == [], path
    signup_html = client.get("/signup").get_data(as_text=True)
    assert 'src="/static/js/tz.js"' in signup_html
    assert re.search(r'<input[^>]*data-tz-detect[^>]*name="timezone"[^>]*type="hidden"',
                     signup_html)
    assert 'autocomplete="new-password"' in signup_html


def test_tz_js_reads_the_browser_zone(app):
    js = (app.static_folder + "/js/tz.js")
    with open(js, encoding="utf-8") as f:
        source = f.read()
    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in source
    assert '"UTC"' in source


# --- refused sign-ups --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"password": "short"}, "Use at least 8 characters."),
        ({"confirm": "something else"}, "The passwords do not match."),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": ""}, "This field is required."),
    ],
)
def test_bad_signups_are_refused_with_the_reason(app, client, kwargs, message):
    data = {"email": "ada@example.com", **kwargs}
    response = signup(client, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert users_in(app) == {}
    assert logged_in_as(client) is None


def test_duplicate_email_is_refused(app, client):
    signup(client, "ada@example.com")
    client.post("/logout")
    response = signup(client, "ADA@example.com", password="another password")
    assert response.status_code == 200
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert len(users_in(app)) == 1
    assert logged_in_as(client) is None


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "../../etc/passwd", "localtime", ""])
def test_bad_or_missing_detected_timezone_falls_back_to_utc(app, client, timezone):
    """The hidden field comes from the browser: a value we do not know is never stored, and
    the learner is told to pick a zone in Settings rather than being refused an account."""
    response = signup(client, "ada@example.com", timezone=timezone, follow_redirects=True)
    assert response.status_code == 200
    assert "could not be detected, so it is set to UTC" in response.get_data(as_text=True)
    assert users_in(app)["ada@example.com"].timezone == "UTC"


# --- refused log-ins ---------------------------------------------------------------------


def test_wrong_password_and_unknown_email_get_the_same_generic_error(client):
    signup(client, "ada@example.com")
    client.post("/logout", follow_redirects=True)  # shows and clears the "logged out" flash
    pages = []
    for email, password in [("ada@example.com", "wrong password"),
                            ("nobody@example.com", PASSWORD)]:
        response = login(client, email, password)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert LOGIN_FAILED in html
        assert "already exists" not in html and "not found" not in html.lower()
        assert f'value="{email}"' in html  # the form is shown again, email kept
        assert PASSWORD not in html and "wrong password" not in html
        pages.append(html.replace(email, "EMAIL"))
    assert _without_tokens(pages[0]) == _without_tokens(pages[1])
    assert logged_in_as(client) is None


def _without_tokens(html: str) -> str:
    return re.sub(r'(value|content)="[\w.-]{40,}"', "", html)


def test_logout_is_post_only(client):
    signup(client, "ada@example.com")
    assert client.get("/logout").status_code == 405
    assert logged_in_as(client) == "ada@example.com"


# --- next --------------------------------------------------------------------------------


def test_login_required_sends_to_login_and_back(client):
    signup(client, "ada@example.com")
    client.post("/logout")
    response = client.get("/settings?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fsettings%3Ftab%3D1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    action = unescape(re.search(r'<form class="stack"[^>]*action="([^"]+)"', page).group(1))
    response = client.post(action, data={"email": "ada@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/settings?tab=1"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/x",
        "http://localhost/settings",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tevil",
        "///evil.example",
    ],
)
def test_open_redirects_are_refused(client, target):
    signup(client, "ada@example.com")
    client.post("/logout")
    response = login(client, "ada@example.com", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signup_honours_a_safe_next_only(client):
    response = signup(client, "ada@example.com", query_string={"next": "/settings"})
    assert response.headers["Location"] == "/settings"
    client.post("/logout")
    response = signup(client, "bob@example.com", query_string={"next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_safe_next_unit():
    assert safe_next("/review?deck=2#top") == "/review?deck=2#top"
    assert safe_next("/") == "/"
    for bad in (None, "", "//x", "https://x", "/\\x", "x", "/\nx", "/" + "a" * 3000):
        assert safe_next(bad) is None, bad


def test_logged_in_users_skip_login_and_signup(client):
    signup(client, "ada@example.com")
    assert client.get("/login").headers["Location"] == "/"
    assert client.get("/signup?next=/settings").headers["Location"] == "/settings"


# --- CSRF --------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(db_url, notes_dir, app_factory):
    with app_factory(db_url, notes_dir, WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()


def test_csrf_post_without_token_is_400_with_token_works(csrf_app, csrf_client):
    data = {"email": "ada@example.com", "password": PASSWORD, "confirm": PASSWORD,
            "timezone": "UTC"}
    response = csrf_client.post("/signup", data=data)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert users_in(csrf_app) == {}

    token = csrf_from(csrf_client.get("/signup").get_data(as_text=True))
    response = csrf_client.post("/signup", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert "ada@example.com" in users_in(csrf_app)

    # a wrong token is refused too
    assert csrf_client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert logged_in_as(csrf_client) == "ada@example.com"


def test_csrf_logout_needs_the_token_and_accepts_the_header(csrf_client):
    token = csrf_from(csrf_client.get("/signup").get_data(as_text=True))
    csrf_client.post("/signup", data={"email": "ada@example.com", "password": PASSWORD,
                                      "confirm": PASSWORD, "csrf_token": token})
    assert csrf_client.post("/logout").status_code == 400
    assert logged_in_as(csrf_client) == "ada@example.com"

    # what fetch() does: the token from <meta name="csrf-token"> in the X-CSRFToken header
    html = csrf_client.get("/").get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    assert csrf_client.post("/logout", headers={"X-CSRFToken": meta}).status_code == 302
    assert logged_in_as(csrf_client) is None


def test_csrf_nav_logout_form_carries_the_token(csrf_client):
    token = csrf_from(csrf_client.get("/signup").get_data(as_text=True))
    csrf_client.post("/signup", data={"email": "ada@example.com", "password": PASSWORD,
                                      "confirm": PASSWORD, "csrf_token": token})
    html = csrf_client.get("/").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/logout".*?</form>', html, re.S).group(0)
    nav_token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert csrf_client.post("/logout", data={"csrf_token": nav_token}).status_code == 302


def test_csrf_error_is_json_for_json_calls(csrf_client):
    response = csrf_client.post("/logout", json={})
    assert response.status_code == 400
    assert response.is_json and "CSRF" in response.get_json()["error"]


# --- roles and unauthorised JSON ---------------------------------------------------------


@pytest.fixture
def guarded(app):
    @app.get("/_test/teach")
    @role_required("instructor", "admin")
    def teach():
        return "teaching"

    @app.get("/api/_test/me")
    @login_required
    def api_me():
        return {"ok": True}

    return app


def test_role_required(guarded, app):
    admin, learner = guarded.test_client(), guarded.test_client()
    assert admin.get("/_test/teach").status_code == 302  # anonymous: log in first
    signup(admin, "admin@example.com")
    signup(learner, "learner@example.com")
    assert admin.get("/_test/teach").get_data(as_text=True) == "teaching"
    assert learner.get("/_test/teach").status_code == 403


def test_role_required_rejects_unknown_roles():
    with pytest.raises(ValueError):
        role_required("wizard")
    with pytest.raises(ValueError):
        role_required()


def test_api_calls_get_401_json_not_a_redirect(guarded, client):
    response = client.get("/api/_test/me")
    assert response.status_code == 401 and response.get_json()["error"] == "login required"
    signup(client, "ada@example.com")
    assert client.get("/api/_test/me").get_json() == {"ok": True}


# --- nav ---------------------------------------------------------------------------------


def test_nav_for_visitors_and_users(app, client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and 'href="/signup"' in html
    assert 'href="/settings"' not in html and 'action="/logout"' not in html

    signup(client, "ada@example.com")
    html = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings" aria-current="page"' in html
    assert 'action="/logout"' in html and 'href="/login"' not in html
    assert ('href="/review"' in html) == ("review.index" in app.view_functions)


def test_keep_me_logged_in_sets_the_remember_cookie_only_when_asked(client):
    signup(client, "ada@example.com")
    client.post("/logout")
    login(client, "ada@example.com")
    assert client.get_cookie("remember_token") is None
    client.post("/logout")
    client.post("/login", data={"email": "ada@example.com", "password": PASSWORD,
                                "remember": "y"})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
