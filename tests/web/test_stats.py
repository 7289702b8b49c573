"""The stats pages and the home summary, through real HTTP on a real database."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def learner_client(client, runner):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    r = client.post("/signup", data={"email": "me@example.com", "password": "password1",
                                     "confirm": "password1", "timezone": "Asia/Shanghai"})
    assert r.status_code == 302
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
    assert html.count("<table") == 7  # forecast, reviews, retention, counts, time, decks, sections
    assert html.count("<details") == 7
    for heading in ("Reviews per day", "Due in the next 30 days", "True retention",
                    "Cards by state", "Time spent per day", "Mastery", "Weakest sections"):
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


# --- chart geometry (studyk8s/stats.py) ----------------------------------------------------


def test_chart_geometry():
    from datetime import date, timedelta

    from studyk8s import stats as charts

    assert [charts.nice_max(v) for v in (0, 0.3, 1, 7, 12, 4999, 5001)] == [
        1, 0.5, 1, 10, 20, 5000, 10000]
    assert charts.levels([0, 0, 5]) == (5, 5, 5) and charts.levels([]) == (1, 1, 1)
    monday = date(2025, 12, 29)
    days = [(monday + timedelta(days=i), i % 3) for i in range(10)]
    h = charts.heatmap(days)
    assert len(h.cells) == 10 and h.cells[7].x > h.cells[6].x and h.cells[1].y > h.cells[0].y
    assert [c.level for c in h.cells[:3]] == [0, 1, 2]
    assert charts.heatmap([(monday, v) for v in range(1, 9)]).cells[-1].level == 4
    assert h.months == [(30, "Dec")]  # the first column; January has no room for a label
    b = charts.bars([("a", 0, "a"), ("b", 1, "b"), ("c", 10, "c")])
    assert b.bars[0].height == 0 and 0 < b.bars[1].height < b.bars[2].height
    line = charts.line([("w1", 0.9, ""), ("w2", None, ""), ("w3", 0.95, ""), ("w4", 0.97, "")],
                       reference=0.9)
    assert len(line.lines) == 2 and len(line.dots) == 3 and line.reference is not None
    assert line.axis.ticks[0][1] == "80 %"  # the axis starts below the lowest point
    assert charts.shorten("控制器类型 > StatefulSet", 70) == "控制器类…"
    assert charts.shorten("Pod", 70) == "Pod"
