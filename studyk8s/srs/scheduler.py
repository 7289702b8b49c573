"""FSRS-6 scheduling for one learner's card: a pure wrapper over py-fsrs.

py-fsrs does the memory model and the learning-step state machine. This module adds what an
app needs around it, with time always passed in:

* **Study days.** py-fsrs counts elapsed time in 24-hour blocks; Anki, fsrs-rs and the
  optimiser count *study days* (the date after a 4 am rollover in the learner's zone). A card
  answered at 22:00 and again at 08:00 next morning is one day later for the optimiser, so the
  scheduler must see it that way too, or the fitted parameters are applied to different
  inputs than they were fitted on. We hand py-fsrs a ``last_review`` exactly that many days
  back; it never sees the real one.
* **Deterministic fuzz.** py-fsrs's own fuzz uses the global ``random``; we switch it off and
  draw from ``random.Random(seed)`` with the same ranges, so ``preview()`` shows exactly what
  ``review()`` will do and a replay of the log gives the same due dates.
* **Due dates.** Review intervals are whole days. The due instant is the same local wall-clock
  time ``days`` study days later (not ``days * 24h``), so a daylight-saving change can never
  move a card into the neighbouring study day.
* **Lapses and leeches** as Anki counts them.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

import fsrs
from fsrs.scheduler import (
    DEFAULT_PARAMETERS as _FSRS_DEFAULT_PARAMETERS,
)
from fsrs.scheduler import (
    FUZZ_RANGES,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

from .days import _add_study_days, _aware, _check_rollover, _utc, _zone, study_day

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(float(w) for w in _FSRS_DEFAULT_PARAMETERS)
PARAMETER_BOUNDS: tuple[tuple[float, float], ...] = tuple(
    zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
)


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class State(IntEnum):
    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


# --- data --------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_dt(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _aware(value, name)
    return _aware(datetime.fromisoformat(str(value)), name)


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class CardMemory:
    """One learner's scheduling state of one card (what the DB stores per learner and card)."""

    state: State = State.NEW
    step: int | None = None  # index into learning/relearning steps
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", State(self.state))
        for name in ("due", "last_review"):
            value = getattr(self, name)
            if value is not None:
                _aware(value, f"CardMemory.{name}")
        if self.state is not State.NEW and None in (
            self.stability, self.difficulty, self.last_review
        ):
            raise ValueError(f"a {self.state.name} card needs stability, difficulty and "
                             f"last_review (got {self!r})")
        if self.state in (State.LEARNING, State.RELEARNING) and self.step is None:
            raise ValueError(f"a {self.state.name} card needs a step")
        if self.reps < 0 or self.lapses < 0:
            raise ValueError("reps and lapses cannot be negative")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ints, floats, None and ISO-8601 strings with their UTC offset."""
        return {
            "state": int(self.state),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": _iso(self.due),
            "last_review": _iso(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CardMemory:
        """Inverse of ``to_dict``; unknown keys are ignored so snapshots can carry extras."""
        step = d.get("step")
        return cls(
            state=State(int(d.get("state", State.NEW))),
            step=None if step is None else int(step),
            stability=_opt_float(d.get("stability")),
            difficulty=_opt_float(d.get("difficulty")),
            due=_parse_dt(d.get("due"), "due"),
            last_review=_parse_dt(d.get("last_review"), "last_review"),
            reps=int(d.get("reps", 0)),
            lapses=int(d.get("lapses", 0)),
        )


def _steps(value: Iterable[timedelta], name: str) -> tuple[timedelta, ...]:
    steps = tuple(value)
    for s in steps:
        if not isinstance(s, timedelta) or s <= timedelta(0):
            raise ValueError(f"{name} must be positive timedeltas, got {s!r}")
    return steps


@dataclass(frozen=True)
class SchedulerConfig:
    """A learner's scheduling settings. ``tz``/``rollover_hour`` define their study days."""

    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    desired_retention: float = 0.90
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    enable_fuzz: bool = True
    leech_threshold: int = 8  # 0 turns leech detection off
    tz: str = "UTC"
    rollover_hour: int = 4
    _fsrs: fsrs.Scheduler = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        params = tuple(float(w) for w in self.parameters)
        if len(params) != len(PARAMETER_BOUNDS):
            raise ValueError(f"FSRS-6 needs {len(PARAMETER_BOUNDS)} parameters, "
                             f"got {len(params)}")
        for i, (w, (lo, hi)) in enumerate(zip(params, PARAMETER_BOUNDS, strict=True)):
            if not (math.isfinite(w) and lo <= w <= hi):
                raise ValueError(f"parameters[{i}] = {w} is outside [{lo}, {hi}]")
        if not (0.0 < self.desired_retention < 1.0):
            raise ValueError(f"desired_retention must be in (0, 1), "
                             f"got {self.desired_retention}")
        if not (isinstance(self.maximum_interval, int) and self.maximum_interval >= 1):
            raise ValueError(f"maximum_interval must be a positive number of days, "
                             f"got {self.maximum_interval!r}")
        if not (isinstance(self.leech_threshold, int) and self.leech_threshold >= 0):
            raise ValueError(f"leech_threshold must be >= 0, got {self.leech_threshold!r}")
        _zone(self.tz)
        _check_rollover(self.rollover_hour)
        learning = _steps(self.learning_steps, "learning_steps")
        relearning = _steps(self.relearning_steps, "relearning_steps")
        object.__setattr__(self, "parameters", params)
        object.__setattr__(self, "learning_steps", learning)
        object.__setattr__(self, "relearning_steps", relearning)
        # Built once here: the config is frozen, and py-fsrs re-validates on construction.
        object.__setattr__(self, "_fsrs", fsrs.Scheduler(
            parameters=params,
            desired_retention=self.desired_retention,
            learning_steps=learning,
            relearning_steps=relearning,
            maximum_interval=self.maximum_interval,
            enable_fuzzing=False,
        ))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, for storing a learner's settings; steps in seconds."""
        return {
            "parameters": list(self.parameters),
            "desired_retention": self.desired_retention,
            "learning_steps": [s.total_seconds() for s in self.learning_steps],
            "relearning_steps": [s.total_seconds() for s in self.relearning_steps],
            "maximum_interval": self.maximum_interval,
            "enable_fuzz": self.enable_fuzz,
            "leech_threshold": self.leech_threshold,
            "tz": self.tz,
            "rollover_hour": self.rollover_hour,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SchedulerConfig:
        """Inverse of ``to_dict``; missing keys take the defaults."""
        kwargs: dict[str, Any] = {}
        for key in ("desired_retention",):
            if key in d:
                kwargs[key] = float(d[key])
        for key in ("maximum_interval", "leech_threshold", "rollover_hour"):
            if key in d:
                kwargs[key] = int(d[key])
        if "parameters" in d:
            kwargs["parameters"] = tuple(float(w) for w in d["parameters"])
        for key in ("learning_steps", "relearning_steps"):
            if key in d:
                kwargs[key] = tuple(timedelta(seconds=float(s)) for s in d[key])
        if "enable_fuzz" in d:
            kwargs["enable_fuzz"] = bool(d["enable_fuzz"])
        if "tz" in d:
            kwargs["tz"] = str(d["tz"])
        return cls(**kwargs)


DEFAULT_CONFIG = SchedulerConfig()


@dataclass(frozen=True)
class Outcome:
    """The result of one answer. ``interval`` is nominal (whole days for review cards);
    ``memory.due`` is the exact instant, which can differ by the DST hour."""

    memory: CardMemory
    interval: timedelta
    leech: bool


# --- fuzz and leeches --------------------------------------------------------------------


def fuzz_seed(card_id: int, reps: int) -> int:
    """A stable 64-bit seed per card and review (unlike ``hash()``, the same in every process)."""
    digest = hashlib.blake2b(f"{int(card_id)}:{int(reps)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fuzz_range(interval_days: int, maximum_interval: int = 36500) -> tuple[int, int]:
    """The (min, max) days a review interval may be fuzzed to: py-fsrs's (= Anki's) ranges.

    Intervals under 2.5 days are not fuzzed, so (n, n).
    """
    if interval_days < 2.5:
        return interval_days, interval_days
    delta = 1.0
    for r in FUZZ_RANGES:
        delta += r["factor"] * max(min(float(interval_days), r["end"]) - r["start"], 0.0)
    lo = max(2, round(interval_days - delta))
    hi = min(round(interval_days + delta), maximum_interval)
    return min(lo, hi), hi


def fuzzed_interval(interval_days: int, seed: int, maximum_interval: int = 36500) -> int:
    """A uniform whole number of days in ``fuzz_range``, drawn from ``Random(seed)``.

    py-fsrs rounds a float draw, which can overshoot the range by a day; an inclusive integer
    draw (as Anki does) cannot.
    """
    lo, hi = fuzz_range(interval_days, maximum_interval)
    if lo == hi:
        return lo
    return random.Random(seed).randint(lo, hi)


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at ``threshold`` lapses, then again every half threshold."""
    if threshold <= 0:
        return False
    half = max(1, math.ceil(threshold / 2))
    return lapses >= threshold and (lapses - threshold) % half == 0


# --- the scheduler -----------------------------------------------------------------------

_TO_FSRS_STATE = {
    State.NEW: fsrs.State.Learning,
    State.LEARNING: fsrs.State.Learning,
    State.REVIEW: fsrs.State.Review,
    State.RELEARNING: fsrs.State.Relearning,
}


class Scheduler:
    """Answers cards for one learner's configuration. Stateless apart from the config."""

    def __init__(self, config: SchedulerConfig = DEFAULT_CONFIG) -> None:
        self.config = config

    def elapsed_days(self, memory: CardMemory, now: datetime) -> int | None:
        """Study days since the last review (None for a card never reviewed)."""
        if memory.last_review is None:
            return None
        c = self.config
        return (study_day(now, c.tz, c.rollover_hour)
                - study_day(memory.last_review, c.tz, c.rollover_hour)).days

    def _fsrs_card(self, memory: CardMemory, now: datetime) -> fsrs.Card:
        """The py-fsrs card, with ``last_review`` set so its 24-hour count = our study days."""
        if memory.state is State.NEW:
            return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=now)
        elapsed = self.elapsed_days(memory, now)
        assert elapsed is not None  # non-new cards always have last_review (__post_init__)
        if elapsed < 0:
            raise ValueError(f"review at {now.isoformat()} is before the card's last review "
                             f"({memory.last_review.isoformat()}); stale state?")
        return fsrs.Card(
            card_id=0,
            state=_TO_FSRS_STATE[memory.state],
            step=memory.step if memory.state is not State.REVIEW else None,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=memory.due or now,
            last_review=now - timedelta(days=elapsed),
        )

    def review(self, memory: CardMemory, rating: Rating, now: datetime, *, seed: int) -> Outcome:
        """Answer the card at ``now``; ``seed`` (see ``fuzz_seed``) fixes the fuzz."""
        now = _utc(now, "now")
        rating = Rating(rating)
        c = self.config
        card, _ = c._fsrs.review_card(self._fsrs_card(memory, now), fsrs.Rating(int(rating)),
                                      now)
        state = State(int(card.state))
        if state is State.REVIEW:
            days = (card.due - now).days  # whole days: py-fsrs's fuzz is off
            if c.enable_fuzz:
                days = fuzzed_interval(days, seed, c.maximum_interval)
            interval = timedelta(days=days)
            due = _add_study_days(now, days, c.tz, c.rollover_hour)
        else:
            interval = card.due - now
            due = now + interval
        lapsed = memory.state is State.REVIEW and rating is Rating.AGAIN
        lapses = memory.lapses + lapsed
        new = CardMemory(
            state=state,
            step=card.step if state is not State.REVIEW else None,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=now,
            reps=memory.reps + 1,
            lapses=lapses,
        )
        return Outcome(new, interval, lapsed and is_leech(lapses, c.leech_threshold))

    def preview(self, memory: CardMemory, now: datetime, *, seed: int) -> dict[Rating, timedelta]:
        """The interval each button would give: the same calls ``review()`` makes."""
        return {r: self.review(memory, r, now, seed=seed).interval for r in Rating}

    def retrievability(self, memory: CardMemory, now: datetime) -> float:
        """Predicted recall probability at ``now`` (0 for a card never reviewed)."""
        now = _utc(now, "now")
        if memory.stability is None or memory.last_review is None:
            return 0.0
        elapsed = max(0, self.elapsed_days(memory, now) or 0)
        w = self.config.parameters
        decay = -w[20]
        factor = 0.9 ** (1 / decay) - 1
        return (1 + factor * elapsed / memory.stability) ** decay


def replay(reviews: Iterable[tuple[Rating, datetime, int]],
           config: SchedulerConfig = DEFAULT_CONFIG) -> CardMemory:
    """A card's state recomputed from its review log: (rating, time, fuzz seed) in time order.

    Used to check stored states against the append-only log.
    """
    scheduler = Scheduler(config)
    memory = CardMemory()
    for rating, when, seed in reviews:
        memory = scheduler.review(memory, rating, when, seed=seed).memory
    return memory


# --- display -----------------------------------------------------------------------------

_MINUTE = 60.0
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTH = 365 / 12 * _DAY
_YEAR = 365 * _DAY
_UNITS = (  # (below this many seconds, unit size, suffix, decimals)
    (_HOUR, _MINUTE, "m", 0),
    (_DAY, _HOUR, "h", 0),
    (_MONTH, _DAY, "d", 0),
    (_YEAR, _MONTH, "mo", 1),
)


def format_interval(td: timedelta) -> str:
    """Anki's button labels: "<1m", "10m", "1h", "3d", "1.2mo", "2.1y" (months/years to one
    decimal, the rest rounded)."""
    secs = td.total_seconds()
    if secs < 0:
        raise ValueError(f"interval cannot be negative: {td}")
    if secs < _MINUTE:
        return "<1m"
    for upper, size, unit, decimals in _UNITS:
        if secs < upper:
            return _fmt(secs / size, decimals) + unit
    return _fmt(secs / _YEAR, 1) + "y"


def _fmt(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text[:-2] if text.endswith(".0") else text


__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_PARAMETERS",
    "CardMemory",
    "Outcome",
    "Rating",
    "Scheduler",
    "SchedulerConfig",
    "State",
    "format_interval",
    "fuzz_range",
    "fuzz_seed",
    "fuzzed_interval",
    "is_leech",
    "replay",
    "study_day",
]
