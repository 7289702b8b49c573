"""The instructor's forms (WTForms): a refused form comes back with a 400, the error next to
the field at fault in the instructor's words and the UI language, what was typed kept, and
nothing written."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import Assignment, QuizSet, SetQuestion, StudyClass
from tests.sets.helpers import Fresh, login

from . import page_problems

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(app):
    return Fresh(app)


def client_for(app, db, role="instructor", email="t@example.com", locale=None):
    user = db.user(email, role, now=NOW, timezone="Asia/Shanghai")
    if locale:
        db.run(lambda s: (s.get(type(user), user.id).__setattr__("locale", locale),
                          s.commit()))
    return login(app, user)


@pytest.fixture
def teacher(app, db):
    return client_for(app, db)


def new_set(client, title="Week 1") -> int:
    r = client.post("/sets", data={"title": title})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def refused(r) -> str:
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])
    html = r.get_data(as_text=True)
    assert page_problems(html) == [], page_problems(html)
    return html


def error_of(html: str, field_id: str) -> str:
    """The error shown for ``field_id``: the element its ``aria-describedby`` names."""
    m = re.search(rf'<p id="{re.escape(field_id)}-error" class="error[^"]*">(.*?)</p>', html,
                  re.S)
    assert m, f"no error shown for {field_id}"
    return unescape(m.group(1))


def value_of(html: str, field_id: str) -> str:
    m = re.search(rf'<input id="{re.escape(field_id)}"[^>]*value="([^"]*)"', html)
    return unescape(m.group(1)) if m else ""


SINGLE_NO_RIGHT = {"kind": "single", "prompt": "Which runs pods?", "title": "Runner",
                   "choice_text": ["Kubelet", "Etcd", ""], "choice_grade": ["0", "0", "0"],
                   "choice_feedback": ["yes", "", ""], "points": "2"}


def test_single_choice_without_a_right_choice_says_so_in_the_teachers_words(teacher, db):
    set_id = new_set(teacher)
    html = refused(teacher.post(f"/sets/{set_id}/questions", data=SINGLE_NO_RIGHT))
    message = error_of(html, "choice_text")
    assert "Mark one choice as correct" in message
    assert "correct: true" not in html and "choices:" not in message
    # the fieldset names its error; what was typed is all there
    assert 'id="choice-rows" data-template="choice" aria-describedby="choice_text-error"' in html
    assert value_of(html, "ct-0") == "Kubelet" and value_of(html, "ct-1") == "Etcd"
    assert value_of(html, "cf-0") == "yes" and value_of(html, "title") == "Runner"
    assert ">Which runs pods?</textarea>" in html and value_of(html, "points") == "2"
    assert db.counts(SetQuestion)["set_questions"] == 0


def test_the_same_error_in_chinese(app, db):
    teacher = client_for(app, db, locale="zh")
    set_id = new_set(teacher)
    html = refused(teacher.post(f"/sets/{set_id}/questions", data=SINGLE_NO_RIGHT))
    message = error_of(html, "choice_text")
    assert re.search(r"[\u4e00-\u9fff]", message) and not re.search(r"[A-Za-z]{4,}", message)


def test_row_errors_sit_in_their_row(teacher, db):
    set_id = new_set(teacher)
    html = refused(teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "matching", "prompt": "Match", "left": ["Pod", "RS", "HPA"],
        "right": ["unit", "", "scales"]}))
    assert "“RS”" in error_of(html, "pl-1") and 'aria-describedby="pl-1-error"' in html
    html = refused(teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "multiple", "prompt": "Plugins?", "choice_text": ["CoreDNS", "Dashboard",
                                                                 "CoreDNS"],
        "choice_grade": ["50", "50", "0"], "choice_feedback": ["", "", ""]}))
    assert "“CoreDNS” is listed twice" in error_of(html, "ct-2")
    html = refused(teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "true_false", "prompt": "Etcd stores state."}))
    assert "true or false" in error_of(html, "answer")
    assert db.counts(SetQuestion)["set_questions"] == 0


def test_a_draw_asks_for_a_count_in_range(teacher, db, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    set_id = new_set(teacher)
    page = teacher.get(f"/sets/{set_id}/questions/new?kind=draw").get_data(as_text=True)
    source = unescape(re.search(r'<option value="(\d+\|[^"]*)"', page).group(1))
    html = refused(teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "draw", "source": source, "count": "99", "points": "x"}))
    assert "from 1 to 50" in error_of(html, "count") and value_of(html, "count") == "99"
    assert "Write a number" in error_of(html, "points")
    assert f'<option value="{source}" selected>' in unescape(html)
    html = refused(teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "draw", "source": "999|nowhere", "count": "2"}))
    assert "Choose a deck" in error_of(html, "source")
    assert db.counts(SetQuestion)["set_questions"] == 0


def test_settings_refused_field_by_field_and_nothing_saved(teacher, db):
    set_id = new_set(teacher, "Before")
    html = refused(teacher.post(f"/sets/{set_id}/settings", data={
        "title": "After", "description": "new words", "pass_mark": "abc",
        "attempts": "500", "time_limit_min": "", "grading": "highest",
        "review": "after_submit"}))
    assert "Write a number" in error_of(html, "pass_mark")
    assert "from 0 to 100" in error_of(html, "attempts")
    assert value_of(html, "title") == "After" and ">new words</textarea>" in html
    assert value_of(html, "attempts") == "500"
    qset = db.get(QuizSet, set_id)
    assert qset.title == "Before" and qset.description == ""
    html = refused(teacher.post(f"/sets/{set_id}/settings", data={
        "title": "  ", "pass_mark": "66", "attempts": "0", "grading": "best",
        "review": "after_submit"}))
    assert error_of(html, "title") and "grading method" in error_of(html, "grading")
    r = teacher.post(f"/sets/{set_id}/settings", data={
        "title": "After", "pass_mark": "70", "attempts": "2", "grading": "last",
        "review": "never", "shuffle_questions": "1"})
    assert r.status_code == 303
    qset = db.get(QuizSet, set_id)
    assert qset.title == "After" and qset.settings["pass_mark"] == 0.7
    assert qset.settings["shuffle_questions"] and not qset.settings["shuffle_answers"]


def test_a_new_set_or_class_needs_a_name(teacher, db):
    html = refused(teacher.post("/sets", data={"title": " "}))
    assert "title" in error_of(html, "title").lower()
    html = refused(teacher.post("/classes", data={"name": ""}))
    assert "name" in error_of(html, "name").lower()
    assert db.counts(QuizSet, StudyClass) == {"quiz_sets": 0, "classes": 0}


def test_assigning_with_times_the_wrong_way_round(teacher, db):
    set_id = new_set(teacher)
    teacher.post(f"/sets/{set_id}/questions", data={
        "kind": "true_false", "prompt": "True?", "answer": "true"})
    teacher.post(f"/sets/{set_id}/publish")
    class_id = int(teacher.post("/classes", data={"name": "Evening"})
                   .headers["Location"].rsplit("/", 1)[1])
    html = refused(teacher.post(f"/classes/{class_id}/assignments", data={
        "set_id": str(set_id), "opens_at": "2026-03-05T09:00",
        "closes_at": "2026-03-04T09:00"}))
    assert "after the open time" in error_of(html, "closes_at")
    assert value_of(html, "opens_at") == "2026-03-05T09:00"
    html = refused(teacher.post(f"/classes/{class_id}/assignments", data={
        "set_id": str(set_id), "opens_at": "next week"}))
    assert "2026-03-01T09:00" in error_of(html, "opens_at")
    html = refused(teacher.post(f"/classes/{class_id}/assignments", data={"set_id": "77"}))
    assert "Choose a set" in error_of(html, "set_id")
    assert db.counts(Assignment)["assignments"] == 0


def test_a_wrong_join_code_is_said_next_to_the_code(app, db):
    learner = client_for(app, db, "learner", "l@example.com")
    r = learner.post("/join", data={"code": "nope-1234"})
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "join code" in error_of(html, "code").lower()
    assert value_of(html, "join-code-input") == "nope-1234"
    assert refused(learner.post("/join", data={"code": ""}))


def test_editing_shows_the_saved_question(teacher, db):
    set_id = new_set(teacher)
    teacher.post(f"/sets/{set_id}/questions", data={**SINGLE_NO_RIGHT,
                                                    "choice_grade": ["100", "0", "0"]})
    question_id = db.scalar(select(SetQuestion.id))
    html = teacher.get(f"/sets/{set_id}/questions/{question_id}").get_data(as_text=True)
    assert value_of(html, "ct-0") == "Kubelet" and value_of(html, "title") == "Runner"
    assert re.search(r'<select id="cg-0" name="choice_grade">.*?<option value="100" selected',
                     html, re.S)
    assert 'class="error' not in html
