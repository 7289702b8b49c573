"""Classes and who is in them: an instructor's classes, join codes and members, and learners
joining and leaving."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import (
    Assignment,
    ClassMember,
    StudyClass,
    User,
)
from ..errors import NotFound, ServiceError
from ..sets import is_author

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
        raise ServiceError("classes.class_needs_name", "The class needs a name", field="name")
    if len(name) > MAX_NAME:
        raise ServiceError("classes.class_name_has_most",
            "The class name has at most {MAX_NAME} characters",
            field="name", MAX_NAME=MAX_NAME)
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
