"""After the attempt: submitting it, its results (withheld while a quiz set says so), a
retry of the wrong answers as a new attempt, and the learner's history of attempts."""

from __future__ import annotations

import random
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...persistence.models import QuizAnswer, QuizAttempt, User
from ...quiz import kinds as qkinds
from ...quiz.attempt import DEFAULT_PASS_MARK, EXAM, MODES, PRACTICE, remaining_ms
from ..errors import Conflict, ServiceError
from .attempts import DEFAULT_TIME_LIMIT_MIN, _store
from .grading import (
    _answers,
    _close,
    _feedback,
    _get,
    _iso,
    _questions,
    _refresh_expired,
    _rendered,
    _status,
    ended,
    expire_due,
    withheld,
)

HISTORY_LIMIT = 100


# --- submit and results --------------------------------------------------------------------


def submit(session: Session, user: User, attempt_id: int, *, now: datetime) -> dict[str, Any]:
    """Close and grade the attempt. Submitting again returns the same results (graded once)."""
    _get(session, user, attempt_id)
    session.rollback()
    first = _close(session, user, attempt_id, now)
    out = results(session, user, attempt_id, now)
    out["already_submitted"] = not first
    return out


def results(session: Session, user: User, attempt_id: int, now: datetime, *,
            full: bool = False) -> dict[str, Any]:
    """Score against the pass mark, per-topic breakdown, and every question with the given
    and the right answer and its source. Raises Conflict while the attempt is still open.

    A quiz set may withhold the questions and answers from the learner (``withheld``: only
    the score is returned); ``full`` is for the instructor, after their own access check."""
    attempt = _get(session, user, attempt_id)
    _refresh_expired(session, user, attempt, now)
    if attempt.submitted_at is None:
        raise Conflict("quiz.attempt_still_open_submit",
            "this attempt is still open: submit it to see the results")
    questions = _questions(session, attempt.id)
    answers = _answers(session, attempt.id)
    items = []
    for pos, (qid, q) in enumerate(questions):
        a = answers.get(qid)
        response = a.response if a else None
        items.append({"position": pos, **q.public(), **_rendered(q), "response": response,
                      **_feedback(q, response)})
    wrong = [i for i in items if not i["correct"]]
    hidden = not full and withheld(session, attempt, now)
    if hidden:
        items, wrong = [], []
    return {
        "withheld": hidden, "set": attempt.settings.get("set"),
        "id": attempt.id, "mode": attempt.mode, "status": "closed",
        "closed_by": attempt.closed_by, "ended": ended(attempt),
        "started_at": _iso(attempt.started_at),
        "submitted_at": _iso(attempt.submitted_at), "deadline": _iso(attempt.deadline),
        "score": attempt.score, "points": attempt.points, "passed": attempt.passed,
        "pass_mark": attempt.settings.get("pass_mark", DEFAULT_PASS_MARK),
        "count": attempt.question_count, "correct": attempt.result.get("correct", 0),
        "topics": attempt.result.get("topics", []),
        "forwarded_cards": attempt.result.get("forwarded_cards", 0),
        "retry_of": attempt.retry_of, "questions": items, "wrong": wrong,
    }


# --- retry, history ------------------------------------------------------------------------


def retry_wrong(session: Session, user: User, attempt_id: int, *, now: datetime,
                mode: str = PRACTICE, seed: int | None = None) -> QuizAttempt:
    """A new attempt made of the questions answered wrongly (or not at all), with their
    choices reshuffled. An exam retry gets the same time per question as the original."""
    if mode not in MODES:
        raise ServiceError("quiz.mode_must_one",
            "mode must be one of {value}",
            value=', '.join(MODES))
    attempt = _get(session, user, attempt_id)
    _refresh_expired(session, user, attempt, now)
    if attempt.submitted_at is None:
        raise Conflict("quiz.submit_attempt_before_retrying",
            "submit this attempt before retrying its wrong answers")
    if withheld(session, attempt, now):
        raise ServiceError("quiz.answers_quiz_set_are",
            "the answers of this quiz set are not shown yet, so its wrong answers cannot be "
            "retried")
    questions = _questions(session, attempt.id)
    answers = _answers(session, attempt.id)
    wrong = [q for qid, q in questions
             if qid not in answers or not answers[qid].correct]
    session.rollback()
    if not wrong:
        raise ServiceError("quiz.nothing_retry_every_answer",
            "nothing to retry: every answer was right")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    rng = random.Random(seed)
    fresh = [qkinds.reshuffle(q, rng) for q in wrong]
    settings = dict(attempt.settings)
    # A retry is the learner's own practice, not an attempt at the quiz set: its results are
    # on the quiz pages, and it shows its answers (only allowed once the set's are shown).
    for key in ("set", "review_after"):
        settings.pop(key, None)
    settings["review"] = "after_submit"
    limit = None
    if mode == EXAM:
        old_limit = settings.get("time_limit_min") or DEFAULT_TIME_LIMIT_MIN
        per_question = old_limit / max(1, attempt.question_count)
        limit = max(1, round(per_question * len(fresh)))
    settings.update(count=len(fresh), time_limit_min=limit)
    return _store(session, user, mode=mode, scope=dict(attempt.scope), settings=settings,
                  seed=seed, questions=fresh, now=now, limit=limit, retry_of=attempt.id)


def history(session: Session, user: User, now: datetime,
            limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The learner's attempts, newest first (out-of-time ones are closed on the way)."""
    expire_due(session, user, now)
    answered = (select(QuizAnswer.attempt_id, func.count(QuizAnswer.id).label("n"))
                .where(QuizAnswer.response.is_not(None))
                .group_by(QuizAnswer.attempt_id).subquery())
    rows = session.execute(
        select(QuizAttempt, func.coalesce(answered.c.n, 0))
        .outerjoin(answered, answered.c.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(limit)).all()
    return [{"id": a.id, "mode": a.mode, "status": _status(a), "closed_by": a.closed_by,
             "ended": ended(a),
             "started_at": _iso(a.started_at), "submitted_at": _iso(a.submitted_at),
             "deadline": _iso(a.deadline), "count": a.question_count, "answered": n,
             "score": a.score, "passed": a.passed,
             "pass_mark": a.settings.get("pass_mark", DEFAULT_PASS_MARK),
             "decks": a.scope.get("titles", []), "sections": a.scope.get("sections", []),
             "retry_of": a.retry_of, "remaining_ms": remaining_ms(a.deadline, now)
             if a.submitted_at is None else None}
            for a, n in rows]
