"""Fit FSRS-6 parameters to a learner's own review log with fsrs-rs-python.

Why fsrs-rs-python: a small Rust wheel (no torch), the optimiser Anki itself ships, and the
reference figures we check against were measured with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

from .revlog import Item, ReviewRow, build_items
from .scheduler import DEFAULT_PARAMETERS, PARAMETER_BOUNDS


def to_fsrs_item(history: Sequence[tuple[int, int]]) -> FSRSItem:
    return FSRSItem([FSRSReview(rating, delta_t) for rating, delta_t in history])


def fit_parameters(items: Sequence[Item]) -> tuple[float, ...]:
    """fsrs-rs's optimiser on items in the given (time) order.

    With too few items fsrs-rs returns the defaults. Its f32 results are clamped into
    py-fsrs's bounds, which an f32 rounding of a bound (0.8 → 0.80000001) would otherwise
    fail.
    """
    if not items:
        return DEFAULT_PARAMETERS
    raw = FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        [to_fsrs_item(it.history) for it in items]
    )
    return tuple(
        min(max(float(w), lo), hi) for w, (lo, hi) in zip(raw, PARAMETER_BOUNDS, strict=True)
    )


def optimize(rows: Iterable[ReviewRow], *, tz: str, rollover_hour: int = 4) -> tuple[float, ...]:
    """FSRS-6 parameters (21 floats) fitted to ``rows``; study days in ``tz`` with the
    rollover, as the scheduler counts them."""
    return fit_parameters(build_items(rows, tz=tz, rollover_hour=rollover_hour))
