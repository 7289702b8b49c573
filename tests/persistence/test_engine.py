"""SQLite write transactions: ``begin_write`` takes the write lock, whether or not the session
already had a read transaction open, and sees what others committed before it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from studyk8s.persistence.engine import begin_write
from studyk8s.persistence.models import User
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite locking")


def _path(session) -> str:
    return session.get_bind().url.database


def _other_writer_is_locked_out(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


@pytest.mark.parametrize("read_first", [False, True])
def test_begin_write_holds_the_write_lock_until_commit(session, read_first):
    if read_first:  # as a request does: the user was loaded in a read transaction
        session.scalars(select(User)).all()
    begin_write(session)
    assert _other_writer_is_locked_out(_path(session))
    session.commit()
    assert not _other_writer_is_locked_out(_path(session))


def test_begin_write_sees_what_was_committed_after_the_read_began(session):
    session.scalars(select(User)).all()  # the read snapshot starts here
    other = sqlite3.connect(_path(session), isolation_level=None)
    other.execute("INSERT INTO queue_content (id, seq) VALUES (7, 7)")
    other.close()
    begin_write(session)
    assert session.connection().exec_driver_sql(
        "SELECT seq FROM queue_content WHERE id = 7").scalar() == 7
    session.rollback()
    assert not _other_writer_is_locked_out(_path(session))
