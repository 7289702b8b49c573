"""Chart geometry (studyk8s/charts.py): numbers and dates in, shapes out, no text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from studyk8s import charts


def test_chart_geometry():
    assert [charts.nice_max(v) for v in (0, 0.3, 1, 7, 12, 4999, 5001)] == [
        1, 0.5, 1, 10, 20, 5000, 10000]
    assert charts.levels([0, 0, 5]) == (5, 5, 5) and charts.levels([]) == (1, 1, 1)
    monday = date(2025, 12, 29)
    days = [(monday + timedelta(days=i), i % 3) for i in range(10)]
    h = charts.heatmap(days)
    assert len(h.cells) == 10 and h.cells[7].x > h.cells[6].x and h.cells[1].y > h.cells[0].y
    assert [c.level for c in h.cells[:3]] == [0, 1, 2]
    assert charts.heatmap([(monday, v) for v in range(1, 9)]).cells[-1].level == 4
    assert h.months == [(30, monday)]  # the first column; January has no room for a label
    assert h.weekdays == [(25, 0), (51, 2), (77, 4)]  # Monday, Wednesday, Friday
    b = charts.bars([("a", 0, "a"), ("b", 1, "b"), ("c", 10, "c")])
    assert b.bars[0].height == 0 and 0 < b.bars[1].height < b.bars[2].height
    line = charts.line([("w1", 0.9, ""), ("w2", None, ""), ("w3", 0.95, ""), ("w4", 0.97, "")],
                       reference=0.9)
    assert len(line.lines) == 2 and len(line.dots) == 3 and line.reference is not None
    assert line.axis.ticks[0][1] == pytest.approx(0.8)  # starts below the lowest point
    assert b.axis.ticks[-1][1] == 10  # a number: the web writes it
    assert charts.shorten("控制器类型 > StatefulSet", 70) == "控制器类…"
    assert charts.shorten("Pod", 70) == "Pod"
