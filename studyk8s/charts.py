"""Chart geometry for the stats page: pure functions from numbers and dates to SVG
coordinates, so the templates only draw (``templates/stats/_charts.html``) and no chart
library or script is needed. No text is made here: axis ticks are numbers, month marks are
dates, weekday marks are weekday numbers, and the web layer writes them in the UI language.
Every chart is also given to the page as a table, for screen readers and for anyone who
would rather read the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH = 640  # viewBox width of the bar, line and horizontal-bar charts (they scale down)


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above ``value`` (1 for nothing to show)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


# --- calendar heatmap ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    level: int  # 0 (none) … 4
    day: date
    value: int


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    size: int
    cells: list[Cell]
    months: list[tuple[int, Any]]  # (x, first day of the column) where a month's weeks start
    weekdays: list[tuple[int, Any]]  # (y, weekday: 0 = Monday)
    thresholds: tuple[int, int, int]  # highest value of levels 1, 2 and 3


def levels(values: Sequence[int]) -> tuple[int, int, int]:
    """Quartiles of the days with reviews: a day's level is 1 + how many of them it exceeds."""
    busy = sorted(v for v in values if v > 0)
    if not busy:
        return (1, 1, 1)
    return tuple(busy[min(len(busy) - 1, (len(busy) * k) // 4)] for k in (1, 2, 3))


def heatmap(days: Sequence[tuple[date, int]], *, size: int = 11, gap: int = 2) -> Heatmap:
    """Weeks as columns (Monday on top), oldest on the left; ``days`` start on a Monday."""
    pitch = size + gap
    left, top = 30, 16
    thresholds = levels([v for _, v in days])
    cells, months = [], []
    for i, (day, value) in enumerate(days):
        col, row = divmod(i, 7)
        level = 0 if value <= 0 else 1 + sum(value > t for t in thresholds)
        cells.append(Cell(left + col * pitch, top + row * pitch, level, day, value))
        # Label a month over the first week that starts in it, if there is room.
        if row == 0 and (i == 0 or day.month != days[i - 7][0].month):
            x = left + col * pitch
            if not months or x - months[-1][0] >= 3 * pitch:
                months.append((x, day))
    columns = (len(days) + 6) // 7
    weekdays = [(top + r * pitch + size - 2, r) for r in (0, 2, 4)]
    return Heatmap(left + columns * pitch, top + 7 * pitch, size, cells, months, weekdays,
                   thresholds)


# --- vertical bars -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Axis:
    ticks: list[tuple[float, Any]]  # (y, value at that height)
    labels: list[tuple[float, str]]  # (x, label) under the plot


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    axis: Axis


def bars(values: Sequence[tuple[str, float, str]], *, height: int = 180,
         label_every: int = 5, highlight_first: bool = False) -> BarChart:
    """One bar per (label, value, title); three gridlines at nice values."""
    left, right, top, bottom = 40, WIDTH - 20, 10, height - 22
    top_value = nice_max(max((v for _, v, _ in values), default=0))
    slot = (right - left) / max(1, len(values))
    scale = (bottom - top) / top_value
    out, labels = [], []
    for i, (label, value, title) in enumerate(values):
        h = max(0.0, value * scale)
        if value > 0:
            h = max(h, 1.5)  # a day with one review stays visible
        out.append(Bar(round(left + i * slot + slot * 0.12, 2), round(bottom - h, 2),
                       round(slot * 0.76, 2), round(h, 2), title))
        if i % label_every == 0:
            labels.append((round(left + (i + 0.5) * slot, 2), label))
    ticks = [(round(bottom - f * (bottom - top), 2), top_value * f) for f in (0, 0.5, 1)]
    return BarChart(WIDTH, height, left, right, top, bottom, out, Axis(ticks, labels))


# --- retention lines -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[str]  # SVG polyline points, one per unbroken stretch
    dots: list[Dot]
    reference: float | None  # y of the target line
    axis: Axis
    reference_label: str = ""  # written by the interface, in its language


def line(points: Sequence[tuple[str, float | None, str]], *, reference: float | None = None,
         height: int = 180, label_every: int = 1) -> LineChart:
    """Shares (0–1) per period; a period with no data breaks the line. The y axis starts at
    a round value below the lowest point and the reference, so differences stay visible."""
    left, right, top, bottom = 44, WIDTH - 8, 10, height - 22
    seen = [v for _, v, _ in points if v is not None]
    if reference is not None:
        seen.append(reference)
    low = max(0.0, min(0.8, math.floor((min(seen, default=0.8) - 0.05) * 10 + 1e-9) / 10))
    span = 1.0 - low
    slot = (right - left) / max(1, len(points))

    def y(v: float) -> float:
        return round(bottom - (v - low) / span * (bottom - top), 2)

    lines, current, dots, labels = [], [], [], []
    for i, (label, value, title) in enumerate(points):
        x = round(left + (i + 0.5) * slot, 2)
        if i % label_every == 0:
            labels.append((x, label))
        if value is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        current.append(f"{x},{y(value)}")
        dots.append(Dot(x, y(value), title))
    if current:
        lines.append(" ".join(current))
    ticks = [(y(v), v) for v in (low, low + span / 2, 1.0)]
    return LineChart(WIDTH, height, left, right, top, bottom, lines, dots,
                     None if reference is None else y(reference), Axis(ticks, labels))


# --- horizontal bars -----------------------------------------------------------------------


@dataclass(frozen=True)
class HBar:
    y: float
    width: float
    label: str
    value_text: str
    title: str
    css: str


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_left: int
    bar_right: int
    row: int
    bars: list[HBar]


def hbars(rows: Sequence[tuple[str, float, str, str, str]], *, scale_max: float | None = None,
          label_width: int = 190, row: int = 22) -> HBarChart:
    """One row per (label, value, value text, title, css class); ``scale_max`` fixes the scale
    (1 for shares), else the largest value fills the width. Long labels are shortened (the
    title and the table keep them whole)."""
    bar_left, bar_right = label_width + 8, WIDTH - 70
    top = scale_max if scale_max else max((v for _, v, _, _, _ in rows), default=0) or 1
    out = []
    for i, (label, value, text, title, css) in enumerate(rows):
        width = max(0.0, value) / top * (bar_right - bar_left)
        out.append(HBar(i * row + 4, round(width, 2), shorten(label, label_width), text,
                        title, css))
    return HBarChart(WIDTH, len(rows) * row + 8, label_width, bar_left, bar_right, row, out)


def shorten(text: str, width_px: int, px_per_unit: float = 7.0) -> str:
    """Cut ``text`` to about ``width_px`` (CJK characters count double), ending in "…"."""
    budget = width_px / px_per_unit
    used = 0.0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > budget:
            return text[: max(1, i - 1)] + "…"
    return text
