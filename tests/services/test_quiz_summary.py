"""Flags, the summary of an attempt before submit, and how an attempt ended (submitted, out of
time, closed by the instructor's close time)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyk8s.quiz.attempt import GRACE
from studyk8s.services import classes, errors, quiz
from studyk8s.services.content import import_notes
from studyk8s.sets.model import Choice, Item, Settings
from tests.sets.helpers import make_user


@pytest.fixture
def learner(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    return make_user(session, "l@example.com", now=now)


def exam(session, user, now, count=5, minutes=10):
    return quiz.start(session, user, mode="exam", count=count, time_limit_min=minutes, seed=3,
                      now=now)


def test_flags_and_the_summary_list_answered_unanswered_and_flagged(session, learner, now):
    attempt = exam(session, learner, now)
    quiz.save_answer(session, learner, attempt.id, 0, None, now=now)  # cleared: not answered
    view = quiz.view(session, learner, attempt.id, now)
    q1 = view["questions"][1]
    answer = 0 if q1["kind"] in ("single", "multiple", "matching") else "x"
    answer = {"multiple": [0], "true_false": True,
              "matching": [0] * len(q1.get("left") or [])}.get(q1["kind"], answer)
    quiz.save_answer(session, learner, attempt.id, 1, answer, now=now)
    assert quiz.set_flag(session, learner, attempt.id, 1, True, now=now)["flagged"] is True
    quiz.set_flag(session, learner, attempt.id, 3, True, now=now)
    quiz.set_flag(session, learner, attempt.id, 3, False, now=now)  # unflagged again
    quiz.set_flag(session, learner, attempt.id, 4, True, now=now)
    view = quiz.view(session, learner, attempt.id, now)
    assert [q["flagged"] for q in view["questions"]] == [False, True, False, False, True]
    s = quiz.summary(session, learner, attempt.id, now)
    assert [(r["answered"], r["flagged"]) for r in s["rows"]] == [
        (False, False), (True, True), (False, False), (False, False), (False, True)]
    assert s["unanswered"] == 4 and s["flagged"] == 2 and s["status"] == "open"
    assert "answer" not in s["rows"][1]  # no verdicts before submit


def test_a_flag_is_refused_when_it_cannot_apply(session, learner, now):
    attempt = exam(session, learner, now, count=3)
    other = make_user(session, "o@example.com", now=now)
    with pytest.raises(errors.ServiceError, match="true or false"):
        quiz.set_flag(session, learner, attempt.id, 0, "yes", now=now)
    with pytest.raises(errors.NotFound):
        quiz.set_flag(session, learner, attempt.id, 3, True, now=now)
    with pytest.raises(errors.NotFound):
        quiz.set_flag(session, other, attempt.id, 0, True, now=now)
    quiz.submit(session, learner, attempt.id, now=now)
    with pytest.raises(errors.Conflict):
        quiz.set_flag(session, learner, attempt.id, 0, True, now=now)
    assert not any(q["flagged"] for q in quiz.view(session, learner, attempt.id,
                                                   now)["questions"])


def test_how_an_attempt_ended(session, learner, now):
    submitted = exam(session, learner, now)
    assert quiz.view(session, learner, submitted.id, now)["ended"] is None  # still open
    assert quiz.submit(session, learner, submitted.id, now=now)["ended"] == "submitted"
    late = exam(session, learner, now, minutes=1)
    after = now + timedelta(minutes=1) + GRACE + timedelta(seconds=1)
    assert quiz.results(session, learner, late.id, after)["ended"] == "timeout"
    history = {h["id"]: h["ended"] for h in quiz.history(session, learner, after)}
    assert history[submitted.id] == "submitted" and history[late.id] == "timeout"


def test_an_assignment_closed_by_its_close_time_says_so(session, learner, now):
    teacher = make_user(session, "t@example.com", "instructor", now=now)
    qset = quiz_set(session, teacher, now)
    klass = classes.create_class(session, teacher, "Class", now=now)
    classes.join(session, learner, klass.join_code, now=now)
    closes = now + timedelta(minutes=5)  # before the set's 30-minute limit
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=closes,
                       now=now)
    attempt = classes.start(session, learner, a.id, now=now)
    after = closes + GRACE + timedelta(seconds=1)
    assert quiz.results(session, learner, attempt.id, after)["ended"] == "closed"
    view = classes.learner_view(session, learner, a.id, after)  # the learner's own list
    assert [h["ended"] for h in view["history"]] == ["closed"]
    # the same set with no close time: the limit ends it, which is "timeout"
    b = classes.assign(session, teacher, klass.id, quiz_set(session, teacher, now, "B").id,
                       opens_at=None, closes_at=None, now=now)
    limited = classes.start(session, learner, b.id, now=now)
    late = now + timedelta(minutes=30) + GRACE + timedelta(seconds=1)
    assert quiz.results(session, learner, limited.id, late)["ended"] == "timeout"


def quiz_set(session, teacher, now, title="Set A"):
    from studyk8s.services import sets

    qset = sets.create_set(session, teacher, title, now=now,
                           settings=Settings(time_limit_min=30))
    sets.add_entry(session, teacher, qset.id, Item(
        kind="single", prompt="Q1", choices=(Choice("A", 100), Choice("B"))), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    return qset
