"""Engine and session setup. Sessions are plain SQLAlchemy; Flask only scopes one per request.

SQLite gets WAL (readers never block the writer), a busy timeout, and enforced foreign keys.
The engine is created lazily, on first use, so no connection exists before gunicorn forks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores UTC, always returns aware datetimes (SQLite has no time zones); refuses naive ones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL on SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn) -> None:
    """SQLAlchemy, not the driver, starts transactions; writers start them IMMEDIATE.

    A deferred transaction that reads and then writes must upgrade its lock, and in WAL mode
    that fails at once with "database is locked" if another writer committed meanwhile
    (busy_timeout does not help). Taking the write lock up front makes writers queue instead.
    """
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # may wait or fail: SQLAlchemy wraps the error
    else:
        # Every request's first query starts here. A deferred BEGIN takes no lock (it neither
        # waits nor meets "database is locked"), so it goes straight to the driver, skipping
        # SQLAlchemy's statement machinery (~10 µs; cursor events do not see it).
        conn.connection.dbapi_connection.execute("BEGIN").close()


def begin_write(session: Session) -> None:
    """Start the session's write transaction: on SQLite, ``BEGIN IMMEDIATE``. Elsewhere a no-op.

    A request usually has a read transaction open already (loading the user). With nothing
    pending in the session it is swapped in place on the driver's connection, ``COMMIT`` then
    ``BEGIN IMMEDIATE``, inside SQLAlchemy's transaction, whose own COMMIT or ROLLBACK then
    ends the write (the driver issues no statements of its own: ``isolation_level=None``).
    That saves a full ORM commit and a new transaction, ~60 µs per answer.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if not (session.new or session.dirty or session.deleted):
            driver = session.connection().connection.dbapi_connection
            driver.execute("COMMIT")
            driver.execute("BEGIN IMMEDIATE")
            return
        session.commit()  # objects stay loaded
    session.connection(execution_options={"sqlite_immediate": True})


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # let _sqlite_begin issue BEGIN
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: the stats page reads a lot
    cur.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)


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
