"""The attempt pages are never cached, the summary of an attempt before submit, flags through
the JSON call, and the results page saying how the attempt ended."""

from __future__ import annotations

import re

import pytest

from studyk8s.quiz.attempt import GRACE


@pytest.fixture
def learner_client(client, runner, auth):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    assert auth.signup().status_code == 302
    return client


def start_exam(client, count=4, minutes=10) -> int:
    r = client.post("/quiz/start", data={"mode": "exam", "count": str(count),
                                         "time_limit": str(minutes), "pass_mark": "66",
                                         "kind": ["single", "true_false"]})
    assert r.status_code == 302, r.get_data(as_text=True)
    return int(re.search(r"/quiz/(\d+)$", r.headers["Location"]).group(1))


def test_attempt_pages_and_their_json_are_not_cached(learner_client):
    attempt = start_exam(learner_client)
    for url in (f"/quiz/{attempt}", f"/quiz/{attempt}/summary", f"/api/quiz/attempts/{attempt}"):
        r = learner_client.get(url)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store", url
    put = learner_client.put(f"/api/quiz/attempts/{attempt}/answers/0", json={"response": 0})
    assert put.headers["Cache-Control"] == "no-store"
    learner_client.post(f"/quiz/{attempt}/submit")
    for url in (f"/quiz/{attempt}", f"/quiz/{attempt}/summary"):  # after submit: the results
        r = learner_client.get(url)
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/quiz/{attempt}/results")
        assert r.headers["Cache-Control"] == "no-store"
    results = learner_client.get(f"/quiz/{attempt}/results")
    assert results.headers["Cache-Control"] == "no-store"
    assert 'data-ended="submitted"' in results.get_data(as_text=True)


def test_summary_page_lists_answered_unanswered_and_flagged_with_links(learner_client):
    attempt = start_exam(learner_client)
    learner_client.put(f"/api/quiz/attempts/{attempt}/answers/1", json={"response": 0})
    flag = learner_client.put(f"/api/quiz/attempts/{attempt}/flags/2", json={"flagged": True})
    assert flag.status_code == 200 and flag.get_json() == {"position": 2, "flagged": True}
    bad = learner_client.put(f"/api/quiz/attempts/{attempt}/flags/2", json={"flagged": "on"})
    assert bad.status_code == 400
    assert learner_client.put(f"/api/quiz/attempts/{attempt}/flags/9",
                              json={"flagged": True}).status_code == 404
    html = learner_client.get(f"/quiz/{attempt}/summary").get_data(as_text=True)
    assert "Summary of attempt" in html
    assert "1 question answered" in html and "3 not answered" in html and "1 flagged" in html
    rows = re.findall(r'<tr data-position="(\d)">(.*?)</tr>', html, re.S)
    assert [p for p, _ in rows] == ["0", "1", "2", "3"]
    assert "Answer saved" in rows[1][1] and "Not yet answered" in rows[2][1]
    assert "Flagged" in rows[2][1] and "Flagged" not in rows[0][1]
    assert f'href="/quiz/{attempt}?q=2"' in rows[2][1]  # back to that question
    r = learner_client.post(f"/quiz/{attempt}/submit")
    assert r.headers["Location"].endswith(f"/quiz/{attempt}/results")
    assert learner_client.put(f"/api/quiz/attempts/{attempt}/flags/0",
                              json={"flagged": True}).status_code == 409


def test_summary_in_chinese(learner_client):
    learner_client.post("/language", data={"locale": "zh"})
    attempt = start_exam(learner_client, count=2)
    html = learner_client.get(f"/quiz/{attempt}/summary",
                              headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "答题概要" in html and "全部提交并结束" in html
    assert "Summary of attempt" not in html and "Not yet answered" not in html


def test_results_say_time_ran_out(app, learner_client):
    attempt = start_exam(learner_client, minutes=1)
    app.extensions["clock"].advance(seconds=60 + GRACE.total_seconds() + 1)
    html = learner_client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert 'data-ended="timeout"' in html and "Time ran out at" in html
    history = learner_client.get("/quiz").get_data(as_text=True)
    assert "(time ran out)" in history
    app.extensions["clock"].advance(seconds=-(60 + GRACE.total_seconds() + 1))
