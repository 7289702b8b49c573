"""A learner's statistics (Anki's stats page): reviews per study day, streaks, the due
forecast, true retention, card counts by state, time spent and mastery per deck and section.

    sql       SQL helpers: epoch seconds, study-day numbers, power()
    rollup    review history per study day (closed days summarised once) and the ``StudyCalendar``
    mastery   card counts by state, forecast, mastery per section (a learner's or a class's)
    page      the stats page, a deck's page, the home page's summary

Everything is aggregated in SQL. Days are the learner's study days (4 am rollover in their
zone): ``srs.days.day_runs`` turns the zone's rules over the needed range into a ``CASE`` that
maps a stored UTC instant to its study-day number with integer arithmetic. Review history
covers every review; cards, forecast and mastery the decks and kinds chosen in Settings.
"""

from .mastery import (
    CATEGORIES,
    ClassSection,
    Mastery,
    by_deck,
    forecast,
    section_mastery,
    section_rows,
)
from .page import (
    HEATMAP_WEEKS,
    TIME_DAYS,
    DayValue,
    DeckPage,
    Period,
    StatsPage,
    Summary,
    deck_page,
    page,
    summary,
)
from .rollup import (
    FORECAST_DAYS,
    ROLLUP_GRACE,
    ROLLUP_VERSION,
    DayTotals,
    StudyCalendar,
    day_totals,
    refresh_rollup,
    refresh_rollups,
)

__all__ = [
    "CATEGORIES", "FORECAST_DAYS", "ROLLUP_GRACE", "HEATMAP_WEEKS", "ROLLUP_VERSION", "TIME_DAYS",
    "ClassSection", "StudyCalendar", "DayTotals", "DayValue", "DeckPage", "Mastery", "Period",
    "StatsPage", "Summary", "by_deck", "day_totals", "deck_page", "forecast", "page",
    "refresh_rollup", "refresh_rollups", "section_mastery", "section_rows", "summary",
]
