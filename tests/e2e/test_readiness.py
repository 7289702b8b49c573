"""Readiness in the browser: the quiz page's box follows the chosen sections (quiz-start.js
swaps in the server-rendered box), and the exam date set on the quiz page shows on the home
page; axe-core on both."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from tests.e2e.helpers import axe_check, shot, signup


def test_readiness_follows_the_scope_and_the_exam_date(page):
    signup(page, f"ready-{uuid.uuid4().hex[:8]}@example.com")
    page.goto("/quiz")
    detail = page.locator("#readiness-detail")
    assert re.search(r"0 of \d\d facts studied", detail.inner_text())
    assert "not enough evidence yet" in page.locator("#readiness-verdict").inner_text()
    page.locator("details", has_text="Sections").first.locator("summary").click()
    page.get_by_label("插件", exact=True).check()
    page.wait_for_function(
        "() => document.getElementById('readiness-detail').textContent.includes('0 of 6 facts')")
    axe_check(page, "quiz start (readiness)")
    exam = (date.today() + timedelta(days=20)).isoformat()
    page.locator("#exam_date").fill(exam)
    page.get_by_role("button", name="Set", exact=True).click()
    page.get_by_text("Exam date saved.").wait_for()
    assert "Forecast for your exam on" in page.locator("#readiness").inner_text()
    page.goto("/")
    box = page.locator("#readiness")
    assert re.search(r"(19|20|21) days of reviews left", box.inner_text())
    axe_check(page, "home (readiness)")
    shot(page, "home-readiness")
