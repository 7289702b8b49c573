"""Learner statistics on small hand-built histories: study days (4 am rollover in the learner's
zone, DST included), streaks, true retention (first review of the day, review-state cards,
undone and imported reviews), the per-day rollup and when it is rebuilt, card counts, the
forecast and mastery (against ``Scheduler.retrievability``)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from studyk8s.persistence.models import Card, CardState, ReviewLog, StatsDay, StatsRollup, User
from studyk8s.services import stats
from studyk8s.services.content import import_notes
from studyk8s.services.scheduling import scheduler_for
from studyk8s.services.stats import sql as stats_sql
from studyk8s.services.users import create_user, update_settings
from studyk8s.srs import CardMemory, State, study_day
from studyk8s.srs.days import (
    Streaks,
    day_date,
    day_number,
    day_runs,
    epoch_seconds,
    months_back,
    run_day,
    streaks,
    study_day_number,
    week_start,
)

TZ = "Asia/Shanghai"  # UTC+8, no DST: 04:00 local is 20:00 UTC the day before
_ids = itertools.count()


def local(y, m, d, h=12, mi=0, tz=TZ) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ZoneInfo(tz)).astimezone(UTC)


NOW = local(2026, 1, 10, 12)


@pytest.fixture
def cards(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    return list(session.scalars(select(Card).order_by(Card.id)))


@pytest.fixture
def learner(session, cards):
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)
    return create_user(session, "learner@example.com", "kube-study-4471", timezone=TZ, now=NOW)


def add_review(session, user, at, card_id=None, *, rating=3, state=State.REVIEW, undone=False,
               imported=False, duration_ms=1000):
    session.add(ReviewLog(
        user_id=user.id, card_id=None if imported else card_id,
        external_card="anki:42" if imported else None, client_id=f"t-{next(_ids)}",
        rating=rating, reviewed_at=at, duration_ms=duration_ms,
        state_before={} if imported else {"state": int(state)}, state_after={},
        undone_at=at + timedelta(seconds=5) if undone else None, imported=imported))


def set_state(session, user, card_id, state, *, last_review=None, due=None, stability=None,
              suspended=False, leech=False):
    session.add(CardState(
        user_id=user.id, card_id=card_id, state=int(state), step=0 if state in (1, 3) else None,
        stability=stability, difficulty=5.0 if stability else None, due=due,
        last_review=last_review, reps=1, lapses=0, suspended=suspended, leech=leech, version=1))


def days_of(session, user, now):
    clock = stats.StudyCalendar.of(session, user, now)
    return {day_date(d): t for d, t in stats.day_totals(session, user, clock).items()}


# --- pure helpers --------------------------------------------------------------------------


def test_streaks():
    assert streaks([], 100) == Streaks(0, 0)
    assert streaks([98, 99, 100], 100) == Streaks(3, 3)
    # Today not studied yet: the streak that ended yesterday is still the current one.
    assert streaks([98, 99], 100) == Streaks(2, 2)
    assert streaks([97, 98], 100) == Streaks(0, 2)
    assert streaks([10, 11, 12, 13, 50, 99, 100, 100], 100) == Streaks(2, 4)


def test_weeks_and_months():
    monday = day_number(date(2026, 1, 5))
    assert [week_start(monday + k) for k in range(7)] == [monday] * 7
    assert week_start(monday - 1) == monday - 7
    assert [day_date(d) for d in months_back(day_number(date(2026, 2, 14)), 3)] == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
         "America/Santiago", "UTC")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ZONES), st.integers(0, 4 * 365 * 86400 - 1))
def test_day_runs_agree_with_the_scheduler(tz, offset):
    """Any instant maps to ``scheduler.study_day`` through the runs (DST days included)."""
    start = datetime(2023, 1, 1, tzinfo=UTC)
    runs = day_runs(study_day_number(start, tz) - 1,
                    study_day_number(start + timedelta(days=4 * 365), tz) + 1, tz)
    at = start + timedelta(seconds=offset)
    assert run_day(runs, epoch_seconds(at)) == day_number(study_day(at, tz))


@pytest.mark.parametrize("tz", ZONES)
def test_day_runs_at_every_day_start(tz):
    """The instants right at and just before every study day's start, over two years."""
    first = day_number(date(2024, 1, 1))
    runs = day_runs(first, first + 730, tz)
    for r in runs:
        for delta in (-1, 0, 1, 3599, 3600, r.length - 1):
            at = datetime.fromtimestamp(r.start + delta, UTC)
            if at.year in (2024, 2025):
                assert run_day(runs, epoch_seconds(at)) == day_number(study_day(at, tz))
    assert (len(runs) == 1) == (tz in ("UTC", "Asia/Kolkata"))  # no DST: one run


# --- study days and streaks ----------------------------------------------------------------


def test_reviews_at_0330_and_0430_local_are_different_study_days(session, learner, cards):
    c = cards[0].id
    add_review(session, learner, local(2026, 1, 10, 3, 30), c)  # still 9 January
    add_review(session, learner, local(2026, 1, 10, 4, 30), c)  # 10 January
    add_review(session, learner, local(2026, 1, 9, 4, 0), c)  # 9 January, at the rollover
    add_review(session, learner, local(2026, 1, 8, 3, 59), c)  # 7 January
    session.commit()
    got = {d: t.reviews for d, t in days_of(session, learner, NOW).items()}
    assert got == {date(2026, 1, 7): 1, date(2026, 1, 9): 2, date(2026, 1, 10): 1}
    # Same UTC calendar date, 03:30 and 04:30 local: 19:30 and 20:30 UTC on 9 January.
    assert local(2026, 1, 10, 3, 30).date() == local(2026, 1, 10, 4, 30).date()
    page = stats.page(session, learner, NOW)
    assert page.streaks == Streaks(current=2, longest=2)  # 9 and 10 Jan; 8 Jan missing
    assert page.heatmap[-1] == stats.DayValue(date(2026, 1, 10), 1)


def test_the_same_instants_fall_on_other_days_in_another_zone(session, learner, cards):
    at = [local(2026, 1, 9, 3, 30), local(2026, 1, 9, 4, 30), local(2026, 1, 10, 3, 30)]
    for t in at:
        add_review(session, learner, t, cards[0].id)
    session.commit()
    assert sorted(days_of(session, learner, NOW)) == [date(2026, 1, 8), date(2026, 1, 9)]
    assert stats.page(session, learner, NOW).streaks == Streaks(2, 2)
    # In Berlin (UTC+1) the three are 20:30, 21:30 and 20:30 the next evening: 2 study days.
    learner.timezone = "Europe/Berlin"
    session.commit()
    berlin = days_of(session, learner, NOW)
    assert {d: t.reviews for d, t in berlin.items()} == {date(2026, 1, 8): 2,
                                                          date(2026, 1, 9): 1}


def test_streak_is_kept_until_the_day_is_over(session, learner, cards):
    for d in (6, 7, 8, 9):
        add_review(session, learner, local(2026, 1, d, 21), cards[0].id)
    session.commit()
    morning = local(2026, 1, 10, 9)
    s = stats.summary(session, learner, morning)
    assert (s.streak, s.reviews_today, s.studied_today) == (4, 0, False)
    add_review(session, learner, local(2026, 1, 10, 9, 5), cards[0].id)
    session.commit()
    s = stats.summary(session, learner, local(2026, 1, 10, 9, 10))
    assert (s.streak, s.reviews_today, s.studied_today) == (5, 1, True)
    assert stats.summary(session, learner, local(2026, 1, 12, 9)).streak == 0


# --- true retention ------------------------------------------------------------------------


def _retention_history(session, user, cards):
    a, b, c, d = (card.id for card in cards[:4])
    day1 = (2026, 1, 7)
    add_review(session, user, local(*day1, 9), a, rating=3)  # first of the day: passed
    add_review(session, user, local(*day1, 10), a, rating=1)  # second: not counted
    add_review(session, user, local(*day1, 9), b, rating=1)  # failed
    add_review(session, user, local(*day1, 9, 10), b, rating=3, state=State.RELEARNING)
    add_review(session, user, local(*day1, 9), c, rating=3, state=State.LEARNING)  # not review
    add_review(session, user, local(*day1, 10), c, rating=3)  # not the day's first for c
    add_review(session, user, local(*day1, 8), d, rating=1, undone=True)  # undone: ignored
    add_review(session, user, local(*day1, 8, 1), d, rating=3)  # so this one is d's first
    add_review(session, user, local(*day1, 11), rating=1, imported=True)  # no card state
    add_review(session, user, local(2026, 1, 8, 3, 0), a, rating=1)  # still day 1 (03:00)
    add_review(session, user, local(2026, 1, 8, 9), a, rating=2)  # day 2: first, passed
    session.commit()


def test_retention_counts_first_review_of_the_day_of_review_cards(session, learner, cards):
    _retention_history(session, learner, cards)
    live = days_of(session, learner, local(2026, 1, 8, 12))  # day 1 closed, day 2 live
    assert (live[date(2026, 1, 7)].reviews, live[date(2026, 1, 7)].retention_due,
            live[date(2026, 1, 7)].retention_passed) == (9, 3, 2)
    assert (live[date(2026, 1, 8)].retention_due, live[date(2026, 1, 8)].retention_passed) == (
        1, 1)
    # The same numbers once both days are closed and summarised in stats_days.
    later = days_of(session, learner, NOW)
    assert later == live
    assert session.scalar(select(func.count()).select_from(StatsDay)) == 2
    page = stats.page(session, learner, NOW)
    assert (page.retention_all.due, page.retention_all.passed) == (4, 3)
    week = page.weeks[-1]  # Monday 5 January onwards
    assert week.first == date(2026, 1, 5) and (week.due, week.passed) == (4, 3)
    assert week.retention == pytest.approx(0.75)
    assert page.months[-1].first == date(2026, 1, 1) and page.months[-2].due == 0
    assert page.months[-2].retention is None
    assert page.desired_retention == pytest.approx(0.9)


def test_time_spent_per_day(session, learner, cards):
    add_review(session, learner, local(2026, 1, 9, 20), cards[0].id, duration_ms=30_000)
    add_review(session, learner, local(2026, 1, 10, 3), cards[1].id, duration_ms=15_000)
    add_review(session, learner, local(2026, 1, 10, 5), cards[1].id, duration_ms=7_000,
               undone=True)
    session.commit()
    page = stats.page(session, learner, NOW)
    assert page.time[-1] == stats.DayValue(date(2026, 1, 10), 0)
    assert page.time[-2] == stats.DayValue(date(2026, 1, 9), 45_000)
    assert page.time_reviews[-2].value == 2 and len(page.time) == stats.TIME_DAYS


# --- the rollup ----------------------------------------------------------------------------


def _expected(session, user, tz):
    rows = session.execute(select(ReviewLog.reviewed_at).where(
        ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None))).scalars()
    return Counter(study_day(t, tz) for t in rows)


def test_rollup_is_extended_and_rebuilt_when_stale(session, learner, cards):
    for d in range(1, 10):
        add_review(session, learner, local(2026, 1, d, 21), cards[d].id)
    session.commit()
    got = days_of(session, learner, NOW)
    rollup = session.get(StatsRollup, learner.id)
    assert rollup.through_day == day_number(date(2026, 1, 10)) and rollup.timezone == TZ
    assert session.scalar(select(func.count()).select_from(StatsDay)) == 9
    assert {d: t.reviews for d, t in got.items()} == _expected(session, learner, TZ)

    # Anki history imported into already summarised days: found through the watermark.
    add_review(session, learner, local(2026, 1, 3, 10), imported=True)
    add_review(session, learner, local(2025, 12, 1, 10), imported=True)
    session.commit()
    got = days_of(session, learner, NOW)
    assert got[date(2026, 1, 3)].reviews == 2 and got[date(2025, 12, 1)].reviews == 1
    assert {d: t.reviews for d, t in got.items()} == _expected(session, learner, TZ)

    # A new zone moves the day boundaries: everything is rebuilt in it.
    learner.timezone = "America/Los_Angeles"
    session.commit()
    got = days_of(session, learner, NOW)
    assert session.get(StatsRollup, learner.id, populate_existing=True).timezone == (
        "America/Los_Angeles")
    assert {d: t.reviews for d, t in got.items()} == _expected(session, learner,
                                                               "America/Los_Angeles")

    # The next day extends it by one day; today's undone review is not counted.
    add_review(session, learner, local(2026, 1, 11, 8), cards[0].id, undone=True)
    session.commit()
    got = days_of(session, learner, local(2026, 1, 12, 12))
    assert {d: t.reviews for d, t in got.items()} == _expected(session, learner,
                                                               "America/Los_Angeles")


def test_a_review_just_before_the_rollover_is_not_lost(session, learner, cards):
    """Days are summarised ROLLUP_GRACE after they end, so a review written at 03:59:59 by a slow
    request is still read from the log."""
    add_review(session, learner, local(2026, 1, 9, 12), cards[0].id)
    session.commit()
    just_after = local(2026, 1, 10, 4, 1)
    days_of(session, learner, just_after)
    assert session.get(StatsRollup, learner.id).through_day == day_number(date(2026, 1, 9))
    add_review(session, learner, local(2026, 1, 10, 3, 59), cards[1].id)
    session.commit()
    got = days_of(session, learner, local(2026, 1, 10, 4, 20))
    assert got[date(2026, 1, 9)].reviews == 2


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_sql_study_days_match_the_scheduler_across_dst(session, learner, cards, tz):
    """Random instants over two years plus instants around every 4 am: the SQL grouping gives
    exactly ``study_day`` per review (through the rollup and the live part)."""
    learner.timezone = tz
    rnd = random.Random(tz)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    instants = [start + timedelta(seconds=rnd.randrange(int((now - start).total_seconds())))
                for _ in range(300)]
    zone = ZoneInfo(tz)
    for d in range(0, 730, 7):
        four = datetime.combine(date(2024, 1, 1) + timedelta(days=d),
                                datetime.min.time().replace(hour=4), tzinfo=zone)
        instants += [four - timedelta(seconds=1), four, four + timedelta(hours=1)]
    instants += [now - timedelta(hours=h) for h in (1, 5, 30)]
    for i, at in enumerate(instants):
        add_review(session, learner, at.astimezone(UTC), cards[i % len(cards)].id)
    session.commit()
    got = {d: t.reviews for d, t in days_of(session, learner, now).items()}
    assert got == _expected(session, learner, tz)


# --- cards: counts, mastery, forecast -------------------------------------------------------


def _card_states(session, user, cards):
    c = [card.id for card in cards]
    set_state(session, user, c[0], State.LEARNING, last_review=NOW - timedelta(hours=1),
              due=NOW + timedelta(minutes=10), stability=0.5)
    set_state(session, user, c[1], State.RELEARNING, last_review=NOW - timedelta(days=1),
              due=NOW - timedelta(minutes=5), stability=2.0)
    set_state(session, user, c[2], State.REVIEW, last_review=NOW - timedelta(days=5),
              due=NOW + timedelta(days=5), stability=9.0)  # interval 10 d: young
    set_state(session, user, c[3], State.REVIEW, last_review=NOW - timedelta(days=12),
              due=NOW + timedelta(days=18), stability=40.0)  # interval 30 d: mature
    set_state(session, user, c[4], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=NOW + timedelta(days=1), stability=5.0, suspended=True)
    set_state(session, user, c[5], State.REVIEW, last_review=NOW - timedelta(days=2),
              due=NOW + timedelta(days=1), stability=1.0, suspended=True, leech=True)
    set_state(session, user, c[6], State.NEW)  # a state row, never answered
    set_state(session, user, c[7], State.REVIEW, last_review=NOW - timedelta(days=20),
              due=NOW + timedelta(days=1, hours=1), stability=21.0)  # interval 21 d: mature
    session.commit()
    return c


def test_card_counts_by_state(session, learner, cards):
    _card_states(session, learner, cards)
    page = stats.page(session, learner, NOW)
    assert page.counts == {"new": len(cards) - 7, "learning": 1, "relearning": 1, "young": 1,
                           "mature": 2, "suspended": 1, "leech": 1}
    assert page.cards_total == len(cards) and page.studied_total == 7


def test_mastery_is_the_mean_recall_with_unseen_cards_at_zero(session, learner, cards):
    _card_states(session, learner, cards)
    scheduler = scheduler_for(learner)
    states = session.scalars(select(CardState).where(CardState.user_id == learner.id)).all()
    recall = {s.card_id: scheduler.retrievability(CardMemory(
        state=State(s.state), step=s.step, stability=s.stability, difficulty=s.difficulty,
        due=s.due, last_review=s.last_review), NOW) for s in states if s.stability}
    page = stats.page(session, learner, NOW)
    (deck,) = page.decks
    assert deck.cards == len(cards) and deck.studied == 7
    assert deck.mastery == pytest.approx(sum(recall.values()) / len(cards), abs=1e-9)
    assert deck.studied_recall == pytest.approx(sum(recall.values()) / 7, abs=1e-9)
    by_section: dict[str, list[float]] = {}
    for card in cards:
        by_section.setdefault(card.section, []).append(recall.get(card.id, 0.0))
    sections = stats.deck_page(session, learner, deck.note_id, NOW).sections
    assert {m.section: m.mastery for m in sections} == pytest.approx(
        {k: sum(v) / len(v) for k, v in by_section.items()}, abs=1e-9)
    assert [m.mastery for m in sections] == sorted(m.mastery for m in sections)
    assert page.weakest_sections[0].mastery == min(m.mastery for m in sections if m.studied)
    # A card reviewed today is at 1; one reviewed 12 study days ago with S = 40 below it.
    assert recall[cards[0].id] == 1.0 and 0.9 < recall[cards[3].id] < 1.0


def test_mastery_without_sqlite_math_functions(session, learner, cards, monkeypatch):
    _card_states(session, learner, cards)
    expected = stats.page(session, learner, NOW).decks[0].mastery
    monkeypatch.setattr(stats_sql, "_SQLITE_HAS_POWER", False)
    assert stats.page(session, learner, NOW).decks[0].mastery == pytest.approx(expected)
    assert stats_sql._power(None, 2.0) is None and stats_sql._power(4.0, 0.5) == 2.0


def test_scope_follows_the_settings(session, learner, cards):
    _card_states(session, learner, cards)
    update_settings(session, learner, {"card_kinds": [cards[2].kind]})
    page = stats.page(session, learner, NOW)
    kind_cards = [c for c in cards if c.kind == cards[2].kind]
    assert page.scoped and page.cards_total == len(kind_cards)
    assert sum(page.counts.values()) == len(kind_cards)


def test_forecast(session, learner, cards):
    c = [card.id for card in cards]
    today_start = local(2026, 1, 10, 4)
    set_state(session, learner, c[0], State.REVIEW, last_review=NOW - timedelta(days=9),
              due=NOW - timedelta(days=2), stability=5.0)  # overdue: today
    set_state(session, learner, c[1], State.LEARNING, last_review=NOW, stability=1.0,
              due=NOW + timedelta(minutes=10))  # today
    set_state(session, learner, c[2], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=today_start + timedelta(days=1, seconds=-1), stability=5.0)  # 03:59 tmrw
    set_state(session, learner, c[3], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=today_start + timedelta(days=1), stability=5.0)  # 04:00 tomorrow
    set_state(session, learner, c[4], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=today_start + timedelta(days=30, hours=23), stability=30.0)  # day 30
    set_state(session, learner, c[5], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=today_start + timedelta(days=31), stability=30.0)  # beyond
    set_state(session, learner, c[6], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=NOW + timedelta(days=1), stability=5.0, suspended=True)
    set_state(session, learner, c[7], State.NEW, due=NOW)
    set_state(session, learner, c[8], State.REVIEW, last_review=NOW - timedelta(days=3),
              due=NOW + timedelta(days=1), stability=5.0)
    session.execute(update(Card).where(Card.id == c[8]).values(retired_at=NOW))
    session.commit()
    page = stats.page(session, learner, NOW)
    assert len(page.forecast) == stats.FORECAST_DAYS + 1
    got = {d.day: d.value for d in page.forecast if d.value}
    assert got == {date(2026, 1, 10): 3, date(2026, 1, 11): 1, date(2026, 2, 9): 1}
    assert page.cards_total == len(cards) - 1  # the retired card is out everywhere


# --- home summary, deck page, classes -------------------------------------------------------


def test_summary_counts_what_the_review_page_shows(session, learner, cards):
    add_review(session, learner, local(2026, 1, 10, 9), cards[0].id)
    session.commit()
    s = stats.summary(session, learner, NOW)
    assert (s.streak, s.reviews_today) == (1, 1)
    assert (s.due.new, s.due.learning, s.due.review) == (20, 0, 0)


def test_deck_page_of_an_unknown_deck(session, learner):
    assert stats.deck_page(session, learner, 999, NOW) is None


def test_section_mastery_across_learners(session, learner, cards):
    other = create_user(session, "other@example.com", "kube-study-4471", timezone="UTC", now=NOW)
    c = cards[2]
    set_state(session, learner, c.id, State.REVIEW, last_review=NOW - timedelta(days=5),
              due=NOW + timedelta(days=5), stability=9.0)
    session.commit()
    mine = {(m.note_id, m.section): m.mastery
            for m in stats.section_rows(session, learner,
                                        stats.StudyCalendar.of(session, learner, NOW))}
    rows = stats.section_mastery(session, [learner.id, other.id, learner.id, 12345], NOW)
    by_key = {(r.note_id, r.section): r for r in rows}
    row = by_key[(c.note_id, c.section)]
    assert row.per_learner == {learner.id: pytest.approx(mine[(c.note_id, c.section)]),
                               other.id: 0.0}
    assert row.mastery == pytest.approx(mine[(c.note_id, c.section)] / 2)
    assert len(rows) == len({card.section for card in cards})
    assert rows == sorted(rows, key=lambda r: (r.mastery, r.deck, r.section))


def test_a_new_learner_gets_an_empty_page(session, learner):
    page = stats.page(session, learner, NOW)
    assert page.streaks == Streaks(0, 0) and page.total_reviews == 0
    assert page.retention_all.retention is None and page.decks[0].mastery == 0.0
    assert len(page.heatmap) == (stats.HEATMAP_WEEKS - 1) * 7 + NOW.astimezone(
        ZoneInfo(TZ)).weekday() + 1
    assert page.heatmap[0].day.weekday() == 0
    assert session.get(StatsRollup, learner.id) is not None
    assert session.scalar(select(func.count()).select_from(User)) == 2
