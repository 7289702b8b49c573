"""The review page and its JSON calls, through real HTTP on a real SQLite database."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def learner_client(client, runner, auth):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup(timezone="Europe/Berlin").status_code == 302
    return client


def answer(client, card, rating, client_id):
    return client.post("/api/review/answer", json={
        "card_id": card["id"], "rating": rating, "version": card["version"],
        "client_id": client_id, "duration_ms": 1200})


def test_review_page_requires_login(client):
    r = client.get("/review")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/api/review/next").status_code == 401


def test_review_page_renders_shell(learner_client):
    html = learner_client.get("/review").get_data(as_text=True)
    assert 'id="show-answer"' in html and "js/review.js" in html
    assert "<script>" not in html  # no inline script


def test_next_answer_undo_cycle(learner_client):
    data = learner_client.get("/api/review/next").get_json()
    card = data["card"]
    assert data["counts"] == {"new": 20, "learning": 0, "review": 0}
    assert card["front_html"] and card["deck"] == "Docker+K8s学习1"
    assert set(card["intervals"]) == {"1", "2", "3", "4"}
    r = answer(learner_client, card, 3, "a1b2c3d4-0001")
    assert r.status_code == 200
    body = r.get_json()
    assert body["result"]["duplicate"] is False
    assert body["next"]["counts"]["new"] == 19 and body["next"]["counts"]["learning"] == 1
    # The same submit again: same answer, nothing recorded twice.
    again = answer(learner_client, card, 3, "a1b2c3d4-0001").get_json()
    assert again["result"]["duplicate"] is True
    assert again["result"]["review_id"] == body["result"]["review_id"]
    assert again["next"]["counts"] == body["next"]["counts"]
    # A different submit for the old version: conflict.
    r = answer(learner_client, card, 1, "a1b2c3d4-0002")
    assert r.status_code == 409 and "changed" in r.get_json()["error"]
    undone = learner_client.post("/api/review/undo", json={}).get_json()
    assert undone["result"]["card_id"] == card["id"]
    assert undone["next"]["counts"]["new"] == 20 and undone["next"]["card"]["id"] == card["id"]
    r = learner_client.post("/api/review/undo", json={})
    assert r.status_code == 400 and r.get_json()["error"] == "Nothing to undo"


def test_bad_json_gets_4xx(learner_client):
    assert learner_client.post("/api/review/answer", data="nope",
                               content_type="application/json").status_code == 400
    r = learner_client.post("/api/review/answer", json={"card_id": "x", "rating": 3})
    assert r.status_code == 400
    r = learner_client.post("/api/review/answer", json={"card_id": 999999, "rating": 3,
                                                        "version": 0, "client_id": "zzzzzzzz-1"})
    assert r.status_code == 404


def test_suspend_and_source_link(learner_client):
    card = learner_client.get("/api/review/next").get_json()["card"]
    r = learner_client.post("/api/review/suspend", json={"card_id": card["id"]}).get_json()
    assert r["next"]["card"]["id"] != card["id"]
    page = learner_client.get(f"/notes/{card['note_id']}/source")
    assert page.status_code == 200
    assert f'id="L{card["line"]}"' in page.get_data(as_text=True)
    assert learner_client.get("/notes/9999/source").status_code == 404


def test_json_calls_need_the_csrf_header(app, learner_client):
    """Without the header the CSRF check refuses (its own reason); with it the call reaches the
    service, whose refusal ("nothing to undo") is a different answer."""
    app.config["WTF_CSRF_ENABLED"] = True
    r = learner_client.post("/api/review/undo", json={})
    assert r.status_code == 400 and r.get_json()["error"] == "The CSRF token is missing."
    html = learner_client.get("/review").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html)[1]
    r = learner_client.post("/api/review/undo", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 400 and r.get_json()["error"] == "Nothing to undo"


def test_undo_with_something_to_undo_is_not_nothing_to_undo(learner_client):
    """Undo answers 200 with the undone review when there is one, and the service's own 400
    ("nothing to undo", not any 400) once there is not."""
    card = learner_client.get("/api/review/next").get_json()["card"]
    assert answer(learner_client, card, 3, "a1b2c3d4-0200").status_code == 200
    r = learner_client.post("/api/review/undo", json={})
    assert r.status_code == 200 and r.get_json()["result"]["card_id"] == card["id"]
    r = learner_client.post("/api/review/undo", json={})
    assert r.status_code == 400 and r.get_json() == {"error": "Nothing to undo", "status": 400,
                                                   "code": "review.nothing_to_undo"}



def test_an_answer_reads_the_study_settings_once(learner_client, monkeypatch):
    """``User.settings`` becomes one typed ``StudySettings`` per request, passed down the
    floors: answering and showing the next card do not read the JSON again."""
    from studyk8s.services.users import StudySettings

    card = learner_client.get("/api/review/next").get_json()["card"]
    reads = []
    real = StudySettings.of.__func__
    monkeypatch.setattr(StudySettings, "of",
                        classmethod(lambda cls, user, now=None: reads.append(user.id)
                                    or real(cls, user, now)))
    r = answer(learner_client, card, 3, "a1b2c3d4-0100")
    assert r.status_code == 200 and r.get_json()["next"]["card"]
    assert len(reads) == 1
