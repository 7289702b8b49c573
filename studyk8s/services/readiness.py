"""Exam readiness of one learner: loads what the pure forecast (``srs.readiness``) needs and
returns it as a plain dict for the pages and the JSON API. Read-only.

What is loaded: the in-scope facts, the learner's current memory of each studied card, their
quiz and exam answers (the facts each question tested are in its snapshot, ``data["facts"]``,
as fact keys, which are stable across re-imports), and, for the cards of the facts those
answers tested, the review log up to the last answer, so each answer is paired with the card
states that held just before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..persistence.models import (
    Card,
    CardState,
    Fact,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    ReviewLog,
    User,
)
from ..quiz.attempt import PRACTICE
from ..quiz.model import QFact
from ..srs import CardMemory, State, study_day
from ..srs import readiness as model
from .errors import ServiceError
from .users import settings_of

EXAM_HOUR = 9  # an exam date is taken as that morning, local time
# The calibration uses the learner's latest answers only: recent answers say most about how
# they answer now, and the cost of a forecast (on the home page) stays bounded however long
# their history grows.
MAX_ANSWERS = 400
_CHUNK = 500  # ids per IN (...) list


def in_scope_facts(session: Session, deck_ids: Sequence[int],
                   sections: Sequence[str]) -> list[QFact]:
    """The facts readiness forecasts over: those a question can be asked about (the quiz
    page's count), narrowed to ``sections``."""
    from ..quiz.generate import split_by_weight
    from .quiz import askable_facts

    facts = askable_facts(session, deck_ids).ok  # the one count of askable facts
    if sections:
        buckets = split_by_weight(facts, dict.fromkeys(sections, 1.0))
        facts = [facts[i] for i in sorted({i for b in buckets.values() for i in b})]
    return facts


def exam_date_of(user: User) -> date | None:
    """The learner's exam date (a setting), or None."""
    value = settings_of(user).get("exam_date")
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _exam_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value

    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError("readiness.bad_exam_date",
                           "The exam date must be a date like 2026-12-24") from None


def _memory(row) -> CardMemory:
    return CardMemory(state=State(row.state), step=row.step, stability=row.stability,
                      difficulty=row.difficulty, due=row.due, last_review=row.last_review,
                      reps=row.reps, lapses=row.lapses)


def _chunks(ids: Sequence[Any]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _answers(session: Session, user: User) -> list[model.Answer]:
    """The learner's latest answered questions (``MAX_ANSWERS``) that tested facts. Exam
    answers count once the exam is closed (until then they may still change); practice
    answers are final when given."""
    rows = session.execute(  # only the snapshot's fact keys: not the whole question's JSON
        select(QuizAnswer.saved_at, QuizAnswer.score, QuizAnswer.correct,
               QuizQuestion.data["facts"])
        .join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.user_id == user.id, QuizAnswer.response.is_not(None),
               or_(QuizAttempt.mode == PRACTICE, QuizAttempt.submitted_at.is_not(None)))
        .order_by(QuizAnswer.saved_at.desc(), QuizAnswer.id.desc()).limit(MAX_ANSWERS))
    out = []
    for saved_at, score, correct, facts in rows:
        keys = tuple(facts or ())
        if keys:
            value = score if score is not None else (1.0 if correct else 0.0)
            out.append(model.Answer(saved_at, float(value), keys))
    return out


def _histories(session: Session, user: User, answers: Sequence[model.Answer]
               ) -> dict[str, list[list[model.Review]]]:
    """Per fact key asked: each of its cards' reviews (not undone) before the last answer."""
    keys = sorted({k for a in answers for k in a.facts})
    if not keys:
        return {}
    until = max(a.at for a in answers)
    card_fact: dict[int, str] = {}
    for chunk in _chunks(keys):
        for key, card_id in session.execute(select(Fact.key, Card.id).join(
                Card, Card.fact_id == Fact.id).where(Fact.key.in_(chunk))):
            card_fact[card_id] = key
    reviews: dict[int, list[model.Review]] = defaultdict(list)
    for chunk in _chunks(sorted(card_fact)):
        for card_id, at, after in session.execute(
                select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.state_after)
                .where(ReviewLog.user_id == user.id, ReviewLog.card_id.in_(chunk),
                       ReviewLog.undone_at.is_(None), ReviewLog.reviewed_at < until)
                .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)):
            if after:
                reviews[card_id].append(model.Review(at, CardMemory.from_dict(after)))
    out: dict[str, list[list[model.Review]]] = {k: [] for k in keys}
    for card_id, key in card_fact.items():
        out[key].append(reviews.get(card_id, []))
    return out


def readiness(session: Session, user: User, now: datetime, *, decks: Any = None,
              sections: Any = None, pass_mark: Any = None, exam_date: Any = None
              ) -> dict[str, Any]:
    """The forecast of the learner's score on their exam date (``exam_date``, else their
    setting; today when none is set or it has passed), with its interval, evidence, verdict,
    weakest sections and the study days left."""
    from .quiz.scope import _deck_ids, _pass_mark, _strings
    from .scheduling import scheduler_for

    deck_ids = _deck_ids(session, decks)
    sections = _strings(sections, "sections")
    mark = _pass_mark(pass_mark)
    scheduler = scheduler_for(user)
    cfg = scheduler.config
    chosen = _exam_date(exam_date) or exam_date_of(user)
    today = study_day(now, cfg.tz, cfg.rollover_hour)
    passed = chosen is not None and chosen < today
    when = chosen if chosen is not None and not passed else None
    at = now if when is None else max(now, datetime.combine(
        when, time(EXAM_HOUR), tzinfo=ZoneInfo(cfg.tz)))

    facts = in_scope_facts(session, deck_ids, sections)
    ids = {f.fact_id for f in facts if f.fact_id is not None}
    memories: dict[int, list[CardMemory]] = defaultdict(list)
    reviews = 0
    rows = session.execute(  # the learner's studied cards: one indexed scan, no id list
        select(Card.fact_id, CardState.state, CardState.step, CardState.stability,
               CardState.difficulty, CardState.due, CardState.last_review, CardState.reps,
               CardState.lapses)
        .join(Card, Card.id == CardState.card_id)
        .where(CardState.user_id == user.id, CardState.last_review.is_not(None),
               Card.retired_at.is_(None)))
    for row in rows:
        if row.fact_id in ids and row.stability is not None:
            memories[row.fact_id].append(_memory(row))
            reviews += row.reps
    answers = _answers(session, user)
    histories = _histories(session, user, answers)
    session.rollback()  # read-only: end the transaction
    calibration = model.calibrate(model.evidence(answers, histories, scheduler))
    fc = model.forecast(
        [model.FactNow(f.key, f.topic, tuple(memories.get(f.fact_id, ()))) for f in facts],
        calibration, scheduler, at=at, now=now, pass_mark=mark, reviews=reviews,
        exam_date_set=when is not None)
    return {
        "predicted": round(fc.predicted, 4), "low": round(fc.low, 4),
        "high": round(fc.high, 4), "p_pass": round(fc.p_pass, 4), "pass_mark": mark,
        "interval": model.INTERVAL, "verdict": fc.verdict, "ready": fc.ready,
        "facts": fc.facts, "studied": fc.studied, "answers": fc.answers,
        "reviews": fc.reviews, "needed": fc.needed, "min_answers": model.MIN_ANSWERS,
        "covered": fc.covered,
        "exam_questions": model.EXAM_QUESTIONS,
        "exam_date": when.isoformat() if when else None,
        "exam_date_passed": chosen.isoformat() if passed else None,
        "days_left": fc.days_left, "naive": round(fc.naive, 4),
        "weakest": [{"topic": s.topic, "predicted": round(s.predicted, 4), "facts": s.facts}
                    for s in fc.weakest],
    }
