"""Exam readiness: a forecast of the exam score on the exam date, calibrated on the learner's
own quiz answers. Pure: no Flask, no SQLAlchemy; times are passed in.

Why not the mean recall probability: FSRS's retrievability is a card's chance of being
recalled *as a flashcard*, under the scheduler's parameters. A quiz question is not the card
(choices can be guessed, a typed answer is harder than recognising one), and the default
parameters are not this learner's memory. Right after a first session every card has
retrievability 1, so the mean said "ready, 100 %" to a learner who then scored 9 %.

The forecast therefore maps retrievability to the chance of answering a question right with a
mapping fitted on the learner's own answers:

* **Evidence.** Each quiz or exam answer is an outcome (1 right, 0 wrong, the partial score in
  between) for the facts its question tested; its predictor is the fact's retrievability *at
  the moment of answering*, from the card states the review log held just before then (later
  reviews are never looked at). Answers about facts not yet studied then are evidence about
  "unknown" facts instead.
* **Mapping.** ``P(right) = σ(a + b·r)`` (Platt scaling, with retrievability as the score),
  fitted by maximum a posteriori with a Gaussian prior centred on a deliberately cautious
  mapping (``PRIOR``: 80 % for a card just reviewed, 74 % at the desired retention 0.9, falling
  steeply as memory decays). With no answers the prior is the mapping; a few dozen answers
  outweigh it. (σ(a + b·logit r) was tried first: with answers given mostly right after
  reviews, r ≈ 1, its slope came from the prior alone and barely reacted to decay towards a
  distant exam; it scored worse in the bench too.) Facts never studied get a Beta posterior
  whose prior mean is 0.25, the chance of guessing a four-choice question: neither 0 nor 1.
* **Interval.** The distribution of the score of an exam of ``exam_questions`` questions on
  the in-scope facts, combining three variances: the mapping's (Laplace approximation of the
  posterior, carried to the score by the delta method), the unknown facts' Beta posterior,
  and the exam's own draw (which facts it asks, without replacement, and each answer's
  Bernoulli outcome), as a beta-binomial over 0…k right answers with that mean and variance
  (``score_distribution``). The interval is its central ``INTERVAL`` and ``p_pass`` its mass
  at or above the pass mark. (A normal curve was used first: near a score of 90 % it is too
  thin on the left, and said "ready" at a 99.8 % chance of passing to learners whose true
  chance was 97 %.)
* **Verdict.** "not enough evidence" until ``MIN_ANSWERS`` quiz answers on studied facts are
  in, and (unless the forecast is already below the pass mark) until ``MIN_COVERING`` of them
  were given with the facts remembered no better than they will be at the exam; then "ready"
  only when the interval's lower bound clears the pass mark and the chance of passing a draw
  of the exam's questions is at least ``READY_P_PASS``, "not ready" when the forecast is
  below it, and "borderline" in between.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .scheduler import CardMemory, Scheduler, study_day

PASS_MARK = 0.66
# An exam as the quiz page makes it (services.quiz.DEFAULT_COUNT["exam"]): the interval is for
# the score on an exam this long.
EXAM_QUESTIONS = 20
# Answers (questions, on facts studied before the answer) needed before a verdict. With n
# answers the right-answer rate is known to about ±0.5/√n: at 30 that is ±0.09, the first n at
# which a learner at the pass mark (66 %) and one at chance on a true/false question (50 %)
# are told apart. `make bench ONLY=readiness` checks what it costs (the "ready" forecasts for
# learners who fail, and how often a learner who passes is told so).
MIN_ANSWERS = 30
# …and of those, answers given when the facts were at most this much better remembered than
# they will be at the exam: a verdict of "ready" may not rest on an extrapolation from answers
# given right after reviewing to an exam weeks later (how fast *quiz* performance fades is
# only known from answers given after some fading).
MIN_COVERING = 10
COVER_MARGIN = 0.05
INTERVAL = 0.95  # the interval shown; its lower end gates "ready"
# "ready" also needs this probability of passing a draw of the exam's questions: an interval
# whose lower end just clears the mark still fails about one exam in forty by the draw alone.
# The chance is the model's; what it leaves out (the learner's forgetting is not the default
# parameters', quiz answers given hours after reviewing say little of a gap of days) is
# allowed for by asking 99.5 %: at 99 % the bench's 11,000 simulated learners had one told
# "ready" who failed (model: 99.1 %, truth: about 91 %), at 99.5 % none.
READY_P_PASS = 0.995

# The cautious prior mapping σ(a + b·r): r = 1 → 0.80, 0.9 → 0.74, 0.5 → 0.40, 0 → 0.10.
PRIOR = (-2.2, 3.6)
PRIOR_SD = (1.0, 1.5)
# Facts never studied: Beta(1, 3), mean 0.25 (guessing one of four choices).
UNKNOWN_PRIOR = (1.0, 3.0)
WEAKEST = 3

NOT_ENOUGH_EVIDENCE = "not_enough_evidence"
NOT_READY = "not_ready"
BORDERLINE = "borderline"
READY = "ready"


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """One review of one card from the log: when, and the card's memory right after it."""

    at: datetime
    memory: CardMemory


@dataclass(frozen=True)
class Answer:
    """One answered quiz or exam question: when, its score (1 right, 0 wrong, partial in
    between) and the keys of the facts it tested."""

    at: datetime
    score: float
    facts: tuple[str, ...]


@dataclass(frozen=True)
class FactNow:
    """One in-scope fact as the forecast sees it: its topic and the learner's current memory
    of each of its studied cards (empty: never studied)."""

    key: str
    topic: str
    memories: tuple[CardMemory, ...] = ()


@dataclass(frozen=True)
class Point:
    """One piece of evidence: the fact's retrievability when answered (None: not studied
    then), the outcome, and its weight (a question on k facts gives each 1/k)."""

    r: float | None
    y: float
    w: float = 1.0


# --- evidence ------------------------------------------------------------------------------


def memory_before(history: Sequence[Review], at: datetime) -> CardMemory | None:
    """The card's memory just before ``at``: the state after its last review strictly earlier
    (``history`` in time order). None when it had not been reviewed yet. (``evidence``
    applies the same rule with each history's times looked up once.)"""
    i = bisect_left([h.at for h in history], at)
    return history[i - 1].memory if i else None


def fact_retrievability(memories: Iterable[CardMemory], scheduler: Scheduler,
                        at: datetime) -> float | None:
    """A fact's recall probability at ``at``: the mean over its studied cards (a fact asked as
    term → definition and back is known about as well as its cards on average). None when no
    card of it has been studied."""
    rs = [scheduler.retrievability(m, at) for m in memories
          if m.stability is not None and m.last_review is not None and m.last_review <= at]
    return sum(rs) / len(rs) if rs else None


def evidence(answers: Iterable[Answer], histories: Mapping[str, Sequence[Sequence[Review]]],
             scheduler: Scheduler) -> list[Point]:
    """The calibration points of the answers: per tested fact, its retrievability from the
    reviews before the answer. ``histories`` maps a fact key to its cards' review histories
    (each in time order); facts it does not know are left out."""
    c = scheduler.config
    times = {k: [[r.at for r in h] for h in hs] for k, hs in histories.items()}
    known: dict[tuple, float | None] = {}  # r depends on the states and the study day only
    points = []
    for a in answers:
        keys = [k for k in a.facts if k in histories]
        day = study_day(a.at, c.tz, c.rollover_hour) if keys else None
        for k in keys:
            idx = tuple(bisect_left(t, a.at) for t in times[k])  # reviews before the answer
            memo = (k, idx, day)
            if memo not in known:
                before = [h[i - 1].memory for h, i in zip(histories[k], idx, strict=True) if i]
                known[memo] = fact_retrievability(before, scheduler, a.at)
            points.append(Point(known[memo], min(1.0, max(0.0, float(a.score))), 1 / len(keys)))
    return points


# --- calibration ---------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def _x(r: float) -> float:
    """The mapping's predictor: retrievability itself (Platt's score), in [0, 1]."""
    return min(1.0, max(0.0, r))


@dataclass(frozen=True)
class Calibration:
    """The fitted mapping ``σ(a + b·r)`` with its posterior covariance, and the Beta
    posterior of the right-answer rate on facts never studied."""

    a: float = PRIOR[0]
    b: float = PRIOR[1]
    cov: tuple[float, float, float] = (PRIOR_SD[0] ** 2, 0.0, PRIOR_SD[1] ** 2)  # aa, ab, bb
    unknown: tuple[float, float] = UNKNOWN_PRIOR
    answers: float = 0.0  # weight of the answers on studied facts (whole questions)
    unknown_answers: float = 0.0
    rs: tuple[tuple[float, float], ...] = ()  # (r, weight) of those answers, r ascending

    def covering(self, r: float) -> float:
        """The weight of the answers given at a retrievability no higher than ``r`` plus
        ``COVER_MARGIN``: the evidence about memory as faded as ``r``."""
        return sum(w for x, w in self.rs if x <= r + COVER_MARGIN)

    def p(self, r: float) -> float:
        """The chance of answering a question on a fact with retrievability ``r`` right."""
        return _sigmoid(self.a + self.b * _x(r))

    @property
    def p_unknown(self) -> float:
        al, be = self.unknown
        return al / (al + be)


def calibrate(points: Iterable[Point]) -> Calibration:
    """Fit the mapping on the evidence (MAP under the cautious prior; Newton's method on the
    two parameters) and update the unknown facts' Beta prior."""
    studied = [(p.w, _x(p.r), p.y) for p in points if p.r is not None]
    al, be = UNKNOWN_PRIOR
    n_unknown = 0.0
    for p in points:
        if p.r is None:
            al, be, n_unknown = al + p.w * p.y, be + p.w * (1 - p.y), n_unknown + p.w
    (a0, b0), (sa, sb) = PRIOR, PRIOR_SD
    a, b = a0, b0
    haa = hab = hbb = 0.0
    for _ in range(50):
        ga, gb = -(a - a0) / sa**2, -(b - b0) / sb**2
        haa, hab, hbb = 1 / sa**2, 0.0, 1 / sb**2
        for w, x, y in studied:
            p = _sigmoid(a + b * x)
            ga += w * (y - p)
            gb += w * (y - p) * x
            v = w * p * (1 - p)
            haa += v
            hab += v * x
            hbb += v * x * x
        det = haa * hbb - hab * hab
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if abs(da) + abs(db) < 1e-9:
            break
    det = haa * hbb - hab * hab
    return Calibration(a=a, b=b, cov=(hbb / det, -hab / det, haa / det), unknown=(al, be),
                       answers=sum(w for w, _, _ in studied), unknown_answers=n_unknown,
                       rs=tuple(sorted((x, w) for w, x, _ in studied)))


# --- the forecast --------------------------------------------------------------------------


def _sampling_variance(ps: Sequence[float], k: int) -> float:
    """Variance of the score of an exam of ``k`` questions on distinct facts drawn from the
    facts with right-answer chances ``ps``: each answer's own chance, plus which facts are
    drawn (without replacement: none of it when the exam asks every fact)."""
    n = len(ps)
    if not n:
        return 0.0
    mean = sum(ps) / n
    own = sum(p * (1 - p) for p in ps) / n
    spread = sum((p - mean) ** 2 for p in ps) / n
    drawn = spread * max(0.0, (n - k) / (n - 1)) if n > 1 else 0.0
    return (own + drawn) / k


def score_distribution(mean: float, var: float, k: int) -> list[float]:
    """P(j right answers of ``k``), j = 0…k: a beta-binomial with the forecast's mean chance
    and the score's variance ``var`` (moment-matched). A normal curve is too thin in the tail
    that matters: at an expected 88 % on 20 questions it puts the chance of failing at
    0.2 % where the binomial says 0.7 %, and that tail is what "ready" promises against."""
    mu = min(1 - 1e-9, max(1e-9, mean))
    base = mu * (1 - mu)
    # Var(j) = k·μ(1−μ)·(1 + (k−1)·ρ): ρ from the variance asked for; ρ = 0 is the binomial
    rho = ((var * k * k) / (k * base) - 1) / (k - 1) if k > 1 else 0.0
    if rho <= 1e-9:
        return [math.comb(k, j) * mu**j * (1 - mu) ** (k - j) for j in range(k + 1)]
    c = 1 / min(rho, 1 - 1e-9) - 1  # α + β
    a, b = mu * c, (1 - mu) * c

    def lbeta(x: float, y: float) -> float:
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    base_l = lbeta(a, b)
    pmf = [math.comb(k, j) * math.exp(lbeta(j + a, k - j + b) - base_l) for j in range(k + 1)]
    total = sum(pmf)
    return [q / total for q in pmf]


def _quantile(pmf: Sequence[float], q: float) -> int:
    """The smallest j with P(score ≤ j) ≥ q."""
    acc = 0.0
    for j, p in enumerate(pmf):
        acc += p
        if acc >= q - 1e-12:
            return j
    return len(pmf) - 1


@dataclass(frozen=True)
class Section:
    topic: str
    predicted: float
    facts: int


@dataclass(frozen=True)
class Forecast:
    predicted: float  # the expected exam score, 0..1
    low: float  # the interval (INTERVAL) of the exam score
    high: float
    p_pass: float
    pass_mark: float
    verdict: str
    facts: int  # in scope
    studied: int  # … of which at least one card was studied
    answers: int  # quiz answers behind the calibration (on studied facts)
    reviews: int
    at: datetime  # the exam (or now)
    days_left: int | None  # study days left before the exam date (None: no date)
    naive: float  # the mean retrievability at ``at`` (unstudied facts 0): what readiness was
    covered: bool  # enough answers given with memory as faded as it will be at ``at``
    weakest: tuple[Section, ...] = field(default=())

    @property
    def ready(self) -> bool:
        return self.verdict == READY

    @property
    def needed(self) -> int:
        """How many more answers before a verdict."""
        return max(0, MIN_ANSWERS - self.answers)


def forecast(facts: Sequence[FactNow], calibration: Calibration, scheduler: Scheduler, *,
             at: datetime, now: datetime, pass_mark: float = PASS_MARK,
             exam_questions: int = EXAM_QUESTIONS, reviews: int = 0,
             exam_date_set: bool = False) -> Forecast:
    """The forecast of the score on an exam at ``at`` (the exam date, or now) over ``facts``,
    assuming no reviews in between: what the learner knows today, decayed to the exam."""
    n = len(facts)
    cal = calibration
    ps: list[float] = []
    naive = 0.0
    ga = gb = 0.0  # gradient of the studied facts' summed p with respect to (a, b)
    per_topic: dict[str, list[float]] = {}
    studied = 0
    for f in facts:
        r = fact_retrievability(f.memories, scheduler, at)
        if r is None:
            p = cal.p_unknown
        else:
            studied += 1
            naive += r
            p = cal.p(r)
            v = p * (1 - p)
            ga += v
            gb += v * _x(r)
        ps.append(p)
        per_topic.setdefault(f.topic, []).append(p)
    if n == 0:
        predicted = var_score = 0.0
    else:
        predicted = sum(ps) / n
        caa, cab, cbb = cal.cov
        var_param = (ga * ga * caa + 2 * ga * gb * cab + gb * gb * cbb) / n**2
        al, be = cal.unknown
        var_unknown = al * be / ((al + be) ** 2 * (al + be + 1)) * ((n - studied) / n) ** 2
        var_score = var_param + var_unknown
    k = max(1, int(exam_questions))
    need = math.ceil(pass_mark * k - 1e-9)  # right answers needed to pass
    if n:
        # the exam's score: the chances of the facts it draws, each answer's own chance and
        # the forecast's uncertainty, as a distribution over 0…k right answers
        pmf = score_distribution(predicted, var_score + _sampling_variance(ps, k), k)
        tail = (1 - INTERVAL) / 2
        low, high = _quantile(pmf, tail) / k, _quantile(pmf, 1 - tail) / k
        p_pass = min(1.0, sum(pmf[need:]))
    else:
        low = high = p_pass = 0.0
    answers = round(cal.answers)
    mean_r = naive / studied if studied else 0.0
    covered = cal.covering(mean_r) >= MIN_COVERING - 1e-9
    if n == 0 or studied == 0 or answers < MIN_ANSWERS:
        verdict = NOT_ENOUGH_EVIDENCE
    elif predicted < pass_mark:
        verdict = NOT_READY  # p falls as r does: fading further only lowers it
    elif not covered:
        verdict = NOT_ENOUGH_EVIDENCE
    elif low >= pass_mark and p_pass >= READY_P_PASS:
        verdict = READY
    else:
        verdict = BORDERLINE
    c = scheduler.config
    days_left = ((study_day(at, c.tz, c.rollover_hour) - study_day(now, c.tz, c.rollover_hour))
                 .days if exam_date_set else None)
    weakest = sorted((Section(t, sum(v) / len(v), len(v)) for t, v in per_topic.items()),
                     key=lambda s: (s.predicted, -s.facts, s.topic))[:WEAKEST]
    return Forecast(predicted=predicted, low=low, high=high, p_pass=p_pass,
                    pass_mark=pass_mark, verdict=verdict, facts=n, studied=studied,
                    answers=answers, reviews=reviews, covered=covered, at=at, days_left=days_left,
                    naive=naive / n if n else 0.0, weakest=tuple(weakest))


__all__ = [
    "BORDERLINE",
    "EXAM_QUESTIONS",
    "INTERVAL",
    "MIN_ANSWERS",
    "NOT_ENOUGH_EVIDENCE",
    "NOT_READY",
    "PASS_MARK",
    "PRIOR",
    "READY",
    "Answer",
    "Calibration",
    "FactNow",
    "Forecast",
    "Point",
    "Review",
    "Section",
    "calibrate",
    "evidence",
    "fact_retrievability",
    "forecast",
    "memory_before",
    "score_distribution",
]
