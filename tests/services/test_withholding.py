"""A set's "after the assignment closes" review is decided when the results are read, from
the assignment as it is then: no close time, a close time moved later or earlier, and
review "never" (issue 18, fix 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyk8s.services import classes, errors, quiz
from studyk8s.services.content import import_notes
from tests.services.test_classes import class_with, three_questions
from tests.sets.helpers import make_user


@pytest.fixture
def teacher(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    return make_user(session, "t@example.com", "instructor", now=now)


def taken(session, teacher, now, *, review, closes_at):
    """A learner's submitted attempt (one right answer of three) at an assigned set."""
    klass, [learner] = class_with(session, teacher, 1, now)
    qset = three_questions(session, teacher, now, review=review)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None,
                       closes_at=closes_at, now=now)
    attempt = classes.start(session, learner, a.id, now=now)
    quiz.save_answer(session, learner, attempt.id, 0, 0, now=now)
    submitted = quiz.submit(session, learner, attempt.id, now=now)
    return learner, a, attempt.id, submitted


def shown(session, learner, attempt_id, when) -> bool:
    out = quiz.results(session, learner, attempt_id, when)
    assert out["withheld"] is (not out["questions"])
    return not out["withheld"]


def test_no_close_time_keeps_the_answers_hidden(session, teacher, now):
    learner, a, attempt_id, submitted = taken(session, teacher, now, review="after_close",
                                              closes_at=None)
    assert submitted["withheld"] is True and submitted["questions"] == []
    assert "answer" not in str(submitted["wrong"])
    assert not shown(session, learner, attempt_id, now + timedelta(days=365))
    with pytest.raises(errors.ServiceError):
        quiz.retry_wrong(session, learner, attempt_id, now=now + timedelta(days=365))
    # the instructor closes it: from the close time on, the answers show
    classes.update_assignment(session, teacher, a.id, opens_at=a.opens_at,
                              closes_at=now + timedelta(days=2), now=now)
    assert not shown(session, learner, attempt_id, now + timedelta(days=1))
    assert shown(session, learner, attempt_id, now + timedelta(days=2))


def test_a_close_time_moved_later_keeps_them_hidden(session, teacher, now):
    learner, a, attempt_id, _ = taken(session, teacher, now, review="after_close",
                                      closes_at=now + timedelta(hours=1))
    classes.update_assignment(session, teacher, a.id, opens_at=a.opens_at,
                              closes_at=now + timedelta(days=3), now=now)
    assert not shown(session, learner, attempt_id, now + timedelta(hours=2))  # the old time
    assert not shown(session, learner, attempt_id, now + timedelta(days=2))
    assert shown(session, learner, attempt_id, now + timedelta(days=3))


def test_a_close_time_moved_earlier_shows_them_sooner(session, teacher, now):
    learner, a, attempt_id, _ = taken(session, teacher, now, review="after_close",
                                      closes_at=now + timedelta(days=7))
    assert not shown(session, learner, attempt_id, now + timedelta(hours=1))
    classes.update_assignment(session, teacher, a.id, opens_at=a.opens_at,
                              closes_at=now + timedelta(hours=2), now=now)
    assert not shown(session, learner, attempt_id, now + timedelta(hours=1))
    assert shown(session, learner, attempt_id, now + timedelta(hours=3))
    retry = quiz.retry_wrong(session, learner, attempt_id, now=now + timedelta(hours=3))
    assert retry.question_count == 2


@pytest.mark.parametrize("closes", [None, 1])
def test_review_never_never_shows_them(session, teacher, now, closes):
    closes_at = None if closes is None else now + timedelta(hours=closes)
    learner, _, attempt_id, submitted = taken(session, teacher, now, review="never",
                                              closes_at=closes_at)
    assert submitted["withheld"] is True and submitted["score"] == 0.25
    assert not shown(session, learner, attempt_id, now + timedelta(days=400))
    full = quiz.results(session, learner, attempt_id, now, full=True)  # the instructor's view
    assert len(full["questions"]) == 3


def test_after_submit_shows_them_at_once(session, teacher, now):
    learner, _, attempt_id, submitted = taken(session, teacher, now, review="after_submit",
                                              closes_at=None)
    assert submitted["withheld"] is False and len(submitted["questions"]) == 3
