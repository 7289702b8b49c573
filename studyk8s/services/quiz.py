"""Practice quizzes and timed exams: start, save answers, submit, results, retry, history
(readiness: services/readiness.py). Owns its transactions (every write here commits or rolls
back).

Questions are generated (pure, seeded) from the facts in scope and snapshotted as JSON in the
attempt, so later note edits and re-imports never change an attempt. The server owns the
exam clock: answers are accepted until ``deadline + GRACE``; after that, the first read or
write of the attempt closes it with what was saved (no background worker needed).

Writes take the attempt row first (a conditional UPDATE that only matches an open attempt of
this learner): a save and a submit are serialised on that row, so an answer is either saved
before grading or refused, and grading happens exactly once.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..persistence.engine import write_transaction
from ..persistence.models import (
    Card,
    CardState,
    Fact,
    Note,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    User,
)
from ..quiz import gate
from ..quiz import kinds as qkinds
from ..quiz.attempt import (
    DEFAULT_PASS_MARK,
    EXAM,
    GRACE,
    MODES,
    PRACTICE,
    grade,
    is_expired,
    open_until,
    parse_weights,
    remaining_ms,
)
from ..quiz.generate import KIND_NAMES, generate
from ..quiz.model import QFact, Question, ResponseError
from ..srs import State
from .errors import Conflict, NotFound, ServiceError

MAX_QUESTIONS = 200
DEFAULT_COUNT = {PRACTICE: 10, EXAM: 20}
DEFAULT_TIME_LIMIT_MIN = 30
MAX_TIME_LIMIT_MIN = 600
HISTORY_LIMIT = 100


# --- facts in scope ------------------------------------------------------------------------


def _qfact(row) -> QFact:
    data = row.data or {}
    return QFact(
        key=row.key, kind=row.kind, term=row.term, deck=row.path, line=row.line, lang=row.lang,
        definition=row.definition or "", aliases=tuple(data.get("aliases") or ()),
        items=tuple(data.get("items") or ()), group=row.group or "",
        section=tuple(row.section.split(" > ")) if row.section else (),
        parent=data.get("parent") or "", cloze=data.get("cloze") or "", fact_id=row.id,
        deck_title=row.title,
    )


def load_facts(session: Session, decks: Sequence[int] | None = None) -> list[QFact]:
    """Active facts of the given decks (default: all), in note order."""
    q = (select(Fact.id, Fact.key, Fact.kind, Fact.term, Fact.definition, Fact.group,
                Fact.section, Fact.line, Fact.data, Note.path, Note.lang, Note.title)
         .join(Note, Note.id == Fact.note_id)
         .where(Fact.retired_at.is_(None), Note.retired_at.is_(None))
         .order_by(Note.path, Fact.position))
    if decks:
        q = q.where(Note.id.in_(list(decks)))
    return [_qfact(r) for r in session.execute(q)]


def askable_facts(session: Session, decks: Sequence[int] | None = None) -> gate.Screening:
    """The facts questions can be made from (and why each other one cannot): the one count
    of askable facts shown on import, on the quiz page and in readiness."""
    return gate.askable(load_facts(session, decks))


def scope_options(session: Session) -> list[dict[str, Any]]:
    """The decks and their topics (heading paths and labelled lists), with counts of askable
    facts, for the start form."""
    notes = session.execute(
        select(Note.id, Note.path, Note.title, Note.lang).where(Note.retired_at.is_(None))
        .order_by(Note.path)).all()
    facts = load_facts(session)
    screening = gate.askable(facts)
    ids = {n.path: n.id for n in notes}
    topics: dict[int, dict[str, int]] = {}
    counts: dict[int, int] = {}
    skipped: dict[int, int] = {}
    for f in facts:
        note_id = ids.get(f.deck)
        if f.key in screening.reasons and note_id is not None:
            skipped[note_id] = skipped.get(note_id, 0) + 1
    for f in screening.ok:
        note_id = ids.get(f.deck)
        if note_id is None:
            continue
        counts[note_id] = counts.get(note_id, 0) + 1
        parts = list(f.topic_parts) if (f.section or f.group or f.parent) else []
        seen = topics.setdefault(note_id, {})
        for depth in range(1, len(parts) + 1):
            key = " > ".join(parts[:depth])
            seen[key] = seen.get(key, 0) + 1
    return [{"id": n.id, "path": n.path, "title": n.title, "lang": n.lang,
             "facts": counts.get(n.id, 0), "skipped": skipped.get(n.id, 0),
             "topics": [{"name": k, "depth": k.count(" > "), "facts": v}
                        for k, v in topics.get(n.id, {}).items()]}
            for n in notes]


# --- validation ----------------------------------------------------------------------------


def _int_in(value: Any, name: str, lo: int, hi: int) -> int:
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise ServiceError("quiz.must_whole_number",
            "{name} must be a whole number",
            name=name) from None
    if not lo <= v <= hi:
        raise ServiceError("quiz.must_between",
            "{name} must be between {lo} and {hi}",
            name=name, lo=lo, hi=hi)
    return v


def _pass_mark(value: Any) -> float:
    if value is None or value == "":
        return DEFAULT_PASS_MARK
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ServiceError("quiz.pass_mark_must_number", "the pass mark must be a number") from None
    if v > 1:
        v /= 100  # given as a percentage
    if not 0 < v <= 1:
        raise ServiceError("quiz.pass_mark_must_between",
            "the pass mark must be between 1 % and 100 %")
    return round(v, 4)


def _weights(value: Any) -> dict[str, float] | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = parse_weights(value)
        except ValueError as exc:
            raise ServiceError("quiz.topic_weights", "topic weights: {exc}", exc=exc) from None
    if not isinstance(value, dict):
        raise ServiceError("quiz.topic_weights_must_map",
            "topic weights must map topics to numbers")
    out = {}
    for k, v in value.items():
        try:
            w = float(v)
        except (TypeError, ValueError):
            raise ServiceError("quiz.topic_weight_must_number",
                "topic weight of {k!r} must be a number",
                k=k) from None
        if not 0 <= w <= 1000 or not str(k).strip():
            raise ServiceError("quiz.topic_weight_must_between",
                "topic weight of {k!r} must be between 0 and 1000",
                k=k)
        out[" > ".join(p.strip() for p in str(k).split(">"))] = w
    return out if any(out.values()) else None


def _strings(value: Any, name: str) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ServiceError("quiz.must_list_names", "{name} must be a list of names", name=name)
    return [" > ".join(p.strip() for p in v.split(">")) for v in value if v.strip()]


def _deck_ids(session: Session, value: Any) -> list[int]:
    if not value:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    try:
        ids = sorted({int(v) for v in value})
    except (TypeError, ValueError):
        raise ServiceError("quiz.decks_must_deck_ids", "decks must be deck ids") from None
    found = set(session.scalars(select(Note.id).where(Note.id.in_(ids),
                                                      Note.retired_at.is_(None))))
    if missing := [i for i in ids if i not in found]:
        raise ServiceError("quiz.unknown_deck_s",
            "unknown deck(s): {value}",
            value=', '.join(map(str, missing)))
    return ids


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
            value=', '.join(bad))
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


def view(session: Session, user: User, attempt_id: int, now: datetime) -> dict[str, Any]:
    """Everything the attempt page needs to (re)start: the questions (without answers), the
    saved responses, and the server's clock. Practice attempts include feedback for what was
    already answered."""
    attempt = _get(session, user, attempt_id)
    _refresh_expired(session, user, attempt, now)
    questions = _questions(session, attempt.id)
    answers = _answers(session, attempt.id)
    items = []
    for pos, (qid, q) in enumerate(questions):
        item = {"position": pos, **q.public(), **_rendered(q)}
        a = answers.get(qid)
        item["saved"] = None if a is None else {"response": a.response, "revision": a.revision}
        if attempt.mode == PRACTICE and a is not None and a.response is not None:
            item["feedback"] = _feedback(q, a.response)
        items.append(item)
    return {
        "id": attempt.id, "mode": attempt.mode, "status": _status(attempt),
        "closed_by": attempt.closed_by, "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline), "server_now": now.isoformat(),
        "remaining_ms": remaining_ms(attempt.deadline, now),
        "grace_ms": int(GRACE.total_seconds() * 1000) if attempt.deadline else None,
        "pass_mark": attempt.settings.get("pass_mark", DEFAULT_PASS_MARK),
        "count": attempt.question_count,
        "answered": sum(1 for a in answers.values() if a.response is not None),
        "questions": items, "set": attempt.settings.get("set"),
    }


def _rendered(q: Question) -> dict[str, Any]:
    """Instructor-written questions (quiz sets) are Markdown: their sanitised HTML."""
    if not q.meta.get("markdown"):
        return {}
    from ..render import to_html

    return {"prompt_html": to_html(q.prompt)}


def withheld(attempt: QuizAttempt, now: datetime) -> bool:
    """Whether a quiz set keeps this attempt's right answers from the learner for now (its
    review setting: after_submit, after_close or never)."""
    review = attempt.settings.get("review")
    if review == "never":
        return True
    if review == "after_close":
        after = attempt.settings.get("review_after")
        return after is not None and now < datetime.fromisoformat(after)
    return False


def _feedback(q: Question, response: Any) -> dict[str, Any]:
    r = qkinds.check(q, response)
    note_path, _, line = q.source.rpartition(":")
    return {**r.to_dict(), "answer": qkinds.answer_text(q), "key": q.answer,
            "given": qkinds.response_text(q, response), "source": q.source,
            "note_path": note_path, "line": int(line) if line.isdigit() else 0}


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
    hidden = not full and withheld(attempt, now)
    if hidden:
        items, wrong = [], []
    return {
        "withheld": hidden, "set": attempt.settings.get("set"),
        "id": attempt.id, "mode": attempt.mode, "status": "closed",
        "closed_by": attempt.closed_by, "started_at": _iso(attempt.started_at),
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
    if withheld(attempt, now):
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
             "started_at": _iso(a.started_at), "submitted_at": _iso(a.submitted_at),
             "deadline": _iso(a.deadline), "count": a.question_count, "answered": n,
             "score": a.score, "passed": a.passed,
             "pass_mark": a.settings.get("pass_mark", DEFAULT_PASS_MARK),
             "decks": a.scope.get("titles", []), "sections": a.scope.get("sections", []),
             "retry_of": a.retry_of, "remaining_ms": remaining_ms(a.deadline, now)
             if a.submitted_at is None else None}
            for a, n in rows]
