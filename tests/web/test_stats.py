"""The stats pages and the home summary, through real HTTP on a real database."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def learner_client(client, runner, auth):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup(timezone="Asia/Shanghai").status_code == 302
    return client


def answer_one(client):
    card = client.get("/api/review/next").get_json()["card"]
    r = client.post("/api/review/answer", json={
        "card_id": card["id"], "rating": 3, "version": card["version"],
        "client_id": "stats-0001", "duration_ms": 4000})
    assert r.status_code == 200
    return card


def test_stats_pages_require_login(client):
    for path in ("/stats", "/stats/decks/1"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_stats_page_renders_charts_with_tables(learner_client):
    answer_one(learner_client)
    r = learner_client.get("/stats")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    # Eight charts, each an image with a title and a description, each with its table.
    assert html.count("<svg") == 8 and html.count('role="img"') == 8
    assert html.count("<desc") == 8
    assert len(re.findall(r'aria-labelledby="([\w-]+)-t \1-d"', html)) == 8
    # forecast, reviews, retention, counts, time, decks, sections, facts to ask about
    assert html.count("<table") == 8
    assert html.count("<details") == 8
    for heading in ("Reviews per day", "Due in the next 30 days", "True retention",
                    "Cards by state", "Time spent per day", "Mastery", "Weakest sections",
                    "Facts to ask about"):
        assert heading in html
    assert re.search(r'data-testid="reviews-today">1<', html)
    assert re.search(r'data-testid="streak">1 day<', html)
    # the CSP allows neither inline script nor inline style (script files are fine)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and 'style="' not in html
    assert "Docker+K8s学习1" in html and 'class="h' in html  # deck row, heatmap cells
    assert "mature means the scheduled interval is 21 days or more" in html


def test_stats_page_for_a_learner_without_reviews(learner_client):
    html = learner_client.get("/stats").get_data(as_text=True)
    assert re.search(r'data-testid="streak">0 days<', html)
    assert "no reviews of review cards" in html


def test_deck_page(learner_client):
    answer_one(learner_client)
    html = learner_client.get("/stats").get_data(as_text=True)
    link = re.search(r'href="(/stats/decks/(\d+))"', html)
    page = learner_client.get(link.group(1))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Pod &gt; Pod类型" in text and text.count("<svg") == 1 and "<table" in text
    assert learner_client.get("/stats/decks/99999").status_code == 404


def test_home_summary_only_for_a_logged_in_learner(client, learner_client):
    html = learner_client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="due-today">20<', html)
    assert re.search(r'data-testid="home-streak">0 days<', html)
    answer_one(learner_client)
    html = learner_client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="home-reviews-today">1<', html)
    assert re.search(r'data-testid="home-streak">1 day<', html)
    assert 'href="/stats"' in html  # the nav link and the summary's
    learner_client.post("/logout")
    html = learner_client.get("/").get_data(as_text=True)
    assert "due-today" not in html and 'href="/stats"' not in html


def test_rollup_command(learner_client, runner):
    answer_one(learner_client)
    result = runner.invoke(args=["stats", "rollup"])
    assert result.exit_code == 0 and "for 1 learner" in result.output
    result = runner.invoke(args=["stats", "rollup", "--email", "ME@example.com"])
    assert result.exit_code == 0 and "for 1 learner" in result.output
    result = runner.invoke(args=["stats", "rollup", "--email", "nobody@example.com"])
    assert result.exit_code != 0 and "no account" in result.output


def test_one_count_of_askable_facts_on_quiz_and_stats_pages(learner_client):
    """The shared note's askable facts: the same number on the quiz page, the stats page and
    in readiness, and the stats page says why the others make no question."""
    quiz_html = learner_client.get("/quiz").get_data(as_text=True)
    stats_html = learner_client.get("/stats").get_data(as_text=True)
    on_quiz = re.search(r'data-testid="askable-(\d+)">(\d+) facts to ask about<', quiz_html)
    assert on_quiz, quiz_html
    deck_id, n = on_quiz.group(1), int(on_quiz.group(2))
    on_stats = re.search(rf'data-testid="askable-{deck_id}">(\d+)<', stats_html)
    assert on_stats and int(on_stats.group(1)) == n
    total = re.search(r'data-testid="askable-total">(\d+) facts<', stats_html)
    assert total and int(total.group(1)) == n  # one deck: the total is the deck's
    readiness = learner_client.get("/api/quiz/readiness").get_json()
    assert readiness["facts"] == n
    why = re.search(r'data-testid="not-askable">([^<]+)<', stats_html).group(1)
    assert "2 diagrams (studied on cards only)" in why
    assert "3 labels with nothing said about them" in why
    assert why in quiz_html  # one deck: the quiz page gives the same reasons
