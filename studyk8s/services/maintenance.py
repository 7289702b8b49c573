"""Data safety: online backup and restore, and a check that the stored card states are what the
append-only review log says they should be.

Backups of SQLite use its online backup API (a consistent copy while the app keeps serving);
PostgreSQL is backed up with pg_dump/pg_restore, which this module runs when they are on PATH.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..persistence.engine import private_file, served_elsewhere
from ..persistence.models import CardState, ReviewLog, User
from ..srs import CardMemory, Rating, fuzz_seed
from .errors import Conflict, ServiceError
from .scheduling import memory_of, scheduler_fingerprint, scheduler_for


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise ServiceError("maintenance.memory_sqlite_database_has",
            "an in-memory SQLite database has nothing to back up")
    return path


def _pg_command(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """The database's URL for pg_dump/pg_restore without its password, and their environment
    with it (PGPASSWORD): a command line is visible to every user in the process list."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return [url._replace(password=None).render_as_string(hide_password=False)], env


def backup(engine: Engine, dest: str | Path) -> Path:
    """Write a consistent copy of the database to ``dest`` while the app keeps running."""
    dest = Path(dest)
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        tmp = dest.with_name(dest.name + ".part")
        tmp.unlink(missing_ok=True)
        private_file(tmp)  # a backup holds what the database holds: owner only (0600)
        src = sqlite3.connect(_sqlite_path(engine), timeout=30)
        try:
            out = sqlite3.connect(tmp)
            with out:
                src.backup(out)
            out.close()
        finally:
            src.close()
        tmp.replace(dest)  # a crash mid-backup never leaves a half file under the real name
        return dest
    if engine.dialect.name == "postgresql":
        if shutil.which("pg_dump") is None:
            raise ServiceError("maintenance.pg_dump_not_path",
                "pg_dump is not on PATH: run `pg_dump -Fc -f FILE DATABASE_URL`")
        args, env = _pg_command(engine)
        subprocess.run(["pg_dump", "-Fc", "-f", str(dest), *args], check=True, env=env,
                       umask=0o077)
        return dest
    raise ServiceError("maintenance.backup_not_supported",
        "backup is not supported for {name}",
        name=engine.dialect.name)


# After a restore every learner gets a new queue epoch: a worker's in-memory queue of the
# replaced database must never pass for the restored one (services/review.py).
_NEW_EPOCHS = {"sqlite": "UPDATE users SET queue_epoch = abs(random() >> 2)",
               "postgresql": "UPDATE users SET queue_epoch = floor(random() * 4e18)::bigint"}


def restore(engine: Engine, source: str | Path, *, force: bool = False) -> None:
    """Replace the database's contents with a backup made by ``backup`` (checked first).
    Refused while an app process serves the database (it would go on acknowledging answers
    the restore then rolls back), unless ``force``."""
    source = Path(source)
    if not source.is_file():
        raise ServiceError("maintenance.no_such_backup_file",
            "{source}: no such backup file",
            source=source)
    if not force and served_elsewhere(engine):
        raise Conflict("maintenance.database_being_served",
            "the app is serving this database: stop it (every gunicorn server using it) "
            "before restoring, or pass --force to restore under it (answers given during the "
            "restore are lost)")
    if engine.dialect.name == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise ServiceError("maintenance.backup_damaged_not_restored",
                    "{source}: the backup is damaged ({ok}); not restored",
                    source=source, ok=ok)
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                raise ServiceError("maintenance.not_studyk_s_database",
                    "{source}: not a studyk8s database; not restored",
                    source=source)
            engine.dispose()  # no pooled connection may hold the old file open
            live = sqlite3.connect(_sqlite_path(engine), timeout=30)
            with live:
                src.backup(live)
            with live:
                live.execute(_NEW_EPOCHS["sqlite"])
            live.close()
        except sqlite3.DatabaseError as exc:
            raise ServiceError("maintenance.not_sqlite_database",
                "{source}: not a SQLite database ({exc})",
                source=source, exc=exc) from None
        finally:
            src.close()
        return
    if engine.dialect.name == "postgresql":
        if shutil.which("pg_restore") is None:
            raise ServiceError("maintenance.pg_restore_not_path",
                "pg_restore is not on PATH: run `pg_restore --clean --if-exists -d DATABASE_URL "
                "FILE`")
        args, env = _pg_command(engine)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", *args, str(source)],
                       check=True, env=env)
        with engine.begin() as conn:
            conn.exec_driver_sql(_NEW_EPOCHS["postgresql"])
        return
    raise ServiceError("maintenance.restore_not_supported",
        "restore is not supported for {name}",
        name=engine.dialect.name)


def integrity_check(engine: Engine) -> list[str]:
    """SQLite's own check (``["ok"]`` when healthy) and foreign keys; PostgreSQL: nothing to
    check at this level (it has no equivalent pragma)."""
    if engine.dialect.name != "sqlite":
        return ["ok"]
    with engine.connect() as conn:
        problems = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
    return problems + [f"foreign key: {row}" for row in fk]


@dataclass(frozen=True)
class Mismatch:
    user_id: int
    card_id: int
    field: str
    stored: object
    expected: object
    check: str  # "last review", "chain" or "replay"

    def __str__(self) -> str:
        return (f"user {self.user_id} card {self.card_id}: {self.field} is {self.stored!r}, "
                f"{self.check} says {self.expected!r}")


@dataclass
class CheckReport:
    cards: int = 0
    reviews: int = 0
    replayed: int = 0  # cards whose whole log was made under today's scheduler settings
    mismatches: list[Mismatch] = field(default_factory=list)


_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def _compare(report, row_ids, stored: CardMemory, expected: CardMemory, check: str) -> None:
    for name in _FIELDS:
        a, b = getattr(stored, name), getattr(expected, name)
        if name == "due" and a and b and a < b:
            continue  # brought forward by a wrong quiz answer: earlier is allowed
        if not _same(a, b):
            report.mismatches.append(Mismatch(*row_ids, name, a, b, check))


def check_card_states(session: Session) -> CheckReport:
    """Every card state against its review log, three ways:

    * last review: the stored state is what the scheduler wrote with the last effective review
      (the two are written in one transaction, so a crash can never separate them);
    * chain: each review started from the state the previous one left (no review lost);
    * replay: recomputed from the ratings alone with the learner's scheduler, for cards whose
      whole log was made under the learner's current settings (``cfg`` in each review).
    Undone reviews are skipped, as the schedule skipped them.
    """
    logs: dict[tuple[int, int], list[ReviewLog]] = defaultdict(list)
    report = CheckReport()
    for log in session.scalars(
        select(ReviewLog)
        .where(ReviewLog.undone_at.is_(None), ReviewLog.card_id.is_not(None))
        .order_by(ReviewLog.user_id, ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
    ):
        logs[(log.user_id, log.card_id)].append(log)
        report.reviews += 1
    users = {u.id: u for u in session.scalars(select(User))}
    for row in session.scalars(select(CardState).order_by(CardState.user_id, CardState.card_id)):
        report.cards += 1
        ids = (row.user_id, row.card_id)
        stored = memory_of(row)
        history = logs.pop(ids, [])
        last = CardMemory.from_dict(history[-1].state_after) if history else CardMemory()
        _compare(report, ids, stored, last, "last review")
        previous = CardMemory()
        for log in history:
            _compare(report, ids, CardMemory.from_dict(log.state_before), previous, "chain")
            previous = CardMemory.from_dict(log.state_after)
        scheduler = scheduler_for(users[row.user_id])
        if history and all(log.state_after.get("cfg") == scheduler_fingerprint(users[row.user_id])
                           for log in history):
            report.replayed += 1
            memory = CardMemory()
            for log in history:
                memory = scheduler.review(memory, Rating(log.rating), log.reviewed_at,
                                          seed=fuzz_seed(row.card_id, memory.reps)).memory
            _compare(report, ids, stored, memory, "replay")
    for (user_id, card_id) in logs:  # reviewed, but the card's state row is missing
        report.mismatches.append(Mismatch(user_id, card_id, "state", None, "reviewed",
                                          "last review"))
    return report
