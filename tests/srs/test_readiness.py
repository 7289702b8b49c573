"""The pure readiness forecast (studyk8s/srs/readiness.py), pinned with fixed datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studyk8s.srs import CardMemory, Rating, Scheduler, SchedulerConfig
from studyk8s.srs import readiness as rd

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCHED = Scheduler(SchedulerConfig())


def reviewed(at: datetime, *ratings: Rating, gap=timedelta(minutes=10)) -> list[rd.Review]:
    """A card's review history: ``ratings`` from ``at``, ``gap`` apart."""
    memory, out = CardMemory(), []
    for i, rating in enumerate(ratings):
        when = at + i * gap
        memory = SCHED.review(memory, rating, when, seed=i).memory
        out.append(rd.Review(when, memory))
    return out


def facts(n: int, memory: CardMemory | None, topic="A") -> list[rd.FactNow]:
    return [rd.FactNow(f"{topic}{i}", topic, (memory,) if memory else ()) for i in range(n)]


def answers(n: int, right: int, at: datetime, prefix="A") -> list[rd.Answer]:
    return [rd.Answer(at, 1.0 if i < right else 0.0, (f"{prefix}{i % 20}",))
            for i in range(n)]


# --- evidence: the state before the answer, never after -------------------------------------


def test_memory_before_is_the_state_after_the_last_earlier_review():
    h = reviewed(T0, Rating.GOOD, Rating.GOOD, Rating.AGAIN, gap=timedelta(days=3))
    assert rd.memory_before(h, T0) is None  # at the first review: not reviewed yet
    assert rd.memory_before(h, T0 + timedelta(seconds=1)) is h[0].memory
    assert rd.memory_before(h, T0 + timedelta(days=6)) is h[1].memory  # strictly before
    assert rd.memory_before(h, T0 + timedelta(days=7)) is h[2].memory


def test_evidence_pairs_each_answer_with_the_retrievability_it_had_then():
    h = reviewed(T0, Rating.GOOD, Rating.GOOD)  # graduated at 09:10, stability ~2.3 days
    hist = {"k": [h], "never": [[]]}
    early = rd.Answer(T0 - timedelta(days=1), 1.0, ("k",))
    same_day = rd.Answer(T0 + timedelta(hours=1), 0.0, ("k",))
    week = rd.Answer(T0 + timedelta(days=7), 1.0, ("k", "never", "retired"))
    pts = rd.evidence([early, same_day, week], hist, SCHED)
    assert pts[0] == rd.Point(None, 1.0, 1.0)  # before any review: about an unknown fact
    assert pts[1] == rd.Point(1.0, 0.0, 1.0)  # same study day: FSRS says 1
    assert pts[2].r == pytest.approx(SCHED.retrievability(h[1].memory, week.at))
    assert pts[2].r == pytest.approx(0.808, abs=1e-3) and pts[2].w == 0.5  # two known facts
    assert pts[3] == rd.Point(None, 1.0, 0.5)  # "retired" is unknown to histories: skipped
    # a later review (a lapse) does not change what an earlier answer is paired with
    lapse = h + [rd.Review(T0 + timedelta(days=8), SCHED.review(
        h[1].memory, Rating.AGAIN, T0 + timedelta(days=8), seed=9).memory)]
    assert rd.evidence([week], {"k": [lapse]}, SCHED)[0].r == pts[2].r


# --- calibration -----------------------------------------------------------------------------


def test_no_answers_is_the_cautious_prior():
    cal = rd.calibrate([])
    assert (cal.a, cal.b) == rd.PRIOR and cal.answers == 0
    assert cal.p(1.0) == pytest.approx(0.802, abs=1e-3)  # just reviewed: 80 %, not 100 %
    assert cal.p(0.9) == pytest.approx(0.739, abs=1e-3)  # at the desired retention
    assert cal.p_unknown == 0.25  # never studied: a guess among four, not 0 and not 1


def test_answers_move_the_mapping_and_the_unknown_rate():
    wrong = rd.calibrate([rd.Point(0.95, 0.0)] * 30)
    right = rd.calibrate([rd.Point(0.95, 1.0)] * 30)
    assert wrong.p(0.95) < 0.2 < 0.9 < right.p(0.95) and wrong.answers == 30
    cold = rd.calibrate([rd.Point(None, 1.0)] * 12)
    assert cold.p_unknown == pytest.approx(13 / 16) and cold.answers == 0
    partial = rd.calibrate([rd.Point(0.95, 0.5)] * 200)
    assert partial.p(0.95) == pytest.approx(0.5, abs=0.02)  # partial credit is half right


# --- the forecast ----------------------------------------------------------------------------


def test_first_day_session_without_quiz_answers_is_not_enough_evidence():
    m = reviewed(T0, Rating.GOOD, Rating.GOOD)[-1].memory
    fc = rd.forecast(facts(40, m), rd.calibrate([]), SCHED, at=T0 + timedelta(hours=1),
                     now=T0 + timedelta(hours=1), reviews=80)
    assert fc.naive == 1.0 and fc.studied == 40  # the old readiness: "100 %, ready"
    assert fc.verdict == rd.NOT_ENOUGH_EVIDENCE and not fc.ready and fc.needed == 30
    assert fc.predicted == pytest.approx(0.802, abs=1e-3) and fc.low < 0.66 < fc.high
    assert fc.days_left is None and fc.reviews == 80


def test_mostly_wrong_answers_fall_below_the_pass_mark_and_right_ones_are_ready():
    h = reviewed(T0, Rating.GOOD, Rating.GOOD)
    hist = {f"A{i}": [h] for i in range(20)}
    at = T0 + timedelta(hours=2)
    now_facts = facts(20, h[-1].memory)
    wrong = rd.calibrate(rd.evidence(answers(40, 6, at), hist, SCHED))
    fc = rd.forecast(now_facts, wrong, SCHED, at=at, now=at)
    assert fc.answers == 40 and fc.predicted < 0.3 and fc.high < 0.66
    assert fc.verdict == rd.NOT_READY
    right = rd.calibrate(rd.evidence(answers(40, 40, at), hist, SCHED))
    fc = rd.forecast(now_facts, right, SCHED, at=at, now=at)
    assert fc.verdict == rd.READY and fc.low >= 0.66 and fc.p_pass > 0.95
    few = rd.calibrate(rd.evidence(answers(29, 29, at), hist, SCHED))
    assert rd.forecast(now_facts, few, SCHED, at=at, now=at).verdict == rd.NOT_ENOUGH_EVIDENCE
    half = rd.calibrate(rd.evidence(answers(60, 44, at), hist, SCHED))
    fc = rd.forecast(now_facts, half, SCHED, at=at, now=at)
    assert fc.verdict == rd.BORDERLINE and fc.low < 0.66 <= fc.predicted
    # an expected 86 %, but the draw of 20 questions still fails more than one exam in a
    # hundred: borderline, not ready
    close = rd.calibrate(rd.evidence(answers(60, 52, at), hist, SCHED))
    fc = rd.forecast(now_facts, close, SCHED, at=at, now=at)
    assert fc.predicted > 0.8 and fc.p_pass < rd.READY_P_PASS and fc.verdict == rd.BORDERLINE


def test_the_score_distribution_has_the_binomial_tail_not_a_normal_one():
    """At an expected 88 % on 20 questions with nothing else uncertain, failing (13 or fewer
    right) has the binomial's 0.7 % chance, not a normal curve's 0.2 %; uncertainty about the
    forecast itself widens it further."""
    pmf = rd.score_distribution(0.88, 0.88 * 0.12 / 20, 20)
    assert sum(pmf) == pytest.approx(1)
    assert sum(pmf[:14]) == pytest.approx(0.0067, abs=2e-4)
    wider = rd.score_distribution(0.88, 0.88 * 0.12 / 20 + 0.002, 20)
    assert sum(wider[:14]) > 0.015
    assert sum(j * q for j, q in enumerate(wider)) == pytest.approx(17.6)


def test_the_exam_date_changes_the_forecast_and_counts_the_days_left():
    h = reviewed(T0, Rating.GOOD, Rating.GOOD)
    hist = {f"A{i}": [h] for i in range(20)}
    at = T0 + timedelta(hours=2)
    cal = rd.calibrate(rd.evidence(answers(40, 40, at), hist, SCHED))
    now_facts = facts(20, h[-1].memory)
    today = rd.forecast(now_facts, cal, SCHED, at=at, now=at)
    soon = rd.forecast(now_facts, cal, SCHED, at=T0 + timedelta(days=3), now=at,
                       exam_date_set=True)
    later = rd.forecast(now_facts, cal, SCHED, at=T0 + timedelta(days=30), now=at,
                        exam_date_set=True)
    assert today.predicted > soon.predicted > later.predicted
    assert (soon.days_left, later.days_left) == (3, 30)
    assert today.verdict == rd.READY and today.covered
    assert later.naive == pytest.approx(SCHED.retrievability(h[-1].memory, later.at))
    # every answer was given right after reviewing (r = 1): how well the learner answers with
    # memory faded to r = 0.67 is an extrapolation, so no verdict yet
    assert later.naive == pytest.approx(0.668, abs=1e-3) and not later.covered
    assert later.verdict == rd.NOT_ENOUGH_EVIDENCE and later.answers == 40
    # answers given a month after the reviews are that evidence
    month = T0 + timedelta(days=30, hours=2)
    faded = rd.calibrate(rd.evidence(answers(40, 40, at) + answers(10, 9, month), hist, SCHED))
    fc = rd.forecast(now_facts, faded, SCHED, at=T0 + timedelta(days=30), now=month,
                     exam_date_set=True)
    assert fc.covered and fc.verdict in (rd.READY, rd.BORDERLINE) and fc.days_left == 0


def test_unstudied_facts_count_as_unknown_and_the_weakest_sections_come_first():
    h = reviewed(T0, Rating.GOOD, Rating.GOOD)
    at = T0 + timedelta(hours=2)
    mixed = facts(10, h[-1].memory, "Pod") + facts(10, None, "Service") + \
        facts(2, None, "Volume")
    fc = rd.forecast(mixed, rd.calibrate([]), SCHED, at=at, now=at)
    assert fc.studied == 10 and fc.facts == 22
    assert fc.predicted == pytest.approx((10 * 0.802 + 12 * 0.25) / 22, abs=1e-3)
    assert fc.naive == pytest.approx(10 / 22)
    assert [s.topic for s in fc.weakest] == ["Service", "Volume", "Pod"]
    assert [s.facts for s in fc.weakest] == [10, 2, 10]
    empty = rd.forecast([], rd.calibrate([]), SCHED, at=at, now=at)
    assert empty.facts == 0 and empty.verdict == rd.NOT_ENOUGH_EVIDENCE and empty.p_pass == 0


def test_a_longer_exam_narrows_the_interval():
    m = reviewed(T0, Rating.GOOD, Rating.GOOD)[-1].memory
    hist = {f"A{i}": [[rd.Review(T0 + timedelta(minutes=10), m)]] for i in range(20)}
    at = T0 + timedelta(hours=2)
    cal = rd.calibrate(rd.evidence(answers(100, 80, at), hist, SCHED))
    short = rd.forecast(facts(20, m), cal, SCHED, at=at, now=at, exam_questions=5)
    long = rd.forecast(facts(20, m), cal, SCHED, at=at, now=at, exam_questions=20)
    assert short.predicted == long.predicted
    assert short.high - short.low > long.high - long.low > 0


def test_the_module_is_pure():
    """It imports the standard library and the scheduler, nothing of Flask or SQLAlchemy (the
    package's __init__ loads Flask, so this reads the module's own imports)."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(rd.__file__).read_text(encoding="utf-8"))
    names = {(n.level, n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    names |= {(0, a.name) for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for level, m in names if level} == {"scheduler"}
    assert not {m for level, m in names if not level
                if m.split(".")[0] in ("flask", "sqlalchemy", "studyk8s")}
