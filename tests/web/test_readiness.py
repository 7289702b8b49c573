"""Readiness where a learner sees it: the quiz page (with its exam date form), an exam's results
page and the home page once an exam date is set, in English and Chinese; the exam date in
the settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import User
from studyk8s.srs import study_day
from tests.services.test_readiness import first_day_session, take_quiz
from tests.web.test_i18n import compiled_catalogs  # noqa: F401 (autouse: fresh .mo files)

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
TZ = "Europe/Berlin"


@pytest.fixture
def learner_client(client, runner, auth):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup(timezone=TZ).status_code == 302
    return client


def as_learner(app, fn):
    """Run ``fn(session, user, now)`` with the services, at the real time (the pages use it)."""
    with app.app_context():
        s = app.extensions["db_sessions"]()
        try:
            user = s.scalar(select(User).where(User.email == "me@example.com"))
            return fn(s, user, datetime.now(UTC) - timedelta(hours=2))
        finally:
            s.close()


def box(page: str) -> str:
    """The readiness box's text, tags and extra spaces removed."""
    m = re.search(r'<section class="readiness".*?</section>', page, re.S)
    assert m, "no readiness box on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0)))


def exam_in(days: int) -> str:
    return (study_day(datetime.now(UTC), TZ) + timedelta(days=days)).isoformat()


def test_quiz_page_after_one_first_day_session_says_not_enough_evidence(app, learner_client):
    as_learner(app, first_day_session)
    text = box(learner_client.get("/quiz").get_data(as_text=True))
    assert "Exam readiness" in text and "Forecast for an exam today" in text
    assert "not enough evidence yet" in text and " ready" not in text.replace("not ready", "")
    assert re.search(r"Based on 0 quiz answers and \d+ reviews", text)
    assert "Answer 30 more quiz questions" in text and "66%" in text
    zh = box(learner_client.get("/quiz", headers=ZH).get_data(as_text=True))
    assert "考试准备度" in zh and "证据还不够" in zh and "再就已学过的知识点回答 30 道测验题" in zh


def test_mostly_wrong_quizzes_show_not_ready(app, learner_client):
    def setup(s, user, now):
        at = first_day_session(s, user, now)
        take_quiz(s, user, at, right=6, seed=1)
        take_quiz(s, user, at + timedelta(minutes=1), right=2, seed=2)

    as_learner(app, setup)
    text = box(learner_client.get("/quiz").get_data(as_text=True))
    assert "not ready yet" in text and "Based on 40 quiz answers" in text
    assert "Weakest sections:" in text
    assert "尚未准备好" in box(learner_client.get("/quiz", headers=ZH).get_data(as_text=True))


def test_exam_date_on_the_quiz_page_changes_the_forecast_and_shows_on_home(app, learner_client):
    as_learner(app, first_day_session)
    home = learner_client.get("/").get_data(as_text=True)
    assert 'class="readiness"' not in home  # no exam date: not on the home page
    today = box(learner_client.get("/quiz").get_data(as_text=True))
    r = learner_client.post("/quiz/exam-date", data={"exam_date": exam_in(30)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/quiz#readiness")
    page = learner_client.get("/quiz").get_data(as_text=True)
    assert "Exam date saved." in page and f'value="{exam_in(30)}"' in page
    later = box(page)
    assert "Forecast for your exam on" in later and "30 days of reviews left" in later

    def score(text):
        return int(re.search(r"predicted score (\d+)%", text).group(1))

    assert score(later) < score(today)
    home = box(learner_client.get("/").get_data(as_text=True))
    assert "Exam readiness" in home and "30 days of reviews left" in home
    zh_home = box(learner_client.get("/", headers=ZH).get_data(as_text=True))
    assert "考试准备度" in zh_home and "距离考试还有 30 天可以复习" in zh_home
    # the JSON and the fragment follow the setting; a bad date is refused in one line
    assert learner_client.get("/api/quiz/readiness").get_json()["days_left"] == 30
    frag = learner_client.get("/quiz/readiness?section=插件").get_data(as_text=True)
    assert "6 facts studied" in box(frag)
    bad = learner_client.get("/api/quiz/readiness?exam_date=soon")
    assert bad.status_code == 400 and "exam date" in bad.get_json()["error"]
    learner_client.post("/quiz/exam-date", data={"exam_date": ""})
    assert 'class="readiness"' not in learner_client.get("/").get_data(as_text=True)


def test_exam_results_page_shows_readiness(app, learner_client):
    r = learner_client.post("/quiz/start", data={"mode": "exam", "count": "3",
                                                 "time_limit": "5"})
    attempt = int(re.search(r"/quiz/(\d+)$", r.headers["Location"]).group(1))
    learner_client.post(f"/quiz/{attempt}/submit")
    page = learner_client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "Exam results" in page and "not enough evidence yet" in box(page)
    zh = learner_client.get(f"/quiz/{attempt}/results", headers=ZH).get_data(as_text=True)
    assert "考试准备度" in box(zh) and "预测得分" in box(zh)


def test_settings_page_sets_and_clears_the_exam_date(app, learner_client):
    page = learner_client.get("/settings").get_data(as_text=True)
    assert 'type="date"' in page and "Exam date" in page
    form = {"timezone": TZ, "desired_retention": "0.9", "new_per_day": "20",
            "reviews_per_day": "200", "decks": ["1"],
            "card_kinds": ["term_definition", "definition_term", "enumeration", "membership",
                           "cloze", "relation", "abbreviation"]}
    r = learner_client.post("/settings", data={**form, "exam_date": exam_in(10)})
    assert r.status_code == 302
    assert "10 days of reviews left" in box(learner_client.get("/").get_data(as_text=True))
    assert f'value="{exam_in(10)}"' in learner_client.get("/settings").get_data(as_text=True)
    learner_client.post("/settings", data={**form, "exam_date": ""})
    assert 'class="readiness"' not in learner_client.get("/").get_data(as_text=True)
    zh = learner_client.get("/settings", headers=ZH).get_data(as_text=True)
    assert "考试日期" in zh


def test_answers_given_fresh_say_so_for_a_distant_exam(app, learner_client):
    def setup(s, user, now):
        at = first_day_session(s, user, now)
        take_quiz(s, user, at, right=20, seed=1)
        take_quiz(s, user, at + timedelta(minutes=1), right=20, seed=2)

    as_learner(app, setup)
    assert "— ready" in box(learner_client.get("/quiz").get_data(as_text=True))
    learner_client.post("/quiz/exam-date", data={"exam_date": exam_in(60)})
    text = box(learner_client.get("/quiz").get_data(as_text=True))
    assert "not enough evidence yet" in text and "Based on 40 quiz answers" in text
    assert "take quizzes on facts you reviewed some days ago" in text
    zh = box(learner_client.get("/quiz", headers=ZH).get_data(as_text=True))
    assert "几天前复习过的知识点的测验" in zh
