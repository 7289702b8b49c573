"""The learner's statistics pages. Views fetch ``services.stats`` and lay the numbers out as
charts (``studyk8s.stats`` computes the SVG geometry; the templates draw it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from .. import stats as charts
from ..db import get_session
from ..services import stats

bp = Blueprint("stats", __name__)

CATEGORY_LABELS = {
    "new": "New",
    "learning": "Learning",
    "relearning": "Relearning",
    "young": "Young",
    "mature": "Mature",
    "suspended": "Suspended",
    "leech": "Leech",
}
DECKS_CHARTED = 20


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/stats")
@login_required
def index():
    page = stats.page(get_session(), current_user, _now())
    return render_template("stats/index.html", s=page, c=_charts(page),
                           labels=CATEGORY_LABELS, decks_charted=DECKS_CHARTED)


@bp.get("/stats/decks/<int:note_id>")
@login_required
def deck(note_id: int):
    found = stats.deck_page(get_session(), current_user, note_id, _now())
    if found is None:
        abort(404)
    return render_template("stats/deck.html", d=found, chart=_mastery_chart(found.sections,
                                                                             sections=True))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _mastery_chart(rows: list[stats.Mastery], *, sections: bool) -> charts.HBarChart:
    return charts.hbars([
        ((m.section or "(no heading)") if sections else m.deck, m.mastery,
         f"{m.mastery * 100:.0f} %",
         f"{m.section if sections else m.deck}: mastery {m.mastery * 100:.0f} % "
         f"({m.studied} of {m.cards} cards studied)",
         "weak" if m.mastery < 0.5 else "ok" if m.mastery < 0.8 else "strong")
        for m in rows
    ], scale_max=1)


def _charts(page: stats.StatsPage) -> dict[str, Any]:
    today = page.today
    forecast = charts.bars(
        [(charts.day_label(d.day, today), d.value,
          f"{d.day.isoformat()}: {_plural(d.value, 'card')} due"
          + (" (with the overdue ones)" if d.day == today else ""))
         for d in page.forecast],
        label_every=5)
    minutes = charts.bars(
        [(charts.day_label(d.day, today), d.value / 60000,
          f"{d.day.isoformat()}: {d.value / 60000:.0f} min, {_plural(r.value, 'review')}")
         for d, r in zip(page.time, page.time_reviews, strict=True)],
        label_every=5)
    weeks = charts.line(
        [(charts.week_label(p.first), p.retention,
          f"week of {p.first.isoformat()}: "
          + (f"{p.retention * 100:.1f} % of {p.due}" if p.retention is not None
             else "no reviews"))
         for p in page.weeks],
        reference=page.desired_retention, label_every=2)
    months = charts.line(
        [(charts.month_label(p.first), p.retention,
          f"{p.first:%Y-%m}: "
          + (f"{p.retention * 100:.1f} % of {p.due}" if p.retention is not None
             else "no reviews"))
         for p in page.months],
        reference=page.desired_retention, label_every=2)
    total = sum(page.counts.values()) or 1
    counts = charts.hbars(
        [(CATEGORY_LABELS[k], v, f"{v:,}", f"{CATEGORY_LABELS[k]}: {v:,} cards",
          f"cat-{k}") for k, v in page.counts.items()],
        label_width=110)
    return {
        "heatmap": charts.heatmap([(d.day, d.value) for d in page.heatmap]),
        "forecast": forecast,
        "time": minutes,
        "weeks": weeks,
        "months": months,
        "counts": counts,
        "count_total": total,
        "decks": _mastery_chart(page.decks[:DECKS_CHARTED], sections=False),
        "sections": _mastery_chart(page.weakest_sections, sections=True),
        "forecast_week": sum(d.value for d in page.forecast[:8]),
        "forecast_month": sum(d.value for d in page.forecast),
        "time_total_ms": sum(d.value for d in page.time),
        "time_reviews": sum(d.value for d in page.time_reviews),
        "time_days": sum(1 for d in page.time if d.value > 0),
        "year_days": [d for d in reversed(page.heatmap)
                      if d.value and d.day > today - timedelta(days=365)],
        "recent_weeks": page.weeks[-4:],
    }
