"""The settings page: shows the current values, saves through services.users, refuses bad
values without saving anything, and what it saves survives a new session and a new login."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import Note, User
from studyk8s.services.users import CARD_KINDS, DEFAULT_SETTINGS, settings_of
from tests.conftest import AuthActions

from . import page_problems

PASSWORD = "correct horse"
GOOD = {
    "timezone": "Asia/Shanghai",
    "desired_retention": "0.85",
    "new_per_day": "10",
    "reviews_per_day": "150",
    "card_kinds": ["term_definition", "cloze"],
}


def signup(client, email="ada@example.com", timezone="Europe/Berlin"):
    response = AuthActions(client).signup(email, PASSWORD, timezone=timezone)
    assert response.status_code == 302


def stored(app, email="ada@example.com") -> User:
    with app.extensions["db_sessions"]() as s:
        return s.scalar(select(User).where(User.email == email))


@pytest.fixture
def decks(app, now):
    """Two decks (notes) straight in the database; list_decks shows notes without cards too."""
    with app.extensions["db_sessions"]() as s:
        notes = [
            Note(path=f"content/notes/{name}.md", title=title, lang="en", content_hash="x",
                 imported_at=now)
            for name, title in [("a", "Pods"), ("b", "Services")]
        ]
        s.add_all(notes)
        s.commit()
        return [n.id for n in notes]


def test_settings_needs_a_login(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_page_shows_current_values_and_is_accessible(client, decks):
    signup(client)
    response = client.get("/settings")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_problems(html) == []
    assert '<option selected value="Europe/Berlin">' in html
    assert html.count("<option") > 300  # the IANA zones
    assert re.search(r'id="desired_retention"[^>]*value="0.9"', html)
    assert re.search(r'id="new_per_day"[^>]*value="20"', html)
    assert re.search(r'id="reviews_per_day"[^>]*value="200"', html)
    # None = everything: every deck and kind is ticked
    assert html.count('name="decks" type="checkbox"') == 2
    assert len(re.findall(r'<input checked[^>]*name="decks"', html)) == 2
    assert len(re.findall(r'<input checked[^>]*name="card_kinds"', html)) == len(CARD_KINDS)
    assert ">Pods</label>" in html and ">Services</label>" in html
    assert 'src="/static/js/tz.js"' in html


def test_save_then_see_it_in_a_new_session_and_a_new_login(app, client, decks):
    signup(client)
    response = client.post("/settings", data={**GOOD, "decks": [str(decks[1])]})
    assert response.status_code == 302 and response.headers["Location"] == "/settings"
    assert "Settings saved." in client.get("/settings").get_data(as_text=True)

    user = stored(app)  # a new database session
    assert user.timezone == "Asia/Shanghai"
    assert settings_of(user) == {
        **DEFAULT_SETTINGS,
        "desired_retention": 0.85,
        "new_per_day": 10,
        "reviews_per_day": 150,
        "decks": [decks[1]],
        "card_kinds": ["term_definition", "cloze"],
    }

    other = app.test_client()  # a new browser
    AuthActions(other).login("ada@example.com", PASSWORD)
    html = other.get("/settings").get_data(as_text=True)
    assert '<option selected value="Asia/Shanghai">' in html
    assert re.search(r'id="desired_retention"[^>]*value="0.85"', html)
    assert re.findall(r'<input checked[^>]*name="decks"[^>]*value="(\d+)"', html) == [
        str(decks[1])
    ]
    assert re.findall(r'<input checked[^>]*name="card_kinds"[^>]*value="(\w+)"', html) == [
        "term_definition", "cloze"
    ]


def test_everything_ticked_is_stored_as_all(app, client, decks):
    signup(client)
    client.post("/settings", data={**GOOD, "decks": [str(decks[1])]})
    client.post("/settings", data={**GOOD, "decks": [str(d) for d in decks],
                                   "card_kinds": list(CARD_KINDS)})
    current = settings_of(stored(app))
    assert current["decks"] is None and current["card_kinds"] is None


def test_without_decks_the_page_still_saves(app, client):
    signup(client)
    html = client.get("/settings").get_data(as_text=True)
    assert "No decks yet" in html
    assert client.post("/settings", data=GOOD).status_code == 302
    assert settings_of(stored(app))["decks"] is None


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"desired_retention": "1.5"}, "between 0.70 and 0.99", "desired_retention"),
        ({"desired_retention": "0.5"}, "between 0.70 and 0.99", "desired_retention"),
        ({"desired_retention": "lots"}, "Not a valid float value", "desired_retention"),
        ({"desired_retention": ""}, "Enter a number between 0.70 and 0.99", "desired_retention"),
        ({"new_per_day": "-1"}, "between 0 and 9999", "new_per_day"),
        ({"new_per_day": "2.5"}, "Not a valid integer value", "new_per_day"),
        ({"reviews_per_day": "100000"}, "between 0 and 99999", "reviews_per_day"),
        ({"timezone": "Mars/Olympus"}, "Not a valid choice", "timezone"),
        ({"card_kinds": []}, "Choose at least one card kind", "card_kinds"),
        ({"card_kinds": ["essay"]}, "not a valid choice", "card_kinds"),
        ({"decks": []}, "Choose at least one deck", "decks"),
        ({"decks": ["99999"]}, "not a valid choice", "decks"),
    ],
)
def test_bad_values_show_an_error_and_save_nothing(app, client, decks, change, message, field):
    signup(client)
    response = client.post("/settings", data={**GOOD, "decks": [str(decks[0])], **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert message in html
    assert f'id="{field}-error"' in html  # shown next to the field it is about
    assert page_problems(html) == []
    user = stored(app)
    assert user.settings == {} and user.timezone == "Europe/Berlin"


def test_the_refused_form_keeps_what_was_typed(client, decks):
    signup(client)
    html = client.post("/settings", data={**GOOD, "desired_retention": "1.5"}).get_data(
        as_text=True
    )
    assert re.search(r'id="desired_retention"[^>]*value="1.5"', html)
    assert '<option selected value="Asia/Shanghai">' in html
    assert re.search(r'id="new_per_day"[^>]*value="10"', html)


def test_one_learners_settings_do_not_touch_anothers(app, client):
    signup(client, "admin@example.com")
    client.post("/logout")
    signup(client, "ada@example.com")
    client.post("/settings", data=GOOD)
    assert stored(app, "admin@example.com").settings == {}
    assert stored(app, "ada@example.com").settings["new_per_day"] == 10


def test_stored_times_are_aware(app, client):
    signup(client)
    assert stored(app).created_at.tzinfo == UTC
    assert stored(app).created_at <= datetime.now(UTC)


def test_optimiser_before_after_keep_and_reset(client, runner, auth):
    """The learner optimises from an imported Anki history, sees the metrics, keeps, resets."""
    from pathlib import Path

    revlog = next((Path(__file__).parent.parent / "srs" / "data").glob("*.csv"))
    auth.signup("opt@example.com", timezone="America/Chicago")
    r = client.post("/settings/optimize", follow_redirects=True)
    assert "too few to optimise" in r.get_data(as_text=True)
    assert runner.invoke(args=["srs", "import-revlog", str(revlog), "--user",
                               "opt@example.com"]).exit_code == 0
    page = client.post("/settings/optimize").get_data(as_text=True)
    assert "Log loss" in page and "Keep the optimised parameters" in page
    import re

    params = re.search(r'name="parameters" value="([^"]+)"', page)[1]
    assert len(params.split(",")) == 21
    r = client.post("/settings/parameters", data={"action": "keep", "parameters": params},
                    follow_redirects=True)
    assert "Optimised parameters kept" in r.get_data(as_text=True)
    assert "optimised from your own" in client.get("/settings").get_data(as_text=True)
    bad = client.post("/settings/parameters", data={"action": "keep", "parameters": "1,2,x"})
    assert bad.status_code == 400
    client.post("/settings/parameters", data={"action": "reset"})
    assert "FSRS-6 default parameters" in client.get("/settings").get_data(as_text=True)
