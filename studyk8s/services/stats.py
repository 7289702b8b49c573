"""A learner's statistics (Anki's stats page): reviews per study day, streaks, the due forecast,
true retention, card counts by state, time spent and mastery per deck and section.

Everything is aggregated in SQL. Days are the learner's study days (4 am rollover in their
zone): ``srs.stats.day_runs`` turns the zone's rules over the needed range into a ``CASE`` that
maps a stored UTC instant to its study-day number with integer arithmetic.

**The rollup.** A heavy learner has a million review-log rows; grouping them all on every visit
costs more than the page's budget, so closed study days are summarised once into
``stats_days`` (reviews, time, true-retention counts per day) and only the reviews since the
last closed day are read from the log on each visit. The log stays the source of truth: the
rollup is rebuilt from it when it could be stale — a new time zone (days move), a new
definition (``ROLLUP_VERSION``), or log rows that landed in an already summarised day (a
history import; ``log_watermark`` finds them). Undo only reaches today's reviews, which are
never summarised. A day is closed ``GRACE`` after it ends, so a review written just before the
rollover is never missed.

**Mastery** is the mean predicted recall probability (the scheduler's FSRS forgetting curve,
``Scheduler.retrievability``) over the cards of a deck or section, with cards never studied
counting as 0: a section with a few well-known cards and many unseen ones is not "mastered".
The page shows next to it how many cards were studied and their mean recall, so a low number
says whether to study new cards or review the ones seen. Card counts, forecast and mastery
cover the decks and card kinds chosen in Settings (what the review queue draws from); review
history covers every review.
"""

from __future__ import annotations

import math
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ..persistence.engine import write_transaction
from ..persistence.models import Card, CardState, Note, ReviewLog, StatsDay, StatsRollup, User
from ..srs import State
from ..srs.stats import (
    DAY_SECONDS,
    MATURE_DAYS,
    DayRun,
    Streaks,
    curve,
    day_date,
    day_runs,
    months_back,
    streaks,
    study_day_number,
    week_start,
)
from .review import Counts, counts
from .scheduling import scheduler_for
from .users import settings_of

ROLLUP_VERSION = 1
GRACE = timedelta(minutes=10)  # a study day is summarised this long after it ends
HEATMAP_WEEKS = 53
FORECAST_DAYS = 30  # today (with overdue cards) and the next 30 days
TIME_DAYS = 30
RETENTION_WEEKS = 12
RETENTION_MONTHS = 12
WEAKEST_SECTIONS = 15
# Anki calls a review card mature once its interval is 21 days or more. The interval is
# ``due - last_review``, a whole number of study days that a DST change can stretch by an hour.
MATURE_SECONDS = MATURE_DAYS * DAY_SECONDS - 2 * 3600
CATEGORIES = ("new", "learning", "relearning", "young", "mature", "suspended", "leech")


# --- SQL building blocks -------------------------------------------------------------------


class epoch(FunctionElement):  # noqa: N801 (reads like the SQL function it renders)
    """Whole seconds since 1970 of a ``UTCDateTime`` column (stored as naive UTC)."""

    type = Integer()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({arg})"  # twice as fast as parsing strftime's text
    return f"CAST(strftime('%s', {arg}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_pg(element, compiler, **kw):
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_expr(column, runs: Sequence[DayRun]):
    """SQL: the study-day number of a UTC ``column`` (see ``srs.stats.day_runs``). The runs are
    tested newest first on the raw column (cheap comparisons); only the matching branch
    converts the instant to seconds."""
    secs = epoch(column)

    def number(run: DayRun, shift: int = 0):  # BIGINT: epoch seconds outgrow 32 bits in 2038
        start = literal(run.start - shift * run.length, BigInteger)
        return run.first - shift + (secs - start) // run.length

    # Before the oldest run (older than the learner's first review: rare) the offset is
    # negative and SQL division truncates towards zero; shifting the origin back makes it a
    # floor, as in ``srs.stats.run_day``.
    oldest = number(runs[0], shift=1_000_000)
    whens = [(column >= _instant(r.start), number(r)) for r in reversed(runs[1:])]
    return case(*whens, else_=oldest) if whens else oldest


_SQLITE_HAS_POWER: bool | None = None


def _sqlite_has_power() -> bool:
    global _SQLITE_HAS_POWER
    if _SQLITE_HAS_POWER is None:
        with closing(sqlite3.connect(":memory:")) as probe:
            try:
                probe.execute("SELECT power(2, 3)")
                _SQLITE_HAS_POWER = True
            except sqlite3.OperationalError:
                _SQLITE_HAS_POWER = False
    return _SQLITE_HAS_POWER


def _power(base: float | None, exponent: float | None) -> float | None:
    if base is None or exponent is None or base <= 0:
        return None
    return math.pow(base, exponent)


def _ensure_power(session: Session) -> None:
    """SQLite has ``power()`` only when built with its math functions; otherwise register a
    deterministic Python one on this connection (and on every new one)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or _sqlite_has_power():
        return
    conn.connection.driver_connection.create_function("power", 2, _power, deterministic=True)
    engine = conn.engine
    if not event.contains(engine, "connect", _register_power):
        event.listen(engine, "connect", _register_power)


def _register_power(dbapi_conn, _record) -> None:
    dbapi_conn.create_function("power", 2, _power, deterministic=True)


# --- the learner's clock -------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """``now`` in the learner's study days, with the runs covering their whole history and the
    forecast window."""

    now: datetime
    tz: str
    today: int
    first: int  # the day of the learner's first review (or today)
    runs: tuple[DayRun, ...]

    @classmethod
    def of(cls, session: Session, user: User, now: datetime) -> Clock:
        tz = user.timezone
        today = study_day_number(now, tz)
        oldest = session.scalar(select(func.min(ReviewLog.reviewed_at))
                                .where(ReviewLog.user_id == user.id))
        first = min(today, study_day_number(oldest, tz)) if oldest is not None else today
        return cls(now, tz, today, first, day_runs(first - 1, today + FORECAST_DAYS + 2, tz))

    def start(self, day: int) -> datetime:
        """The instant study day ``day`` starts."""
        run = self.runs[0]
        for r in self.runs:
            if r.first <= day:
                run = r
        return _instant(run.start + (day - run.first) * run.length)

    def day(self, column):
        return day_expr(column, self.runs)


# --- review history (rollup + today) -------------------------------------------------------


@dataclass(frozen=True)
class DayTotals:
    day: int
    reviews: int
    duration_ms: int
    retention_due: int
    retention_passed: int


def _aggregate(session: Session, user: User, clock: Clock, lo: datetime | None,
               hi: datetime | None) -> list[DayTotals]:
    """Per study day in [lo, hi): reviews (undone ones left out, imported ones in), time, and
    true retention: each card's first review of the day, counted when the card was in the
    review state before it, passed when rated Hard/Good/Easy. Imported Anki history carries no
    card state, so it counts in reviews and time but not in retention."""
    cond = [ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None)]
    if lo is not None:
        cond.append(ReviewLog.reviewed_at >= lo)
    if hi is not None:
        cond.append(ReviewLog.reviewed_at < hi)
    rows = (
        select(clock.day(ReviewLog.reviewed_at).label("day"), ReviewLog.card_id,
               ReviewLog.reviewed_at, ReviewLog.id, ReviewLog.duration_ms, ReviewLog.rating,
               ReviewLog.state_before["state"].as_integer().label("st"))
        .where(*cond)
        .subquery()
    )
    ranked = select(
        rows.c.day, rows.c.duration_ms, rows.c.rating, rows.c.st,
        func.row_number().over(partition_by=(rows.c.card_id, rows.c.day),
                               order_by=(rows.c.reviewed_at, rows.c.id)).label("rn"),
    ).subquery()
    counted = and_(ranked.c.rn == 1, ranked.c.st == int(State.REVIEW))
    q = (
        select(ranked.c.day, func.count(),
               func.coalesce(func.sum(ranked.c.duration_ms), 0),
               func.sum(case((counted, 1), else_=0)),
               func.sum(case((and_(counted, ranked.c.rating > 1), 1), else_=0)))
        .group_by(ranked.c.day)
        .order_by(ranked.c.day)
    )
    return [DayTotals(int(d), int(n), int(ms), int(due or 0), int(ok or 0))
            for d, n, ms, due, ok in session.execute(q)]


def refresh_rollup(session: Session, user: User, clock: Clock) -> int:
    """Bring the learner's ``stats_days`` up to the last closed study day; returns the first
    day *not* in it (read those from the log). Commits its own short write, if any."""
    closed = study_day_number(clock.now - GRACE, clock.tz)
    rollup = _rollup(session, user)
    rebuild_from: int | None = None  # None: from the first review on
    target = closed
    if (rollup is not None and rollup.timezone == clock.tz
            and rollup.version == ROLLUP_VERSION):
        rebuild_from = rollup.through_day
        target = max(closed, rollup.through_day)
        late = session.scalar(
            select(func.min(ReviewLog.reviewed_at))
            # ``+ 0`` keeps the planner on the primary key (the rows since the watermark)
            # rather than the learner's whole history in ix_review_log_user_time.
            .where(ReviewLog.id > rollup.log_watermark, ReviewLog.user_id + 0 == user.id))
        if late is not None and late < clock.start(rollup.through_day):
            rebuild_from = study_day_number(late, clock.tz)
        if rebuild_from >= target:
            return rollup.through_day  # no day closed since, nothing landed in the past
    watermark = session.scalar(select(func.max(ReviewLog.id))) or 0
    lo = None if rebuild_from is None else clock.start(rebuild_from)
    days = _aggregate(session, user, clock, lo, clock.start(target))
    values = {"timezone": clock.tz, "through_day": target, "log_watermark": watermark,
              "version": ROLLUP_VERSION, "updated_at": clock.now}
    try:
        # the aggregate above was read; now queue for the write lock
        with write_transaction(session):
            stale = delete(StatsDay).where(StatsDay.user_id == user.id)
            if rebuild_from is not None:
                stale = stale.where(StatsDay.day >= rebuild_from)
            session.execute(stale)
            if days:
                session.execute(insert(StatsDay), [
                    {"user_id": user.id, "day": d.day, "reviews": d.reviews,
                     "duration_ms": d.duration_ms, "retention_due": d.retention_due,
                     "retention_passed": d.retention_passed} for d in days])
            if rollup is None:
                session.execute(insert(StatsRollup).values(user_id=user.id, **values))
            else:
                # Optimistic: another request may have refreshed it meanwhile; then keep theirs.
                done = session.execute(
                    update(StatsRollup)
                    .where(StatsRollup.user_id == user.id,
                           StatsRollup.through_day == rollup.through_day,
                           StatsRollup.log_watermark == rollup.log_watermark,
                           StatsRollup.timezone == rollup.timezone,
                           StatsRollup.version == rollup.version)
                    .values(**values)
                    .execution_options(synchronize_session=False))
                if done.rowcount != 1:
                    raise _Raced
        return target
    except (IntegrityError, _Raced):
        again = _rollup(session, user)
        if again is None or again.timezone != clock.tz or again.version != ROLLUP_VERSION:
            return clock.first  # read it all from the log this once
        return again.through_day


def refresh_rollups(session: Session, now: datetime,
                    user_ids: Iterable[int] | None = None) -> int:
    """``refresh_rollup`` for every learner (or those given): what each one's first visit
    would otherwise do, for after an upgrade or a bulk history import. Returns how many."""
    ids = list(user_ids) if user_ids is not None else list(
        session.scalars(select(User.id).order_by(User.id)))
    done = 0
    for uid in ids:
        user = session.get(User, uid)
        if user is not None:
            refresh_rollup(session, user, Clock.of(session, user, now))
            done += 1
    return done


def _rollup(session: Session, user: User):
    """The learner's rollup bookkeeping as a plain row (never a stale identity-map object)."""
    return session.execute(
        select(StatsRollup.through_day, StatsRollup.log_watermark, StatsRollup.timezone,
               StatsRollup.version)
        .where(StatsRollup.user_id == user.id)).one_or_none()


class _Raced(Exception):
    pass


def day_totals(session: Session, user: User, clock: Clock) -> dict[int, DayTotals]:
    """Every study day with a review: closed days from the rollup, the rest from the log."""
    through = refresh_rollup(session, user, clock)
    out = {
        d: DayTotals(d, n, ms, due, ok)
        for d, n, ms, due, ok in session.execute(
            select(StatsDay.day, StatsDay.reviews, StatsDay.duration_ms,
                   StatsDay.retention_due, StatsDay.retention_passed)
            .where(StatsDay.user_id == user.id, StatsDay.day < through))
    }
    for t in _aggregate(session, user, clock, clock.start(through), None):
        out[t.day] = t
    return out


# --- cards: counts, forecast, mastery ------------------------------------------------------


def _scope(user: User):
    """The cards the learner studies: active, in the decks and kinds chosen in Settings (the
    same rule as the review queue)."""
    settings = settings_of(user)
    cond = [Card.retired_at.is_(None)]
    if settings.get("decks"):
        cond.append(Card.note_id.in_(settings["decks"]))
    if settings.get("card_kinds"):
        cond.append(Card.kind.in_(settings["card_kinds"]))
    return and_(*cond)


def _recall(clock: Clock, parameters: Sequence[float]):
    """SQL: the card's predicted recall probability now, as ``Scheduler.retrievability``
    (elapsed whole study days since the last review); 0 for a card never reviewed."""
    decay, factor = curve(parameters)
    elapsed = clock.today - clock.day(CardState.last_review)
    return case(
        (CardState.stability.is_(None) | CardState.last_review.is_(None)
         | (CardState.stability <= 0), 0.0),
        (CardState.last_review >= clock.start(clock.today), 1.0),
        else_=func.power(1.0 + factor * elapsed / CardState.stability, decay, type_=Float),
    )


_FIELD = 21  # bits per packed count: up to 2 million cards of one category (in all decks)
_MASK = (1 << _FIELD) - 1


def _packed_categories():
    """Two SQL sums that together count each group's cards per category.

    Each card is in exactly one category: leeches first, then suspended cards, then by state;
    mature = a review card whose interval is 21 days or more. One ``CASE`` per category would
    repeat the earlier tests for every category (and the interval arithmetic twice), so three
    counts are packed into each sum, ``_FIELD`` bits apart, and ``_unpack`` splits them; the
    leeches are what is left of the total."""
    one, two = literal(1 << _FIELD, BigInteger), literal(1 << (2 * _FIELD), BigInteger)
    interval = epoch(CardState.due) - epoch(CardState.last_review)
    first = case(
        (CardState.id.is_(None), 1),  # never answered: no state row
        (CardState.leech | CardState.suspended, 0),
        (CardState.state == int(State.NEW), 1),
        (CardState.state == int(State.LEARNING), one),
        (CardState.state == int(State.RELEARNING), two),
        else_=0,
    )
    second = case(
        (CardState.id.is_(None) | CardState.leech, 0),
        (CardState.suspended, two),
        (CardState.state != int(State.REVIEW), 0),
        (interval >= MATURE_SECONDS, one),
        else_=1,
    )
    return func.sum(first), func.sum(second)


def _unpack(total: int, first: int, second: int) -> dict[str, int]:
    counts = {
        "new": first & _MASK,
        "learning": (first >> _FIELD) & _MASK,
        "relearning": first >> (2 * _FIELD),
        "young": second & _MASK,
        "mature": (second >> _FIELD) & _MASK,
        "suspended": second >> (2 * _FIELD),
    }
    counts["leech"] = total - sum(counts.values())
    return {c: counts[c] for c in CATEGORIES}


@dataclass(slots=True)
class Mastery:
    """Mean recall over ``cards`` (never-studied cards count 0) of a deck or one section.
    The counts by category stay packed (``_packed_categories``): packed sums add up, so a deck
    is the plain sum of its sections."""

    note_id: int
    deck: str
    lang: str
    section: str
    cards: int = 0
    studied: int = 0
    recall_sum: float = 0.0
    packed: tuple[int, int] = (0, 0)

    @property
    def mastery(self) -> float:
        return self.recall_sum / self.cards if self.cards else 0.0

    @property
    def studied_recall(self) -> float | None:
        return self.recall_sum / self.studied if self.studied else None

    @property
    def counts(self) -> dict[str, int]:
        return _unpack(self.cards, *self.packed)

    def add(self, other: Mastery) -> None:
        self.cards += other.cards
        self.studied += other.studied
        self.recall_sum += other.recall_sum
        self.packed = (self.packed[0] + other.packed[0], self.packed[1] + other.packed[1])


def section_rows(session: Session, user: User, clock: Clock, *,
                 note_id: int | None = None) -> list[Mastery]:
    """One row per (deck, section) in the learner's scope: cards, studied cards, summed recall
    and counts by state, in one grouped query over cards ⟕ the learner's card states."""
    _ensure_power(session)
    params = scheduler_for(user).config.parameters
    studied = case((CardState.last_review.is_not(None), 1), else_=0)
    q = (
        select(Card.note_id, Card.section, func.count(), func.sum(studied),
               func.sum(_recall(clock, params)), *_packed_categories())
        .select_from(Card)
        .outerjoin(CardState, and_(CardState.card_id == Card.id,
                                   CardState.user_id == user.id))
        .where(_scope(user), Card.note_id == note_id if note_id is not None else true())
        .group_by(Card.note_id, Card.section)
    )
    notes = {nid: (title, lang) for nid, title, lang in session.execute(
        select(Note.id, Note.title, Note.lang).where(Note.retired_at.is_(None)))}
    out = []
    for nid, section, n, seen, rsum, first, second in session.execute(q):
        if nid not in notes:
            continue
        title, lang = notes[nid]
        out.append(Mastery(nid, title, lang, section, n, int(seen or 0), float(rsum or 0.0),
                           (int(first or 0), int(second or 0))))
    return out


def by_deck(sections: Iterable[Mastery]) -> list[Mastery]:
    decks: dict[int, Mastery] = {}
    for s in sections:
        decks.setdefault(s.note_id, Mastery(s.note_id, s.deck, s.lang, "")).add(s)
    return list(decks.values())


def forecast(session: Session, user: User, clock: Clock) -> list[tuple[int, int]]:
    """(day, cards due) for today and the next ``FORECAST_DAYS`` days. Overdue cards count
    today; suspended and new cards are left out; learning cards count on their due day."""
    today_start = clock.start(clock.today)
    day = case((CardState.due < today_start, clock.today), else_=clock.day(CardState.due))
    settings = settings_of(user)
    if settings.get("decks") or settings.get("card_kinds"):
        in_scope = CardState.card_id.in_(select(Card.id).where(_scope(user)))
    else:  # the usual case: only the (few) retired cards are out
        in_scope = CardState.card_id.not_in(select(Card.id).where(Card.retired_at.is_not(None)))
    q = (
        # Reads ix_card_states_forecast alone (covering): no card-state or card rows.
        select(day.label("day"), func.count())
        .where(CardState.user_id == user.id, CardState.suspended.is_(False),
               CardState.due < clock.start(clock.today + FORECAST_DAYS + 1),
               CardState.state != int(State.NEW), in_scope)
        .group_by("day")
    )
    got = {int(d): int(n) for d, n in session.execute(q)}
    return [(d, got.get(d, 0)) for d in range(clock.today, clock.today + FORECAST_DAYS + 1)]


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """True retention over study days ``first``…``last``."""

    first: date
    last: date
    due: int
    passed: int

    @property
    def retention(self) -> float | None:
        return self.passed / self.due if self.due else None


@dataclass(frozen=True)
class DayValue:
    day: date
    value: int


@dataclass(frozen=True)
class StatsPage:
    today: date
    timezone: str
    desired_retention: float
    streaks: Streaks
    heatmap: list[DayValue]  # reviews per day, Monday of 52 weeks ago → today
    year_reviews: int
    year_days: int
    total_reviews: int
    forecast: list[DayValue]
    weeks: list[Period]
    months: list[Period]
    retention_all: Period
    counts: dict[str, int]
    time: list[DayValue]  # ms per day, the last TIME_DAYS days
    time_reviews: list[DayValue]
    decks: list[Mastery]  # weakest first
    weakest_sections: list[Mastery]
    sections_total: int
    scoped: bool  # Settings restrict decks or card kinds
    studied_total: int = 0
    cards_total: int = 0


def _periods(totals: dict[int, DayTotals], starts: list[int], today: int) -> list[Period]:
    """True retention summed over the periods beginning on ``starts`` (the last ends today)."""
    due, passed = [0] * len(starts), [0] * len(starts)
    for d, t in totals.items():
        if starts[0] <= d <= today:
            i = bisect_right(starts, d) - 1
            due[i] += t.retention_due
            passed[i] += t.retention_passed
    ends = [*starts[1:], today + 1]
    return [Period(day_date(lo), day_date(hi - 1), due[i], passed[i])
            for i, (lo, hi) in enumerate(zip(starts, ends, strict=True))]


def page(session: Session, user: User, now: datetime) -> StatsPage:
    """Everything the stats page shows: the review history from the rollup plus today, and
    two grouped queries over the learner's cards (sections, forecast)."""
    clock = Clock.of(session, user, now)
    totals = day_totals(session, user, clock)
    today = clock.today
    reviewed = [d for d, t in totals.items() if t.reviews > 0]

    first_cell = week_start(today) - (HEATMAP_WEEKS - 1) * 7
    heatmap = [DayValue(day_date(d), totals[d].reviews if d in totals else 0)
               for d in range(first_cell, today + 1)]
    year = [t for d, t in totals.items() if d > today - 365]

    this_week = week_start(today)
    weeks = _periods(totals, [this_week - 7 * k for k in range(RETENTION_WEEKS - 1, -1, -1)],
                     today)
    months = _periods(totals, months_back(today, RETENTION_MONTHS), today)
    all_due = sum(t.retention_due for t in totals.values())
    all_passed = sum(t.retention_passed for t in totals.values())
    first_day = min(totals) if totals else today

    sections = section_rows(session, user, clock)
    decks = by_deck(sections)
    everything = Mastery(0, "", "", "")
    for d in decks:
        everything.add(d)
    # Weakest among the sections the learner has started: the rest are all at 0 (the deck
    # table shows how much of each deck is still unseen).
    weakest = sorted((s for s in sections if s.studied),
                     key=lambda m: (m.mastery, m.deck, m.section))
    settings = settings_of(user)

    time_days = range(today - TIME_DAYS + 1, today + 1)
    return StatsPage(
        today=day_date(today),
        timezone=clock.tz,
        desired_retention=float(settings["desired_retention"]),
        streaks=streaks(reviewed, today),
        heatmap=heatmap,
        year_reviews=sum(t.reviews for t in year),
        year_days=sum(1 for t in year if t.reviews),
        total_reviews=sum(t.reviews for t in totals.values()),
        forecast=[DayValue(day_date(d), n) for d, n in forecast(session, user, clock)],
        weeks=weeks,
        months=months,
        retention_all=Period(day_date(first_day), day_date(today), all_due, all_passed),
        counts=everything.counts,
        time=[DayValue(day_date(d), totals[d].duration_ms if d in totals else 0)
              for d in time_days],
        time_reviews=[DayValue(day_date(d), totals[d].reviews if d in totals else 0)
                      for d in time_days],
        decks=sorted(decks, key=lambda m: (m.mastery, m.deck)),
        weakest_sections=weakest[:WEAKEST_SECTIONS],
        sections_total=len(sections),
        scoped=bool(settings.get("decks") or settings.get("card_kinds")),
        studied_total=sum(d.studied for d in decks),
        cards_total=sum(d.cards for d in decks),
    )


@dataclass(frozen=True)
class DeckPage:
    deck: Mastery
    sections: list[Mastery]  # weakest first


def deck_page(session: Session, user: User, note_id: int, now: datetime) -> DeckPage | None:
    """Mastery per section of one deck, or None if the deck is unknown, retired or outside the
    learner's scope."""
    clock = Clock.of(session, user, now)
    sections = section_rows(session, user, clock, note_id=note_id)
    if not sections:
        return None
    deck = by_deck(sections)[0]
    return DeckPage(deck, sorted(sections, key=lambda m: (m.mastery, m.section)))


@dataclass(frozen=True)
class Summary:
    """The home page's line: what is due today, the streak, today's reviews."""

    due: Counts
    streak: int
    reviews_today: int
    studied_today: bool


def summary(session: Session, user: User, now: datetime) -> Summary:
    clock = Clock.of(session, user, now)
    totals = day_totals(session, user, clock)
    today = totals.get(clock.today)
    s = streaks([d for d, t in totals.items() if t.reviews > 0], clock.today)
    return Summary(counts(session, user, now), s.current, today.reviews if today else 0,
                   today is not None and today.reviews > 0)


# --- instructors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassSection:
    """Mastery of one (deck, section) across learners: the mean of each learner's mastery."""

    note_id: int
    deck: str
    section: str
    cards: int
    mastery: float
    per_learner: dict[int, float]


def section_mastery(session: Session, user_ids: Iterable[int], now: datetime
                    ) -> list[ClassSection]:
    """Mastery per section for a class, weakest first: each learner's mastery under their own
    scheduler parameters, time zone and deck scope, averaged over the learners who have the
    section in scope (``per_learner`` keeps each one's value).

    For the instructor's class view, which is not built here (classes belong to the quiz-set
    work): it passes its members' ids. The caller checks that the instructor may see these
    learners. One grouped query per learner, the same one the learner's own page runs.
    """
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for uid in dict.fromkeys(user_ids):
        user = session.get(User, uid)
        if user is None:
            continue
        clock = Clock.of(session, user, now)
        for m in section_rows(session, user, clock):
            r = rows.setdefault((m.note_id, m.section),
                                {"deck": m.deck, "cards": m.cards, "per": {}})
            r["per"][uid] = m.mastery
    out = [ClassSection(nid, r["deck"], section, r["cards"],
                        sum(r["per"].values()) / len(r["per"]), r["per"])
           for (nid, section), r in rows.items()]
    return sorted(out, key=lambda c: (c.mastery, c.deck, c.section))

