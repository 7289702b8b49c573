"""The review queue at scale, on SQLite and PostgreSQL: one learner with 100,000 cards (90,000
started, 10,000 new) plus 100 other learners, and the learner's review log grown from 10k to
100k to 1M rows. Only the history before today grows; the card states and today's 300
reviews stay the same, so any growth in a query's time is the log size's doing.

Timed (median of ``RUNS`` after warm-up), through the review service:

* ``due_queue``: the next 50 review cards due today, in due order (burying applied);
* ``next_card``: ``services.review.next_card_id`` (learning, review, new, learn-ahead);
* ``daily_counts``: ``services.review.counts`` (new / learning / review, under the limits);
* ``next_view``: what GET /api/review/next computes (counts, next card, its view), with the
  learner's queue already in this worker's memory (every step but the day's first);
* ``queue_build``: the same with no queue in memory: reading the day's queue (once a day per
  worker, and after an undo, a suspend or new content).

Each row's reference is the same query at 10k log rows: a ratio near 1 says the time does not
grow with the log. PostgreSQL runs in a scratch database (``studyk8s_bench_<pid>``) that is
dropped afterwards; it is skipped, with the reason printed, where it cannot be reached.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from .common import bulk_insert

N_CARDS = 100_000
N_NEW = 10_000  # cards the learner has not started
N_OTHERS = 100
OTHER_STATES = 200
OTHER_LOGS = 500
TODAY_LOGS = 300
SIZES = (10_000, 100_000, 1_000_000)
HISTORY_DAYS = 3 * 365
RUNS = 9
QUEUE_PAGE = 50
METRICS = ("due_queue", "next_card", "daily_counts", "next_view", "queue_build")
ROWS = tuple(f"{m}_ms_1m{suffix}" for suffix in ("", "_pg") for m in METRICS)
CHUNK = 50_000


def _states(rng: random.Random, user_id: int, card_ids, now: datetime) -> list[dict]:
    rows = []
    for cid in card_ids:
        roll = rng.random()
        if roll < 0.94:  # review: due from a month ago to a year ahead
            state, step, due = 2, None, now + timedelta(days=rng.uniform(-30, 365))
        elif roll < 0.99:  # learning / relearning, due around now
            minutes = rng.uniform(-600, 600)
            state, step, due = rng.choice((1, 3)), 0, now + timedelta(minutes=minutes)
        else:  # suspended review card
            state, step, due = 2, None, now + timedelta(days=rng.uniform(-30, 30))
        rows.append({"user_id": user_id, "card_id": cid, "state": state, "step": step,
                     "stability": rng.uniform(1, 200), "difficulty": rng.uniform(1, 10),
                     "due": due, "last_review": now - timedelta(days=rng.uniform(1, 60)),
                     "reps": rng.randint(1, 30), "lapses": rng.randint(0, 3),
                     "suspended": roll >= 0.99, "leech": False, "version": 1})
    return rows


def _logs(rng: random.Random, user_id: int, card_ids: list[int], n: int, start: datetime,
          end: datetime, tag: str, before_states=(2,)) -> list[dict]:
    span = (end - start).total_seconds()
    rows = []
    for i in range(n):
        rows.append({"user_id": user_id, "card_id": rng.choice(card_ids), "external_card": None,
                     "client_id": f"{tag}-{user_id}-{i}", "rating": rng.choice((1, 3, 3, 3, 4)),
                     "reviewed_at": start + timedelta(seconds=rng.uniform(0, span)),
                     "duration_ms": 4000, "state_before": {"state": before_states[i % len(
                         before_states)]}, "state_after": {}, "undone_at": None,
                     "imported": False})
    return rows


def _insert(engine: Engine, model, rows: list[dict]) -> None:
    with engine.begin() as conn:
        for i in range(0, len(rows), CHUNK):
            bulk_insert(conn, model, rows[i:i + CHUNK])


def seed_base(engine: Engine, now: datetime, day_start: datetime) -> list[int]:
    """Content, learners, card states and today's reviews. Returns the started card ids."""
    from studyk8s.persistence.models import CardState, ReviewLog

    from .common import seed_cards, seed_users

    rng = random.Random(8)
    card_ids = seed_cards(engine, N_CARDS, now)
    seed_users(engine, 1 + N_OTHERS, now)
    started = card_ids[:N_CARDS - N_NEW]  # the queue's first 90,000 cards, as a learner would
    _insert(engine, CardState, _states(rng, 1, started, now))
    others = []
    for uid in range(2, N_OTHERS + 2):
        others.extend(_states(rng, uid, rng.sample(card_ids, OTHER_STATES), now))
    _insert(engine, CardState, others)
    # Today: 10 new cards introduced, 150 reviews, the rest learning steps.
    kinds = (0,) * 10 + (2,) * 150 + (1,) * (TODAY_LOGS - 160)
    today = _logs(rng, 1, started, TODAY_LOGS, day_start, now, "today", kinds)
    _insert(engine, ReviewLog, today)
    other_logs = []
    for uid in range(2, N_OTHERS + 2):
        other_logs.extend(_logs(rng, uid, card_ids, OTHER_LOGS, now - timedelta(days=400), now,
                                "other"))
    _insert(engine, ReviewLog, other_logs)
    return started


def grow_log(engine: Engine, started: list[int], have: int, want: int, now: datetime,
             day_start: datetime) -> None:
    """Add history before today until the learner's log holds ``want`` rows."""
    from studyk8s.persistence.models import ReviewLog

    rng = random.Random(want)
    first = now - timedelta(days=HISTORY_DAYS)
    n = want - have
    for i in range(0, n, CHUNK):
        rows = _logs(rng, 1, started, min(CHUNK, n - i), first, day_start, f"h{want}-{i}")
        _insert(engine, ReviewLog, rows)


def _analyze(engine: Engine) -> None:
    """PostgreSQL's autovacuum would have analysed tables this size by now; right after a bulk
    load it may not have, and the planner then hashes whole tables. SQLite gets no ANALYZE:
    the app never runs one, so its plans are the ones it would have."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def time_queries(engine: Engine, now: datetime) -> dict[str, float]:
    from studyk8s.persistence.engine import make_session_factory
    from studyk8s.persistence.models import User
    from studyk8s.services import review
    from studyk8s.services.review import queries
    from studyk8s.services.users import StudySettings
    from studyk8s.srs.days import StudyDay

    session = make_session_factory(engine)()
    queues = review.QueueCache()
    user = session.scalar(select(User).where(User.id == 1))
    day = StudyDay.of(now, user.timezone)
    queue = queries._statements(StudySettings.of(user, now), session).review.limit(QUEUE_PAGE)
    params = queries._params(user, day)
    fns = {
        "due_queue": lambda: session.scalars(queue, params).all(),
        "next_card": lambda: review.next_card_id(session, user, now),
        "daily_counts": lambda: review.counts(session, user, now),
        "next_view": lambda: queues.next_view(session, user, now),
        "queue_build": lambda: (queues.clear(), queues.next_view(session, user, now)),
    }
    out = {}
    for name, fn in fns.items():
        for _ in range(3):
            fn()
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
            session.rollback()  # a fresh snapshot each time, as a new request would have
        out[name] = statistics.median(times)
    out["_counts"] = list(map(int, review.counts(session, user, now).__dict__.values()))
    session.close()
    return out


def measure(engine: Engine, label: str) -> dict:
    from studyk8s.srs import day_start

    now = datetime.now(UTC).replace(microsecond=0)
    start = day_start(now, "UTC")
    if (now - start) < timedelta(minutes=30):  # keep "today" non-empty and unambiguous
        now = start + timedelta(minutes=30)
    t0 = time.perf_counter()
    started = seed_base(engine, now, start)
    results, have = {}, TODAY_LOGS
    for size in SIZES:
        grow_log(engine, started, have, size, now, start)
        have = size
        _analyze(engine)
        results[size] = time_queries(engine, now)
        print(f"# scale {label} {size:>9,} log rows: "
              + ", ".join(f"{k} {v:.2f} ms" for k, v in results[size].items()
                          if not k.startswith("_"))
              + f"; counts {results[size]['_counts']}", file=sys.stderr)
    results["seed_and_time_s"] = time.perf_counter() - t0
    return results


def run() -> list[dict]:
    from .__main__ import row
    from .common import postgres_available, postgres_scratch, sqlite_engine

    detail: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = sqlite_engine(Path(tmp) / "scale.db")
        try:
            detail["sqlite"] = measure(engine, "SQLite")
        finally:
            engine.dispose()
    why = postgres_available()
    if why is None:
        with postgres_scratch() as engine:
            detail["postgresql"] = measure(engine, "PostgreSQL")
    else:
        print(f"# scale: PostgreSQL skipped: {why}", file=sys.stderr)
    Path(__file__).with_name("scale_detail.json").write_text(
        json.dumps(detail, indent=2, default=str) + "\n")
    rows = []
    for db, suffix in (("sqlite", ""), ("postgresql", "_pg")):
        if db not in detail:
            continue
        d = detail[db]
        for m in METRICS:
            rows.append(row(f"{m}_ms_1m{suffix}", d[SIZES[-1]][m], "ms",
                            f"same, 10k log rows ({'PostgreSQL' if suffix else 'SQLite'})",
                            d[SIZES[0]][m]))
    return rows


if __name__ == "__main__":
    for item in run():
        print(item)
