"""Item analysis with Moodle's definitions (quiz statistics report), and grading methods.

For a question taken in ``n`` attempts, with ``x`` the marks it earned and ``X`` the marks of
the rest of the attempt (the attempt's total minus ``x``):

- facility index F = mean(x) / max mark (0..1: the share of the marks earned);
- standard deviation SD = sample SD of x / max mark;
- discrimination index D = cov(x, X) / sqrt(var(x) · var(X)) — the correlation between the
  question and the rest of the test (Moodle shows it as a percentage); undefined when either
  does not vary;
- discriminative efficiency = cov(x, X) / cov_max(x, X), where cov_max pairs the sorted x
  with the sorted X (the most the covariance could be, given the marks).

A question whose discrimination is below 0.2 is flagged: good and weak learners do about as
well on it (or the weak ones better), so it probably needs rewording or a better key.

A response that earned the question's full marks picked nothing wrong, whatever its text: a
typed "replicaset" accepted for ReplicaSet is not a wrong answer.

Below ``MIN_ATTEMPTS`` attempts the figures are shown but marked "too few attempts to judge".
Moodle's statistics report only guards the arithmetic (mod/quiz/report/statistics/classes/
calculator.php computes an SD from 2 attempts, skewness from 3, kurtosis from 4) and shows
the figures at any n without a word; its documentation says they are designed for summative
tests taken by a whole cohort. We say so on the page: at n = 10 the 95 % interval of a
correlation of 0.3 (Fisher's z, standard error 1/sqrt(n - 3)) still runs from about -0.4 to
0.8, so below 10 a discrimination index cannot tell a good question from a bad one.
Pure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FLAG_BELOW = 0.2
MIN_ATTEMPTS = 10
FULL = 1e-9  # marks: a response within this of the maximum earned full marks


@dataclass(frozen=True)
class Response:
    """One question as one attempt answered it."""

    attempt: int
    slot: str  # which question: the set question's uid (or a drawn question's signature)
    label: str
    kind: str
    mark: float
    max_mark: float
    picked: tuple[str, ...] = ()  # the choices picked, the typed text, "term → answer" pairs
    right: tuple[str, ...] = ()  # the right choices / pairs / answer
    choices: tuple[str, ...] = ()  # every choice offered (so unpicked wrong ones show as 0)
    position: int = 0


@dataclass
class ItemStats:
    slot: str
    label: str
    kind: str
    position: int
    n: int
    max_mark: float
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    right: tuple[str, ...] = ()
    wrong: list[tuple[str, int]] = field(default_factory=list)  # wrong answers picked, counts
    unanswered: int = 0

    @property
    def flagged(self) -> bool:
        return self.discrimination is not None and self.discrimination < FLAG_BELOW

    @property
    def too_few(self) -> bool:
        """Too few attempts for the figures to mean anything (they are still shown)."""
        return self.n < MIN_ATTEMPTS

    def to_dict(self) -> dict[str, Any]:
        return {"slot": self.slot, "label": self.label, "kind": self.kind, "n": self.n,
                "max_mark": self.max_mark, "facility": _r(self.facility), "sd": _r(self.sd),
                "discrimination": _r(self.discrimination), "efficiency": _r(self.efficiency),
                "flagged": self.flagged, "too_few": self.too_few, "right": list(self.right),
                "wrong": [{"answer": a, "count": c} for a, c in self.wrong],
                "unanswered": self.unanswered}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def _cov(xs: Sequence[float], ys: Sequence[float]) -> float:
    mx, my = _mean(xs), _mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def item_statistics(responses: Sequence[Response],
                    totals: Mapping[int, float]) -> list[ItemStats]:
    """Statistics of every question (slot), in the order questions were asked.

    ``totals`` maps each attempt to its total marks (the sum over all its questions)."""
    by_slot: dict[str, list[Response]] = {}
    for r in responses:
        by_slot.setdefault(r.slot, []).append(r)
    out = []
    for slot, rs in by_slot.items():
        n = len(rs)
        max_mark = max(r.max_mark for r in rs) or 1.0
        x = [r.mark for r in rs]
        rest = [totals[r.attempt] - r.mark for r in rs]
        facility = _mean(x) / max_mark if n else None
        sd = disc = eff = None
        if n > 1:
            vx, vr = _cov(x, x), _cov(rest, rest)
            sd = math.sqrt(vx) / max_mark
            cov = _cov(x, rest)
            if vx > 1e-12 and vr > 1e-12:
                disc = cov / math.sqrt(vx * vr)
            cmax = _cov(sorted(x), sorted(rest))
            if abs(cmax) > 1e-12:
                eff = cov / cmax
        right = rs[0].right
        wrong: Counter[str] = Counter()
        unanswered = 0
        for r in rs:
            if not r.picked:
                unanswered += 1
            if r.mark >= r.max_mark - FULL:
                continue  # full marks: an accepted form of the answer, not a wrong one
            for p in r.picked:
                if p not in r.right:
                    wrong[p] += 1
        offered = [c for c in rs[0].choices if c not in right]
        listed = [(c, wrong.get(c, 0)) for c in offered]
        listed += [(a, c) for a, c in wrong.items() if a not in offered]
        listed.sort(key=lambda ac: (-ac[1], ac[0]))
        out.append(ItemStats(slot=slot, label=rs[0].label, kind=rs[0].kind,
                             position=min(r.position for r in rs), n=n, max_mark=max_mark,
                             facility=facility, sd=sd, discrimination=disc, efficiency=eff,
                             right=right, wrong=listed, unanswered=unanswered))
    out.sort(key=lambda s: (s.position, s.slot))
    return out


def final_grade(scores: Sequence[float], method: str) -> float | None:
    """A learner's grade from their closed attempts' scores (oldest first), by Moodle's
    grading methods: highest, average, first or last attempt."""
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "average":
        return sum(scores) / len(scores)
    if method == "first":
        return scores[0]
    return scores[-1]


def counted_attempts(attempt_ids: Sequence[int], scores: Sequence[float],
                     method: str) -> list[int]:
    """The attempts whose answers the statistics use, one learner at a time, as Moodle does
    by default: the graded attempt (every attempt when grading by average)."""
    if not attempt_ids:
        return []
    if method == "average":
        return list(attempt_ids)
    if method == "first":
        return [attempt_ids[0]]
    if method == "last":
        return [attempt_ids[-1]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return [attempt_ids[best]]
