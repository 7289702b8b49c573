"""The stats page for a learner with 100,000 cards and 1,000,000 review-log rows (issue 6: under
300 ms on SQLite). Seeds one learner with Core/DBAPI executemany (no ORM objects), logs in
through the Flask test client and times full renders of /stats.

* ``stats_page_cold_ms_1m``: the first render, which builds the learner's per-day rollup of
  the review log (``stats_days``) from all 1M rows; it happens once per learner (and again
  after a time-zone change or a history import into the past), unless ``flask stats rollup``
  built it beforehand.
* ``stats_page_ms_1m``: the median of later renders: the rollup is read, and only reviews since
  the last closed study day are aggregated from the log. Each study day the first render
  extends the rollup by one day (``stats_page_next_day_ms_1m``: median of renders that each
  extend it by one day's ~1,000 reviews).
* ``stats_service_ms_1m``: ``services.stats.page`` alone (the queries, no HTTP or template);
  ``home_page_ms_1m``: the home page with its summary (due today, streak, reviews today).

The history spans three years (about 1,000 reviews a study day, a tenth of the days off) in
America/New_York, so study days cross DST changes; 92 % of the cards have a state, mostly
review cards with due dates spread over the coming weeks.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROWS = (
    "stats_page_ms_1m",
    "stats_page_cold_ms_1m",
    "stats_page_next_day_ms_1m",
    "stats_service_ms_1m",
    "home_page_ms_1m",
    "stats_seed_1m_s",
)
N_CARDS = 100_000
N_REVIEWS = 1_000_000
N_DECKS = 200
SECTIONS_PER_DECK = 20
HISTORY_DAYS = 3 * 365
RUNS = 15
TZ = "America/New_York"
EMAIL = "bench-stats@example.com"
PASSWORD = "bench-password"
TARGET_MS = 300.0


def _ts(epoch: float) -> str:
    """SQLAlchemy's SQLite DATETIME text (UTC, naive), what ``UTCDateTime`` stores."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(engine, now: datetime, *, cards: int = N_CARDS, reviews: int = N_REVIEWS,
         decks: int = N_DECKS, tz: str = TZ, rng_seed: int = 6) -> int:
    """One learner with ``cards`` cards (in ``decks`` decks of ``SECTIONS_PER_DECK`` sections)
    and ``reviews`` review-log rows over ``HISTORY_DAYS``. Returns the user id."""
    from sqlalchemy.orm import Session

    from studyk8s.services.users import create_user

    rnd = random.Random(rng_seed)
    with Session(engine) as s:
        user_id = create_user(s, EMAIL, PASSWORD, timezone=tz, now=now).id
    stamp = _ts(now.timestamp())
    per_deck = cards // decks
    per_section = max(1, per_deck // SECTIONS_PER_DECK)
    with engine.begin() as conn:
        cursor = conn.connection.cursor()  # DBAPI executemany: takes generators, no ORM
        sql = cursor.executemany
        sql("INSERT INTO notes (id, path, title, lang, content_hash, imported_at) "
            "VALUES (?, ?, ?, 'zh', 'x', ?)",
            [(d + 1, f"content/notes/bench-{d:04d}.md", f"K8s笔记 {d}", stamp)
             for d in range(decks)])
        fact_rows, card_rows = [], []
        for i in range(cards):
            deck = i // per_deck if i // per_deck < decks else decks - 1
            section = f"第{(i % per_deck) // per_section}章 > 控制器类型"
            fact_rows.append((i + 1, deck + 1, f"bench:{i}", "definition", f"Term{i}", "def",
                              "", section, i % 500 + 1, i, "{}"))
            card_rows.append((i + 1, deck + 1, i + 1, f"bench:{i}:td", "term_definition",
                              f"Term{i}", "definition", "", section, i % 500 + 1, i))
        sql('INSERT INTO facts (id, note_id, "key", kind, term, definition, "group", section, '
            "line, position, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fact_rows)
        sql('INSERT INTO cards (id, note_id, fact_id, "key", kind, front, back, diagram, '
            "section, line, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", card_rows)
        del fact_rows, card_rows
        sql("INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, "
            "due, last_review, reps, lapses, suspended, leech, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _states(rnd, user_id, cards, now.timestamp()))
        sql("INSERT INTO review_log (user_id, card_id, client_id, rating, reviewed_at, "
            "duration_ms, state_before, state_after, undone_at, imported) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            _reviews(rnd, user_id, cards, reviews, now.timestamp()))
        cursor.close()
    return user_id


def _states(rnd: random.Random, user_id: int, cards: int, now: float):
    """92 % of the cards studied: mostly review cards (a learner keeping up: intervals of
    weeks to months, due dates spread ahead, a day or two of backlog), a few in (re)learning,
    some suspended and leeches; the rest have no state row (new)."""
    day = 86400.0
    for card_id in range(1, cards + 1):
        if rnd.random() < 0.08:
            continue
        roll = rnd.random()
        if roll < 0.03 or roll < 0.05:
            state, step, ivl = (1 if roll < 0.03 else 3), 0, 600.0
            due = now + rnd.uniform(-3600, 600)
        else:
            state, step = 2, None
            ivl = min(HISTORY_DAYS - 5, max(1, round(rnd.lognormvariate(4.2, 0.9)))) * day
            due = now + rnd.uniform(-2 * day, ivl)
        last = due - ivl
        stability = max(0.1, ivl / day * rnd.uniform(0.7, 1.3))
        leech = rnd.random() < 0.003
        suspended = leech or rnd.random() < 0.01
        yield (user_id, card_id, state, step, stability, rnd.uniform(1, 10), _ts(due),
               _ts(last), rnd.randint(1, 30), rnd.randint(0, 5), suspended, leech, 1)


def _reviews(rnd: random.Random, user_id: int, cards: int, reviews: int, now: float):
    """``reviews`` rows over the last ``HISTORY_DAYS`` days, in time order, ~10 % of days off
    (never the last 30, so there is a current streak), 1 % undone."""
    day = 86400.0
    start = now - HISTORY_DAYS * day
    active = [d for d in range(HISTORY_DAYS)
              if d >= HISTORY_DAYS - 30 or rnd.random() > 0.1]
    per_day = reviews / len(active)
    before = ['{"state": 2, "version": 4}'] * 8 + ['{"state": 0, "version": 0}',
                                                   '{"state": 1, "version": 1}',
                                                   '{"state": 3, "version": 5}']
    after = '{"state": 2}'
    ratings = (1, 2, 3, 3, 3, 3, 3, 3, 4, 3)
    n = 0
    for k, d in enumerate(active):
        count = round(per_day * (k + 1)) - round(per_day * k)
        base = start + d * day + 13 * 3600  # sessions around 08:00–20:00 New York time
        for j in range(count):
            at = base + (j / count) * 11 * 3600 + rnd.uniform(0, 30)
            if at >= now:
                at = now - rnd.uniform(1, 3600)
            undone = _ts(at + 5) if rnd.random() < 0.01 else None
            yield (user_id, rnd.randint(1, cards), f"bench-{n}", rnd.choice(ratings), _ts(at),
                   rnd.randint(1500, 20000), rnd.choice(before), after, undone)
            n += 1
            if n >= reviews:
                return


def _app(url: str):
    from studyk8s.app import create_app
    from studyk8s.config import TestConfig

    config = TestConfig()
    config.DATABASE_URL = url
    config.WTF_CSRF_ENABLED = False
    return create_app(config)


def _get_ms(client, path: str) -> float:
    t0 = time.perf_counter()
    r = client.get(path)
    ms = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, (path, r.status_code)
    return ms


def run() -> list[dict]:
    from studyk8s.migrate import upgrade
    from studyk8s.persistence.engine import make_engine
    from studyk8s.persistence.models import StatsRollup
    from studyk8s.services import stats

    from .__main__ import row

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'stats.db'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        user_id = seed(engine, now)
        seed_s = time.perf_counter() - t0
        with engine.connect() as conn:  # fold the bulk load's WAL into the database file
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

        app = _app(url)
        client = app.test_client()
        r = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        assert r.status_code == 302, r.status_code
        cold = _get_ms(client, "/stats")
        page = statistics.median(_get_ms(client, "/stats") for _ in range(RUNS))
        home = statistics.median(_get_ms(client, "/") for _ in range(RUNS))

        sessions = app.extensions["db_sessions"]
        with app.app_context(), sessions() as s:
            from studyk8s.persistence.models import User

            user = s.get(User, user_id)
            service = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                stats.page(s, user, datetime.now(UTC), askable=app.extensions["askable"])
                service.append((time.perf_counter() - t0) * 1000)
            s.rollback()

        # Next study day: move the rollup back one day, so the render extends it by one day.
        next_day = []
        for _ in range(RUNS):
            with app.app_context(), sessions() as s:
                rollup = s.get(StatsRollup, user_id)
                rollup.through_day -= 1
                s.commit()
            next_day.append(_get_ms(client, "/stats"))
        app.extensions["db_engine"].dispose()

    target = "target (issue 6)"
    return [
        row("stats_page_ms_1m", page, "ms", target, TARGET_MS),
        row("stats_page_cold_ms_1m", cold, "ms", "target, though one-off (rollup build)",
            TARGET_MS),
        row("stats_page_next_day_ms_1m", statistics.median(next_day), "ms", target, TARGET_MS),
        row("stats_service_ms_1m", statistics.median(service), "ms", target, TARGET_MS),
        row("home_page_ms_1m", home, "ms", target, TARGET_MS),
        row("stats_seed_1m_s", seed_s, "s", "brief target (well under a minute)", 60.0),
    ]


if __name__ == "__main__":
    from .__main__ import print_table

    print_table(run())
