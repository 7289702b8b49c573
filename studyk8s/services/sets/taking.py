"""Taking a set: questions drawn from a snapshot, attempts through the quiz service (the
attempt limit checked inside the write), the author's preview, and the instructor's list."""

from __future__ import annotations

import random
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...persistence.models import QuizAttempt, QuizSet, SetAttempt, SetQuestion, User
from ...quiz import kinds as qkinds
from ...quiz.model import Question
from ...sets.draw import draw_questions, signature
from ...sets.engine import to_question
from ...sets.model import (
    Item,
    Settings,
    entry_from_dict,
)
from ..errors import ServiceError
from .drafts import _draft_doc, draft_rows, get_set, is_author, status
from .publishing import deck_facts

# --- taking a set --------------------------------------------------------------------------


def build_questions(session: Session, snapshot: dict[str, Any], seed: int
                    ) -> list[Question]:
    """The questions of one attempt at a set version: written questions as the author wrote
    them, draws generated now from the decks' facts; answers and questions shuffled as the
    set says. Deterministic for a seed (and the same facts)."""
    settings = Settings.from_dict(snapshot.get("settings"))
    rng = random.Random(seed)
    taken: set[str] = set()
    title = snapshot.get("title", "")
    out: list[Question] = []
    for i, raw in enumerate(snapshot.get("entries", [])):
        entry = entry_from_dict(raw["data"], uid=raw["uid"])
        if isinstance(entry, Item):
            q = to_question(entry, topic=title, meta={"uid": entry.uid, "slot": entry.uid})
            out.append(q)
            continue
        facts = deck_facts(session, entry.deck) or []
        for q in draw_questions(facts, entry, seed + 7919 * (i + 1), taken):
            out.append(q.with_(points=entry.points,
                               meta={**q.meta, "uid": entry.uid, "slot": signature(q),
                                     "drawn": True}))
    if settings.shuffle_answers:
        out = [qkinds.reshuffle(q, rng) if q.kind in ("single", "multiple", "matching") else q
               for q in out]
    if settings.shuffle_questions:
        rng.shuffle(out)
    return out


def attempt_size(session: Session, snapshot: dict[str, Any]) -> int:
    """How many questions an attempt at ``snapshot`` has: a draw of 2 counts as 2 (fewer
    when the notes cannot make that many), as ``build_questions`` makes them."""
    return len(build_questions(session, snapshot, seed=0))


def preview_questions(session: Session, user: User, set_id: int, *, seed: int = 0
                      ) -> list[dict[str, Any]]:
    """The draft as a learner would get it (draws made now, answers not shuffled), with the
    right answers, for the author's preview."""
    qset = get_set(session, user, set_id)
    rows = draft_rows(session, qset)
    doc = _draft_doc(qset, rows)
    doc["settings"] = {**doc["settings"], "shuffle_answers": False, "shuffle_questions": False}
    out = []
    for q in build_questions(session, doc, seed):
        out.append({"question": q, "answer": qkinds.answer_text(q),
                    "drawn": bool(q.meta.get("drawn"))})
    return out


def attempt_settings(qset: QuizSet, snapshot: dict[str, Any], *, questions: int,
                     assignment_id: int | None, preview: bool,
                     review_after: datetime | None) -> tuple[dict[str, Any], dict[str, Any]]:
    s = Settings.from_dict(snapshot.get("settings"))
    settings = {"count": questions, "time_limit_min": s.time_limit_min,
                "pass_mark": s.pass_mark, "weights": None, "kinds": [],
                "review_forward": True, "review": "after_submit" if preview else s.review,
                "review_after": review_after.isoformat() if review_after else None,
                "set": {"id": qset.id, "name": qset.name, "title": snapshot.get("title", ""),
                        "version": snapshot.get("version", 0), "assignment_id": assignment_id,
                        "preview": preview}}
    scope = {"decks": [], "sections": [], "titles": [snapshot.get("title", "")]}
    return settings, scope


def start_attempt(session: Session, user: User, qset: QuizSet, snapshot: dict[str, Any], *,
                  now: datetime, assignment_id: int | None = None, preview: bool = False,
                  closes_at: datetime | None = None, attempts_allowed: int = 0,
                  seed: int | None = None) -> QuizAttempt:
    """A new attempt at ``snapshot`` through the quiz service (questions snapshotted, server
    clock). The deadline is the time limit, cut short by the assignment's close time. The
    attempt count is checked inside the write transaction, so a double click cannot get
    past the limit."""
    from ...quiz.attempt import EXAM
    from ..quiz.attempts import _store

    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = build_questions(session, snapshot, seed)
    session.rollback()
    if not questions:
        raise ServiceError("sets.no_questions_made_set",
            "No questions can be made from this set right now")
    settings, scope = attempt_settings(qset, snapshot, questions=len(questions),
                                       assignment_id=assignment_id, preview=preview,
                                       review_after=closes_at)
    limit = Settings.from_dict(snapshot.get("settings")).time_limit_min
    deadline = None
    if limit:
        from datetime import timedelta

        deadline = now + timedelta(minutes=limit)
    if closes_at is not None and (deadline is None or closes_at < deadline):
        deadline = closes_at

    def link(s: Session, attempt: QuizAttempt) -> None:
        if assignment_id is not None and not preview:
            used = s.scalar(select(func.count(SetAttempt.id)).where(
                SetAttempt.assignment_id == assignment_id, SetAttempt.user_id == user.id,
                SetAttempt.preview.is_(False)))
            if attempts_allowed and used >= attempts_allowed:
                raise ServiceError("sets.no_attempts_left_set", "No attempts left at this set")
        s.add(SetAttempt(attempt_id=attempt.id, set_id=qset.id, assignment_id=assignment_id,
                         user_id=user.id, set_version=snapshot.get("version", 0),
                         preview=preview))

    return _store(session, user, mode=EXAM, scope=scope, settings=settings,
                  seed=seed, questions=questions, now=now, limit=limit,
                  deadline=deadline, before_commit=link)


def try_set(session: Session, user: User, set_id: int, *, now: datetime) -> QuizAttempt:
    """The author takes the draft as a learner would (a preview attempt: not in results)."""
    qset = get_set(session, user, set_id)
    rows = draft_rows(session, qset)
    if not rows:
        raise ServiceError("sets.add_least_one_question_2", "Add at least one question first")
    doc = {**_draft_doc(qset, rows), "version": qset.version}
    return start_attempt(session, user, qset, doc, now=now, preview=True)


def list_sets(session: Session, user: User) -> list[dict[str, Any]]:
    """The author's sets (an admin's: everyone's), newest first, with question counts."""
    if not is_author(user):
        return []
    q = select(QuizSet).where(QuizSet.deleted_at.is_(None)).order_by(
        QuizSet.updated_at.desc(), QuizSet.id.desc())
    if user.role != "admin":
        q = q.where(QuizSet.owner_id == user.id)
    sets = list(session.scalars(q))
    counts = dict(session.execute(
        select(SetQuestion.set_id, func.count(SetQuestion.id))
        .where(SetQuestion.set_id.in_([s.id for s in sets]))
        .group_by(SetQuestion.set_id)).all()) if sets else {}
    owners = dict(session.execute(select(User.id, User.email).where(
        User.id.in_({s.owner_id for s in sets}))).all()) if sets else {}
    out = []
    for s in sets:
        out.append({"id": s.id, "name": s.name, "title": s.title,
                    "questions": counts.get(s.id, 0), "status": status(s, session=session),
                    "version": s.version, "updated_at": s.updated_at,
                    "source_path": s.source_path, "owner": owners.get(s.owner_id, "")})
    return out
