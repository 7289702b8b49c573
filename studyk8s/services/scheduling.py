"""The scheduler each learner's settings call for, shared by every service that schedules
(review, quiz, stats, maintenance): built once per distinct configuration and kept."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from ..persistence.models import CardState, User
from ..srs import CardMemory, Scheduler, SchedulerConfig, State
from .users import StudySettings


def scheduler_for(user: User, settings: StudySettings | None = None) -> Scheduler:
    """The learner's scheduler (``settings``, when the caller has read them already)."""
    return _scheduler(*(settings or StudySettings.of(user)).scheduler_key)


def scheduler_fingerprint(user: User, settings: StudySettings | None = None) -> str:
    """Short id of the settings that shape scheduling, stored with each review so `flask db
    check` knows which reviews a replay with today's settings must reproduce exactly."""
    key = (settings or StudySettings.of(user)).scheduler_key
    return hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None, retention: float, tz: str) -> Scheduler:
    """Configs are frozen and learners share a few; building one validates 21 parameters."""
    kwargs: dict[str, Any] = {"desired_retention": retention, "tz": tz}
    if parameters:
        kwargs["parameters"] = parameters
    return Scheduler(SchedulerConfig(**kwargs))


def memory_of(row: CardState | None) -> CardMemory:
    """The scheduler's view of a card state (or of a row with the same columns)."""
    if row is None:
        return CardMemory()
    return CardMemory(state=State(row.state), step=row.step, stability=row.stability,
                      difficulty=row.difficulty, due=row.due, last_review=row.last_review,
                      reps=row.reps, lapses=row.lapses)
