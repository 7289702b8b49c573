"""What a backup and a restore must not leak or lose (issue 18): the database, its WAL and
backups are the owner's only (0600); pg_dump and pg_restore never see the password on their
command line; a restore refuses to run under a serving app unless forced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from studyk8s.persistence.engine import make_engine
from studyk8s.services import errors
from studyk8s.services.maintenance import backup, restore
from tests.conftest import TEST_DATABASE_URL, made_app

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite files")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@sqlite_only
def test_a_new_database_its_wal_and_backups_are_the_owners_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        db = tmp_path / "instance" / "new.db"
        engine = make_engine(f"sqlite:///{db}")
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        wal = db.with_name("new.db-wal")
        assert mode(db) == 0o600 and wal.exists() and mode(wal) == 0o600
        dest = backup(engine, tmp_path / "backups" / "copy.db")
        assert mode(dest) == 0o600 and mode(dest.parent) == 0o700
        engine.dispose()
    finally:
        os.umask(old)


def fake_tool(bin_dir: Path, name: str, record: Path) -> None:
    """A stand-in for pg_dump that writes down its arguments and environment (pg_restore
    shares ``_pg_command``)."""
    script = bin_dir / name
    script.write_text(f'#!/bin/sh\necho "$@" > {record}\necho "PGPASSWORD=$PGPASSWORD" >> '
                      f'{record}\n[ "$1" = -Fc ] && : > "$3"\nexit 0\n')
    script.chmod(0o755)


def test_pg_dump_gets_the_password_through_the_environment(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_tool(bin_dir, "pg_dump", tmp_path / "pg_dump.txt")
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    engine = make_engine("postgresql+psycopg://study:s3cret-pw@127.0.0.1:1/studyk8s")
    old = os.umask(0o022)
    try:
        dest = backup(engine, tmp_path / "b" / "db.dump")
    finally:
        os.umask(old)
    assert mode(dest) == 0o600
    dumped = (tmp_path / "pg_dump.txt").read_text()
    assert "s3cret" not in dumped.splitlines()[0]
    assert "postgresql://study@127.0.0.1:1/studyk8s" in dumped
    assert "PGPASSWORD=s3cret-pw" in dumped


def test_restore_refuses_while_the_app_serves_the_database(db_url, tmp_path):
    """The serving app and the `flask db` command are two processes' worth of engines."""
    with made_app(db_url, MARK_SERVING=True) as served, made_app(db_url) as admin:
        dest = backup(admin.extensions["db_engine"], tmp_path / "copy.db")
        runner = admin.test_cli_runner()
        assert runner.invoke(args=["db", "restore", str(dest), "--yes"]).exit_code == 0
        r = served.test_client().post("/login", data={"email": "x@example.com",
                                                       "password": "not-the-password"})
        assert r.status_code == 200  # it serves now (a failed login: the form again)
        result = runner.invoke(args=["db", "restore", str(dest), "--yes"])
        assert result.exit_code == 1
        assert "the app is serving this database: stop it" in result.output
        with pytest.raises(errors.Conflict):
            restore(admin.extensions["db_engine"], dest)
        forced = runner.invoke(args=["db", "restore", str(dest), "--yes", "--force"])
        assert forced.exit_code == 0, forced.output
