"""A hands-on mock exam in the browser: a command typed with its flags in another order is
counted right, a wrong namespace is named in the feedback, and a manifest written in the
textarea gets two spaces for each Tab.

Its own app (a notes folder holding only the drills note), so the other browser tests keep
the shared note's questions."""

from __future__ import annotations

import re
import shutil
import uuid

import pytest

from tests.e2e.conftest import notes_app, serve
from tests.e2e.helpers import axe_check, shot, signup
from tests.web.handson_data import DRILLS

OTHER_KINDS = ("Single choice", "Multiple select", "True / false", "Matching", "Typed answer",
               "Hands-on: manifest field")


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e-handson")
    (base / "notes").mkdir()
    (base / "notes" / "drills.md").write_text(DRILLS, encoding="utf-8")
    app = notes_app(base)
    yield app
    app.extensions["db_engine"].dispose()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def base_url(live_app):
    yield from serve(live_app, "e2e-handson")


def test_hands_on_exam_question(page):
    signup(page, f"handson-{uuid.uuid4().hex[:8]}@example.com")
    page.goto("/quiz")
    page.get_by_label(re.compile("Mock exam")).click()
    for kind in OTHER_KINDS:
        page.get_by_label(kind, exact=True).uncheck()
    page.get_by_label("Number of questions").fill("3")
    page.get_by_label("Time limit (minutes)").fill("30")
    page.locator("#weights").fill("hands-on: 1")
    page.get_by_role("button", name="Start").click()
    page.locator("#question").wait_for()
    seen = set()
    for i in range(3):
        context = page.locator("#q-context").inner_text()
        if "List the pods of kube-system" in context:
            box = page.locator("#q-body input.typed.code")
            box.fill("k get -o wide po --namespace=kube-system")  # flags in another order
            seen.add("reordered")
        elif "Create a deployment web" in context:
            page.locator("#q-body input.typed.code").fill(
                "kubectl create deployment web --image=nginx -n default")
            seen.add("namespace")
        else:
            area = page.locator("#q-body textarea.typed.manifest")
            assert area.evaluate("e => getComputedStyle(e).fontFamily").lower().find(
                "mono") >= 0
            area.click()
            for line, indent in (("apiVersion: v1", 0), ("kind: Pod", 0), ("metadata:", 0),
                                 ("name: web", 1), ("spec:", 0), ("containers:", 1),
                                 ("- name: web", 1), ("image: nginx:1.25", 2)):
                for _ in range(indent):
                    page.keyboard.press("Tab")
                page.keyboard.type(line)
                page.keyboard.press("Enter")
            value = area.input_value()
            assert "\n  name: web\n" in value and "\n    image: nginx:1.25" in value
            assert "\t" not in value
            assert area.evaluate("e => document.activeElement === e")  # Tab stayed in the box
            seen.add("manifest")
            shot(page, "handson-manifest")
        if i < 2:
            page.locator("#next").click()
    assert seen == {"reordered", "namespace", "manifest"}
    axe_check(page, "hands-on exam question")
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/quiz/\d+/results$"))
    assert page.locator(".scoreboard .score").inner_text().startswith("67")  # 2 of 3
    right = set(page.locator(".result-q.right").all_text_contents())
    wrong = sorted(set(page.locator(".result-q.wrong").all_text_contents()))  # also listed apart
    assert len(right) == 2 and len(wrong) == 1
    assert any("List the pods of kube-system" in r for r in right)
    assert any("Run a single nginx Pod" in r for r in right)
    assert "Same command, except: namespace is default, expected dev" in wrong[0]
    shot(page, "handson-results")


def test_a_typed_review_card_is_checked_then_rated(page):
    signup(page, f"handson-review-{uuid.uuid4().hex[:8]}@example.com")
    page.goto("/review")
    box = page.locator("#card-typed input.typed.code")
    box.wait_for()
    assert box.evaluate("e => document.activeElement === e")  # typed straight away
    assert "List the pods of kube-system" in page.locator("#card-front").inner_text()
    box.fill("kubectl get pods -o wide")  # the namespace forgotten
    box.press("Enter")
    verdict = page.locator("#card-verdict")
    verdict.wait_for()
    assert "namespace is default, expected kube-system" in verdict.inner_text()
    assert page.locator("#card-answer").is_visible()
    assert "kubectl get pods -n kube-system -o wide" in page.locator("#card-back").inner_text()
    axe_check(page, "hands-on review card")
    shot(page, "handson-review")
    page.keyboard.press("4")  # rated as usual (Easy: the card leaves today's queue)
    page.get_by_text("Create a deployment web").wait_for()
    assert page.locator("#card-typed input.typed.code").input_value() == ""
    assert not page.locator("#card-verdict").is_visible()
