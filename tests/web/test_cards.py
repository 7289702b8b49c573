"""The card browser, card info, actions on a selection and card problems, through HTTP on a
real database."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def learner_client(client, runner, auth):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup().status_code == 302
    return client


def total(client, query: str) -> int:
    html = client.get("/cards?" + query).get_data(as_text=True)
    return int(re.search(r'data-testid="browse-total">([\d,]+) card', html).group(1)
               .replace(",", ""))


def test_the_browser_needs_a_login(client):
    assert client.get("/cards").status_code == 302
    assert client.post("/cards/actions", data={}).status_code in (302, 401)


def test_search_syntax_and_form_filters_find_the_same_cards(learner_client):
    every = total(learner_client, "")
    assert every == 59
    clozes = total(learner_client, "q=kind:cloze")
    assert 0 < clozes < every
    assert total(learner_client, "kind=cloze") == clozes  # the form's control
    assert total(learner_client, "q=-kind:cloze") == every - clozes
    assert total(learner_client, "q=Borg") >= 1
    assert total(learner_client, "q=is:new") == every
    assert total(learner_client, "q=is:review") == 0
    html = learner_client.get("/cards?kind=cloze&lapses=2").get_data(as_text=True)
    assert "kind:cloze prop:lapses&gt;=2" in html  # the form's filters as search syntax


def test_a_term_that_cannot_be_read_is_a_400_naming_it(learner_client):
    r = learner_client.get("/cards?q=prop:lapses>many")
    assert r.status_code == 400
    assert "prop:lapses&gt;many" in r.get_data(as_text=True)
    assert learner_client.get("/cards?q=flag:9").status_code == 400


def test_sorting_by_each_column_answers(learner_client):
    for key in ("due", "interval", "stability", "difficulty", "retrievability", "reviews",
                "lapses", "last_review", "deck"):
        for d in ("asc", "desc"):
            assert learner_client.get(f"/cards?sort={key}&dir={d}").status_code == 200


def ids_on(html: str) -> list[str]:
    return re.findall(r'name="card" value="(\d+:\d+)"', html)


def test_actions_on_a_selection_undo_and_a_stale_page(learner_client):
    html = learner_client.get("/cards?q=kind:cloze").get_data(as_text=True)
    picked = ids_on(html)[:2]
    r = learner_client.post("/cards/actions", data={"action": "suspend", "card": picked,
                                                   "back": "/cards?q=kind:cloze"})
    assert r.status_code == 303 and r.location.endswith("/cards?q=kind:cloze")
    assert total(learner_client, "q=is:suspended") == len(picked)
    # The same page again: its versions are stale now; nothing changes.
    r = learner_client.post("/cards/actions", data={"action": "flag", "flag": "1",
                                                   "card": picked})
    assert r.status_code == 409
    assert total(learner_client, "q=flag:1") == 0
    # One undo takes back the whole selection.
    assert learner_client.post("/cards/undo", data={}).status_code == 303
    assert total(learner_client, "q=is:suspended") == 0


def test_set_due_forget_and_card_info(learner_client):
    card = ids_on(learner_client.get("/cards").get_data(as_text=True))[0]
    card_id = card.split(":")[0]
    r = learner_client.post("/cards/actions", data={"action": "set_due", "days": "0",
                                                   "card": [card]})
    assert r.status_code == 303
    assert total(learner_client, "q=due:today") == 1
    assert total(learner_client, "due=today") == 1
    html = learner_client.get(f"/cards/{card_id}").get_data(as_text=True)
    assert 'data-testid="card-forecast"' in html and "Review" in html
    assert learner_client.post("/cards/actions", data={"action": "set_due", "days": "x",
                                                      "card": [card]}).status_code == 303
    version = re.search(r'name="card" value="\d+:(\d+)"', html).group(1)
    r = learner_client.post("/cards/actions", data={"action": "forget",
                                                   "card": [f"{card_id}:{version}"]})
    assert r.status_code == 303
    assert total(learner_client, "q=is:new") == 59
    assert learner_client.get("/cards/999999").status_code == 404


def test_card_problems_lists_the_reports_with_their_line(learner_client):
    view = learner_client.get("/api/review/next").get_json()["card"]
    r = learner_client.post("/api/review/report", json={
        "card_id": view["id"], "version": view["version"], "comment": "wrong term"})
    assert r.status_code == 200
    html = learner_client.get("/cards/problems").get_data(as_text=True)
    assert view["source"] in html and "wrong term" in html
    assert total(learner_client, "q=is:reported") == 1


def test_a_card_page_shows_only_the_viewers_own_history(learner_client, app):
    card = learner_client.get("/api/review/next").get_json()["card"]
    learner_client.post("/api/review/answer", json={
        "card_id": card["id"], "rating": 3, "version": 0, "client_id": "mine-00000001"})
    assert 'data-testid="card-reviews"' in learner_client.get(f"/cards/{card['id']}").get_data(
        as_text=True)
    other = app.test_client()
    other.post("/signup", data={"email": "other@example.com", "password": "correct horse 1",
                                "confirm": "correct horse 1"})
    html = other.get(f"/cards/{card['id']}").get_data(as_text=True)
    assert 'data-testid="card-reviews"' not in html and "Not reviewed yet." in html
