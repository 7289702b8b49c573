"""Engines and sessions, without Flask.

SQLite gets WAL (readers never block the writer), a busy timeout, and enforced foreign keys.
PostgreSQL gets transactions only where they do something (``READS_OUTSIDE_TRANSACTIONS``).
Engines are created lazily by the app, on first use, so no connection exists before gunicorn
forks. ``write_transaction`` is the one way a service writes.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if path := sqlite_file(engine):  # created on the first connection, not before
            event.listen(engine, "do_connect", lambda *_args: private_file(path))
    elif engine.dialect.name == "postgresql" and "isolation_level" not in kwargs:
        event.listen(engine, "connect", _pg_driver_autocommit)
        event.listen(engine, "begin", _pg_begin)
        event.listen(engine, "before_cursor_execute", _pg_write_begins)
    return engine


# --- PostgreSQL: reads outside transactions ----------------------------------------------------
#
# A web request on PostgreSQL mostly reads, and at READ COMMITTED (the default) every statement
# sees what was committed before it started, in a transaction or not. A transaction around
# the reads only costs: a BEGIN and a ROLLBACK, two round trips of about 0.2 ms each here,
# and psycopg forgets its prepared statements on every ROLLBACK (they might name objects the
# rollback undid), so each of the request's statements was parsed and planned again.
#
# So the driver runs in autocommit mode and SQLAlchemy's "begin" issues BEGIN itself, as for
# SQLite. Connections with the execution option ``READS_OUTSIDE_TRANSACTIONS`` (the web app's
# sessions) skip it: their SELECTs run on their own, and the first statement that is not a
# plain SELECT (a write, a flush, SELECT … FOR UPDATE) or ``begin_write`` opens the
# transaction, which the session's COMMIT or ROLLBACK ends. Everything else (commands,
# migrations, imports, tests) gets a transaction at its first statement, as before (at the
# isolation level its execution options ask for). An engine made with an ``isolation_level``
# of its own is left to SQLAlchemy.

READS_OUTSIDE_TRANSACTIONS = "reads_outside_transactions"
# Execution options of a write that is a single statement (``write_transaction(...,
# one_statement=True)``): where reads run outside transactions it is its own transaction.
ONE_STATEMENT = {"one_statement_write": True}
_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open on the connection


def _pg_driver_autocommit(dbapi_conn, _record) -> None:
    dbapi_conn.autocommit = True  # _pg_begin and _pg_write_begins issue BEGIN


def _pg_begin(conn) -> None:
    options = conn.get_execution_options()
    level = options.get("isolation_level")
    if level != "AUTOCOMMIT" and not options.get(READS_OUTSIDE_TRANSACTIONS):
        _pg_open(conn.connection.dbapi_connection, level)


def _pg_write_begins(conn, _cursor, statement: str, _params, context, _many) -> None:
    """In a connection whose reads run outside transactions, anything but a plain SELECT
    opens the transaction first (a write must be atomic with the rest of its unit, and a
    row lock must last until the commit), unless it is a ``ONE_STATEMENT`` write."""
    if not conn.get_execution_options().get(READS_OUTSIDE_TRANSACTIONS) or (
            context is not None and context.execution_options.get("one_statement_write")):
        return
    driver = conn.connection.dbapi_connection
    if driver.info.transaction_status != _IDLE:
        return
    head = statement.lstrip()[:6].upper()
    if head != "SELECT" or " FOR UPDATE" in statement or " FOR SHARE" in statement:
        _pg_open(driver)


def _pg_open(driver, level: str | None = None) -> None:
    if driver.info.transaction_status == _IDLE:
        driver.execute(f"BEGIN ISOLATION LEVEL {level}" if level else "BEGIN")


def sqlite_file(engine: Engine) -> Path | None:
    """The SQLite database's file (None in memory)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # a URI (``file:path?mode=ro``)
        database = database[5:].partition("?")[0]
    return Path(database)


def private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600) if it does not exist: it holds
    password hashes and session tokens. SQLite creates the WAL and shared-memory files with
    the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


# --- "this database is being served" -----------------------------------------------------------
#
# A restore must not run under a serving app (it would silently roll back answers the app
# acknowledged meanwhile). A process that serves requests marks its engine: on SQLite it holds
# a shared lock on ``<database>.serving`` for as long as it lives; on PostgreSQL its
# connections are named ``studyk8s-web`` (any host). ``served_elsewhere`` asks.

SERVING_APP_NAME = "studyk8s-web"


def mark_serving(engine: Engine) -> None:
    """Called once per serving process, before its first query."""
    if getattr(engine, "_studyk8s_serving", None) is not None:
        return
    if path := sqlite_file(engine):
        lock = _lock_file(path)
        fcntl.flock(lock, fcntl.LOCK_SH)
        engine._studyk8s_serving = lock  # closed (and unlocked) with the engine
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _name_serving_connection)
        engine.dispose()  # a connection made before is renamed by being made again
        engine._studyk8s_serving = True


def _name_serving_connection(dbapi_conn, _record) -> None:
    with dbapi_conn.cursor() as cur:
        cur.execute(f"SET application_name = '{SERVING_APP_NAME}'")
    dbapi_conn.commit()


def _lock_file(path: Path):
    lock = path.with_name(path.name + ".serving")
    private_file(lock)
    return open(lock, "rb")  # noqa: SIM115 (held for the process's life)


def served_elsewhere(engine: Engine) -> bool:
    """Whether an app process serves this database now (this process's own engine aside)."""
    if path := sqlite_file(engine):
        with _lock_file(path) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
        return False
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name = %(name)s",
                {"name": SERVING_APP_NAME}).scalar())
    return False


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


def begin_write(session: Session, *, one_statement: bool = False) -> None:
    """Start the session's write transaction: on SQLite, ``BEGIN IMMEDIATE``; on PostgreSQL,
    ``BEGIN`` if the session's reads ran outside a transaction (``READS_OUTSIDE_TRANSACTIONS``)
    and the write is not ``one_statement``.

    A request usually has a read transaction open already (loading the user). With nothing
    pending in the session it is swapped in place on the driver's connection, ``COMMIT`` then
    ``BEGIN IMMEDIATE``, inside SQLAlchemy's transaction, whose own COMMIT or ROLLBACK then
    ends the write (the driver issues no statements of its own: ``isolation_level=None``).
    That saves a full ORM commit and a new transaction, ~60 µs per answer.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        if not one_statement:
            _pg_open(session.connection().connection.dbapi_connection)
        return
    if dialect != "sqlite":
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


def make_session_factory(engine: Engine, *, reads_outside_transactions: bool = False
                         ) -> sessionmaker[Session]:
    """Sessions on ``engine``; the web app's run their reads outside transactions on
    PostgreSQL (see ``READS_OUTSIDE_TRANSACTIONS``; no effect on SQLite)."""
    if reads_outside_transactions and engine.dialect.name == "postgresql":
        engine = engine.execution_options(**{READS_OUTSIDE_TRANSACTIONS: True})
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_transaction(session: Session, *, one_statement: bool = False) -> Iterator[Session]:
    """One write: takes the write lock first (``begin_write``: on SQLite, writers queue
    instead of failing), commits when the block ends, rolls back if it raises.

    ``one_statement``: the block reads, then writes with a single statement executed with
    ``ONE_STATEMENT``, which on PostgreSQL (reads outside transactions) is a transaction by
    itself: no BEGIN or COMMIT round trips. Another write in the block would still open a
    transaction (``_pg_write_begins``), which the block's end commits.

    Services own their transactions: every service that writes does it in one of these, and
    nothing else in the code calls ``commit``."""
    begin_write(session, one_statement=one_statement)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
