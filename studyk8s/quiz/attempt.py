"""Attempt rules that need no storage: the exam clock, grading, the per-topic breakdown.

The server owns the clock: an exam accepts answers until ``deadline + GRACE`` (network and
clock slack), and any read or write after that closes it with what was saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import kinds
from .model import CheckResult, Question

GRACE = timedelta(seconds=60)
DEFAULT_PASS_MARK = 0.66
PRACTICE, EXAM = "practice", "exam"
MODES = (PRACTICE, EXAM)


def open_until(deadline: datetime | None, grace: timedelta = GRACE) -> datetime | None:
    """The last instant a save is accepted (None: no time limit)."""
    return None if deadline is None else deadline + grace


def is_expired(deadline: datetime | None, now: datetime, grace: timedelta = GRACE) -> bool:
    """True once ``now`` is past the deadline and its grace period."""
    until = open_until(deadline, grace)
    return until is not None and now > until


def remaining_ms(deadline: datetime | None, now: datetime) -> int | None:
    """Milliseconds left on the visible clock (0 during the grace period)."""
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds() * 1000))


@dataclass(frozen=True)
class TopicScore:
    topic: str
    questions: int
    points: float
    correct: int
    max_points: float | None = None  # None: one point per question

    @property
    def percent(self) -> float:
        most = self.questions if self.max_points is None else self.max_points
        return 100.0 * self.points / most if most else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "questions": self.questions, "points": round(self.points, 4),
                "correct": self.correct, "percent": round(self.percent, 1)}


@dataclass(frozen=True)
class Grade:
    points: float
    total: int
    pass_mark: float
    results: tuple[CheckResult, ...]
    topics: tuple[TopicScore, ...] = field(default_factory=tuple)
    max_points: float | None = None  # None: one point per question

    @property
    def score(self) -> float:
        """0..1: points over the most points (partial credit counts)."""
        most = self.total if self.max_points is None else self.max_points
        return self.points / most if most else 0.0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.score + 1e-9 >= self.pass_mark

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.results)


def grade(questions: Sequence[Question], responses: Mapping[int, Any],
          pass_mark: float = DEFAULT_PASS_MARK) -> Grade:
    """Check every question (unanswered = wrong) and break the score down by topic. A question
    worth ``points`` (instructor-written sets) earns its score times its points."""
    results = []
    topics: dict[str, list[float]] = {}
    weighted = any(q.points != 1 for q in questions)
    for i, q in enumerate(questions):
        r = kinds.check(q, responses.get(i))
        results.append(r)
        t = topics.setdefault(q.topic or "—", [0, 0.0, 0, 0.0])
        t[0] += 1
        t[1] += r.score * q.points
        t[2] += r.correct
        t[3] += q.points
    by_topic = tuple(sorted((TopicScore(k, int(v[0]), v[1], int(v[2]),
                                        v[3] if weighted else None)
                             for k, v in topics.items()),
                            key=lambda ts: (ts.percent, ts.topic)))
    return Grade(points=sum(r.score * q.points for r, q in zip(results, questions, strict=True)),
                 total=len(questions), pass_mark=pass_mark, results=tuple(results),
                 topics=by_topic,
                 max_points=sum(q.points for q in questions) if weighted else None)


class WeightError(ValueError):
    """A topic-weight entry that cannot be read: ``problem`` is "format" (no topic and colon),
    "number" or "range"; ``entry`` is the entry as written."""

    TEXT = {"format": "write a topic, a colon and a weight (Pod: 30)",
            "number": "the weight must be a number",
            "range": "the weight must be between 0 and 1000"}

    def __init__(self, entry: str, problem: str) -> None:
        self.entry, self.problem = entry, problem
        super().__init__(f"“{entry}”: {self.TEXT[problem]}")


def parse_weights(text: str) -> dict[str, float]:
    """``"简介 > k8s架构: 40, Pod: 60"`` (or one per line) → {"简介 > k8s架构": 40, "Pod": 60}.

    The last colon of an entry separates the topic from its weight (full-width colons too).
    Raises ValueError naming the entry at fault.
    """
    out: dict[str, float] = {}
    for raw in text.replace("，", ",").replace("\n", ",").split(","):
        entry = raw.strip()
        if not entry:
            continue
        entry = entry.replace("：", ":")
        topic, sep, value = entry.rpartition(":")
        if not sep or not topic.strip():
            raise WeightError(entry, "format")
        try:
            weight = float(value.strip().rstrip("%"))
        except ValueError:
            raise WeightError(entry, "number") from None
        if not 0 <= weight <= 1000:
            raise WeightError(entry, "range")
        out[" > ".join(p.strip() for p in topic.split(">"))] = weight
    return out
