"""Spaced repetition, pure: the FSRS scheduler (here), plus ``optimize`` and ``evaluate``
(import those modules directly; they pull in the fsrs-rs optimiser)."""

from .days import day_start, next_day_start, study_day
from .scheduler import (
    DEFAULT_CONFIG,
    DEFAULT_PARAMETERS,
    CardMemory,
    Outcome,
    Rating,
    Scheduler,
    SchedulerConfig,
    State,
    format_interval,
    fuzz_range,
    fuzz_seed,
    fuzzed_interval,
    is_leech,
    replay,
)

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_PARAMETERS",
    "CardMemory",
    "Outcome",
    "Rating",
    "Scheduler",
    "SchedulerConfig",
    "State",
    "day_start",
    "format_interval",
    "fuzz_range",
    "fuzz_seed",
    "fuzzed_interval",
    "is_leech",
    "next_day_start",
    "replay",
    "study_day",
]
