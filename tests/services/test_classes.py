"""Classes, join codes, assignments with open and close times, attempts limits, results per
learner and per question (the hand-computed item analysis, through real attempts), CSV."""

from __future__ import annotations

import csv
import io
import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import ClassMember, QuizQuestion
from studyk8s.quiz.model import Question
from studyk8s.services import classes, errors, quiz, sets
from studyk8s.services.content import import_notes
from studyk8s.sets.model import Choice, Item, Settings
from tests.sets.helpers import count, make_user


@pytest.fixture
def teacher(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    return make_user(session, "t@example.com", "instructor", now=now)


def three_questions(session, teacher, now, **settings):
    """q1 single (1 mark), q2 true/false (1 mark), q3 multiple worth 2 (50 % + 50 %)."""
    qset = sets.create_set(session, teacher, "Hand example", now=now,
                           settings=Settings(shuffle_answers=False, **settings))
    sets.add_entry(session, teacher, qset.id, Item(
        kind="single", prompt="Q1", choices=(Choice("A", 100), Choice("B"), Choice("C"),
                                             Choice("D"))), now=now)
    sets.add_entry(session, teacher, qset.id, Item(kind="true_false", prompt="Q2",
                                                   answer=True), now=now)
    sets.add_entry(session, teacher, qset.id, Item(
        kind="multiple", prompt="Q3", points=2, choices=(
            Choice("x", 50), Choice("y", 50), Choice("z", -100))), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    return qset


def class_with(session, teacher, n, now):
    klass = classes.create_class(session, teacher, "CKA spring", now=now)
    learners = []
    for i in range(n):
        user = make_user(session, f"l{i}@example.com", now=now)
        classes.join(session, user, klass.join_code.lower(), now=now)
        learners.append(user)
    return klass, learners


def test_join_codes(session, teacher, now):
    klass = classes.create_class(session, teacher, "Class", now=now)
    assert len(klass.join_code) == 8 and set(klass.join_code) <= set(classes.CODE_ALPHABET)
    learner = make_user(session, "l@example.com", now=now)
    code = f" {klass.join_code[:4].lower()}-{klass.join_code[4:]} "
    joined, fresh = classes.join(session, learner, code, now=now)
    assert joined.id == klass.id and fresh
    assert classes.join(session, learner, klass.join_code, now=now)[1] is False
    assert count(session, ClassMember) == 1
    with pytest.raises(errors.ServiceError, match="You teach"):
        classes.join(session, teacher, klass.join_code, now=now)
    old = klass.join_code
    classes.new_code(session, teacher, klass.id)
    other = make_user(session, "m@example.com", now=now)
    with pytest.raises(errors.NotFound):
        classes.join(session, other, old, now=now)
    classes.set_joining(session, teacher, klass.id, False)
    with pytest.raises(errors.NotFound):
        classes.join(session, other, session.get(type(klass), klass.id).join_code, now=now)
    assert classes.my_classes(session, learner)[0]["teacher"] == "t@example.com"


def test_an_instructor_sees_only_their_classes(session, teacher, now):
    klass = classes.create_class(session, teacher, "Mine", now=now)
    other = make_user(session, "o@example.com", "instructor", now=now)
    learner = make_user(session, "l@example.com", now=now)
    for who in (other, learner):
        with pytest.raises(errors.NotFound):
            classes.get_class(session, who, klass.id)
        assert classes.list_classes(session, who) == []
    qset = three_questions(session, teacher, now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    with pytest.raises(errors.NotFound):
        classes.report(session, other, a.id, now)
    with pytest.raises(errors.NotFound):  # another's set cannot be assigned to my class
        classes.assign(session, other, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)


def test_assignment_window_and_home_page(session, teacher, now):
    klass, [learner] = class_with(session, teacher, 1, now)
    outsider = make_user(session, "x@example.com", now=now)
    qset = three_questions(session, teacher, now, attempts=1, time_limit_min=30)
    draft = sets.create_set(session, teacher, "Draft", now=now)
    with pytest.raises(errors.ServiceError, match="Publish"):
        classes.assign(session, teacher, klass.id, draft.id, opens_at=None, closes_at=None,
                       now=now)
    with pytest.raises(errors.ServiceError, match="after the open"):
        classes.assign(session, teacher, klass.id, qset.id, opens_at=now, closes_at=now,
                       now=now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=now + timedelta(hours=1),
                       closes_at=now + timedelta(hours=1, minutes=10), now=now)
    with pytest.raises(errors.ServiceError, match="already assigned"):
        classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    [row] = classes.assigned_sets(session, learner, now)
    assert row["state"] == "upcoming" and row["title"] == "Hand example"
    assert classes.assigned_sets(session, outsider, now) == []
    with pytest.raises(errors.NotFound):
        classes.learner_view(session, outsider, a.id, now)
    with pytest.raises(errors.ServiceError, match="not open yet"):
        classes.start(session, learner, a.id, now=now)
    later = now + timedelta(hours=1, minutes=1)
    attempt = classes.start(session, learner, a.id, now=later)
    # the 30-minute limit is cut short by the close time, 9 minutes away
    assert attempt.deadline == a.closes_at
    assert classes.start(session, learner, a.id, now=later).id == attempt.id  # resumes
    quiz.submit(session, learner, attempt.id, now=later + timedelta(minutes=2))
    with pytest.raises(errors.ServiceError, match="used all"):
        classes.start(session, learner, a.id, now=later + timedelta(minutes=3))
    [row] = classes.assigned_sets(session, learner, later + timedelta(minutes=3))
    assert row["attempts"] == 1 and row["attempts_left"] == 0 and row["grade"] == 0
    assert row["time_taken"] == 120
    assert classes.assigned_sets(session, learner, now + timedelta(days=1))[0]["state"] == \
        "closed"


def test_the_attempt_limit_holds_inside_the_write(session, teacher, now):
    klass, [learner] = class_with(session, teacher, 1, now)
    qset = three_questions(session, teacher, now, attempts=1)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    first = sets.start_attempt(session, learner, qset, qset.published, now=now,
                               assignment_id=a.id, attempts_allowed=1)
    quiz.submit(session, learner, first.id, now=now)
    with pytest.raises(errors.ServiceError, match="No attempts left"):  # a racing second start
        sets.start_attempt(session, learner, qset, qset.published, now=now,
                           assignment_id=a.id, attempts_allowed=1)


def test_review_after_close_withholds_answers(session, teacher, now):
    klass, [learner] = class_with(session, teacher, 1, now)
    qset = three_questions(session, teacher, now, review="after_close")
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None,
                       closes_at=now + timedelta(days=1), now=now)
    attempt = classes.start(session, learner, a.id, now=now)
    quiz.save_answer(session, learner, attempt.id, 0, 0, now=now)
    out = quiz.submit(session, learner, attempt.id, now=now)
    assert out["withheld"] is True and out["questions"] == [] and out["score"] == 0.25
    with pytest.raises(errors.ServiceError):
        quiz.retry_wrong(session, learner, attempt.id, now=now)
    link, who, staff = classes.attempt_access(session, teacher, attempt.id)
    assert staff and who.id == learner.id
    full = quiz.results(session, who, attempt.id, now, full=True)
    assert len(full["questions"]) == 3
    after = quiz.results(session, learner, attempt.id, now + timedelta(days=2))
    assert after["withheld"] is False and len(after["questions"]) == 3


def attempt_access_denied(session, viewer, attempt_id):
    with pytest.raises(errors.NotFound):
        classes.attempt_access(session, viewer, attempt_id)


def test_who_may_read_an_attempt(session, teacher, now):
    klass, [learner, classmate] = class_with(session, teacher, 2, now)
    other = make_user(session, "o@example.com", "instructor", now=now)
    admin = make_user(session, "a@example.com", "admin", now=now)
    qset = three_questions(session, teacher, now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    attempt = classes.start(session, learner, a.id, now=now)
    assert classes.attempt_access(session, learner, attempt.id)[2] is False
    assert classes.attempt_access(session, teacher, attempt.id)[2] is True
    assert classes.attempt_access(session, admin, attempt.id)[2] is True
    for viewer in (classmate, other):
        attempt_access_denied(session, viewer, attempt.id)
    attempt_access_denied(session, learner, 99999)


MARKS = {0: ("A", True, ["x", "y"]), 1: ("A", False, ["x", "y"]), 2: ("B", True, ["x"]),
         3: ("A", False, []), 4: ("C", True, None)}


def test_report_and_item_analysis_match_the_hand_computed_example(session, teacher, now):
    klass, learners = class_with(session, teacher, 5, now)
    qset = three_questions(session, teacher, now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    for i, learner in enumerate(learners):
        attempt = classes.start(session, learner, a.id, now=now)
        qs = [Question.from_dict(d) for d in session.scalars(
            select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt.id)
            .order_by(QuizQuestion.position))]
        pick, tf, multi = MARKS[i]
        quiz.save_answer(session, learner, attempt.id, 0, qs[0].choices.index(pick), now=now)
        quiz.save_answer(session, learner, attempt.id, 1, tf, now=now)
        if multi is not None:
            quiz.save_answer(session, learner, attempt.id, 2,
                             [qs[2].choices.index(c) for c in multi], now=now)
        quiz.submit(session, learner, attempt.id, now=now + timedelta(minutes=i + 1))
    report = classes.report(session, teacher, a.id, now)
    grades = {r["email"]: r["grade"] for r in report["rows"]}
    assert grades == {"l0@example.com": 1.0, "l1@example.com": 0.75, "l2@example.com": 0.5,
                      "l3@example.com": 0.25, "l4@example.com": 0.25}
    assert report["finished"] == 5 and report["average"] == pytest.approx(0.55)
    assert [r["time_taken"] for r in report["rows"]] == [60, 120, 180, 240, 300]
    stats = classes.analysis(session, teacher, a.id, now)
    q1, q2, q3 = stats
    assert q1.discrimination == pytest.approx(0.05 / math.sqrt(0.3 * 1.3))
    assert q2.discrimination == pytest.approx(-0.2 / math.sqrt(0.3 * 1.8))
    assert q3.discrimination == pytest.approx(0.25 / math.sqrt(0.2))
    assert [q.facility for q in stats] == pytest.approx([0.6, 0.6, 0.5])
    assert q1.flagged and q2.flagged and not q3.flagged
    assert q1.wrong == [("B", 1), ("C", 1), ("D", 0)]
    assert q2.wrong == [("False", 2)]
    text = classes.analysis_csv(session, teacher, a.id, now)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][5] == "discrimination index" and rows[1][7] == "LOW DISCRIMINATION"
    assert rows[3][5] == "0.559"


def test_results_csv_is_safe_in_a_spreadsheet(session, teacher, now):
    klass = classes.create_class(session, teacher, "=cmd|' /C calc'!A0", now=now)
    evil = make_user(session, "=HYPERLINK(x)@example.com", now=now)
    plus = make_user(session, "+1@example.com", now=now)
    for u in (evil, plus):
        classes.join(session, u, klass.join_code, now=now)
    qset = three_questions(session, teacher, now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    attempt = classes.start(session, evil, a.id, now=now)
    quiz.submit(session, evil, attempt.id, now=now)
    text = classes.report_csv(session, teacher, a.id, now)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(x)@example.com" in cells and "'+1@example.com" in cells
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
