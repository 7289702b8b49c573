"""Classes, join codes, assignments of quiz sets, learners' assigned sets, and the results an
instructor reads: per learner (grade, attempts, time taken) and per question (Moodle's item
analysis). Owns its transactions.

Access: an instructor reads only their own classes and the attempts made for their
assignments; a learner only classes they joined and their own attempts; an admin all. "Not
yours" and "does not exist" raise the same NotFound.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..persistence.engine import write_transaction
from ..persistence.models import (
    Assignment,
    ClassMember,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    QuizSet,
    SetAttempt,
    StudyClass,
    User,
)
from ..quiz import kinds as qkinds
from ..quiz.i18n import t
from ..quiz.model import Question, ResponseError
from ..sets.analysis import ItemStats, Response, counted_attempts, final_grade, item_statistics
from ..sets.csvio import write_csv
from ..sets.model import Settings
from .errors import NotFound, ServiceError
from .sets import get_set, is_author, status

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
MAX_NAME = 200


def normalize_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())[:16]


def _new_code(session: Session) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(StudyClass.id).where(StudyClass.join_code == code)) is None:
            return code
    raise ServiceError("classes.could_not_make_new",
        "could not make a new join code; try again")  # pragma: no cover


# --- classes (instructors) -------------------------------------------------------------------


def get_class(session: Session, user: User, class_id: int) -> StudyClass:
    klass = session.get(StudyClass, class_id)
    if (klass is None or klass.archived_at is not None or not is_author(user)
            or (user.role != "admin" and klass.owner_id != user.id)):
        raise NotFound("classes.class_does_not_exist",
            "class {class_id} does not exist",
            class_id=class_id)
    return klass


def _name(name: Any) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("classes.class_needs_name", "The class needs a name")
    if len(name) > MAX_NAME:
        raise ServiceError("classes.class_name_has_most",
            "The class name has at most {MAX_NAME} characters",
            MAX_NAME=MAX_NAME)
    return name


def create_class(session: Session, user: User, name: str, *, now: datetime) -> StudyClass:
    with write_transaction(session):
        if not is_author(user):
            raise NotFound("classes.instructors_create_classes", "only instructors create classes")
        klass = StudyClass(owner_id=user.id, name=_name(name), join_code=_new_code(session),
                           joining=True, created_at=now)
        session.add(klass)
        return klass


def rename_class(session: Session, user: User, class_id: int, name: str) -> StudyClass:
    with write_transaction(session):
        klass = get_class(session, user, class_id)
        klass.name = _name(name)
        return klass


def new_code(session: Session, user: User, class_id: int) -> StudyClass:
    """A fresh join code (the old code and link stop working; members stay)."""
    with write_transaction(session):
        klass = get_class(session, user, class_id)
        klass.join_code = _new_code(session)
        return klass


def set_joining(session: Session, user: User, class_id: int, on: bool) -> StudyClass:
    with write_transaction(session):
        klass = get_class(session, user, class_id)
        klass.joining = bool(on)
        return klass


def archive_class(session: Session, user: User, class_id: int, *, now: datetime) -> None:
    with write_transaction(session):
        klass = get_class(session, user, class_id)
        klass.archived_at = now
        klass.joining = False


def list_classes(session: Session, user: User) -> list[dict[str, Any]]:
    if not is_author(user):
        return []
    q = select(StudyClass).where(StudyClass.archived_at.is_(None)).order_by(
        StudyClass.created_at.desc(), StudyClass.id.desc())
    if user.role != "admin":
        q = q.where(StudyClass.owner_id == user.id)
    classes = list(session.scalars(q))
    ids = [c.id for c in classes]
    members = dict(session.execute(select(ClassMember.class_id, func.count(ClassMember.id))
                                   .where(ClassMember.class_id.in_(ids))
                                   .group_by(ClassMember.class_id)).all()) if ids else {}
    assigned = dict(session.execute(select(Assignment.class_id, func.count(Assignment.id))
                                    .where(Assignment.class_id.in_(ids))
                                    .group_by(Assignment.class_id)).all()) if ids else {}
    return [{"id": c.id, "name": c.name, "code": c.join_code, "joining": c.joining,
             "members": members.get(c.id, 0), "assignments": assigned.get(c.id, 0)}
            for c in classes]


def members(session: Session, klass: StudyClass) -> list[dict[str, Any]]:
    rows = session.execute(select(User.id, User.email, ClassMember.joined_at)
                           .join(ClassMember, ClassMember.user_id == User.id)
                           .where(ClassMember.class_id == klass.id)
                           .order_by(User.email)).all()
    return [{"id": r.id, "email": r.email, "joined_at": r.joined_at} for r in rows]


def remove_member(session: Session, user: User, class_id: int, member_id: int) -> None:
    with write_transaction(session):
        klass = get_class(session, user, class_id)
        row = session.scalar(select(ClassMember).where(ClassMember.class_id == klass.id,
                                                       ClassMember.user_id == member_id))
        if row is None:
            raise NotFound("classes.no_such_member", "no such member")
        session.delete(row)


# --- joining (learners) ---------------------------------------------------------------------


def class_for_code(session: Session, code: str) -> StudyClass | None:
    code = normalize_code(code)
    if not code:
        return None
    klass = session.scalar(select(StudyClass).where(StudyClass.join_code == code))
    if klass is None or klass.archived_at is not None or not klass.joining:
        return None
    return klass


def join(session: Session, user: User, code: str, *, now: datetime) -> tuple[StudyClass, bool]:
    """Join the class with this code; returns (class, whether newly joined)."""
    try:
        with write_transaction(session):
            klass = class_for_code(session, code)
            if klass is None:
                raise NotFound("classes.no_open_class_has",
                    "No open class has this join code: check it with your instructor")
            if klass.owner_id == user.id:
                raise ServiceError("classes.you_teach_class", "You teach this class")
            existing = session.scalar(select(ClassMember.id).where(
                ClassMember.class_id == klass.id, ClassMember.user_id == user.id))
            if existing is not None:
                return klass, False
            session.add(ClassMember(class_id=klass.id, user_id=user.id, joined_at=now))
    except IntegrityError:  # a double click: the other request joined
        return klass, False
    return klass, True


def leave(session: Session, user: User, class_id: int) -> None:
    with write_transaction(session):
        row = session.scalar(select(ClassMember).where(ClassMember.class_id == class_id,
                                                       ClassMember.user_id == user.id))
        if row is None:
            raise NotFound("classes.class_does_not_exist",
                "class {class_id} does not exist",
                class_id=class_id)
        session.delete(row)


def my_classes(session: Session, user: User) -> list[dict[str, Any]]:
    rows = session.execute(select(StudyClass.id, StudyClass.name, User.email)
                           .join(ClassMember, ClassMember.class_id == StudyClass.id)
                           .join(User, User.id == StudyClass.owner_id)
                           .where(ClassMember.user_id == user.id,
                                  StudyClass.archived_at.is_(None))
                           .order_by(StudyClass.name)).all()
    return [{"id": r.id, "name": r.name, "teacher": r.email} for r in rows]


# --- assignments (instructors) ---------------------------------------------------------------


def _times(opens_at: datetime | None, closes_at: datetime | None,
           now: datetime) -> tuple[datetime, datetime | None]:
    opens_at = opens_at or now
    if closes_at is not None and closes_at <= opens_at:
        raise ServiceError("classes.close_time_must_after",
            "The close time must be after the open time")
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
    from .quiz import expire_due

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
            "settings": _grading(qset), "class_id": klass.id, "questions": len(snap["entries"]),
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
    from . import sets

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


# --- results for instructors ------------------------------------------------------------------


def report(session: Session, user: User, assignment_id: int, now: datetime) -> dict[str, Any]:
    """Per learner: attempts, grade by the set's grading method, best and last score, time
    taken, in progress. Members who have not started are listed too."""
    a, klass, qset = get_assignment(session, user, assignment_id)
    attempts = _attempt_rows(session, [a.id])
    if _close_overdue(session, [q for _, q in attempts], now):
        attempts = _attempt_rows(session, [a.id])
    a, klass, qset = get_assignment(session, user, assignment_id)
    settings = _grading(qset)
    by_user: dict[int, list[QuizAttempt]] = {}
    for sa, qa in attempts:
        by_user.setdefault(sa.user_id, []).append(qa)
    people = {m["id"]: m["email"] for m in members(session, klass)}
    extra = set(by_user) - set(people)
    if extra:
        people.update(dict(session.execute(select(User.id, User.email)
                                           .where(User.id.in_(extra))).all()))
    rows = []
    for uid, email in sorted(people.items(), key=lambda kv: kv[1]):
        rows.append({"user_id": uid, "email": email, "member": uid not in extra,
                     **_summary(by_user.get(uid, []), settings)})
    grades = [r["grade"] for r in rows if r["grade"] is not None]
    return {"assignment": a, "class": klass, "set": qset, "settings": settings,
            "state": state(a, now), "rows": rows,
            "finished": len(grades), "members": sum(1 for r in rows if r["member"]),
            "average": sum(grades) / len(grades) if grades else None,
            "passed": sum(1 for r in rows if r["passed"])}


def _picked(q: Question, response: Any) -> tuple[str, ...]:
    if response is None:
        return ()
    try:
        r = qkinds.clean(q, response)
    except ResponseError:
        return ()
    if r is None:
        return ()
    if q.kind == "single":
        return (q.choices[r],)
    if q.kind == "multiple":
        return tuple(q.choices[i] for i in r)
    if q.kind == "true_false":
        return (t(q.lang, "true" if r else "false"),)
    if q.kind == "matching":
        return tuple(f"{q.left[i]} → {q.choices[j]}" for i, j in enumerate(r) if j is not None)
    return (" ".join(str(r).split()),)


def _right(q: Question) -> tuple[str, ...]:
    if q.kind == "single":
        if q.weights:
            return tuple(c for c, w in zip(q.choices, q.weights, strict=False) if w >= 1 - 1e-4)
        return (q.choices[q.answer],)
    if q.kind == "multiple":
        return tuple(q.choices[i] for i in q.answer)
    if q.kind == "true_false":
        return (t(q.lang, "true" if q.answer else "false"),)
    if q.kind == "matching":
        return tuple(f"{left} → {q.choices[j]}" for left, j in zip(q.left, q.answer,
                                                                   strict=True))
    if q.weights:
        return tuple(a for a, w in zip(q.accepted, q.weights, strict=False) if w >= 1 - 1e-4)
    return tuple(q.accepted or (q.answer,))


def _label(q: Question) -> str:
    """The question as one line of plain text (Markdown emphasis and code marks dropped)."""
    text = q.prompt if not q.context else f"{q.prompt} {q.context}"
    if q.meta.get("markdown"):
        text = re.sub(r"(\*\*|__|`|\*)", "", text)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def analysis(session: Session, user: User, assignment_id: int, now: datetime
             ) -> list[ItemStats]:
    """Item analysis over the graded attempt of each learner (every attempt when grading by
    average), as Moodle's statistics report does by default."""
    a, _, qset = get_assignment(session, user, assignment_id)
    settings = _grading(qset)
    by_user: dict[int, list[QuizAttempt]] = {}
    for sa, qa in _attempt_rows(session, [a.id]):
        if qa.submitted_at is not None:
            by_user.setdefault(sa.user_id, []).append(qa)
    ids: list[int] = []
    for atts in by_user.values():
        ids += counted_attempts([x.id for x in atts], [x.score or 0.0 for x in atts],
                                settings.grading)
    return analyse_attempts(session, ids)


def analyse_attempts(session: Session, attempt_ids: Sequence[int]) -> list[ItemStats]:
    if not attempt_ids:
        return []
    questions = session.execute(select(QuizQuestion.id, QuizQuestion.attempt_id,
                                       QuizQuestion.position, QuizQuestion.data)
                                .where(QuizQuestion.attempt_id.in_(list(attempt_ids)))).all()
    answers = dict(session.execute(select(QuizAnswer.question_id, QuizAnswer.response)
                                   .where(QuizAnswer.attempt_id.in_(list(attempt_ids)))).all())
    responses: list[Response] = []
    totals: dict[int, float] = {}
    for qid, attempt_id, position, data in questions:
        q = Question.from_dict(data)
        response = answers.get(qid)
        try:
            score = qkinds.check(q, response).score
        except ResponseError:
            score = 0.0
        mark = score * q.points
        totals[attempt_id] = totals.get(attempt_id, 0.0) + mark
        slot = str(q.meta.get("slot") or q.meta.get("uid") or f"#{position}")
        offered = q.choices if q.kind in ("single", "multiple", "true_false") else ()
        responses.append(Response(attempt=attempt_id, slot=slot, label=_label(q), kind=q.kind,
                                  mark=mark, max_mark=q.points, picked=_picked(q, response),
                                  right=_right(q), choices=tuple(offered),
                                  position=position if not q.meta.get("drawn") else
                                  1000 + position))
    return item_statistics(responses, totals)


def _pct(x: float | None) -> str | float:
    return "" if x is None else round(100 * x, 1)


def _minutes(seconds: float | None) -> str | float:
    return "" if seconds is None else round(seconds / 60, 1)


def report_csv(session: Session, user: User, assignment_id: int, now: datetime) -> str:
    r = report(session, user, assignment_id, now)
    header = ["learner", "attempts", f"grade % ({r['settings'].grading})", "passed",
              "best %", "last %", "time taken (min)", "in progress", "last submitted (UTC)"]
    rows = [[x["email"], x["attempts"], _pct(x["grade"]),
             "" if x["passed"] is None else x["passed"], _pct(x["best"]), _pct(x["last"]),
             _minutes(x["time_taken"]), len(x["in_progress"]),
             x["last_submitted"].strftime("%Y-%m-%d %H:%M") if x["last_submitted"] else ""]
            for x in r["rows"]]
    return write_csv(header, rows)


def analysis_csv(session: Session, user: User, assignment_id: int, now: datetime) -> str:
    stats = analysis(session, user, assignment_id, now)
    header = ["question", "kind", "attempts", "facility index %", "standard deviation %",
              "discrimination index", "discriminative efficiency %", "flag (< 0.2)",
              "right answer", "wrong answers picked (count)"]
    rows = [[s.label, s.kind, s.n, _pct(s.facility), _pct(s.sd),
             "" if s.discrimination is None else round(s.discrimination, 3),
             _pct(s.efficiency), "LOW DISCRIMINATION" if s.flagged else "",
             " | ".join(s.right), " | ".join(f"{a} ({c})" for a, c in s.wrong if c)]
            for s in stats]
    return write_csv(header, rows)


def set_status(session: Session, qset: QuizSet) -> str:
    return status(qset, session=session)
