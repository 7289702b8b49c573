"""Quiz pages, their JSON calls and `flask quiz generate`, through the test client."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import QuizQuestion
from studyk8s.quiz.model import Question


@pytest.fixture
def learner_client(client, runner, auth):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup(timezone="Europe/Berlin").status_code == 302
    return client


def questions_of(app, attempt_id) -> list[Question]:
    with app.app_context():
        s = app.extensions["db_sessions"]()
        rows = s.scalars(select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt_id)
                         .order_by(QuizQuestion.position)).all()
        s.close()
    return [Question.from_dict(d) for d in rows]


def test_quiz_requires_login(client):
    r = client.get("/quiz")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/api/quiz/attempts").status_code == 401
    assert client.post("/api/quiz/attempts", json={}).status_code == 401


def test_start_page(learner_client):
    html = learner_client.get("/quiz").get_data(as_text=True)
    assert 'id="quiz-form"' in html and "Docker+K8s学习1" in html
    assert 'value="简介 &gt; k8s架构 &gt; 插件"' in html  # sections to pick
    assert "Exam readiness" in html and "66%" in html
    assert "<script>" not in html and "js/quiz-start.js" in html
    assert 'href="/quiz"' in html  # the nav link
    assert "No attempts yet" in html


def test_practice_flow_through_the_pages(app, learner_client):
    r = learner_client.post("/quiz/start", data={"mode": "practice", "count": "4",
                                                 "kind": ["single", "typed"],
                                                 "review_forward": "1"})
    assert r.status_code == 302
    url = r.headers["Location"]
    attempt_id = int(re.search(r"/quiz/(\d+)$", url).group(1))
    page = learner_client.get(url).get_data(as_text=True)
    assert 'data-mode="practice"' in page and "js/quiz.js" in page and "<script>" not in page
    state = learner_client.get(f"/api/quiz/attempts/{attempt_id}").get_json()
    assert state["count"] == 4 and state["status"] == "open"
    assert {q["kind"] for q in state["questions"]} <= {"single", "typed"}
    qs = questions_of(app, attempt_id)
    for i, q in enumerate(qs):
        response = q.answer if i % 2 == 0 else ("nope" if q.kind == "typed" else
                                                 (q.answer + 1) % len(q.choices))
        body = learner_client.put(f"/api/quiz/attempts/{attempt_id}/answers/{i}",
                                  json={"response": response, "revision": 1}).get_json()
        fb = body["feedback"]
        assert fb["correct"] is (i % 2 == 0)
        assert fb["explanation"] and fb["source"] == q.source
        assert fb["answer"]
    r = learner_client.post(f"/quiz/{attempt_id}/submit")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/quiz/{attempt_id}/results")
    summary = learner_client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Practice summary" in summary and "50%" in summary
    assert "Retry the wrong ones" in summary
    assert "/source/" in summary and "#L" in summary  # links to the note lines
    # the attempt page of a closed attempt leads to its results
    assert learner_client.get(url).status_code == 302
    r = learner_client.post(f"/quiz/{attempt_id}/retry", data={"mode": "practice"})
    assert r.status_code == 302
    retry_id = int(re.search(r"/quiz/(\d+)$", r.headers["Location"]).group(1))
    assert learner_client.get(f"/api/quiz/attempts/{retry_id}").get_json()["count"] == 2
    history = learner_client.get("/quiz").get_data(as_text=True)
    assert "(retry)" in history and "Summary" in history and "Resume" in history


def test_start_form_errors_are_shown(learner_client):
    r = learner_client.post("/quiz/start", data={"mode": "exam", "count": "5",
                                                 "time_limit": "5", "pass_mark": "66",
                                                 "weights": "Pod"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Topic weights" in html and 'value="5"' in html


def test_exam_flow_json(app, learner_client):
    r = learner_client.post("/api/quiz/attempts", json={
        "mode": "exam", "count": 6, "time_limit_min": 20, "pass_mark": 66,
        "weights": {"Pod": 1, "简介 > k8s架构": 1}, "seed": 1234})
    assert r.status_code == 201
    state = r.get_json()
    attempt_id = state["id"]
    assert state["mode"] == "exam" and state["count"] == 6 and state["url"] == f"/quiz/{attempt_id}"
    assert 19 * 60_000 < state["remaining_ms"] <= 20 * 60_000 and state["grace_ms"] == 60_000
    assert all("answer" not in q for q in state["questions"])
    page = learner_client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert 'id="timer"' in page and 'id="navigator"' in page
    qs = questions_of(app, attempt_id)
    for i, q in enumerate(qs[:4]):
        body = learner_client.put(f"/api/quiz/attempts/{attempt_id}/answers/{i}",
                                  json={"response": q.answer, "revision": 1}).get_json()
        assert "feedback" not in body and body["answered"] == i + 1
    # a reload: the saved answers come back from the server
    again = learner_client.get(f"/api/quiz/attempts/{attempt_id}").get_json()
    assert [q["saved"]["response"] if q["saved"] else None for q in again["questions"]][:4] \
        == [q.answer for q in qs[:4]]
    # results are not available before submitting
    r = learner_client.get(f"/api/quiz/attempts/{attempt_id}/results")
    assert r.status_code == 409
    first = learner_client.post(f"/api/quiz/attempts/{attempt_id}/submit").get_json()
    assert first["already_submitted"] is False and first["correct"] == 4
    assert first["passed"] is True and first["url"].endswith("/results")
    assert {t["topic"].split(" > ")[0] for t in first["topics"]} <= {"Pod", "简介"}
    assert len(first["wrong"]) == 2 and all(w["answer"] and w["source"] for w in first["wrong"])
    second = learner_client.post(f"/api/quiz/attempts/{attempt_id}/submit").get_json()
    assert second["already_submitted"] is True and second["score"] == first["score"]
    r = learner_client.put(f"/api/quiz/attempts/{attempt_id}/answers/5",
                           json={"response": qs[5].answer})
    assert r.status_code == 409
    html = learner_client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Exam results" in html and "Passed" in html and "By topic" in html
    retry = learner_client.post(f"/api/quiz/attempts/{attempt_id}/retry",
                                json={"mode": "exam"})
    assert retry.status_code == 201 and retry.get_json()["count"] == 2
    history = learner_client.get("/api/quiz/attempts").get_json()["attempts"]
    assert [a["id"] for a in history][:2] == [retry.get_json()["id"], attempt_id]
    assert history[1]["score"] == first["score"] and history[1]["passed"] is True


def test_json_errors(learner_client):
    r = learner_client.post("/api/quiz/attempts", json={"count": 0})
    assert r.status_code == 400 and "between 1" in r.get_json()["error"]
    r = learner_client.post("/api/quiz/attempts", data="x", content_type="text/plain")
    assert r.status_code == 400
    attempt_id = learner_client.post("/api/quiz/attempts", json={"count": 2, "kinds": ["single"]}
                                     ).get_json()["id"]
    r = learner_client.put(f"/api/quiz/attempts/{attempt_id}/answers/0", json={"response": 9})
    assert r.status_code == 400 and "does not exist" in r.get_json()["error"]
    r = learner_client.put(f"/api/quiz/attempts/{attempt_id}/answers/0", json={})
    assert r.status_code == 400
    assert learner_client.get("/api/quiz/attempts/9999").status_code == 404
    assert learner_client.get("/quiz/9999").status_code == 404


def test_another_learner_gets_404(app, learner_client, auth):
    attempt_id = learner_client.post("/api/quiz/attempts", json={"count": 2}).get_json()["id"]
    other = app.test_client()
    assert auth.signup("you@example.com", client=other).status_code == 302
    assert other.get(f"/api/quiz/attempts/{attempt_id}").status_code == 404
    assert other.put(f"/api/quiz/attempts/{attempt_id}/answers/0",
                     json={"response": 0}).status_code == 404
    assert other.post(f"/api/quiz/attempts/{attempt_id}/submit").status_code == 404
    assert other.get(f"/quiz/{attempt_id}").status_code == 404


def test_readiness_and_scope_api(learner_client):
    r = learner_client.get("/api/quiz/readiness?section=插件&pass_mark=70").get_json()
    assert r["facts"] == 6 and r["studied"] == 0 and r["pass_mark"] == 0.7
    assert r["verdict"] == "not_enough_evidence" and not r["ready"]
    decks = learner_client.get("/api/quiz/scope").get_json()["decks"]
    assert decks[0]["title"] == "Docker+K8s学习1" and decks[0]["topics"]


def test_cli_generate_json_is_reproducible(runner, notes_dir):
    path = str(notes_dir / "docker-k8s-1.md")
    args = ["quiz", "generate", "--deck", path, "--count", "8", "--seed", "3", "--json"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    doc = json.loads(first.output)
    assert doc["count"] == 8 and doc["seed"] == 3
    q = doc["questions"][0]
    assert {"prompt", "kind", "choices", "answer", "answer_text", "source"} <= set(q)
    assert all(re.search(r"docker-k8s-1\.md:\d+$", q["source"]) for q in doc["questions"])
    assert runner.invoke(args=args).output == first.output
    text = runner.invoke(args=["quiz", "generate", "--deck", path, "--count", "3",
                               "--kind", "typed"])
    assert text.exit_code == 0 and "[typed]" in text.output and "→" in text.output
