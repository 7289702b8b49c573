"""Quiz sets assigned to classes with open and close times, the learner's side (their
assigned sets, what they may start), and who may read which attempt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import (
    Assignment,
    ClassMember,
    QuizAttempt,
    QuizSet,
    SetAttempt,
    StudyClass,
    User,
)
from ...sets.analysis import counted_attempts, final_grade
from ...sets.model import Settings
from ..errors import NotFound, ServiceError
from ..sets import attempt_size, get_set, is_author
from .rosters import get_class

# --- assignments (instructors) ---------------------------------------------------------------


def _times(opens_at: datetime | None, closes_at: datetime | None,
           now: datetime) -> tuple[datetime, datetime | None]:
    opens_at = opens_at or now
    if closes_at is not None and closes_at <= opens_at:
        raise ServiceError("classes.close_time_must_after",
            "The close time must be after the open time", field="closes_at")
    return opens_at, closes_at


def assign(session: Session, user: User, class_id: int, set_id: int, *,
           opens_at: datetime | None, closes_at: datetime | None,
           now: datetime) -> Assignment:
    try:
        with write_transaction(session):
            klass = get_class(session, user, class_id)
            qset = get_set(session, user, set_id)  # an admin may assign any set to any class
            if qset.published is None:
                raise ServiceError("classes.publish_set_before_assigning",
                    "Publish the set before assigning it")
            opens_at, closes_at = _times(opens_at, closes_at, now)
            row = Assignment(class_id=klass.id, set_id=qset.id, opens_at=opens_at,
                             closes_at=closes_at, created_at=now)
            session.add(row)
    except IntegrityError:
        raise ServiceError("classes.set_already_assigned_class",
            "This set is already assigned to this class: change its times instead") from None
    return row


def get_assignment(session: Session, user: User, assignment_id: int
                   ) -> tuple[Assignment, StudyClass, QuizSet]:
    """An assignment of one of ``user``'s classes (an admin: any)."""
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound("classes.assignment_does_not_exist",
            "assignment {assignment_id} does not exist",
            assignment_id=assignment_id)
    try:
        klass = get_class(session, user, a.class_id)
    except NotFound:
        raise NotFound("classes.assignment_does_not_exist",
            "assignment {assignment_id} does not exist",
            assignment_id=assignment_id) from None
    return a, klass, session.get(QuizSet, a.set_id)


def update_assignment(session: Session, user: User, assignment_id: int, *,
                      opens_at: datetime | None, closes_at: datetime | None,
                      now: datetime) -> Assignment:
    """New times apply to attempts started from now on (a running attempt keeps its
    deadline)."""
    with write_transaction(session):
        a, _, _ = get_assignment(session, user, assignment_id)
        a.opens_at, a.closes_at = _times(opens_at, closes_at, now)
        return a


def delete_assignment(session: Session, user: User, assignment_id: int) -> None:
    with write_transaction(session):
        a, _, _ = get_assignment(session, user, assignment_id)
        used = session.scalar(select(func.count(SetAttempt.id))
                              .where(SetAttempt.assignment_id == a.id))
        if used:
            raise ServiceError("classes.learners_have_attempts_assignment",
                "Learners have attempts at this assignment: close it (set a close time) instead "
                "of removing it, so their results stay")
        session.delete(a)


def class_assignments(session: Session, klass: StudyClass, now: datetime
                      ) -> list[dict[str, Any]]:
    rows = session.execute(select(Assignment, QuizSet.title, QuizSet.deleted_at)
                           .join(QuizSet, QuizSet.id == Assignment.set_id)
                           .where(Assignment.class_id == klass.id)
                           .order_by(Assignment.opens_at.desc(), Assignment.id.desc())).all()
    done = dict(session.execute(
        select(SetAttempt.assignment_id, func.count(func.distinct(SetAttempt.user_id)))
        .join(QuizAttempt, QuizAttempt.id == SetAttempt.attempt_id)
        .where(SetAttempt.assignment_id.in_([a.id for a, _, _ in rows]),
               QuizAttempt.submitted_at.is_not(None))
        .group_by(SetAttempt.assignment_id)).all()) if rows else {}
    return [{"id": a.id, "set_id": a.set_id, "title": title, "opens_at": a.opens_at,
             "closes_at": a.closes_at, "state": state(a, now), "finished": done.get(a.id, 0),
             "set_deleted": deleted is not None}
            for a, title, deleted in rows]


def state(a: Assignment, now: datetime) -> str:
    if now < a.opens_at:
        return "upcoming"
    if a.closes_at is not None and now >= a.closes_at:
        return "closed"
    return "open"


# --- learners' side ---------------------------------------------------------------------------


def learner_assignment(session: Session, user: User, assignment_id: int
                       ) -> tuple[Assignment, StudyClass, QuizSet]:
    """An assignment of a class ``user`` is in, whose set is published and not deleted."""
    a = session.get(Assignment, assignment_id)
    found = None
    if a is not None:
        klass = session.get(StudyClass, a.class_id)
        qset = session.get(QuizSet, a.set_id)
        member = session.scalar(select(ClassMember.id).where(
            ClassMember.class_id == a.class_id, ClassMember.user_id == user.id))
        if (member is not None and klass.archived_at is None and qset.deleted_at is None
                and qset.published is not None):
            found = (a, klass, qset)
    if found is None:
        raise NotFound("classes.assignment_does_not_exist",
            "assignment {assignment_id} does not exist",
            assignment_id=assignment_id)
    return found


def _attempt_rows(session: Session, assignment_ids: Sequence[int],
                  user_ids: Sequence[int] | None = None) -> list[tuple[SetAttempt, QuizAttempt]]:
    if not assignment_ids:
        return []
    q = (select(SetAttempt, QuizAttempt).join(QuizAttempt, QuizAttempt.id == SetAttempt.attempt_id)
         .where(SetAttempt.assignment_id.in_(list(assignment_ids)),
                SetAttempt.preview.is_(False))
         .order_by(QuizAttempt.started_at, QuizAttempt.id))
    if user_ids is not None:
        q = q.where(SetAttempt.user_id.in_(list(user_ids)))
    return [tuple(r) for r in session.execute(q)]


def _grading(qset: QuizSet) -> Settings:
    return Settings.from_dict((qset.published or {}).get("settings") or qset.settings)


def _summary(attempts: Sequence[QuizAttempt], settings: Settings) -> dict[str, Any]:
    closed = [a for a in attempts if a.submitted_at is not None]
    scores = [a.score or 0.0 for a in closed]
    grade = final_grade(scores, settings.grading)
    counted = counted_attempts([a.id for a in closed], scores, settings.grading)
    graded = next((a for a in closed if a.id == counted[-1]), None) if counted else None
    return {
        "attempts": len(closed), "in_progress": [a.id for a in attempts
                                                 if a.submitted_at is None],
        "grade": grade, "passed": None if grade is None else grade + 1e-9 >= settings.pass_mark,
        "best": max(scores) if scores else None, "last": scores[-1] if scores else None,
        "time_taken": _seconds(graded) if graded and settings.grading != "average" else (
            sum(_seconds(a) for a in closed) / len(closed) if closed else None),
        "last_submitted": closed[-1].submitted_at if closed else None,
        "last_attempt": closed[-1].id if closed else None,
        "history": [{"id": a.id, "score": a.score, "started_at": a.started_at,
                     "submitted_at": a.submitted_at, "seconds": _seconds(a),
                     "closed_by": a.closed_by, "counted": a.id in counted} for a in closed],
    }


def _seconds(a: QuizAttempt) -> float:
    return (a.submitted_at - a.started_at).total_seconds() if a.submitted_at else 0.0


def _close_overdue(session: Session, attempts: Sequence[QuizAttempt], now: datetime) -> bool:
    """Close attempts past their deadline (as the learner's next visit would)."""
    from ..quiz import expire_due

    users = {a.user_id for a in attempts if a.submitted_at is None and a.deadline is not None}
    closed = False
    for uid in sorted(users):
        learner = session.get(User, uid)
        closed |= expire_due(session, learner, now) > 0
    return closed


def assigned_sets(session: Session, user: User, now: datetime) -> list[dict[str, Any]]:
    """The learner's assignments (classes they are in, published sets), for the home page:
    open ones first, then upcoming, then closed."""
    rows = session.execute(
        select(Assignment, StudyClass.name, QuizSet)
        .join(StudyClass, StudyClass.id == Assignment.class_id)
        .join(ClassMember, ClassMember.class_id == StudyClass.id)
        .join(QuizSet, QuizSet.id == Assignment.set_id)
        .where(ClassMember.user_id == user.id, StudyClass.archived_at.is_(None),
               QuizSet.deleted_at.is_(None), QuizSet.published.is_not(None))).all()
    if not rows:
        return []
    attempts = _attempt_rows(session, [a.id for a, _, _ in rows], [user.id])
    if _close_overdue(session, [q for _, q in attempts], now):
        attempts = _attempt_rows(session, [a.id for a, _, _ in rows], [user.id])
    by_assignment: dict[int, list[QuizAttempt]] = {}
    for sa, qa in attempts:
        by_assignment.setdefault(sa.assignment_id, []).append(qa)
    out = []
    for a, class_name, qset in rows:
        settings = _grading(qset)
        mine = _summary(by_assignment.get(a.id, []), settings)
        left = None if not settings.attempts else max(0, settings.attempts - mine["attempts"]
                                                       - len(mine["in_progress"]))
        out.append({"id": a.id, "class": class_name, "title": qset.published["title"],
                    "opens_at": a.opens_at, "closes_at": a.closes_at, "state": state(a, now),
                    "time_limit_min": settings.time_limit_min, "attempts_allowed":
                    settings.attempts, "attempts_left": left, **mine})
    order = {"open": 0, "upcoming": 1, "closed": 2}
    out.sort(key=lambda r: (order[r["state"]], r["closes_at"] or r["opens_at"], r["title"]))
    return out


def learner_view(session: Session, user: User, assignment_id: int, now: datetime
                 ) -> dict[str, Any]:
    a, klass, qset = learner_assignment(session, user, assignment_id)
    rows = next((r for r in assigned_sets(session, user, now) if r["id"] == a.id), None)
    snap = qset.published
    return {**(rows or {}), "description": snap.get("description", ""),
            "settings": _grading(qset), "class_id": klass.id,
            "questions": attempt_size(session, snap),
            "can_start": _can_start(a, rows, now), "why_not": _why_not(a, rows, now)}


def _can_start(a: Assignment, row: dict[str, Any] | None, now: datetime) -> bool:
    if row is None or state(a, now) != "open":
        return False
    return bool(row["in_progress"]) or row["attempts_left"] is None or row["attempts_left"] > 0


def _why_not(a: Assignment, row: dict[str, Any] | None, now: datetime) -> str:
    s = state(a, now)
    if s == "upcoming":
        return "This set is not open yet."
    if s == "closed":
        return "This set is closed."
    if row is not None and not row["in_progress"] and row["attempts_left"] == 0:
        return "You have used all your attempts."
    return ""


def start(session: Session, user: User, assignment_id: int, *, now: datetime,
          seed: int | None = None) -> QuizAttempt:
    """Continue the learner's open attempt, or start a new one if the set is open and
    attempts are left."""
    from .. import sets

    a, _, qset = learner_assignment(session, user, assignment_id)
    current = assigned_sets(session, user, now)
    row = next(r for r in current if r["id"] == a.id)
    if row["in_progress"]:
        return session.get(QuizAttempt, row["in_progress"][-1])
    why = _why_not(a, row, now)
    if why:
        raise ServiceError("classes.refused", "{reason}", reason=why)
    settings = _grading(qset)
    return sets.start_attempt(session, user, qset, qset.published, now=now,
                              assignment_id=a.id, closes_at=a.closes_at,
                              attempts_allowed=settings.attempts, seed=seed)


# --- attempts: who may read which ------------------------------------------------------------


def attempt_access(session: Session, viewer: User, attempt_id: int
                   ) -> tuple[SetAttempt, User, bool]:
    """(link, the learner, whether ``viewer`` reads it as staff) for a set attempt that
    ``viewer`` may read: their own, one made for an assignment of their class, their own
    preview, or any (admin). Else NotFound."""
    link = session.scalar(select(SetAttempt).where(SetAttempt.attempt_id == attempt_id))
    if link is None:
        raise NotFound("classes.attempt_does_not_exist",
            "attempt {attempt_id} does not exist",
            attempt_id=attempt_id)
    if link.user_id == viewer.id:
        return link, viewer, False
    if viewer.role == "admin":
        return link, session.get(User, link.user_id), True
    if link.assignment_id is not None and is_author(viewer):
        a = session.get(Assignment, link.assignment_id)
        klass = session.get(StudyClass, a.class_id)
        if klass.owner_id == viewer.id:
            return link, session.get(User, link.user_id), True
    raise NotFound("classes.attempt_does_not_exist",
        "attempt {attempt_id} does not exist",
        attempt_id=attempt_id)
