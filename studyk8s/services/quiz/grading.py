"""One stored attempt read back (its questions, its answers, each answer's feedback) and
closed: graded exactly once, with wrong answers' review cards brought forward. Below the
other modules because every read and write of an attempt may close it first: the first touch
of an out-of-time attempt closes it with what was saved (no background worker needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import (
    Assignment,
    Card,
    CardState,
    Fact,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    User,
)
from ...quiz import kinds as qkinds
from ...quiz.attempt import DEFAULT_PASS_MARK, GRACE, grade, is_expired, open_until
from ...quiz.model import Question
from ...srs import State
from ..errors import NotFound

# --- reading -------------------------------------------------------------------------------


def _get(session: Session, user: User, attempt_id: int) -> QuizAttempt:
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:  # another learner's attempt: not here
        raise NotFound("quiz.attempt_does_not_exist",
            "attempt {attempt_id} does not exist",
            attempt_id=attempt_id)
    return attempt


def _questions(session: Session, attempt_id: int) -> list[tuple[int, Question]]:
    rows = session.execute(select(QuizQuestion.id, QuizQuestion.data)
                           .where(QuizQuestion.attempt_id == attempt_id)
                           .order_by(QuizQuestion.position)).all()
    return [(qid, Question.from_dict(data)) for qid, data in rows]


def _answers(session: Session, attempt_id: int) -> dict[int, QuizAnswer]:
    return {a.question_id: a for a in session.scalars(
        select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id))}


def _status(attempt: QuizAttempt) -> str:
    return "open" if attempt.submitted_at is None else "closed"


def ended(attempt: QuizAttempt) -> str | None:
    """How a closed attempt ended: "submitted" by the learner, "timeout" (its time limit ran
    out) or "closed" (the assignment's close time, set by the instructor, came first)."""
    if attempt.submitted_at is None:
        return None
    if attempt.closed_by != "timeout":
        return "submitted"
    return "closed" if attempt.settings.get("deadline_by") == "close" else "timeout"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def expire_due(session: Session, user: User, now: datetime) -> int:
    """Close (and grade) every open attempt of ``user`` past its deadline and grace."""
    ids = list(session.scalars(
        select(QuizAttempt.id).where(QuizAttempt.user_id == user.id,
                                     QuizAttempt.submitted_at.is_(None),
                                     QuizAttempt.deadline.is_not(None),
                                     QuizAttempt.deadline < now - GRACE)))
    session.rollback()
    closed = 0
    for attempt_id in ids:
        closed += _close(session, user, attempt_id, now)
    return closed


def _refresh_expired(session: Session, user: User, attempt: QuizAttempt, now: datetime) -> None:
    """Lazy close: a read of an out-of-time attempt closes it first."""
    if attempt.submitted_at is None and is_expired(attempt.deadline, now):
        attempt_id = attempt.id
        session.rollback()
        _close(session, user, attempt_id, now)
        session.refresh(attempt)


def _rendered(q: Question) -> dict[str, Any]:
    """Instructor-written questions (quiz sets) are Markdown: their sanitised HTML."""
    if not q.meta.get("markdown"):
        return {}
    from ...render import to_html

    return {"prompt_html": to_html(q.prompt)}


def withheld(session: Session, attempt: QuizAttempt, now: datetime) -> bool:
    """Whether a quiz set keeps this attempt's right answers from the learner for now (its
    review setting: after_submit, after_close or never). "after_close" is decided from the
    assignment as it is now, not as it was when the attempt started: a close time moved
    later keeps the answers hidden, and an assignment with no close time never shows them
    (other learners may still be taking it)."""
    review = attempt.settings.get("review")
    if review == "never":
        return True
    if review == "after_close":
        closes = _closes_at(session, attempt)
        return closes is None or now < closes
    return False


def _closes_at(session: Session, attempt: QuizAttempt) -> datetime | None:
    """The current close time of the assignment the attempt was taken for (a retry carries
    its original's settings, so the same assignment); without one, the time recorded at
    the start."""
    assignment_id = (attempt.settings.get("set") or {}).get("assignment_id")
    if assignment_id is not None:
        return session.scalar(select(Assignment.closes_at)
                              .where(Assignment.id == assignment_id))
    after = attempt.settings.get("review_after")
    return datetime.fromisoformat(after) if after else None


def _feedback(q: Question, response: Any) -> dict[str, Any]:
    r = qkinds.check(q, response)
    note_path, _, line = q.source.rpartition(":")
    return {**r.to_dict(), "answer": qkinds.answer_text(q), "key": q.answer,
            "given": qkinds.response_text(q, response), "source": q.source,
            "note_path": note_path, "line": int(line) if line.isdigit() else 0}


# --- closing and grading -------------------------------------------------------------------


def _close(session: Session, user: User, attempt_id: int, now: datetime) -> bool:
    """Close and grade the attempt once: returns False if it was already closed. A close after
    the deadline's grace is a timeout, dated at the end of the grace."""
    with write_transaction(session):
        attempt = None
        deadline = session.scalar(select(QuizAttempt.deadline).where(
            QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id))
        timed_out = is_expired(deadline, now)
        at = open_until(deadline) if timed_out else now
        claimed = session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id,
                   QuizAttempt.submitted_at.is_(None))
            .values(submitted_at=at, closed_by="timeout" if timed_out else "submit",
                    version=QuizAttempt.version + 1)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return False
        attempt = session.get(QuizAttempt, attempt_id)
        session.refresh(attempt)
        questions = _questions(session, attempt_id)
        answers = _answers(session, attempt_id)
        responses = {i: answers[qid].response for i, (qid, _) in enumerate(questions)
                     if qid in answers}
        g = grade([q for _, q in questions], responses,
                  attempt.settings.get("pass_mark", DEFAULT_PASS_MARK))
        attempt.points = round(g.points, 4)
        attempt.score = round(g.score, 4)
        attempt.passed = g.passed
        forwarded = 0
        wrong_facts = [k for (_, q), r in zip(questions, g.results, strict=True)
                       if not r.correct for k in q.facts]
        if attempt.settings.get("review_forward", True) and wrong_facts:
            forwarded = _bring_forward(session, user, wrong_facts, at)
        attempt.result = {"topics": [t.to_dict() for t in g.topics], "correct": g.correct,
                          "total": g.total, "forwarded_cards": forwarded}
        return True


def _bring_forward(session: Session, user: User, fact_keys: Sequence[str], at: datetime) -> int:
    """Make the learner's review cards of these facts due now (a wrong answer is a lapse the
    scheduler should hear about soon). Bumps each card's version so a stale review tab is
    refused rather than overwriting the change."""
    card_ids = select(Card.id).join(Fact, Fact.id == Card.fact_id).where(
        Fact.key.in_(sorted(set(fact_keys))), Card.retired_at.is_(None))
    result = session.execute(
        update(CardState)
        .where(CardState.user_id == user.id, CardState.card_id.in_(card_ids),
               CardState.state == int(State.REVIEW), CardState.suspended.is_(False),
               CardState.due > at)
        .values(due=at, version=CardState.version + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0
