"""Backup, restore and the card-state check, on real databases."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from studyk8s.persistence.models import CardState, ReviewLog
from studyk8s.services import review
from studyk8s.services.content import import_notes
from studyk8s.services.errors import ServiceError
from studyk8s.services.maintenance import (
    backup,
    check_card_states,
    integrity_check,
    restore,
)
from studyk8s.services.users import create_user

from ..conftest import TEST_DATABASE_URL

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite backup API")


@pytest.fixture
def history(session, notes_dir):
    """A learner with a few days of reviews, one of them undone."""
    import_notes(session, [notes_dir], now=NOW)
    user = create_user(session, "l@example.com", "kube-study-4471", timezone="Europe/Berlin",
                       now=NOW)
    now = NOW
    for day in range(3):
        for i in range(6):
            view = review.next_view(session, user, now)
            if view["card"] is None:
                break
            card = view["card"]
            review.answer(session, user, card_id=card["id"], rating=[3, 1, 3, 4, 2, 3][i],
                          client_id=f"d{day}-i{i}-000", version=card["version"], now=now)
            now += timedelta(minutes=3)
        now = NOW + timedelta(days=day + 1)
    review.undo(session, user, now - timedelta(days=1) + timedelta(minutes=30))
    return user


def test_check_passes_on_a_real_history(session, history):
    report = check_card_states(session)
    reviewed = session.scalar(select(func.count(func.distinct(ReviewLog.card_id)))
                              .where(ReviewLog.undone_at.is_(None)))
    assert report.cards > 5 and report.reviews > 10 and report.replayed == reviewed
    assert report.mismatches == []
    assert integrity_check(session.get_bind()) == ["ok"]


def test_check_reports_a_tampered_state(session, history):
    card_id = session.scalar(select(CardState.card_id).where(CardState.reps > 1).limit(1))
    session.execute(update(CardState).where(CardState.card_id == card_id)
                    .values(stability=CardState.stability * 2))
    session.commit()
    report = check_card_states(session)
    fields = {(m.card_id, m.field, m.check) for m in report.mismatches}
    assert (card_id, "stability", "last review") in fields
    assert (card_id, "stability", "replay") in fields


def test_check_reports_a_lost_review(session, history):
    log_id = session.scalar(select(ReviewLog.id).where(ReviewLog.undone_at.is_(None))
                            .order_by(ReviewLog.id).limit(1))
    session.execute(ReviewLog.__table__.delete().where(ReviewLog.id == log_id))
    session.commit()
    assert any(m.check in ("chain", "replay") for m in check_card_states(session).mismatches)


@sqlite_only
def test_backup_and_restore_round_trip(session, history, tmp_path):
    engine = session.get_bind()
    reviews = session.scalar(select(func.count()).select_from(ReviewLog))
    dest = backup(engine, tmp_path / "b" / "copy.db")
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from review_log").fetchone()[0] == reviews
    session.execute(ReviewLog.__table__.delete())
    session.commit()
    session.close()
    restore(engine, dest)
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == reviews


@sqlite_only
def test_a_restore_never_serves_the_replaced_databases_queue(session, history, tmp_path):
    """A worker keeps each learner's queue in memory, keyed by stamps the database bumps. A
    restore rewinds those stamps, and the same number of answers afterwards would bring them
    back to the cached values: the restore's new epoch is what tells the two apart."""
    engine = session.get_bind()
    now = NOW + timedelta(days=3)
    dest = backup(engine, tmp_path / "before.db")

    def answer_four(rating, tag):
        for i in range(4):
            card = review.next_card_id(session, history, now)
            version = session.scalar(select(CardState.version).where(
                CardState.card_id == card, CardState.user_id == history.id)) or 0
            review.answer(session, history, card_id=card, rating=rating,
                          client_id=f"{tag}-{i}-0000", version=version, now=now)

    answer_four(1, "again")  # four cards to learning, and the queue cached after them
    assert review.next_view(session, history, now)["counts"]["learning"] >= 4
    session.close()
    restore(engine, dest)
    answer_four(4, "easy")  # the same stamps again, other states: all four leave for days
    c = review.counts(session, history, now)
    assert review.next_view(session, history, now)["counts"] == {
        "new": c.new, "learning": c.learning, "review": c.review}


@sqlite_only
def test_restore_refuses_damaged_or_foreign_files(session, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ServiceError, match="junk.db"):
        restore(session.get_bind(), junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    with pytest.raises(ServiceError, match="not a studyk8s database"):
        restore(session.get_bind(), other)


@sqlite_only
def test_cli_backup_and_check(runner, tmp_path):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    result = runner.invoke(args=["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 0 and (tmp_path / "x.db").exists()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0 and "integrity: ok" in result.output
    assert "0 mismatches" in result.output


@sqlite_only
def test_upgrade_backs_up_an_existing_database_first(tmp_path):
    from studyk8s.app import create_app
    from studyk8s.config import TestConfig
    from studyk8s.migrate import upgrade
    from studyk8s.persistence.engine import make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0001")  # a database from the first release
    engine.dispose()
    config = TestConfig()
    config.DATABASE_URL = url
    app = create_app(config)
    result = app.test_cli_runner().invoke(
        args=["db", "upgrade", "--backup-dir", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    [copy] = (tmp_path / "bk").glob("before-*.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone()[0] == "0001"
    app.extensions["db_engine"].dispose()
