"""The card browser (/cards) and the card problems page in the browser: keyboard first, in
English and Chinese, at desktop and phone width, checked with axe."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import INSTRUCTOR, axe_check, login, shot, signup
from tests.e2e.test_flows import fresh_email
from tests.e2e.test_review_screen import DESKTOP, PHONE


def total(page) -> int:
    return int(re.match(r"[\d,]+", page.get_by_test_id("browse-total").inner_text())
               .group(0).replace(",", ""))


@pytest.mark.parametrize("viewport,locale", [(DESKTOP, "en-US"), (PHONE, "zh-CN")],
                         ids=["desktop-en", "phone-zh"])
def test_find_suspend_and_bring_back_a_card_with_the_keyboard(new_context, viewport, locale):
    page = new_context(viewport=viewport, locale=locale).new_page()
    signup(page, fresh_email("browser"))
    page.goto("/review")
    page.locator("#show-answer:visible").wait_for()
    page.keyboard.press("@")  # suspend the first card from the review page
    page.wait_for_function("() => document.getElementById('status').dataset.kind === 'suspend'")

    page.goto("/cards")
    axe_check(page, f"cards ({locale})")
    everything = total(page)
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "q"
    page.keyboard.type("is:suspended")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=is%3Asuspended"))
    assert total(page) == 1
    shot(page, f"cards-suspended-{locale}")
    # j goes to the first card, x selects it, then unsuspend it from the action bar.
    page.keyboard.press("j")
    assert page.evaluate("() => document.activeElement.classList.contains('card-link')")
    page.keyboard.press("x")
    assert page.locator("input[name=card]").first.is_checked()
    page.locator("#bulk-action").select_option("unsuspend")
    page.locator("#bulk-apply").click()
    page.wait_for_url(re.compile(r"q=is%3Asuspended"))
    assert total(page) == 0
    page.keyboard.press("u")  # undo from the browser: suspended again
    page.wait_for_load_state()
    page.wait_for_function("() => document.querySelector('[data-testid=browse-total]')"
                           " && /^1\\D/.test(document.querySelector('[data-testid="
                           "browse-total]').textContent)")
    # The filters as form controls give the same answer as the syntax.
    page.goto("/cards")
    page.locator("input[name=suspended]").check()
    page.locator("fieldset.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"suspended=1"))
    assert total(page) == 1
    assert page.get_by_test_id("browse-syntax").inner_text() == "is:suspended"
    page.goto("/cards?sort=due&dir=desc")
    assert total(page) == everything
    assert page.locator("th[aria-sort=descending]").count() == 1
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth + 1")

    # The card's info page: its sides, memory, forecast; Enter on a row opens it.
    page.goto("/cards?q=is:suspended")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.get_by_test_id("card-forecast").wait_for()
    assert page.get_by_test_id("card-sides").is_visible()
    axe_check(page, f"card info ({locale})")
    shot(page, f"card-info-{locale}")


def test_the_review_keys_act_on_the_current_card_in_the_browser(new_context):
    """@ suspends, - buries, Ctrl+2 flags and Ctrl+0 clears the flag of the card j moved to
    (none selected), and u brings each back, as on the review screen."""
    page = new_context(viewport=DESKTOP, locale="en-US").new_page()
    signup(page, fresh_email("browserkeys"))
    page.goto("/cards?sort=due")
    page.keyboard.press("j")
    first = page.locator("tr.current").get_attribute("data-card")
    for key, query in (("@", "is:suspended"), ("-", "is:buried"), ("Control+2", "flag:2")):
        page.goto("/cards?sort=due")
        page.keyboard.press("j")
        assert page.locator("tr.current").get_attribute("data-card") == first
        with page.expect_navigation():
            page.keyboard.press(key)
        page.goto(f"/cards?q={query}")
        assert total(page) == 1, key
        assert page.locator("tr[data-card]").first.get_attribute("data-card") == first
        if key == "Control+2":
            page.keyboard.press("j")
            with page.expect_navigation():
                page.keyboard.press("Control+0")  # clears the flag
            page.goto(f"/cards?q={query}")
            assert total(page) == 0
        else:
            with page.expect_navigation():
                page.keyboard.press("u")  # undone: back in the study
            page.goto(f"/cards?q={query}")
            assert total(page) == 0, key


def test_a_reported_card_reaches_the_authors_page(new_context):
    learner = new_context().new_page()
    signup(learner, fresh_email("reporter"))
    learner.goto("/review")
    learner.locator("#show-answer:visible").wait_for()
    source = learner.locator("#card-source").inner_text()
    learner.keyboard.press("!")
    learner.locator("#report-comment").fill("the term is misspelt")
    learner.keyboard.press("Tab")
    learner.keyboard.press("Enter")  # the Report button, from the keyboard
    learner.wait_for_function(
        "() => document.getElementById('status').dataset.kind === 'report'")
    learner.goto("/cards/problems")
    assert source in learner.get_by_test_id("problems").inner_text()

    author = new_context(locale="zh-CN").new_page()
    login(author, INSTRUCTOR)
    author.goto("/cards/problems")
    rows = author.get_by_test_id("problems")
    assert source in rows.inner_text() and "the term is misspelt" in rows.inner_text()
    axe_check(author, "card problems (zh-CN)")
    shot(author, "card-problems-zh")
