"""The review screen as an Anki user meets it: what shows when, where focus goes, what `u`
undoes, which card a message is about, clozes, diagrams, the source, and the phone layout."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import axe_check, shot, signup
from tests.e2e.test_flows import counts, fresh_email

PHONE = {"width": 375, "height": 640}
DESKTOP = {"width": 1100, "height": 900}


def start(new_context, *, viewport=DESKTOP, locale="en-US"):
    page = new_context(viewport=viewport, locale=locale).new_page()
    signup(page, fresh_email("reviewer"))
    page.goto("/review")
    page.locator("#show-answer:visible").wait_for()
    return page


def front(page) -> str:
    return page.locator("#card-front").text_content()


def card_id(page) -> str:
    """The card on screen, as the source link names it (path:line) plus its front."""
    return page.locator("#card-source").inner_text() + "|" + front(page)


def wait_for_other_card(page, before: str) -> None:
    page.wait_for_function(
        "b => { const s = document.getElementById('card-source').textContent + '|' + "
        "document.getElementById('card-front').textContent; "
        "return s !== b && !document.getElementById('card').hidden; }", arg=before)


def advance_to(page, pattern: str) -> None:
    """Rate cards Easy until one whose front matches ``pattern`` is shown."""
    for _ in range(40):
        page.locator("#show-answer:visible").wait_for()
        if re.search(pattern, front(page)):
            return
        before = card_id(page)
        page.keyboard.press("Space")
        page.keyboard.press("4")
        wait_for_other_card(page, before)
    raise AssertionError(f"no card matching {pattern!r}")


def test_ratings_stay_hidden_and_out_of_reach_until_the_answer_shows(new_context):
    page = start(new_context)
    ratings = page.locator("#ratings button")
    assert ratings.count() == 4
    for i in range(4):
        assert not ratings.nth(i).is_visible()
    reached = []
    for _ in range(25):  # Tab through the whole page: no rating button takes the focus
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.dataset.rating || ''"))
    assert not any(reached), reached
    page.locator("#show-answer").focus()
    page.keyboard.press("Space")
    for i in range(4):
        assert ratings.nth(i).is_visible()
    assert page.evaluate("() => !!document.activeElement.closest('#ratings')")
    before = counts(page)
    page.keyboard.press("Enter")  # Good
    page.wait_for_function(
        "b => ['new','learning','review'].map(k => +document.getElementById('count-' + k)"
        ".textContent).join() !== b.join()", arg=list(before))
    # After a mouse click on a toolbar button, Space still shows the answer.
    shown = card_id(page)
    page.locator("#bury").click()
    wait_for_other_card(page, shown)
    page.keyboard.press("Space")
    page.locator("#ratings").wait_for(state="visible")
    assert page.evaluate("() => !!document.activeElement.closest('#ratings')")


@pytest.mark.parametrize("viewport,locale", [(DESKTOP, "en-US"), (PHONE, "zh-CN")],
                         ids=["desktop-en", "phone-zh"])
def test_u_undoes_the_last_action_whatever_it_was(new_context, viewport, locale):
    page = start(new_context, viewport=viewport, locale=locale)
    status = page.locator("#status")
    english = locale == "en-US"

    def undo_brings_back(shown: str, kind: str, text: str) -> None:
        page.keyboard.press("u")
        page.wait_for_function(
            "k => document.getElementById('status').dataset.kind === 'undo:' + k", arg=kind)
        page.wait_for_function(
            "b => document.getElementById('card-source').textContent + '|' + "
            "document.getElementById('card-front').textContent === b", arg=shown)
        if english:
            assert text in status.inner_text()

    for key, kind, text in (("@", "suspend", "Undid the suspension"),
                            ("-", "bury", "Undid burying")):
        shown = card_id(page)
        page.keyboard.press(key)
        wait_for_other_card(page, shown)
        undo_brings_back(shown, kind, text)

    # A flag stays on the card; u takes it off again.
    shown = card_id(page)
    page.keyboard.press("Control+1")
    page.locator("#card-flag.flag-1").wait_for()
    assert card_id(page) == shown
    if english:
        assert page.locator("#card-flag").inner_text() == "Red flag"
    page.keyboard.press("Control+3")
    page.locator("#card-flag.flag-3").wait_for()
    page.keyboard.press("u")
    page.locator("#card-flag.flag-1").wait_for()
    page.keyboard.press("Control+0")
    page.locator("#card-flag").wait_for(state="hidden")
    page.keyboard.press("u")
    page.locator("#card-flag.flag-1").wait_for()
    assert page.locator("#status").get_attribute("data-kind") == "undo:flag"

    # "This card is wrong", with a comment, then undone.
    page.keyboard.press("!")
    page.locator("#report-dialog").wait_for(state="visible")
    axe_check(page, f"review (report dialog, {locale})")
    page.locator("#report-comment").fill("The answer is the old name")
    page.locator("#report-send").click()
    wait_for_other_card(page, shown)
    undo_brings_back(shown, "report", "Undid the report")

    # And a rating, as before.
    page.keyboard.press("Space")
    page.keyboard.press("3")
    wait_for_other_card(page, shown)
    undo_brings_back(shown, "rating", "Undid the last rating (Good)")
    shot(page, f"review-undo-{locale}")


def test_a_message_belongs_to_the_card_it_was_about(new_context):
    page = start(new_context)
    suspended = front(page)
    page.keyboard.press("@")
    page.wait_for_function("() => document.getElementById('status').dataset.kind === 'suspend'")
    message = page.locator("#status").inner_text()
    assert message.startswith("Suspended") and suspended[:10] in message
    page.keyboard.press("Space")  # the next card's answer: the old message is gone
    page.locator("#ratings").wait_for(state="visible")
    assert page.locator("#status").inner_text() == ""


def test_a_cloze_back_shows_the_whole_sentence_with_the_answer_marked(new_context):
    page = start(new_context)
    advance_to(page, r"\[\.\.\.\]")
    page.keyboard.press("Space")
    page.locator("#ratings").wait_for(state="visible")
    card = page.locator("#card")
    assert "[...]" not in card.inner_text()  # the blank is filled in, not shown twice
    marked = page.locator("#card-back strong")
    assert marked.is_visible() and marked.inner_text() == "Borg"
    assert "前身是Borg系统" in page.locator("#card-back").inner_text()
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('#card-back strong'))"
        ".backgroundColor") != "rgba(0, 0, 0, 0)"


def label_px(page) -> float:
    """The smallest label of the diagram, in screen pixels (font size × the SVG's scale)."""
    return page.evaluate("""() => {
        const svg = document.querySelector('#card-diagram svg');
        const vb = svg.viewBox.baseVal;
        const scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
        const sizes = [...svg.querySelectorAll('.nodeLabel, text')]
            .filter(e => e.textContent.trim())
            .map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
        return Math.min(...sizes);
    }""")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_diagrams_are_readable_open_full_width_and_scroll_on_a_phone(new_context, viewport):
    page = start(new_context, viewport=viewport)
    advance_to(page, "linkShard")  # the wide "k8s架构" diagram
    page.keyboard.press("Space")
    page.locator("#card-diagram svg").wait_for()
    assert label_px(page) >= 12
    if viewport is PHONE:
        box = page.locator("#card-diagram")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside its box
        assert page.evaluate(
            "() => document.scrollingElement.scrollWidth <= window.innerWidth")
        # The rating bar stays on screen under a card taller than the screen.
        assert page.evaluate("() => document.scrollingElement.scrollHeight > innerHeight")
        bar = page.locator("#ratings").bounding_box()
        assert bar["y"] >= 0 and bar["y"] + bar["height"] <= viewport["height"]
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(100)
        bar = page.locator("#ratings").bounding_box()
        assert bar["y"] + bar["height"] <= viewport["height"]
        shot(page, "review-diagram-phone")
    page.locator("#card-diagram").click()
    page.wait_for_function(
        "() => document.getElementById('card-figure').getBoundingClientRect().width"
        " >= window.innerWidth - 1")
    assert page.locator("#diagram-zoom").get_attribute("aria-expanded") == "true"
    axe_check(page, f"review (diagram full width, {viewport['width']}px)")
    shown = card_id(page)
    page.keyboard.press("Escape")
    assert page.locator("#diagram-zoom").get_attribute("aria-expanded") == "false"
    page.keyboard.press("3")  # the keys work again once it is closed
    wait_for_other_card(page, shown)


def test_the_source_opens_beside_the_review(new_context):
    page = start(new_context)
    source = page.locator("#card-source")
    where = source.inner_text()
    with page.context.expect_page() as opened:
        source.click()
    tab = opened.value
    tab.wait_for_load_state()
    line = where.rsplit(":", 1)[1]
    assert re.search(r"/notes/\d+/source#L" + line + "$", tab.url)
    assert tab.locator(f"#L{line}").is_visible()
    assert page.url.endswith("/review") and page.locator("#show-answer").is_visible()


def rate_easy_until_done(page) -> None:
    for _ in range(20):
        if page.locator("#done").is_visible():
            return
        shown = card_id(page)
        page.keyboard.press("Space")
        page.keyboard.press("4")
        page.wait_for_function(
            "b => !document.getElementById('done').hidden || (document.getElementById("
            "'card-source').textContent + '|' + document.getElementById('card-front')"
            ".textContent) !== b", arg=shown)
    raise AssertionError("never done")


@pytest.mark.parametrize("viewport,locale", [(DESKTOP, "en-US"), (PHONE, "zh-CN")],
                         ids=["desktop-en", "phone-zh"])
def test_a_deck_link_reviews_that_deck_and_done_offers_more(new_context, viewport, locale):
    from tests.e2e.test_flows import set_new_per_day

    page = new_context(viewport=viewport, locale=locale).new_page()
    signup(page, fresh_email("decks"))
    if locale == "en-US":
        set_new_per_day(page, 2)
    else:  # the same through the Chinese form, by field name
        page.goto("/settings")
        page.locator("input[name=new_per_day]").fill("2")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    page.goto("/")
    assert page.get_by_test_id("deck-new").first.inner_text() == "2"
    axe_check(page, f"home with deck links ({locale})")
    page.get_by_test_id("deck-review").first.click()
    page.wait_for_url(re.compile(r"/review\?deck=\d+$"))
    page.locator("#show-answer:visible").wait_for()
    assert page.locator("p.scope").is_visible()
    rate_easy_until_done(page)
    axe_check(page, f"review (done, with offers, {locale})")

    page.locator("#more-new-n").fill("1")
    page.locator("#more-new-form button").click()
    page.locator("#show-answer:visible").wait_for()
    assert counts(page)[0] == 1
    rate_easy_until_done(page)

    page.locator("#ahead-days").fill("60")
    page.locator("#ahead-form button").click()
    page.locator("#show-answer:visible").wait_for()
    assert page.locator("#status").get_attribute("data-kind") == "ahead"
    assert counts(page)[2] == 3  # the three cards rated Easy, due within 60 days
    page.keyboard.press("u")  # puts them back
    page.locator("#done").wait_for()
    assert page.locator("#status").get_attribute("data-kind") == "undo:ahead"
    shot(page, f"review-done-offers-{locale}")
