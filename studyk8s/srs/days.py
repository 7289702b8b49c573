"""Study-day arithmetic: study-day numbers, the day "runs" that let SQL map a
UTC instant to a learner's study day, streaks, week/month buckets and the FSRS forgetting curve.

Study days are numbered (days since 1970-01-01 of the study date) so SQL can group by an
integer. A learner's study day starts at the rollover hour (4 am) in their zone; between two
UTC-offset changes consecutive day starts are exactly 24 hours apart, so a *run* of such days
maps an instant to its day with integer arithmetic: ``first + (epoch - start) // 86400``. Days
that are 23 or 25 hours long (a DST change) are runs of their own, divided by their length.
``day_runs`` finds the runs over a range; the SQL ``CASE`` built from them
(``services.stats.day_expr``) gives exactly ``scheduler.study_day`` for every instant in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# --- study days --------------------------------------------------------------------------


def _aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: a naive time in a multi-zone app is a bug waiting to happen."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


def _utc(value: datetime, name: str) -> datetime:
    return _aware(value, name).astimezone(UTC)


@lru_cache(maxsize=256)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {tz!r} (expected an IANA name such as "
                         f"'Asia/Shanghai')") from None


def _check_rollover(rollover_hour: int) -> None:
    if not (isinstance(rollover_hour, int) and 0 <= rollover_hour <= 23):
        raise ValueError(f"rollover_hour must be an integer 0–23, got {rollover_hour!r}")


@lru_cache(maxsize=8192)
def _local_instant(d: date, hour: int, tz: str) -> datetime:
    """The first instant (UTC) at which the local clock reads ``hour``:00 on date ``d``.

    When clocks fall back that is the first of the two; when they spring forward over it, the
    moment of the jump.
    """
    zone = _zone(tz)
    wall = datetime.combine(d, time(hour))
    first = min(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # ``wall`` falls in a gap: ``first`` is before the jump, fold=0 after it. Find the jump.
    lo, hi = first, wall.replace(tzinfo=zone).astimezone(UTC)
    after = hi.astimezone(zone).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def study_day(now: datetime, tz: str, rollover_hour: int = 4) -> date:
    """The learner's study date: the local date, counted from the rollover (03:59 is still
    yesterday). Days are the intervals between ``_local_instant`` starts, so every instant
    belongs to exactly one day, even when the rollover hour is repeated or skipped by DST.
    """
    _check_rollover(rollover_hour)
    now = _utc(now, "now")
    local = now.astimezone(_zone(tz)).replace(tzinfo=None)
    d = (local - timedelta(hours=rollover_hour)).date()
    if now < _local_instant(d, rollover_hour, tz):  # the repeated hour after a fall-back
        return d - timedelta(days=1)
    if now >= _local_instant(d + timedelta(days=1), rollover_hour, tz):  # a skipped hour
        return d + timedelta(days=1)
    return d


def day_start(now: datetime, tz: str, rollover_hour: int = 4) -> datetime:
    """Start (aware, UTC) of the learner's current study day."""
    return _local_instant(study_day(now, tz, rollover_hour), rollover_hour, tz)


def next_day_start(now: datetime, tz: str, rollover_hour: int = 4) -> datetime:
    """Start (aware, UTC) of the learner's next study day, i.e. the end of today's."""
    return _local_instant(study_day(now, tz, rollover_hour) + timedelta(days=1), rollover_hour, tz)


def _add_study_days(now: datetime, days: int, tz: str, rollover_hour: int) -> datetime:
    """The same local wall-clock time ``days`` study days later, as UTC (not ``days * 24h``,
    which a DST change could push into the neighbouring study day)."""
    zone = _zone(tz)
    local = now.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    due = local.replace(tzinfo=zone).astimezone(UTC)
    target = study_day(now, tz, rollover_hour) + timedelta(days=days)
    start = _local_instant(target, rollover_hour, tz)
    end = _local_instant(target + timedelta(days=1), rollover_hour, tz)
    return min(max(due, start), end - timedelta(seconds=1))  # only bites around DST jumps


@dataclass(frozen=True)
class StudyDay:
    """``now`` in a learner's study day: the window between two rollovers (4 am) in their time
    zone. The review queue needs only this; the stats page extends it to every day of the
    learner's history (``services.stats.StudyCalendar``)."""

    now: datetime
    start: datetime
    end: datetime

    @classmethod
    def of(cls, now: datetime, tz: str) -> StudyDay:
        return cls(now, day_start(now, tz), next_day_start(now, tz))

EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86_400
MATURE_DAYS = 21  # Anki: a review card is mature once its interval reaches 21 days


def day_number(d: date) -> int:
    return (d - EPOCH).days


def day_date(n: int) -> date:
    return EPOCH + timedelta(days=n)


def study_day_number(now: datetime, tz: str, rollover_hour: int = 4) -> int:
    return day_number(study_day(now, tz, rollover_hour))


def epoch_seconds(when: datetime) -> int:
    """Whole seconds since 1970 (floor), as SQLite's ``strftime('%s', …)`` gives them."""
    delta = when.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * DAY_SECONDS + delta.seconds


@dataclass(frozen=True)
class DayRun:
    """Study days from ``first`` on, each ``length`` seconds long, the first starting at
    ``start`` (epoch seconds): day = first + (epoch - start) // length. A 23- or 25-hour day
    (a DST change) is a run of one day with its own length."""

    first: int
    start: int
    length: int = DAY_SECONDS


def _exact_start(n: int, tz: str, rollover_hour: int) -> int:
    """Start of study day ``n`` via the scheduler's own rules (gaps and folds included)."""
    zone = ZoneInfo(tz)
    noon = datetime.combine(day_date(n), time(rollover_hour)) + timedelta(hours=12)
    return epoch_seconds(day_start(noon.replace(tzinfo=zone), tz, rollover_hour))


@lru_cache(maxsize=512)
def day_runs(first: int, last: int, tz: str, rollover_hour: int = 4) -> tuple[DayRun, ...]:
    """The runs covering study days ``first``…``last`` (day numbers, inclusive), oldest first.

    Cheap: one UTC-offset look-up per day; the scheduler's exact rule only next to the days
    whose offset differs from the day before (where a gap or fold could touch the rollover).
    """
    last = max(first, last)
    zone = ZoneInfo(tz)
    starts: list[int] = []
    prev_offset = None
    for n in range(first, last + 2):  # one extra day: where the last day ends
        wall = datetime.combine(day_date(n), time(rollover_hour))
        offset = wall.replace(tzinfo=zone).utcoffset()
        start = epoch_seconds(wall.replace(tzinfo=UTC)) - int(offset.total_seconds())
        if prev_offset is not None and offset != prev_offset:
            starts[-1] = _exact_start(n - 1, tz, rollover_hour)
            start = _exact_start(n, tz, rollover_hour)
        starts.append(start)
        prev_offset = offset
    runs: list[DayRun] = []
    for i in range(len(starts) - 1):
        length = starts[i + 1] - starts[i]
        if length <= 0:  # a date the zone skipped (Samoa, 30 Dec 2011)
            continue
        if not runs or length != DAY_SECONDS or runs[-1].length != DAY_SECONDS:
            runs.append(DayRun(first + i, starts[i], length))
    return tuple(runs)


def run_day(runs: Sequence[DayRun], epoch: int) -> int:
    """The study-day number of ``epoch`` under ``runs`` (what the SQL expression computes)."""
    run = runs[0]
    for r in runs:
        if epoch >= r.start:
            run = r
    return run.first + (epoch - run.start) // run.length


# --- streaks and buckets -------------------------------------------------------------------


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(days: Iterable[int], today: int) -> Streaks:
    """Streaks of consecutive study days with at least one review. The current streak ends
    today, or yesterday while today has no review yet (the day is not over)."""
    ordered = sorted(set(days))
    longest = run = 0
    prev = None
    for d in ordered:
        run = run + 1 if prev is not None and d == prev + 1 else 1
        longest = max(longest, run)
        prev = d
    present = set(ordered)
    end = today if today in present else today - 1
    current = 0
    while end - current in present:
        current += 1
    return Streaks(current, longest)


def week_start(n: int) -> int:
    """The Monday (day number) of the ISO week of day ``n``."""
    return n - day_date(n).weekday()


def month_start(n: int) -> int:
    return day_number(day_date(n).replace(day=1))


def months_back(today: int, count: int) -> list[int]:
    """The first days of the last ``count`` months, oldest first, ending with this month."""
    d = day_date(today).replace(day=1)
    out = []
    for _ in range(count):
        out.append(day_number(d))
        d = (d - timedelta(days=1)).replace(day=1)
    return out[::-1]


# --- the forgetting curve ------------------------------------------------------------------


def curve(parameters: Sequence[float]) -> tuple[float, float]:
    """(decay, factor) of FSRS-6's forgetting curve R(t) = (1 + factor * t / S) ** decay, as
    ``Scheduler.retrievability`` uses them."""
    decay = -float(parameters[20])
    return decay, 0.9 ** (1 / decay) - 1


def retrievability(elapsed_days: int, stability: float, parameters: Sequence[float]) -> float:
    decay, factor = curve(parameters)
    return (1 + factor * max(0, elapsed_days) / stability) ** decay
