"""Readiness on the shared note, through the real review and quiz services: what a learner
sees after one first-day session, after quizzes answered mostly wrong or right, and when they
set an exam date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import Card, CardState, QuizQuestion
from studyk8s.quiz.model import Question
from studyk8s.services import errors, quiz, review
from studyk8s.services import readiness as service
from studyk8s.services.content import import_notes
from studyk8s.services.users import create_user, update_settings
from studyk8s.srs import readiness as model


@pytest.fixture
def learner(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    create_user(session, "admin@example.com", "kube-study-4471", now=now)
    return create_user(session, "learner@example.com", "kube-study-4471", now=now)


def first_day_session(session, user, now):
    """Every card seen once and once more ten minutes later, rated Good: one first-day
    session (the scheduler's retrievability is then 1 for every card)."""
    ids = session.scalars(select(Card.id).where(Card.retired_at.is_(None))
                          .order_by(Card.id)).all()
    for step, at in enumerate((now, now + timedelta(minutes=10))):
        for card_id in ids:
            version = session.scalar(select(CardState.version).where(
                CardState.card_id == card_id, CardState.user_id == user.id)) or 0
            review.answer(session, user, card_id=card_id, rating=3, version=version,
                          client_id=f"first-day-{card_id}-{step}", now=at)
    return now + timedelta(minutes=30)


def wrong_response(q: Question):
    if q.kind == "single":
        return (q.answer + 1) % len(q.choices)
    if q.kind == "multiple":
        return [i for i in range(len(q.choices)) if i not in q.answer][:1]
    if q.kind == "true_false":
        return not q.answer
    if q.kind == "matching":
        return [(a + 1) % len(q.choices) for a in q.answer]
    return "definitely not it"


def take_quiz(session, user, at, *, right: int, count: int = 20, seed: int = 1):
    """A practice quiz where the first ``right`` answers are right and the rest wrong."""
    attempt = quiz.start(session, user, mode="practice", count=count, seed=seed, now=at)
    questions = [Question.from_dict(d) for d in session.scalars(
        select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt.id)
        .order_by(QuizQuestion.position))]
    for i, q in enumerate(questions):
        response = q.answer if i < right else wrong_response(q)
        quiz.save_answer(session, user, attempt.id, i, response, now=at)
    quiz.submit(session, user, attempt.id, now=at)
    return len(questions)


def test_never_studied_is_unknown_not_zero_and_not_ready(session, learner, now):
    r = service.readiness(session, learner, now)
    assert r["studied"] == 0 and r["facts"] > 25 and r["answers"] == 0
    assert r["predicted"] == pytest.approx(0.25)  # the unknown prior: not 0, not 1
    assert r["verdict"] == model.NOT_ENOUGH_EVIDENCE and not r["ready"]
    assert r["exam_date"] is None and r["days_left"] is None


def test_one_first_day_session_is_not_ready(session, learner, now):
    at = first_day_session(session, learner, now)
    r = service.readiness(session, learner, at)
    assert r["studied"] == r["facts"] and r["naive"] == 1.0  # what used to say "ready, 100 %"
    assert r["verdict"] == model.NOT_ENOUGH_EVIDENCE and not r["ready"]
    assert r["predicted"] < 0.85 and r["low"] < r["pass_mark"]
    assert r["reviews"] >= 2 * r["facts"] and r["needed"] == model.MIN_ANSWERS


def test_quizzes_answered_mostly_wrong_fall_below_the_pass_mark(session, learner, now):
    at = first_day_session(session, learner, now)
    asked = take_quiz(session, learner, at, right=6, seed=1)  # 30 %
    asked += take_quiz(session, learner, at + timedelta(minutes=20), right=2, seed=2)  # 10 %
    r = service.readiness(session, learner, at + timedelta(hours=1))
    assert r["answers"] == asked == 40
    assert r["predicted"] < r["pass_mark"] and r["high"] < 0.66
    assert r["verdict"] == model.NOT_READY and not r["ready"]


def test_quizzes_answered_right_make_ready_and_the_exam_date_changes_the_forecast(
        session, learner, now):
    at = first_day_session(session, learner, now)
    take_quiz(session, learner, at, right=20, seed=1)
    take_quiz(session, learner, at + timedelta(minutes=20), right=20, seed=2)
    today = service.readiness(session, learner, at + timedelta(hours=1))
    assert today["verdict"] == model.READY and today["low"] >= today["pass_mark"]
    # an exam in 30 days, with no reviews in between: memory decays, the forecast follows
    update_settings(session, learner, {"exam_date": (now + timedelta(days=30)).date()})
    later = service.readiness(session, learner, at + timedelta(hours=1))
    assert later["exam_date"] == "2026-02-04" and later["days_left"] == 30
    assert later["predicted"] < today["predicted"] - 0.05 and later["naive"] < today["naive"]
    # every answer came right after reviewing: a month of forgetting is not covered by them
    assert later["verdict"] == model.NOT_ENOUGH_EVIDENCE and not later["covered"]
    # a date passed in overrides the setting; a date that has passed is reported and ignored
    assert service.readiness(session, learner, at, exam_date="2026-01-08")["days_left"] == 3
    past = service.readiness(session, learner, at, exam_date="2025-12-01")
    assert past["exam_date"] is None and past["exam_date_passed"] == "2025-12-01"
    with pytest.raises(errors.ServiceError, match="exam date"):
        service.readiness(session, learner, at, exam_date="next tuesday")


def test_answers_before_studying_are_evidence_about_unknown_facts(session, learner, now):
    """No peeking: a quiz taken before the reviews is paired with the state before them (none),
    so it does not count as evidence about studied facts."""
    take_quiz(session, learner, now, right=20, seed=1)
    first_day_session(session, learner, now + timedelta(minutes=5))
    r = service.readiness(session, learner, now + timedelta(hours=1))
    assert r["answers"] == 0 and r["verdict"] == model.NOT_ENOUGH_EVIDENCE
    cold = service.readiness(session, learner, now, sections=["插件"])
    assert cold["studied"] == 0 and cold["predicted"] > 0.5  # knew them all before studying


def test_scope_weakest_sections_and_open_exams(session, learner, now):
    plugins = service.readiness(session, learner, now, sections=["插件"], pass_mark=70)
    assert plugins["facts"] == 6 and plugins["pass_mark"] == 0.7
    at = first_day_session(session, learner, now)
    attempt = quiz.start(session, learner, mode="exam", count=5, seed=3, now=at)
    first = Question.from_dict(session.scalars(
        select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt.id)
        .order_by(QuizQuestion.position)).first())
    quiz.save_answer(session, learner, attempt.id, 0, first.answer, now=at)
    r = service.readiness(session, learner, at)
    assert r["answers"] == 0  # an open exam's answers may still change: not evidence yet
    assert len(r["weakest"]) == 3 and all(w["facts"] >= 1 for w in r["weakest"])
    preds = [w["predicted"] for w in r["weakest"]]
    assert preds == sorted(preds)
