"""Shared helpers for the quiz-set tests: users without password hashing, logged-in test
clients, the example set, row counts."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from studyk8s.config import ROOT
from studyk8s.persistence.models import User

EXAMPLE_SET = ROOT / "content" / "quizzes" / "docker-k8s-1.yaml"


def make_user(session, email: str, role: str = "learner", *, now: datetime,
              timezone: str = "UTC") -> User:
    user = User(email=email, password_hash="x", role=role, created_at=now, settings={},
                timezone=timezone)
    if hasattr(User, "session_token"):  # logins are tied to it (web/auth.py)
        user.session_token = secrets.token_urlsafe(12)
    session.add(user)
    session.commit()
    return user


def login(app, user: User):
    """A test client logged in as ``user`` (Flask-Login's session key, no password)."""
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()  # Flask-Login's id (as web/auth.py defines it)
        s["_fresh"] = True
    return client


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def counts(session, *models) -> dict[str, int]:
    return {m.__tablename__: count(session, m) for m in models}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class Fresh:
    """Database reads for web tests, each in its own app context and session: a session
    held open across requests would share Flask's ``g`` (the logged-in user, the request's
    session) between the test client's requests."""

    def __init__(self, app):
        self.app = app

    def run(self, fn):
        with self.app.app_context():
            s = self.app.extensions["db_sessions"]()
            try:
                return fn(s)
            finally:
                s.close()

    def scalar(self, stmt):
        return self.run(lambda s: s.scalar(stmt))

    def scalars(self, stmt) -> list:
        return self.run(lambda s: list(s.scalars(stmt)))

    def get(self, model, ident):
        return self.run(lambda s: s.get(model, ident))

    def counts(self, *models) -> dict[str, int]:
        return self.run(lambda s: counts(s, *models))

    def user(self, email: str, role: str = "learner", *, now: datetime, **kw) -> User:
        return self.run(lambda s: make_user(s, email, role, now=now, **kw))
