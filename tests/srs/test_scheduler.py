"""The scheduler pinned with fixed datetimes, in py-fsrs's test style."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyk8s.srs import (
    CardMemory,
    Rating,
    Scheduler,
    SchedulerConfig,
    State,
    day_start,
    format_interval,
    fuzz_range,
    fuzz_seed,
    is_leech,
    next_day_start,
    replay,
    study_day,
)

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
NO_FUZZ = Scheduler(SchedulerConfig(enable_fuzz=False))
FUZZ = Scheduler()
NY = ZoneInfo("America/New_York")


def graduated(scheduler: Scheduler = NO_FUZZ) -> CardMemory:
    """New → Good (10 min step) → Good: a review card due 2026-01-07 10:10Z."""
    m = scheduler.review(CardMemory(), Rating.GOOD, T0, seed=0).memory
    return scheduler.review(m, Rating.GOOD, T0 + timedelta(minutes=10), seed=0).memory


# --- intervals ---------------------------------------------------------------------------


def test_new_card_good_goes_to_the_10_minute_step():
    out = NO_FUZZ.review(CardMemory(), Rating.GOOD, T0, seed=0)
    assert out.interval == timedelta(minutes=10)
    assert out.memory.state is State.LEARNING and out.memory.step == 1
    assert out.memory.due == T0 + timedelta(minutes=10)
    assert out.memory.last_review == T0
    assert out.memory.stability == pytest.approx(2.3065)  # w[2], Good's initial stability
    assert (out.memory.reps, out.memory.lapses, out.leech) == (1, 0, False)


def test_new_card_buttons():
    assert NO_FUZZ.preview(CardMemory(), T0, seed=0) == {
        Rating.AGAIN: timedelta(minutes=1),
        Rating.HARD: timedelta(minutes=5, seconds=30),  # between the two steps, as Anki
        Rating.GOOD: timedelta(minutes=10),
        Rating.EASY: timedelta(days=8),
    }


def test_second_good_graduates_to_whole_days():
    m = graduated()
    assert m.state is State.REVIEW and m.step is None
    assert m.due == datetime(2026, 1, 7, 10, 10, tzinfo=UTC)  # 2 days, same time of day
    out = NO_FUZZ.review(m, Rating.GOOD, m.due, seed=0)
    assert out.interval == timedelta(days=11)
    assert out.memory.due == datetime(2026, 1, 18, 10, 10, tzinfo=UTC)
    assert out.memory.stability == pytest.approx(10.971048, abs=1e-6)
    assert {r: NO_FUZZ.review(m, r, m.due, seed=0).interval.days for r in Rating} == {
        Rating.AGAIN: 0, Rating.HARD: 8, Rating.GOOD: 11, Rating.EASY: 19}


def test_again_on_a_review_card_relearns_for_10_minutes_and_counts_a_lapse():
    m = NO_FUZZ.review(graduated(), Rating.GOOD, datetime(2026, 1, 7, 10, 10, tzinfo=UTC),
                       seed=0).memory
    lapse = NO_FUZZ.review(m, Rating.AGAIN, m.due, seed=0)
    assert lapse.interval == timedelta(minutes=10)
    assert lapse.memory.state is State.RELEARNING and lapse.memory.step == 0
    assert lapse.memory.lapses == 1 and lapse.memory.reps == 4
    back = NO_FUZZ.review(lapse.memory, Rating.GOOD, lapse.memory.due, seed=0)
    assert back.memory.state is State.REVIEW and back.interval == timedelta(days=2)
    assert back.memory.lapses == 1  # only a failed *review* is a lapse


def test_matches_py_fsrs_when_reviews_fall_at_the_same_time_of_day():
    """Where 24-hour blocks and study days agree, we are py-fsrs with fuzz off."""
    ref = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    ours = CardMemory()
    when = T0
    for rating in [3, 3, 3, 1, 3, 3, 2, 3, 4]:
        card, _ = ref.review_card(card, fsrs.Rating(rating), when)
        out = NO_FUZZ.review(ours, Rating(rating), when, seed=0)
        ours = out.memory
        assert ours.stability == pytest.approx(card.stability, rel=1e-12)
        assert ours.difficulty == pytest.approx(card.difficulty, rel=1e-12)
        assert ours.due == card.due
        when = card.due


# --- study days inside the scheduler -----------------------------------------------------


def test_next_morning_is_a_new_study_day_not_a_same_day_review():
    """22:00 then 08:00 next morning: 10 hours, but one study day (as the optimiser sees it)."""
    chicago = Scheduler(SchedulerConfig(enable_fuzz=False, tz="America/Chicago"))
    evening = datetime(2026, 1, 5, 22, 0, tzinfo=ZoneInfo("America/Chicago"))
    m = chicago.review(CardMemory(), Rating.EASY, evening, seed=0).memory
    morning = evening + timedelta(hours=10)
    assert chicago.elapsed_days(m, morning) == 1
    assert chicago.retrievability(m, morning) < 1.0
    cross_day = chicago.review(m, Rating.GOOD, morning, seed=0).memory
    utc_days = Scheduler(SchedulerConfig(enable_fuzz=False))  # 04:00Z rollover: same day
    same_day = utc_days.review(m, Rating.GOOD, morning, seed=0).memory
    assert cross_day.stability > same_day.stability


def test_review_due_keeps_the_local_time_across_a_dst_change():
    ny = Scheduler(SchedulerConfig(enable_fuzz=False, tz="America/New_York"))
    m = CardMemory(state=State.REVIEW, stability=20.0, difficulty=5.0,
                   last_review=datetime(2026, 2, 20, 15, 0, tzinfo=UTC))
    now = datetime(2026, 3, 7, 9, 30, tzinfo=NY)  # Saturday before the spring change
    out = ny.review(m, Rating.GOOD, now, seed=0)
    days = out.interval.days
    assert out.interval == timedelta(days=days) and days > 1
    assert out.memory.due.astimezone(NY).time() == now.time()
    assert out.memory.due - now == timedelta(days=days, hours=-1)  # the lost hour
    assert (study_day(out.memory.due, "America/New_York")
            - study_day(now, "America/New_York")).days == days


# --- fuzz --------------------------------------------------------------------------------


def review_card_due_in(days: float) -> CardMemory:
    """A review card whose next Good interval is about ``days`` (S ≈ interval at 90 %)."""
    return CardMemory(state=State.REVIEW, stability=days, difficulty=5.0,
                      last_review=T0 - timedelta(days=days), due=T0)


def test_fuzz_is_deterministic_per_seed():
    m = review_card_due_in(60)
    a = FUZZ.review(m, Rating.GOOD, T0, seed=fuzz_seed(42, 7))
    b = FUZZ.review(m, Rating.GOOD, T0, seed=fuzz_seed(42, 7))
    assert a == b


def test_fuzz_varies_within_the_py_fsrs_range():
    m = review_card_due_in(60)
    plain = NO_FUZZ.review(m, Rating.GOOD, T0, seed=0).interval.days
    lo, hi = fuzz_range(plain)
    assert lo < plain < hi
    days = {FUZZ.review(m, Rating.GOOD, T0, seed=s).interval.days for s in range(300)}
    assert days <= set(range(lo, hi + 1))
    assert len(days) > (hi - lo) // 2  # really spread, not one value
    assert min(days) == lo and max(days) == hi


def test_fuzz_ranges():
    assert fuzz_range(2) == (2, 2)  # under 2.5 days: no fuzz
    assert fuzz_range(3) == (2, 4)
    assert fuzz_range(10) == (8, 12)
    assert fuzz_range(100) == (93, 107)
    assert fuzz_range(36500, maximum_interval=36500)[1] == 36500


def test_fuzz_seed_is_stable_across_processes():
    assert fuzz_seed(1, 0) == 5929455767908386171  # blake2b, not hash(): no PYTHONHASHSEED
    assert fuzz_seed(1, 1) != fuzz_seed(1, 0) != fuzz_seed(2, 0)


def test_learning_steps_are_not_fuzzed():
    assert {FUZZ.review(CardMemory(), Rating.GOOD, T0, seed=s).interval
            for s in range(20)} == {timedelta(minutes=10)}


@pytest.mark.parametrize("memory", [
    CardMemory(),
    graduated(),
    graduated(FUZZ),
    review_card_due_in(45),
    CardMemory(state=State.RELEARNING, step=0, stability=3.0, difficulty=7.0,
               last_review=T0 - timedelta(minutes=10), due=T0, reps=9, lapses=2),
])
@pytest.mark.parametrize("seed", [0, 1, fuzz_seed(7, 3)])
def test_preview_is_what_review_gives(memory, seed):
    preview = FUZZ.preview(memory, T0 + timedelta(days=2), seed=seed)
    for rating in Rating:
        assert preview[rating] == FUZZ.review(memory, rating, T0 + timedelta(days=2),
                                              seed=seed).interval


# --- leeches -----------------------------------------------------------------------------


def test_leech_at_8_lapses_then_every_4():
    m = graduated()
    when = m.due
    flagged = []
    for _ in range(16):
        out = NO_FUZZ.review(m, Rating.AGAIN, when, seed=0)
        if out.leech:
            flagged.append(out.memory.lapses)
        relearned = NO_FUZZ.review(out.memory, Rating.GOOD, out.memory.due, seed=0)
        assert not relearned.leech
        m, when = relearned.memory, relearned.memory.due
    assert m.lapses == 16
    assert flagged == [8, 12, 16]


def test_is_leech_rule():
    assert [n for n in range(1, 21) if is_leech(n, 8)] == [8, 12, 16, 20]
    assert [n for n in range(1, 6) if is_leech(n, 1)] == [1, 2, 3, 4, 5]
    assert not any(is_leech(n, 0) for n in range(50))  # 0 = off
    assert [n for n in range(1, 12) if is_leech(n, 5)] == [5, 8, 11]  # half of 5 rounds up


# --- retrievability ----------------------------------------------------------------------


def test_retrievability():
    assert NO_FUZZ.retrievability(CardMemory(), T0) == 0.0
    m = review_card_due_in(10)
    assert NO_FUZZ.retrievability(m, m.last_review) == 1.0
    assert NO_FUZZ.retrievability(m, T0) == pytest.approx(0.9)  # t = S ⇒ R = 90 %
    assert NO_FUZZ.retrievability(m, T0 + timedelta(days=30)) < 0.9


# --- refusals ----------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 1, 5, 10, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        NO_FUZZ.review(CardMemory(), Rating.GOOD, naive, seed=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        NO_FUZZ.preview(CardMemory(), naive, seed=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        NO_FUZZ.retrievability(graduated(), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CardMemory(due=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        day_start(naive, "UTC")
    with pytest.raises(ValueError, match="timezone-aware"):
        CardMemory.from_dict({"state": 0, "due": "2026-01-05T10:00:00"})


def test_answer_before_the_last_review_is_refused():
    m = graduated()
    with pytest.raises(ValueError, match="before the card's last review"):
        NO_FUZZ.review(m, Rating.GOOD, m.last_review - timedelta(days=1), seed=0)


def test_inconsistent_memory_is_refused():
    with pytest.raises(ValueError, match="needs stability"):
        CardMemory(state=State.REVIEW)
    with pytest.raises(ValueError, match="needs a step"):
        CardMemory(state=State.LEARNING, stability=1.0, difficulty=5.0, last_review=T0)


@pytest.mark.parametrize("kwargs, message", [
    ({"parameters": (1.0,) * 19}, "needs 21 parameters"),
    ({"parameters": (0.0,) * 21}, r"parameters\[0\]"),
    ({"desired_retention": 1.0}, "desired_retention"),
    ({"tz": "Mars/Olympus_Mons"}, "unknown time zone"),
    ({"rollover_hour": 24}, "rollover_hour"),
    ({"learning_steps": (timedelta(0),)}, "learning_steps"),
    ({"leech_threshold": -1}, "leech_threshold"),
])
def test_bad_config_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SchedulerConfig(**kwargs)


# --- serialisation -----------------------------------------------------------------------


@pytest.mark.parametrize("memory", [
    CardMemory(),
    graduated(),
    CardMemory(state=State.RELEARNING, step=0, stability=1.5, difficulty=7.4,
               due=datetime(2026, 1, 18, 18, 20, tzinfo=timezone(timedelta(hours=8))),
               last_review=datetime(2026, 1, 18, 10, 10, tzinfo=UTC), reps=4, lapses=1),
])
def test_card_memory_round_trips_through_json(memory):
    d = json.loads(json.dumps(memory.to_dict()))
    assert CardMemory.from_dict(d) == memory
    assert CardMemory.from_dict({**d, "version": 3, "suspended": False}) == memory  # extras


def test_config_round_trips_through_json():
    config = SchedulerConfig(desired_retention=0.85, tz="Asia/Shanghai", leech_threshold=6,
                             learning_steps=(timedelta(minutes=5),), enable_fuzz=False)
    assert SchedulerConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_replay_recomputes_the_state_from_the_log():
    config = SchedulerConfig()
    scheduler = Scheduler(config)
    memory, log = CardMemory(), []
    when = T0
    for rating in [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD]:
        seed = fuzz_seed(99, memory.reps)
        log.append((rating, when, seed))
        memory = scheduler.review(memory, rating, when, seed=seed).memory
        when = memory.due
    assert replay(log, config) == memory
    assert replay([], config) == CardMemory()


# --- study days --------------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("now, tz, start, end", [
    # Asia/Shanghai (UTC+8, no DST): 03:59 local is still yesterday, 04:00 is today.
    (utc(2026, 1, 5, 19, 59), "Asia/Shanghai", utc(2026, 1, 4, 20), utc(2026, 1, 5, 20)),
    (utc(2026, 1, 5, 20, 0), "Asia/Shanghai", utc(2026, 1, 5, 20), utc(2026, 1, 6, 20)),
    # New York, spring forward on 2026-03-08 (02:00 EST → 03:00 EDT): a 23-hour study day.
    (utc(2026, 3, 8, 7, 59), "America/New_York", utc(2026, 3, 7, 9), utc(2026, 3, 8, 8)),
    (utc(2026, 3, 8, 8, 0), "America/New_York", utc(2026, 3, 8, 8), utc(2026, 3, 9, 8)),
    # New York, fall back on 2026-11-01 (02:00 EDT → 01:00 EST): a 25-hour study day.
    (utc(2026, 11, 1, 8, 30), "America/New_York", utc(2026, 10, 31, 8), utc(2026, 11, 1, 9)),
    (utc(2026, 11, 1, 9, 0), "America/New_York", utc(2026, 11, 1, 9), utc(2026, 11, 2, 9)),
    (utc(2026, 1, 5, 3, 59), "UTC", utc(2026, 1, 4, 4), utc(2026, 1, 5, 4)),
])
def test_day_start(now, tz, start, end):
    assert day_start(now, tz) == start
    assert next_day_start(now, tz) == end
    assert day_start(now, tz).tzinfo is UTC


def test_a_rollover_hour_that_dst_skips_or_repeats():
    """Rollover 02:00 on the spring-forward day: the day starts when the clocks jump.
    Rollover 01:00 on the fall-back day: at the first 01:00; the repeated hour is today."""
    spring = day_start(utc(2026, 3, 8, 12), "America/New_York", rollover_hour=2)
    assert spring == utc(2026, 3, 8, 7)  # 02:00 EST never happens; 03:00 EDT does
    fall_first, fall_again = utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)  # 01:30 twice
    for now in (fall_first, fall_again):
        assert day_start(now, "America/New_York", rollover_hour=1) == utc(2026, 11, 1, 5)
        assert next_day_start(now, "America/New_York", rollover_hour=1) == utc(2026, 11, 2, 6)


def test_0359_vs_0400_local():
    sh = ZoneInfo("Asia/Shanghai")
    before = datetime(2026, 1, 6, 3, 59, tzinfo=sh)
    at = datetime(2026, 1, 6, 4, 0, tzinfo=sh)
    assert study_day(before, "Asia/Shanghai").isoformat() == "2026-01-05"
    assert study_day(at, "Asia/Shanghai").isoformat() == "2026-01-06"
    assert next_day_start(before, "Asia/Shanghai") == at


def test_rollover_hour_and_input_zone_do_not_matter_for_the_instant():
    now = datetime(2026, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=-7)))  # 06:30Z
    assert day_start(now, "UTC", rollover_hour=0) == utc(2026, 6, 2, 0)
    assert day_start(now, "UTC", rollover_hour=7) == utc(2026, 6, 1, 7)


ZONES = ["UTC", "America/New_York", "Asia/Shanghai", "Europe/London", "Australia/Lord_Howe",
         "America/Santiago", "Asia/Kolkata", "Pacific/Chatham"]


@given(
    now=st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2090, 1, 1),
                     timezones=st.just(UTC)),
    tz=st.sampled_from(ZONES),
    rollover=st.integers(0, 23),
)
def test_study_day_properties(now, tz, rollover):
    start = day_start(now, tz, rollover)
    end = next_day_start(now, tz, rollover)
    assert start <= now < end
    assert timedelta(hours=22) <= end - start <= timedelta(hours=26)
    assert day_start(start, tz, rollover) == start
    assert day_start(end, tz, rollover) == end
    assert (study_day(end, tz, rollover) - study_day(now, tz, rollover)).days == 1


# --- display -----------------------------------------------------------------------------


@pytest.mark.parametrize("td, text", [
    (timedelta(seconds=0), "<1m"),
    (timedelta(seconds=59), "<1m"),
    (timedelta(minutes=1), "1m"),
    (timedelta(minutes=10), "10m"),
    (timedelta(minutes=5, seconds=30), "6m"),
    (timedelta(hours=1), "1h"),
    (timedelta(hours=23), "23h"),
    (timedelta(days=1), "1d"),
    (timedelta(days=3), "3d"),
    (timedelta(days=3, hours=-1), "3d"),  # a DST-shortened interval reads the same
    (timedelta(days=30), "30d"),
    (timedelta(days=36), "1.2mo"),
    (timedelta(days=365), "1y"),
    (timedelta(days=766), "2.1y"),
])
def test_format_interval(td, text):
    assert format_interval(td) == text
