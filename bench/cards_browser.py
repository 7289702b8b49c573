"""The card browser at scale, on SQLite and PostgreSQL: one learner with 100,000 cards and a
review log of 1,000,000 rows (``bench.scale``'s collection: 90,000 cards started, 100 other
learners), some cards flagged, leeches and added over the last 60 days.

Timed (median of ``RUNS`` after warm-up), through ``services.browse.search``: one page of 50
cards and the count of all matches, for each search in ``SEARCHES`` (what a learner types:
text, state and property filters, due, flags, and the form's sort orders).
``browser_search_ms_1m`` is the slowest of those medians; the goal is the issue's 200 ms.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, select, text

RUNS = 7
GOAL_MS = 200.0
LOG_ROWS = 1_000_000
SEARCHES = (  # (search text, sort, descending)
    ("", "due", False),
    ("Term4242", "due", False),
    ("is:review prop:lapses>=2", "due", False),
    ("is:suspended", "last_review", True),
    ("due:today", "retrievability", False),
    ("due:overdue -is:suspended", "interval", True),
    ("flag:1", "stability", True),
    ("is:leech", "lapses", True),
    ("added:7 is:new", "added", True),
    ("deck:bench-00042 prop:d>5", "difficulty", False),
)
ROWS = ("browser_search_ms_1m", "browser_search_ms_1m_pg")


def seed(engine: Engine) -> datetime:
    """``bench.scale``'s collection with a 1M-row log, plus flags, leeches and added dates."""
    from studyk8s.srs import day_start

    from .scale import TODAY_LOGS, _analyze, grow_log, seed_base

    now = datetime.now(UTC).replace(microsecond=0)
    start = day_start(now, "UTC")
    if (now - start) < timedelta(minutes=30):
        now = start + timedelta(minutes=30)
    started = seed_base(engine, now, start)
    grow_log(engine, started, TODAY_LOGS, LOG_ROWS, now, start)
    with engine.begin() as conn:
        conn.execute(text("UPDATE card_states SET flag = 1 WHERE user_id = 1 AND id % 50 = 0"))
        conn.execute(text("UPDATE card_states SET leech = true, suspended = true, lapses = 8 "
                          "WHERE user_id = 1 AND id % 997 = 0"))
        # cards.search_text, as migration 0007 fills it for cards already there
        conn.execute(text(
            "UPDATE cards SET search_text = lower(replace(replace(front || ' ' || back || ' ' || "
            "coalesce((SELECT term || ' ' || CAST(data AS TEXT) FROM facts "
            "WHERE facts.id = cards.fact_id), ''), '**', ''), '`', ''))"))
        for days in range(60):  # ~1,700 cards a day over the last 60 days
            conn.execute(text("UPDATE cards SET added_at = :at WHERE id % 60 = :d"),
                         {"at": (now - timedelta(days=days)).replace(tzinfo=None), "d": days})
    _analyze(engine)
    return now


def time_searches(engine: Engine, now: datetime) -> dict[str, float]:
    from studyk8s.persistence.engine import make_session_factory
    from studyk8s.persistence.models import User
    from studyk8s.services import browse

    session = make_session_factory(engine)()
    user = session.scalar(select(User).where(User.id == 1))
    out: dict[str, float] = {}
    for q, sort, desc in SEARCHES:
        page = partial(browse.search, session, user, q, now, sort=sort, desc=desc)
        for _ in range(2):
            found = page()
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            page()
            times.append((time.perf_counter() - t0) * 1000)
            session.rollback()  # a fresh snapshot each time, as a new request would have
        key = f"{q or '(all)'} sort:{sort}{' desc' if desc else ''}"
        out[key] = statistics.median(times)
        print(f"# cards_browser {engine.dialect.name}: {key}: {out[key]:.1f} ms "
              f"({found.total:,} cards)", file=sys.stderr)
    session.close()
    return out


def run() -> list[dict]:
    from .__main__ import row
    from .common import postgres_available, postgres_scratch, sqlite_engine

    detail: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = sqlite_engine(Path(tmp) / "browser.db")
        try:
            detail["sqlite"] = time_searches(engine, seed(engine))
        finally:
            engine.dispose()
    why = postgres_available()
    if why is None:
        with postgres_scratch("browser") as engine:
            detail["postgresql"] = time_searches(engine, seed(engine))
    else:
        print(f"# cards_browser: PostgreSQL skipped: {why}", file=sys.stderr)
    Path(__file__).with_name("cards_browser_detail.json").write_text(
        json.dumps(detail, indent=2) + "\n")
    rows = []
    for db, name in (("sqlite", ROWS[0]), ("postgresql", ROWS[1])):
        if db in detail:
            rows.append(row(name, max(detail[db].values()), "ms",
                            f"goal: under {GOAL_MS:.0f} ms (slowest of {len(SEARCHES)} searches)",
                            GOAL_MS))
    return rows


if __name__ == "__main__":
    for item in run():
        print(item)
