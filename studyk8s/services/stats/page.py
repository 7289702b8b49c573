"""What the stats page, a deck's page and the home page's line show, put together from the
rollup and the card queries."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ...persistence.models import User
from ...srs.days import (
    Streaks,
    day_date,
    months_back,
    streaks,
    week_start,
)
from ..quiz.scope import AskableCache, DeckFacts, askable_by_deck
from ..review import Counts, counts
from ..users import StudySettings
from .mastery import Mastery, by_deck, forecast, section_rows
from .rollup import DayTotals, StudyCalendar, day_totals

HEATMAP_WEEKS = 53
TIME_DAYS = 30
RETENTION_WEEKS = 12
RETENTION_MONTHS = 12
WEAKEST_SECTIONS = 15


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
    # per deck, the facts a question can be made from and why the others cannot (the count
    # shown on import, on the quiz page and in readiness)
    askable: list[DeckFacts] = field(default_factory=list)

    @property
    def askable_total(self) -> int:
        return sum(d.askable for d in self.askable)

    @property
    def not_askable(self) -> dict[str, int]:
        """Why facts make no question, over all decks (reason → how many), most first."""
        out: dict[str, int] = {}
        for d in self.askable:
            for k, n in d.reasons.items():
                out[k] = out.get(k, 0) + n
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


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


def page(session: Session, user: User, now: datetime, *,
         askable: AskableCache | None = None) -> StatsPage:
    """Everything the stats page shows: the review history from the rollup plus today, two
    grouped queries over the learner's cards (sections, forecast), and the askable facts per
    deck (through ``askable``, the app's cache, when given)."""
    clock = StudyCalendar.of(session, user, now)
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

    settings = StudySettings.of(user)
    sections = section_rows(session, user, clock, settings=settings)
    decks = by_deck(sections)
    everything = Mastery(0, "", "", "")
    for d in decks:
        everything.add(d)
    # Weakest among the sections the learner has started: the rest are all at 0 (the deck
    # table shows how much of each deck is still unseen).
    weakest = sorted((s for s in sections if s.studied),
                     key=lambda m: (m.mastery, m.deck, m.section))

    time_days = range(today - TIME_DAYS + 1, today + 1)
    return StatsPage(
        today=day_date(today),
        timezone=clock.tz,
        desired_retention=settings.desired_retention,
        streaks=streaks(reviewed, today),
        heatmap=heatmap,
        year_reviews=sum(t.reviews for t in year),
        year_days=sum(1 for t in year if t.reviews),
        total_reviews=sum(t.reviews for t in totals.values()),
        forecast=[DayValue(day_date(d), n) for d, n in forecast(session, user, clock, settings)],
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
        scoped=settings.scoped,
        studied_total=sum(d.studied for d in decks),
        cards_total=sum(d.cards for d in decks),
        askable=askable_by_deck(session, askable),
    )


@dataclass(frozen=True)
class DeckPage:
    deck: Mastery
    sections: list[Mastery]  # weakest first


def deck_page(session: Session, user: User, note_id: int, now: datetime) -> DeckPage | None:
    """Mastery per section of one deck, or None if the deck is unknown, retired or outside the
    learner's scope."""
    clock = StudyCalendar.of(session, user, now)
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
    clock = StudyCalendar.of(session, user, now)
    totals = day_totals(session, user, clock)
    today = totals.get(clock.today)
    s = streaks([d for d, t in totals.items() if t.reviews > 0], clock.today)
    return Summary(counts(session, user, now), s.current, today.reviews if today else 0,
                   today is not None and today.reviews > 0)
