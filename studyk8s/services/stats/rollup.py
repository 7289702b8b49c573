"""A learner's review history per study day: closed days summarised once into ``stats_days``
(the rollup), the reviews since read from the log.

A heavy learner has a million review-log rows; grouping them all on every visit costs more
than the page's budget, so closed study days are summarised once into ``stats_days``
(reviews, time, true-retention counts per day) and only the reviews since the last closed day
are read from the log on each visit. The log stays the source of truth: the rollup is rebuilt
from it when it could be stale — a new time zone (days move), a new definition
(``ROLLUP_VERSION``), or log rows that landed in an already summarised day (a history import;
``log_watermark`` finds them). Undo only reaches today's reviews, which are never summarised.
A day is closed ``ROLLUP_GRACE`` after it ends, so a review written just before the rollover
is never missed. (Not ``quiz.attempt.GRACE``: the minute an exam answer may arrive late.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    and_,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import ReviewLog, StatsDay, StatsRollup, User
from ...srs import State
from ...srs.days import (
    DayRun,
    StudyDay,
    day_runs,
    study_day_number,
)
from .sql import _instant, day_expr

ROLLUP_VERSION = 1
ROLLUP_GRACE = timedelta(minutes=10)  # a study day is summarised this long after it ends
FORECAST_DAYS = 30  # today (with overdue cards) and the next 30 days


@dataclass(frozen=True)
class StudyCalendar(StudyDay):
    """``now`` in the learner's study days (today's window, as the review queue has it), with
    the runs covering their whole history and the forecast window."""

    tz: str
    today: int
    first: int  # the day of the learner's first review (or today)
    runs: tuple[DayRun, ...]

    @classmethod
    def of(cls, session: Session, user: User, now: datetime) -> StudyCalendar:
        tz = user.timezone
        today = study_day_number(now, tz)
        oldest = session.scalar(select(func.min(ReviewLog.reviewed_at))
                                .where(ReviewLog.user_id == user.id))
        first = min(today, study_day_number(oldest, tz)) if oldest is not None else today
        runs = day_runs(first - 1, today + FORECAST_DAYS + 2, tz)
        day = StudyDay.of(now, tz)
        return cls(now, day.start, day.end, tz, today, first, runs)

    def start_of(self, day: int) -> datetime:
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


def _aggregate(session: Session, user: User, clock: StudyCalendar, lo: datetime | None,
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


def refresh_rollup(session: Session, user: User, clock: StudyCalendar) -> int:
    """Bring the learner's ``stats_days`` up to the last closed study day; returns the first
    day *not* in it (read those from the log). Commits its own short write, if any."""
    closed = study_day_number(clock.now - ROLLUP_GRACE, clock.tz)
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
        if late is not None and late < clock.start_of(rollup.through_day):
            rebuild_from = study_day_number(late, clock.tz)
        if rebuild_from >= target:
            return rollup.through_day  # no day closed since, nothing landed in the past
    watermark = session.scalar(select(func.max(ReviewLog.id))) or 0
    lo = None if rebuild_from is None else clock.start_of(rebuild_from)
    days = _aggregate(session, user, clock, lo, clock.start_of(target))
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
            refresh_rollup(session, user, StudyCalendar.of(session, user, now))
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


def day_totals(session: Session, user: User, clock: StudyCalendar) -> dict[int, DayTotals]:
    """Every study day with a review: closed days from the rollup, the rest from the log."""
    through = refresh_rollup(session, user, clock)
    out = {
        d: DayTotals(d, n, ms, due, ok)
        for d, n, ms, due, ok in session.execute(
            select(StatsDay.day, StatsDay.reviews, StatsDay.duration_ms,
                   StatsDay.retention_due, StatsDay.retention_passed)
            .where(StatsDay.user_id == user.id, StatsDay.day < through))
    }
    for t in _aggregate(session, user, clock, clock.start_of(through), None):
        out[t.day] = t
    return out
