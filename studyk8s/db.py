"""The request's database session: plain SQLAlchemy (``persistence``), scoped by Flask to
one per app context and closed at its end."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .persistence.engine import make_engine, make_session_factory, mark_serving


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = make_session_factory(engine, reads_outside_transactions=True)
    app.teardown_appcontext(_close_session)
    if app.config.get("MARK_SERVING", True):
        app.before_request(_mark_serving)


def _mark_serving() -> None:
    """On a process's first request (not when a command creates the app): `flask db restore`
    then knows the database is being served (``persistence.engine.mark_serving``)."""
    engine = current_app.extensions["db_engine"]
    if getattr(engine, "_studyk8s_serving", None) is None:
        mark_serving(engine)


def get_session() -> Session:
    """The request's session (one per app context)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessions"]()
    return g.db_session


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


def _close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
