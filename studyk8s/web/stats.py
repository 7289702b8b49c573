"""The learner's statistics pages. Views fetch ``services.stats`` and
lay the numbers out as charts (``studyk8s.charts`` computes the SVG geometry; the templates draw
it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from babel.dates import get_day_names, get_month_names
from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import charts, clock
from ..db import get_session
from ..i18n import fmt_date, fmt_num, fmt_pct, locale_code
from ..services import stats
from .askable import reason_phrases

bp = Blueprint("stats", __name__)

CATEGORY_LABELS = {
    "new": _l("New"),
    "learning": _l("Learning"),
    "relearning": _l("Relearning"),
    "young": _l("Young"),
    "mature": _l("Mature"),
    "suspended": _l("Suspended"),
    "leech": _l("Leech"),
}
DECKS_CHARTED = 20



@bp.get("/stats")
@login_required
def index():
    page = stats.page(get_session(), current_user, clock.now(),
                      askable=current_app.extensions["askable"])
    return render_template("stats/index.html", s=page, c=_charts(page),
                           labels=CATEGORY_LABELS, decks_charted=DECKS_CHARTED,
                           reason_phrases=reason_phrases)


@bp.get("/stats/decks/<int:note_id>")
@login_required
def deck(note_id: int):
    found = stats.deck_page(get_session(), current_user, note_id, clock.now())
    if found is None:
        abort(404)
    return render_template("stats/deck.html", d=found, chart=_mastery_chart(found.sections,
                                                                             sections=True))


# --- chart labels in the UI language (studyk8s/charts.py gives numbers and dates)


def _tick(value: float) -> str:
    """A bar chart's axis value: ``1,500``, ``12k``."""
    return f"{value:,g}" if value < 10_000 else f"{value / 1000:,g}k"


def _labelled_bars(chart: charts.BarChart) -> charts.BarChart:
    ticks = [(y, _tick(v)) for y, v in chart.axis.ticks]
    return replace(chart, axis=replace(chart.axis, ticks=ticks))


def _day_label(day: date, today: date) -> str:
    if day == today:
        return _("today")
    if day == today + timedelta(days=1):
        return _("tmrw")
    return fmt_date(day, "MMMd")


def _month_label(first: date) -> str:
    return fmt_date(first, "yMMM" if first.month == 1 else "MMM")


def _localized_line(chart: charts.LineChart, reference: float | None) -> charts.LineChart:
    """The y axis ("80 %") and the target label as the locale writes percentages."""
    ticks = [(y, fmt_pct(v)) for y, v in chart.axis.ticks]
    label = "" if reference is None else _("target %(pct)s", pct=fmt_pct(reference))
    return replace(chart, axis=replace(chart.axis, ticks=ticks), reference_label=label)


def _localized_heatmap(chart: charts.Heatmap) -> charts.Heatmap:
    months = get_month_names("abbreviated", locale=locale_code())
    days = get_day_names("abbreviated", locale=locale_code())  # 0 = Monday
    return replace(chart,
                   months=[(x, months[first.month]) for x, first in chart.months],
                   weekdays=[(y, days[weekday]) for y, weekday in chart.weekdays])


def _cards(n: int) -> str:
    return ngettext("%(count)s card", "%(count)s cards", n, count=fmt_num(n))


def _reviews(n: int) -> str:
    return ngettext("%(count)s review", "%(count)s reviews", n, count=fmt_num(n))


def _mastery_chart(rows: list[stats.Mastery], *, sections: bool) -> charts.HBarChart:
    bars = []
    for m in rows:
        name = (m.section or _("(no heading)")) if sections else m.deck
        text = ngettext("%(name)s: mastery %(pct)s (%(studied)s of %(cards)s card studied)",
                        "%(name)s: mastery %(pct)s (%(studied)s of %(cards)s cards studied)",
                        m.cards, name=name, pct=fmt_pct(m.mastery), studied=fmt_num(m.studied),
                        cards=fmt_num(m.cards))
        level = "weak" if m.mastery < 0.5 else "ok" if m.mastery < 0.8 else "strong"
        bars.append((name, m.mastery, fmt_pct(m.mastery), text, level))
    return charts.hbars(bars, scale_max=1)


def _retention_title(period: str, p: Any) -> str:
    if p.retention is None:
        return _("%(period)s: no reviews", period=period)
    return _("%(period)s: %(pct)s of %(n)s", period=period, pct=fmt_pct(p.retention, 1),
             n=fmt_num(p.due))


def _charts(page: stats.StatsPage) -> dict[str, Any]:
    today = page.today
    forecast = _labelled_bars(charts.bars(
        [(_day_label(d.day, today), d.value,
          (_("%(day)s: %(cards)s due (with the overdue ones)", day=fmt_date(d.day),
             cards=_cards(d.value)) if d.day == today
           else _("%(day)s: %(cards)s due", day=fmt_date(d.day), cards=_cards(d.value))))
         for d in page.forecast],
        label_every=5))
    minutes = _labelled_bars(charts.bars(
        [(_day_label(d.day, today), d.value / 60000,
          _("%(day)s: %(min)s min, %(reviews)s", day=fmt_date(d.day),
            min=fmt_num(round(d.value / 60000)), reviews=_reviews(r.value)))
         for d, r in zip(page.time, page.time_reviews, strict=True)],
        label_every=5))
    weeks = _localized_line(charts.line(
        [(fmt_date(p.first, "MMMd"), p.retention,
          _retention_title(_("week of %(day)s", day=fmt_date(p.first)), p))
         for p in page.weeks],
        reference=page.desired_retention, label_every=2), page.desired_retention)
    months = _localized_line(charts.line(
        [(_month_label(p.first), p.retention,
          _retention_title(fmt_date(p.first, "yMMM"), p))
         for p in page.months],
        reference=page.desired_retention, label_every=2), page.desired_retention)
    total = sum(page.counts.values()) or 1
    counts = charts.hbars(
        [(str(CATEGORY_LABELS[k]), v, fmt_num(v),
          _("%(state)s: %(cards)s", state=CATEGORY_LABELS[k], cards=_cards(v)),
          f"cat-{k}") for k, v in page.counts.items()],
        label_width=110)
    return {
        "heatmap": _localized_heatmap(
            charts.heatmap([(d.day, d.value) for d in page.heatmap])),
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
