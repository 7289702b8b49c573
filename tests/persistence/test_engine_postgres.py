"""PostgreSQL transactions (``persistence.engine``): the web app's reads run outside
transactions, and everything that writes or locks still runs in one, whole or not at all.
Run by `make test-postgres`."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from studyk8s.persistence.engine import make_engine, write_transaction
from studyk8s.persistence.models import QueueContent, User
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                                reason="PostgreSQL transactions (make test-postgres)")

IDLE, INTRANS = 0, 2  # psycopg.pq.TransactionStatus


def _status(session) -> int:
    return session.connection().connection.dbapi_connection.info.transaction_status


def _rows(db_url: str, sql: str):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def test_a_web_sessions_reads_open_no_transaction(session):
    session.scalars(select(User)).all()
    session.execute(select(QueueContent.seq)).all()
    assert _status(session) == IDLE
    session.rollback()  # nothing to roll back: no ROLLBACK is sent, prepared statements stay


def test_a_flush_outside_write_transaction_is_still_rolled_back(session, db_url):
    """Services write in ``write_transaction``; an ORM change flushed outside one still
    lands in a transaction, which closing the session rolls back (as before)."""
    session.add(QueueContent(id=41, seq=1))
    session.flush()
    assert _status(session) == INTRANS
    session.close()
    assert _rows(db_url, "select id from queue_content where id = 41") == []


def test_a_core_write_outside_write_transaction_is_not_committed_on_its_own(session, db_url):
    session.execute(insert(QueueContent).values(id=42, seq=1))
    assert _status(session) == INTRANS
    session.rollback()
    assert _rows(db_url, "select id from queue_content where id = 42") == []


def test_select_for_update_holds_its_lock_until_commit(session, db_url):
    session.execute(insert(QueueContent).values(id=43, seq=1))
    session.commit()
    session.execute(select(QueueContent).where(QueueContent.id == 43).with_for_update()).all()
    other = make_engine(db_url)
    try:
        with other.connect() as conn, pytest.raises(Exception, match="could not obtain lock"):
            conn.execute(text("select id from queue_content where id = 43 for update nowait"))
        session.commit()
        with other.connect() as conn:
            assert conn.execute(text(
                "select id from queue_content where id = 43 for update nowait")).all()
    finally:
        other.dispose()


def test_write_transaction_is_all_or_nothing(session, db_url):
    session.scalars(select(User)).all()  # a read first, outside any transaction
    with pytest.raises(RuntimeError), write_transaction(session):
        session.execute(insert(QueueContent).values(id=44, seq=1))
        raise RuntimeError("fails halfway")
    assert _rows(db_url, "select id from queue_content where id = 44") == []
    with write_transaction(session):
        session.execute(insert(QueueContent).values(id=45, seq=1))
    assert _rows(db_url, "select id from queue_content where id = 45") == [(45,)]


def test_other_engines_get_a_transaction_at_their_first_statement(db_url):
    engine = make_engine(db_url)
    try:
        with pytest.raises(RuntimeError), engine.begin() as conn:
            conn.execute(insert(QueueContent).values(id=46, seq=1))
            assert conn.connection.dbapi_connection.info.transaction_status == INTRANS
            raise RuntimeError("a migration or an import failing halfway")
        assert _rows(db_url, "select id from queue_content where id = 46") == []
        with engine.connect().execution_options(isolation_level="SERIALIZABLE") as conn:
            assert conn.execute(text("show transaction_isolation")).scalar() == "serializable"
    finally:
        engine.dispose()


def test_statements_stay_prepared_from_one_request_to_the_next(app, client, auth):
    """psycopg prepares a statement after 5 runs and forgets them all on a ROLLBACK: ending
    every read request with one would plan each statement again, every time."""
    auth.signup()
    for _ in range(8):
        assert client.get("/api/review/next").status_code == 200
    engine = app.extensions["db_engine"]
    assert engine.pool.checkedin() == 1  # one connection served every request
    with engine.connect() as conn:
        prepared = conn.execute(text("select count(*) from pg_prepared_statements")).scalar()
    assert prepared >= 1
