"""An attempt from start to submit: generating and storing it (questions snapshotted), the
page's view of it with the server's clock, and saving answers on the locked attempt row. The
writes a learner makes while the attempt is open."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import QuizAnswer, QuizAttempt, QuizQuestion, User
from ...quiz import kinds as qkinds
from ...quiz.attempt import (
    DEFAULT_PASS_MARK,
    EXAM,
    GRACE,
    MODES,
    PRACTICE,
    is_expired,
    remaining_ms,
)
from ...quiz.generate import KIND_NAMES, generate
from ...quiz.model import Question, ResponseError
from ..errors import Conflict, NotFound, ServiceError
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
)
from .scope import _deck_ids, _int_in, _pass_mark, _strings, _weights, load_facts

MAX_QUESTIONS = 200
DEFAULT_COUNT = {PRACTICE: 10, EXAM: 20}
DEFAULT_TIME_LIMIT_MIN = 30
MAX_TIME_LIMIT_MIN = 600


# --- starting ------------------------------------------------------------------------------


def start(session: Session, user: User, *, mode: str = PRACTICE, decks: Any = None,
          sections: Any = None, count: Any = None, time_limit_min: Any = None,
          pass_mark: Any = None, weights: Any = None, kinds: Any = None,
          review_forward: bool = True, seed: int | None = None,
          now: datetime) -> QuizAttempt:
    """Generate and store a new attempt. ``seed`` defaults to a fresh random one (stored, so
    the same facts rebuild the same questions)."""
    if mode not in MODES:
        raise ServiceError("quiz.mode_must_one",
            "mode must be one of {value}",
            value=', '.join(MODES))
    count = _int_in(count if count not in (None, "") else DEFAULT_COUNT[mode],
                    "the number of questions", 1, MAX_QUESTIONS)
    limit = None
    if mode == EXAM:
        limit = _int_in(time_limit_min if time_limit_min not in (None, "")
                        else DEFAULT_TIME_LIMIT_MIN, "the time limit (minutes)", 1,
                        MAX_TIME_LIMIT_MIN)
    mark = _pass_mark(pass_mark)
    weights = _weights(weights)
    kinds = _strings(kinds, "question kinds")
    if bad := [k for k in kinds if k not in KIND_NAMES]:
        raise ServiceError("quiz.unknown_question_kind_s",
            "unknown question kind(s): {value}",
            value=', '.join(bad), n=len(bad))
    deck_ids = _deck_ids(session, decks)
    sections = _strings(sections, "sections")
    seed = secrets.randbelow(2**31) if seed is None else _int_in(seed, "seed", 0, 2**31 - 1)
    facts = load_facts(session, deck_ids)
    questions = generate(facts, count, seed, kinds=kinds or None, weights=weights,
                         topics=sections or None)
    session.rollback()  # end the read transaction: the write below starts a fresh one
    if not questions:
        raise ServiceError("quiz.no_questions_made_selection",
            "no questions can be made from this selection: choose more decks or sections")
    settings = {"count": count, "time_limit_min": limit, "pass_mark": mark,
                "weights": weights, "kinds": kinds, "review_forward": bool(review_forward)}
    asked = {k for q in questions for k in q.facts}
    scope = {"decks": deck_ids, "sections": sections,
             "titles": sorted({f.deck_title for f in facts if f.key in asked})}
    return _store(session, user, mode=mode, scope=scope, settings=settings, seed=seed,
                  questions=questions, now=now, limit=limit)


def _store(session: Session, user: User, *, mode: str, scope: dict, settings: dict, seed: int,
           questions: Sequence[Question], now: datetime, limit: int | None,
           retry_of: int | None = None, deadline: datetime | None = None,
           before_commit: Callable[[Session, QuizAttempt], None] | None = None
           ) -> QuizAttempt:
    """Insert the attempt and its snapshotted questions in one transaction. ``deadline``
    overrides ``now + limit`` (a quiz set's close time); ``before_commit`` may add rows that
    belong with the attempt, or raise to refuse it (quiz sets count attempts there)."""
    with write_transaction(session):
        if deadline is None and limit:
            deadline = now + timedelta(minutes=limit)
        attempt = QuizAttempt(
            user_id=user.id, mode=mode, scope=scope, settings=settings, seed=seed,
            retry_of=retry_of, question_count=len(questions), started_at=now,
            deadline=deadline, result={}, version=0)
        session.add(attempt)
        session.flush()
        session.add_all(QuizQuestion(attempt_id=attempt.id, position=i, kind=q.kind,
                                     topic=q.topic[:800], data=q.to_dict())
                        for i, q in enumerate(questions))
        if before_commit is not None:
            before_commit(session, attempt)
        return attempt


# --- the attempt page ----------------------------------------------------------------------


def view(session: Session, user: User, attempt_id: int, now: datetime) -> dict[str, Any]:
    """Everything the attempt page needs to (re)start: the questions (without answers), the
    saved responses, and the server's clock. Practice attempts include feedback for what was
    already answered."""
    attempt = _get(session, user, attempt_id)
    _refresh_expired(session, user, attempt, now)
    questions = _questions(session, attempt.id)
    answers = _answers(session, attempt.id)
    flagged = _flagged(session, attempt.id)
    items = []
    for pos, (qid, q) in enumerate(questions):
        item = {"position": pos, **q.public(), **_rendered(q), "flagged": qid in flagged}
        a = answers.get(qid)
        item["saved"] = None if a is None else {"response": a.response, "revision": a.revision}
        if attempt.mode == PRACTICE and a is not None and a.response is not None:
            item["feedback"] = _feedback(q, a.response)
        items.append(item)
    return {
        "id": attempt.id, "mode": attempt.mode, "status": _status(attempt),
        "closed_by": attempt.closed_by, "ended": ended(attempt),
        "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline), "server_now": now.isoformat(),
        "remaining_ms": remaining_ms(attempt.deadline, now),
        "grace_ms": int(GRACE.total_seconds() * 1000) if attempt.deadline else None,
        "pass_mark": attempt.settings.get("pass_mark", DEFAULT_PASS_MARK),
        "count": attempt.question_count,
        "answered": sum(1 for a in answers.values() if a.response is not None),
        "questions": items, "set": attempt.settings.get("set"),
    }


def _flagged(session: Session, attempt_id: int) -> set[int]:
    return set(session.scalars(select(QuizQuestion.id).where(
        QuizQuestion.attempt_id == attempt_id, QuizQuestion.flagged.is_(True))))


def summary(session: Session, user: User, attempt_id: int, now: datetime) -> dict[str, Any]:
    """Moodle's "summary of attempt": each question answered or not, and flagged or not,
    before the final submit (no answers or verdicts)."""
    state = view(session, user, attempt_id, now)
    rows = [{"position": q["position"], "topic": q["topic"], "flagged": q["flagged"],
             "answered": bool(q["saved"]) and q["saved"]["response"] not in (None, [])}
            for q in state["questions"]]
    return {**{k: v for k, v in state.items() if k != "questions"}, "rows": rows,
            "unanswered": sum(1 for r in rows if not r["answered"]),
            "flagged": sum(1 for r in rows if r["flagged"])}


def set_flag(session: Session, user: User, attempt_id: int, position: int, flagged: Any, *,
             now: datetime) -> dict[str, Any]:
    """Flag (or unflag) one question of an open attempt to come back to it."""
    if not isinstance(flagged, bool):
        raise ServiceError("quiz.flag_not_boolean", "flagged must be true or false")
    with write_transaction(session):
        if not _claim_open(session, user, attempt_id, now):
            raise _refused(session, user, attempt_id, now)
        done = session.execute(
            update(QuizQuestion)
            .where(QuizQuestion.attempt_id == attempt_id, QuizQuestion.position == position)
            .values(flagged=flagged).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise NotFound("quiz.question_does_not_exist",
                           "question {position} does not exist in this attempt",
                           position=position)
    return {"position": position, "flagged": flagged}


# --- saving answers ------------------------------------------------------------------------


def _claim_open(session: Session, user: User, attempt_id: int, now: datetime) -> bool:
    """Lock the attempt row for this write if it is this learner's and still accepts answers
    (the first statement of the transaction, so SQLite takes the write lock at once)."""
    result = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id,
               QuizAttempt.submitted_at.is_(None),
               (QuizAttempt.deadline.is_(None)) | (QuizAttempt.deadline >= now - GRACE))
        .values(version=QuizAttempt.version + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _refused(session: Session, user: User, attempt_id: int, now: datetime) -> ServiceError:
    """Why a write was refused (closing the attempt if its time is up)."""
    session.rollback()
    attempt = _get(session, user, attempt_id)
    if attempt.submitted_at is None and is_expired(attempt.deadline, now):
        session.rollback()
        _close(session, user, attempt_id, now)
        return Conflict("quiz.time_up_attempt_was",
            "time is up: the attempt was closed with the answers saved before the deadline")
    return Conflict("quiz.attempt_already_submitted", "this attempt is already submitted")


def save_answer(session: Session, user: User, attempt_id: int, position: int, response: Any,
                *, now: datetime, revision: int | None = None) -> dict[str, Any]:
    """Save one response as given (saving again replaces it). In practice mode the first
    answer is final and its feedback is returned; a repeat returns the same feedback. In an
    exam nothing about correctness is returned until the attempt closes."""
    try:
        with write_transaction(session):
            if not _claim_open(session, user, attempt_id, now):
                raise _refused(session, user, attempt_id, now)
            attempt = session.get(QuizAttempt, attempt_id)
            row = session.execute(select(QuizQuestion.id, QuizQuestion.data).where(
                QuizQuestion.attempt_id == attempt_id, QuizQuestion.position == position)).first()
            if row is None:
                raise NotFound("quiz.question_does_not_exist",
                    "question {position} does not exist in this attempt",
                    position=position)
            qid, data = row
            q = Question.from_dict(data)
            try:
                cleaned = qkinds.clean(q, response)
            except ResponseError as exc:
                raise ServiceError("quiz.refused", "{reason}", reason=str(exc)) from None
            revision = 0 if revision is None else _int_in(revision, "revision", 0, 2**31 - 1)
            existing = session.scalar(select(QuizAnswer).where(
                QuizAnswer.attempt_id == attempt_id, QuizAnswer.question_id == qid))
            practice = attempt.mode == PRACTICE
            out: dict[str, Any] = {"position": position, "saved_at": now.isoformat()}
            if existing is not None and (practice and existing.response is not None
                                         or existing.revision > revision):
                # Practice answers are final; an older revision arriving late changes nothing.
                out.update(duplicate=True, revision=existing.revision, response=existing.response)
                if practice:
                    out["feedback"] = _feedback(q, existing.response)
                return out
            result = qkinds.check(q, cleaned)
            if existing is None:
                existing = QuizAnswer(attempt_id=attempt_id, question_id=qid)
                session.add(existing)
            existing.response, existing.revision, existing.saved_at = cleaned, revision, now
            existing.correct, existing.score = result.correct, result.score
            session.flush()
            out.update(duplicate=False, revision=revision, response=cleaned)
            if practice and cleaned is not None:
                out["feedback"] = _feedback(q, cleaned)
            out["answered"] = session.scalar(select(func.count(QuizAnswer.id)).where(
                QuizAnswer.attempt_id == attempt_id, QuizAnswer.response.is_not(None)))
            if attempt.deadline is not None:
                out["remaining_ms"] = remaining_ms(attempt.deadline, now)
            return out
    except IntegrityError:  # two first saves of one question raced: the other one won
        raise ServiceError("quiz.answer_was_saved_same",
            "this answer was saved at the same time from elsewhere; save it again") from None
