"""The question editor in a real browser: choice boxes wide enough to read what is typed, on a
desktop and at phone width, and a refused single-choice question says, next to the choices,
what to do in the instructor's words, with everything typed still there."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.helpers import INSTRUCTOR, axe_check, login, shot


def new_single_question(page) -> None:
    page.goto("/sets")
    page.get_by_label("Title").fill(f"Widths {uuid.uuid4().hex[:4]}")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/sets/\d+$"))
    page.get_by_role("link", name="Single choice", exact=True).click()
    page.wait_for_url(re.compile(r"/questions/new\?kind=single$"))


@pytest.mark.parametrize(("width", "least"), [
    (1100, {"#ct-0": 300, "#cf-0": 200}),  # was about 135 px: the form was capped at 28rem
    (390, {"#ct-0": 200, "#cf-0": 300}),  # phone: feedback takes a line of its own
])
def test_choice_boxes_are_wide_enough_to_read(new_context, width, least):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    login(page, INSTRUCTOR)
    new_single_question(page)
    for box, px in least.items():
        w = page.locator(box).bounding_box()["width"]
        assert w >= px, f"{box} is {w:.0f} px wide at a {width} px window"
    # nothing sticks out of the page at phone width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"question-editor-{width}")


def test_a_single_choice_without_a_right_answer_is_explained(new_context):
    page = new_context().new_page()
    login(page, INSTRUCTOR)
    new_single_question(page)
    page.locator("#prompt").fill("Which component runs the pods on a node?")
    page.locator("#ct-0").fill("Kubelet")
    page.locator("#ct-1").fill("Etcd")
    page.locator("#cf-0").fill("It talks to the runtime")
    page.get_by_role("button", name="Add to the set").click()
    error = page.locator("#choice-rows #choice_text-error")
    error.wait_for()
    assert "Mark one choice as correct" in error.inner_text()
    assert "correct: true" not in page.content()
    assert page.locator("#choice-rows").get_attribute("aria-describedby") == "choice_text-error"
    assert page.locator("#ct-0").input_value() == "Kubelet"
    assert page.locator("#cf-0").input_value() == "It talks to the runtime"
    assert page.locator("#prompt").input_value().startswith("Which component")
    axe_check(page, "question editor with an error")
    # marking it right is all it takes
    page.locator("#cg-0").select_option("100")
    page.get_by_role("button", name="Add to the set").click()
    page.wait_for_url(re.compile(r"/sets/\d+(#questions)?$"))
    assert page.locator(".set-q").count() == 1
