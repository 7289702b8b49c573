"""A whole exam as Moodle runs one: flag a question, the summary of the attempt with links back,
submit, then Back shows the results (never a stale open attempt); an attempt that ran out of
time says so; in Chinese at phone width the timer stays in view."""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import axe_check, shot, signup


def start_exam(page, count: int, minutes: int) -> str:
    """Start an exam through the form, by ids (either UI language); the attempt's id."""
    page.goto("/quiz")
    page.locator("#mode-exam").check()
    for kind in ("matching", "typed"):  # questions answered by clicking a choice
        page.locator(f"#kind-{kind}").uncheck()
    page.locator("#count").fill(str(count))
    page.locator("#time_limit").fill(str(minutes))
    page.locator("#quiz-form button[type=submit]").click()
    page.locator("#question").wait_for()
    page.locator("#timer-text").wait_for()
    return re.search(r"/quiz/(\d+)", page.url).group(1)


def test_flag_summary_submit_then_back_shows_the_results(browser, base_url):
    # Not the guarded context of ``new_context``: Playwright's request interception turns the
    # browser's HTTP cache off, and Back must be tried with the cache on (no other host is
    # involved here: every page is the app's).
    context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 900},
                                  locale="en-US")
    context.set_default_timeout(10_000)
    try:
        flag_summary_submit_then_back(context.new_page())
    finally:
        context.close()


def flag_summary_submit_then_back(page):
    signup(page, f"moodle-{uuid.uuid4().hex[:8]}@example.com")
    attempt = start_exam(page, count=4, minutes=30)
    page.locator("#q-body label.choice").first.click()  # question 1 answered
    page.get_by_text("Saved", exact=True).wait_for()
    page.locator("#next").click()
    flag = page.get_by_role("button", name="Flag question")
    flag.click()  # question 2 flagged, not answered
    page.wait_for_function("() => document.querySelector('#flag').getAttribute("
                           "'aria-pressed') === 'true'")
    assert page.locator("#flag-text").inner_text() == "Remove flag"
    nav2 = page.locator('#navigator button[data-pos="1"]')
    assert "flagged" in nav2.get_attribute("class")
    assert "flagged" in nav2.get_attribute("aria-label")
    axe_check(page, "exam with a flag")
    page.get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(rf"/quiz/{attempt}/summary$"))
    assert page.get_by_role("heading", name="Summary of attempt").is_visible()
    rows = page.locator(".summary-table tbody tr")
    assert rows.count() == 4
    assert "Answer saved" in rows.nth(0).inner_text()
    assert "Not yet answered" in rows.nth(1).inner_text() and "Flagged" in rows.nth(1).inner_text()
    assert "Flagged" not in rows.nth(2).inner_text()
    assert "1 question answered" in page.locator("#summary-counts").inner_text()
    axe_check(page, "summary of attempt")
    shot(page, "exam-summary")
    page.get_by_role("link", name="Question 2", exact=True).click()  # back to that question
    page.locator("#question").wait_for()
    assert page.locator("#q-number").inner_text() == "Question 2 of 4"
    assert page.locator("#flag").get_attribute("aria-pressed") == "true"  # kept on the server
    page.get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(rf"/quiz/{attempt}/summary$"))
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(rf"/quiz/{attempt}/results$"))
    assert "Submitted at" in page.locator("#ended").inner_text()
    page.go_back()  # the summary is asked for again: the server sends the results
    page.wait_for_load_state()
    assert re.search(rf"/quiz/{attempt}/results$", page.url), page.url
    assert page.get_by_role("heading", name="Exam results").is_visible()
    assert page.locator("#timer").count() == 0 and page.locator("#quiz").count() == 0
    page.go_back()  # and the attempt page itself, further back
    page.wait_for_load_state()
    assert re.search(rf"/quiz/{attempt}/results$", page.url), page.url
    assert page.locator("#quiz").count() == 0


def test_an_exam_that_ran_out_of_time_says_so(page, live_app):
    signup(page, f"late-{uuid.uuid4().hex[:8]}@example.com")
    attempt = start_exam(page, count=3, minutes=1)
    page.locator("#q-body label.choice").first.click()
    page.get_by_text("Saved", exact=True).wait_for()
    clock = live_app.extensions["clock"]
    clock.advance(minutes=5)  # past the limit and its grace, on the server's clock
    try:
        page.reload()
        page.wait_for_url(re.compile(rf"/quiz/{attempt}/results$"))
        ended = page.locator("#ended")
        assert ended.get_attribute("data-ended") == "timeout"
        assert "Time ran out at" in ended.inner_text()
        shot(page, "exam-timed-out")
        page.goto("/quiz")
        assert page.get_by_text("(time ran out)").first.is_visible()
    finally:
        clock.advance(minutes=-5)


def test_chinese_exam_at_phone_width_keeps_the_timer_in_view(new_context):
    context = new_context(viewport={"width": 375, "height": 667}, locale="zh-CN",
                          is_mobile=True, has_touch=True)
    page = context.new_page()
    signup(page, f"phone-{uuid.uuid4().hex[:8]}@example.com")
    attempt = start_exam(page, count=12, minutes=30)
    assert page.locator("#flag-text").inner_text() == "标记此题"
    page.mouse.wheel(0, 5000)  # to the navigator and the finish button, far down
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 100")
    box = page.locator("#timer").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 667, box
    assert page.locator("#timer").is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scrolling: {width}px"
    shot(page, "exam-phone-zh-scrolled")
    page.locator("#submit").click()  # 结束答题…
    page.wait_for_url(re.compile(rf"/quiz/{attempt}/summary$"))
    assert page.get_by_role("heading", name="答题概要").is_visible()
    assert page.locator("#summary-counts").inner_text().startswith("已作答 0 题")
    page.get_by_role("button", name="全部提交并结束").click()
    page.wait_for_url(re.compile(rf"/quiz/{attempt}/results$"))
    assert "提交" in page.locator("#ended").inner_text()
