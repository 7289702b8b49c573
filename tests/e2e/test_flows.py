"""What people do in the browser, end to end: review with the keyboard, a practice quiz with
the mouse, an exam that survives a reload, an instructor's class, the review page on a phone.
Each flow saves screenshots in tests/e2e/artifacts/ and runs axe-core on the pages it opens.
"""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import INSTRUCTOR, PASSWORD, axe_check, login, shot, signup


def fresh_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def counts(page) -> tuple[int, int, int]:
    return tuple(int(page.locator(f"#count-{k}").inner_text())
                 for k in ("new", "learning", "review"))


def set_new_per_day(page, n: int) -> None:
    page.goto("/settings")
    axe_check(page, "settings")
    page.get_by_label("New cards per day").fill(str(n))
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Settings saved.").wait_for()


# --- review, keyboard only -------------------------------------------------------------------


def test_signup_review_ten_cards_with_the_keyboard(page):
    page.goto("/")
    axe_check(page, "home (logged out)")
    page.goto("/login")
    axe_check(page, "login")
    page.goto("/signup")
    axe_check(page, "signup")
    signup(page, fresh_email("learner"))
    axe_check(page, "home")
    set_new_per_day(page, 10)

    page.goto("/review")
    card = page.locator("#card")
    card.wait_for()
    assert counts(page) == (10, 0, 0)
    axe_check(page, "review (front)")
    shot(page, "review-front")

    keys = ["3", "2", "1", "4", "3", "4", "4", "4", "4", "4"]
    undone = False
    rated = 0
    for _ in range(60):  # learning cards come back (learn-ahead), then graduate with Easy
        if page.locator("#done").is_visible():
            break
        page.locator("#show-answer:visible").wait_for()
        page.keyboard.press("Space")
        page.locator("#ratings").wait_for(state="visible")
        if rated == 0:
            axe_check(page, "review (back)")
            shot(page, "review-back")
        before = counts(page)
        key = keys[rated] if rated < len(keys) else "4"
        page.keyboard.press(key)
        page.wait_for_function(
            "b => [...['new','learning','review']].map(k => +document.getElementById("
            "'count-' + k).textContent).join() !== b.join() || "
            "!document.getElementById('done').hidden", arg=list(before))
        rated += 1
        if rated == 5 and not undone:
            after = counts(page)
            page.keyboard.press("u")
            page.get_by_text(re.compile(r"Undid the last rating")).wait_for()
            assert counts(page) == before, (before, after)  # the counts went back
            assert counts(page) != after
            page.keyboard.press("Space")
            page.keyboard.press("3")
            page.wait_for_function(
                "b => [...['new','learning','review']].map(k => +document.getElementById("
                "'count-' + k).textContent).join() !== b.join()", arg=list(before))
            undone = True
    assert undone and rated >= 10
    page.locator("#done").wait_for()
    assert page.get_by_role("heading", name="Done for today").is_visible()
    assert counts(page) == (0, 0, 0)
    axe_check(page, "review (done for today)")
    shot(page, "review-done")

    page.goto("/stats")
    page.locator("svg.chart").first.wait_for()
    axe_check(page, "stats")
    shot(page, "stats")
    page.goto(page.locator(".stats table a").first.get_attribute("href"))  # a deck's page
    axe_check(page, "stats (deck)")

    page.goto("/")
    # The undone rating is not a review; the one given again is.
    assert page.get_by_test_id("home-reviews-today").inner_text() == str(rated)


# --- practice quiz, mouse only ---------------------------------------------------------------


def start_quiz(page, *, exam: bool, count: int, minutes: int = 30) -> None:
    page.goto("/quiz")
    if exam:
        page.get_by_label(re.compile("Mock exam")).click()
    for kind in ("Matching", "Typed answer"):  # questions answered by clicking a choice
        page.get_by_label(kind, exact=True).click()
    page.get_by_label("Number of questions").fill(str(count))
    if exam:
        page.get_by_label("Time limit (minutes)").fill(str(minutes))
    axe_check(page, "quiz start (exam)" if exam else "quiz start")
    page.get_by_role("button", name="Start").click()
    page.locator("#question").wait_for()


def click_first_choice(page) -> None:
    page.locator("#q-body label.choice").first.click()


def test_practice_quiz_with_the_mouse_shows_feedback_after_each_answer(page):
    signup(page, fresh_email("quizzer"))
    start_quiz(page, exam=False, count=4)
    shot(page, "quiz-question")
    axe_check(page, "quiz question")
    for i in range(4):
        assert page.locator("#q-number").inner_text() == f"Question {i + 1} of 4"
        click_first_choice(page)
        page.get_by_role("button", name=re.compile("^Check")).click()
        feedback = page.locator("#feedback")
        feedback.wait_for()
        verdict = page.locator("#fb-verdict").inner_text()
        assert verdict.strip(), "feedback shows a verdict"
        assert page.locator("#q-body input:disabled").count() > 0  # answered: locked
        if i == 0:
            axe_check(page, "quiz feedback")
            shot(page, "quiz-feedback")
        page.locator("#next").click()
    page.wait_for_url(re.compile(r"/quiz/\d+/results$"))
    assert page.get_by_role("heading", name="Practice summary").is_visible()
    axe_check(page, "practice summary")
    shot(page, "quiz-summary")


# --- exam: reload keeps answers and the clock --------------------------------------------------


def remaining_ms(page, attempt: str) -> int:
    return page.evaluate("async (u) => (await (await fetch(u, {headers: {Accept: "
                         "'application/json'}})).json()).remaining_ms",
                         f"/api/quiz/attempts/{attempt}")


def test_exam_answers_and_clock_survive_a_reload(page, live_app):
    signup(page, fresh_email("examinee"))
    start_quiz(page, exam=True, count=6, minutes=30)
    attempt = re.search(r"/quiz/(\d+)", page.url).group(1)
    page.locator("#timer-text").wait_for()
    axe_check(page, "exam")
    chosen = {}
    for i in range(3):  # answer half, with the mouse, moving on with Next
        page.locator("#q-body label.choice").nth(1).click()
        chosen[i] = page.locator("#q-body input:checked").first.get_attribute("id")
        page.locator("#next").click()
    page.get_by_text("Saved", exact=True).wait_for()
    first = remaining_ms(page, attempt)
    shot(page, "exam-before-reload")
    clock = live_app.extensions["clock"]
    clock.advance(seconds=90)  # the server's clock runs on, without waiting for it
    try:
        page.reload()
        page.locator("#question").wait_for()
        second = remaining_ms(page, attempt)
    finally:
        clock.advance(seconds=-90)
    assert 0 < second <= first - 90_000 and first <= 30 * 60_000, (first, second)
    shown = page.locator("#timer-text").inner_text()
    m, s = (int(x) for x in shown.split(":"))
    assert m * 60 + s <= first / 1000 + 1  # the page counts down from the server's time
    for i in range(3):
        page.locator(f'#navigator button[data-pos="{i}"]').click()
        assert page.locator(f"#{chosen[i]}").is_checked(), f"answer {i + 1} kept"
    assert page.locator("#navigator button.answered").count() == 3
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/quiz/\d+/results$"))
    assert page.get_by_role("heading", name="Exam results").is_visible()
    assert page.get_by_role("heading", name="By topic").is_visible()
    assert page.locator(".topics-table tbody tr").count() >= 1
    axe_check(page, "exam results")
    shot(page, "exam-results")


# --- instructor: a set and a class; a learner joins and takes it ------------------------------


def test_instructor_set_and_class_learner_joins_and_takes_it(new_context):
    teacher = new_context().new_page()
    login(teacher, INSTRUCTOR)
    teacher.goto("/sets")
    axe_check(teacher, "sets list")
    title = f"Week 1 {uuid.uuid4().hex[:4]}"
    teacher.get_by_label("Title").fill(title)
    teacher.get_by_role("button", name="Create").click()
    teacher.wait_for_url(re.compile(r"/sets/\d+$"))
    teacher.get_by_role("link", name="Pick facts from the notes…").click()
    for term in ("APIServer", "Scheduler", "Kubelet"):  # definitions: single choice works
        teacher.get_by_label(re.compile(f"^{term}:")).check()
    teacher.get_by_role("button", name="Add questions").click()
    teacher.wait_for_url(re.compile(r"/sets/\d+(#questions)?$"))
    assert teacher.locator(".set-q").count() == 3
    axe_check(teacher, "set editor")
    teacher.get_by_role("button", name="Publish", exact=True).click()
    teacher.get_by_text(re.compile("Published version 1")).wait_for()
    shot(teacher, "set-editor")

    teacher.goto("/classes")
    teacher.get_by_label("Name").fill("CKA prep")
    teacher.get_by_role("button", name="Create").click()
    teacher.wait_for_url(re.compile(r"/classes/\d+$"))
    class_url = teacher.url
    teacher.get_by_label("Published set").select_option(label=f"{title} (v1)")
    teacher.get_by_role("button", name="Assign").click()
    teacher.get_by_text(re.compile("Set assigned")).wait_for()
    code = teacher.locator("#join-code").inner_text().strip()
    axe_check(teacher, "class page")
    shot(teacher, "class-page")

    learner = new_context().new_page()
    email = fresh_email("student")
    signup(learner, email)
    learner.get_by_label("Join a class with a code").fill(code)
    learner.get_by_role("button", name="Join", exact=True).click()
    learner.get_by_text("You joined CKA prep.").wait_for()
    learner.get_by_role("link", name=title).click()
    axe_check(learner, "assigned set")
    learner.get_by_role("button", name="Start").click()
    learner.locator("#question").wait_for()
    for _ in range(3):
        learner.locator("#q-body label.choice").first.click()
        if learner.locator("#check").is_visible():
            learner.locator("#check").click()
            learner.locator("#feedback").wait_for()
        if learner.locator("#next").is_enabled():
            learner.locator("#next").click()
    learner.locator("#submit").click()  # to the summary of the attempt, then submit
    learner.locator("#submit-all").click()
    learner.wait_for_url(re.compile(r"/set-attempts/\d+$"))
    learner.locator(".scoreboard").wait_for()
    axe_check(learner, "set attempt results")
    shot(learner, "set-learner-results")

    teacher.goto(class_url)
    teacher.get_by_role("link", name=title).click()
    row = teacher.locator(".learners-table tbody tr", has_text=email)
    row.wait_for()
    assert re.search(r"\d+\s?%", row.inner_text()), row.inner_text()
    axe_check(teacher, "assignment results")
    shot(teacher, "class-results")


# --- phone width --------------------------------------------------------------------------------


def test_review_page_at_phone_width_has_no_horizontal_scrolling(new_context):
    page = new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                       has_touch=True).new_page()
    signup(page, fresh_email("phone"))
    page.goto("/review")
    page.locator("#card").wait_for()
    width = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    assert page.evaluate(width) <= 375
    page.locator("#show-answer").click()
    page.locator("#ratings").wait_for(state="visible")
    assert page.evaluate(width) <= 375
    axe_check(page, "review (phone)")
    shot(page, "review-phone")
    for path in ("/", "/quiz", "/settings", "/stats"):
        page.goto(path)
        assert page.evaluate(width) <= 375, path


# --- Chinese UI -----------------------------------------------------------------------------


def test_chinese_ui_switch_keyboard_and_accessibility(new_context):
    """A browser asking for Chinese gets the Chinese UI (scripts included); the switch in the
    footer works from the keyboard and sticks to the account; the cards stay in their note's
    language. Accessibility is checked in Chinese too."""
    page = new_context(locale="zh-CN").new_page()
    page.goto("/signup")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text() == "创建账户"
    axe_check(page, "signup (zh)")
    email = fresh_email("zh")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/review")
    page.locator("#card").wait_for()
    assert page.get_by_role("button", name=re.compile("显示答案")).is_visible()
    page.keyboard.press("Space")
    page.locator("#ratings").wait_for(state="visible")
    label = page.locator('[data-iv="1"]').inner_text()
    assert re.fullmatch(r"<?\d+(\.\d+)?(分钟|小时|天|个月|年)", label), label
    assert page.locator("#card-front").get_attribute("lang") == "zh-CN"  # the note's language
    axe_check(page, "review back (zh)")
    shot(page, "review-zh")
    page.keyboard.press("u")  # nothing to undo yet: the message is Chinese too
    page.get_by_text("没有可撤销的操作。").wait_for()
    page.keyboard.press("4")
    page.goto("/stats")
    assert page.get_by_role("heading", level=1).inner_text() == "统计"
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page.locator(".stats table time").first
                     .text_content())  # dates the Chinese way
    axe_check(page, "stats (zh)")
    shot(page, "stats-zh")
    page.goto("/quiz")
    axe_check(page, "quiz start (zh)")
    page.goto("/review")
    page.locator("#card").wait_for()

    # Switch to English with the keyboard only: Tab to the footer's "English" and press Enter.
    english = page.get_by_role("button", name="English")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "English":
            break
    assert english.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.locator("#card").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name=re.compile("Show answer")).is_visible()
    # Remembered on the account: a new browser asking for Chinese still gets English.
    other = new_context(locale="zh-CN").new_page()
    login(other, email)
    assert other.locator("html").get_attribute("lang") == "en"
