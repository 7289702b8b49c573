"""Who may do what: the accounts and their roles, and making an account an instructor or an
admin (from the admin page or ``flask users role``). There is always at least one admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..persistence.engine import write_transaction
from ..persistence.models import User
from .errors import Conflict, NotFound, ServiceError
from .users import ROLES, normalize_email


def first_admin(session: Session) -> User | None:
    """The oldest admin account (who owns what scripts import), or None on a fresh install."""
    return session.scalar(select(User).where(User.role == "admin").order_by(User.id))


def accounts(session: Session) -> list[dict[str, Any]]:
    """Every account with its role, oldest first."""
    return [{"id": u.id, "email": u.email, "role": u.role, "created_at": u.created_at}
            for u in session.scalars(select(User).order_by(User.id))]


def set_role(session: Session, target: int | str, role: str, *,
             actor: User | None = None) -> User:
    """Give an account (by id, or by email) a role. ``actor`` is the admin doing it on the web
    (None: the server's operator, at the command line). The last admin keeps the role, so the
    site always has someone who can do this."""
    if role not in ROLES:
        raise ServiceError("users.unknown_role_choose_one",
                           "Unknown role {role!r}: choose one of {value}",
                           field="role", role=role, value=", ".join(ROLES))
    if actor is not None and actor.role != "admin":
        raise NotFound("users.account_not_found", "no such account")
    with write_transaction(session):
        where = (User.id == target if isinstance(target, int)
                 else User.email == normalize_email(target))
        user = session.scalar(select(User).where(where).with_for_update())
        if user is None:
            raise NotFound("users.account_not_found", "no such account")
        if user.role == "admin" and role != "admin":
            admins = session.scalar(select(func.count(User.id)).where(User.role == "admin"))
            if admins <= 1:
                raise Conflict("users.last_admin",
                               "{email} is the only admin: make another account admin first",
                               email=user.email)
        user.role = role
    return user
