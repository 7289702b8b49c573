"""Shared helpers for the benchmarks: timing statistics, scratch databases (SQLite files and
PostgreSQL scratch databases), and Core-level seeding of content, learners and review logs.

Seeding uses SQLAlchemy Core ``executemany`` (never ORM objects), so a million review-log rows
take seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text

from studyk8s.migrate import upgrade
from studyk8s.persistence.engine import make_engine
from studyk8s.persistence.models import Card, Fact, Note, User

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Not a usable password hash: seeded learners never log in (the HTTP benchmark signs up).
NO_LOGIN = "!bench-seeded-no-login"


# --- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def time_ms(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    """``runs`` timings of ``fn()`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


# --- scratch databases -----------------------------------------------------------------------


def sqlite_engine(path: str | Path, **kwargs) -> Engine:
    """A migrated SQLite database (WAL, the app's pragmas) at ``path``."""
    engine = make_engine(f"sqlite:///{path}", **kwargs)
    upgrade(engine)
    return engine


def postgres_available() -> str | None:
    """None if a scratch PostgreSQL database can be made here, else the reason why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -r requirements-bench.txt)"
    try:
        eng = make_engine(PG_ADMIN_URL)
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "skip, and say why"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"
    return None


@contextmanager
def postgres_scratch(tag: str = "") -> Iterator[Engine]:
    """Create ``studyk8s_bench_<pid><tag>``, migrate it, yield its engine, drop it."""
    name = f"studyk8s_bench_{os.getpid()}{tag}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- seeding ---------------------------------------------------------------------------------


def bulk_insert(conn, model, rows: list[dict]) -> None:
    """Insert many rows the way the app's own bulk writes do (``services.content``): with
    RETURNING, SQLAlchemy sends them in multi-row batches; a plain executemany goes row by
    row on psycopg, and each row would fire the queue-stamp triggers (migration 0006) alone.
    """
    conn.execute(insert(model).returning(model.id), rows).all()


def _chunks(rows: list[dict], size: int = 20_000) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def seed_cards(engine: Engine, n_cards: int, now: datetime, cards_per_note: int = 100,
               kinds: tuple[str, ...] = ("term_definition",)) -> list[int]:
    """``n_cards`` cards, one fact each (no siblings), ``cards_per_note`` to a note. Returns
    the card ids in queue order (note path, position)."""
    n_notes = -(-n_cards // cards_per_note)
    notes = [{"id": i + 1, "path": f"content/notes/bench-{i:05d}.md",
              "title": f"Bench deck {i}", "lang": "en", "content_hash": f"h{i}",
              "imported_at": now, "retired_at": None} for i in range(n_notes)]
    facts, cards = [], []
    for c in range(n_cards):
        note_id = c // cards_per_note + 1
        pos = c % cards_per_note
        term = f"Term{c}"
        facts.append({"id": c + 1, "note_id": note_id, "key": f"bench/{c}", "kind": "definition",
                      "term": term, "definition": f"the definition of **{term}**",
                      "group": "", "section": "Bench", "line": pos + 1, "position": pos,
                      "data": {}, "retired_at": None})
        cards.append({"id": c + 1, "note_id": note_id, "fact_id": c + 1,
                      "key": f"bench/{c}/{kinds[c % len(kinds)]}",
                      "kind": kinds[c % len(kinds)],
                      "front": f"What is **{term}**?", "back": f"The definition of `{term}`.",
                      "diagram": "", "section": "Bench", "line": pos + 1, "position": pos,
                      "retired_at": None})
    with engine.begin() as conn:
        bulk_insert(conn, Note, notes)
        for chunk in _chunks(facts):
            bulk_insert(conn, Fact, chunk)
        for chunk in _chunks(cards):
            bulk_insert(conn, Card, chunk)
    _reset_sequences(engine, ("notes", "facts", "cards"))
    return [c["id"] for c in cards]


def seed_users(engine: Engine, n: int, now: datetime, settings: dict | None = None,
               tz: str = "UTC", first_id: int = 1) -> list[int]:
    rows = [{"id": first_id + i, "email": f"bench{first_id + i}@example.com",
             "password_hash": NO_LOGIN, "role": "learner", "timezone": tz, "locale": None,
             "settings": settings or {}, "created_at": now} for i in range(n)]
    with engine.begin() as conn:
        bulk_insert(conn, User, rows)
    _reset_sequences(engine, ("users",))
    return [r["id"] for r in rows]


def _reset_sequences(engine: Engine, tables: tuple[str, ...]) -> None:
    """Explicit ids bypass PostgreSQL's serial sequences: move them past the data."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for t in tables:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {t}))"))


def state_json(state: int, due: datetime | None, stability: float, difficulty: float,
               last: datetime | None, reps: int) -> dict:
    return {"state": state, "step": 0 if state in (1, 3) else None,
            "stability": stability, "difficulty": difficulty,
            "due": due.isoformat() if due else None,
            "last_review": last.isoformat() if last else None, "reps": reps, "lapses": 0}


def dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def days(n: float) -> timedelta:
    return timedelta(days=n)


def utcnow() -> datetime:
    return datetime.now(UTC)
