"""Item analysis with Moodle's definitions, on an example computed by hand, and the grading
methods."""

from __future__ import annotations

import math

import pytest

from studyk8s.sets.analysis import (
    FLAG_BELOW,
    Response,
    counted_attempts,
    final_grade,
    item_statistics,
)

# Five attempts, three questions (q3 is worth 2 marks):
#        q1  q2  q3   total
#   A     1   1   2     4
#   B     1   0   2     3
#   C     0   1   1     2
#   D     1   0   0     1
#   E     0   1   0     1
MARKS = {1: (1, 1, 2), 2: (1, 0, 2), 3: (0, 1, 1), 4: (1, 0, 0), 5: (0, 1, 0)}
Q1_PICKS = {1: "A", 2: "A", 3: "B", 4: "A", 5: "C"}


def responses() -> tuple[list[Response], dict[int, float]]:
    out, totals = [], {}
    for attempt, marks in MARKS.items():
        totals[attempt] = float(sum(marks))
        out.append(Response(attempt, "q1", "Q1", "single", marks[0], 1,
                            picked=(Q1_PICKS[attempt],), right=("A",),
                            choices=("A", "B", "C", "D"), position=0))
        out.append(Response(attempt, "q2", "Q2", "true_false", marks[1], 1,
                            picked=("True" if marks[1] else "False",), right=("True",),
                            choices=("True", "False"), position=1))
        out.append(Response(attempt, "q3", "Q3", "multiple", marks[2], 2,
                            picked=() if attempt == 5 else ("x",), right=("x", "y"),
                            position=2))
    return out, totals


def test_hand_computed_example():
    stats = {s.slot: s for s in item_statistics(*responses())}
    q1, q2, q3 = stats["q1"], stats["q2"], stats["q3"]
    # q1: x = 1 1 0 1 0, rest = 3 2 2 0 1: var(x) = 0.3, var(rest) = 1.3, cov = 0.05
    assert q1.n == 5 and q1.facility == pytest.approx(0.6)
    assert q1.sd == pytest.approx(math.sqrt(0.3))
    assert q1.discrimination == pytest.approx(0.05 / math.sqrt(0.3 * 1.3))  # 0.0801
    assert q1.efficiency == pytest.approx(0.05 / 0.55)  # cov_max pairs the sorted marks
    assert q1.flagged
    assert q1.wrong == [("B", 1), ("C", 1), ("D", 0)]
    # q2: x = 1 0 1 0 1, rest = 3 3 1 1 0: the weaker learners do better — negative
    assert q2.facility == pytest.approx(0.6)
    assert q2.discrimination == pytest.approx(-0.2 / math.sqrt(0.3 * 1.8))  # -0.2722
    assert q2.flagged and q2.wrong == [("False", 2)]
    # q3 (2 marks): x = 2 2 1 0 0, rest = 2 1 1 1 1: var(x) = 1, var(rest) = 0.2, cov = 0.25
    assert q3.facility == pytest.approx(0.5)
    assert q3.sd == pytest.approx(0.5)
    assert q3.discrimination == pytest.approx(0.25 / math.sqrt(0.2))  # 0.559
    assert q3.efficiency == pytest.approx(1.0)
    assert not q3.flagged and q3.unanswered == 1
    assert [s.slot for s in item_statistics(*responses())] == ["q1", "q2", "q3"]


def test_undefined_when_nothing_varies():
    rs = [Response(i, "q", "Q", "single", 1, 1, picked=("A",), right=("A",)) for i in (1, 2)]
    [s] = item_statistics(rs, {1: 1.0, 2: 1.0})
    assert s.facility == 1.0 and s.discrimination is None and not s.flagged
    [one] = item_statistics(rs[:1], {1: 1.0})
    assert one.sd is None and one.discrimination is None


def test_flag_threshold():
    assert FLAG_BELOW == 0.2


@pytest.mark.parametrize(("method", "grade", "counted"), [
    ("highest", 0.9, [2]), ("last", 0.5, [3]), ("first", 0.4, [1]),
    ("average", 0.6, [1, 2, 3]),
])
def test_grading_methods(method, grade, counted):
    scores = [0.4, 0.9, 0.5]
    assert final_grade(scores, method) == pytest.approx(grade)
    assert counted_attempts([1, 2, 3], scores, method) == counted
    assert final_grade([], method) is None


def test_highest_prefers_the_earlier_of_equal_scores():
    assert counted_attempts([1, 2], [0.5, 0.5], "highest") == [1]


def test_a_response_with_full_marks_picked_nothing_wrong():
    """A typed answer accepted in another form ("replicaset" for ReplicaSet) is not wrong."""
    rs = [Response(1, "q", "Q", "typed", 1, 1, picked=("replicaset",), right=("ReplicaSet",)),
          Response(2, "q", "Q", "typed", 0, 1, picked=("Deployment",), right=("ReplicaSet",)),
          Response(3, "q", "Q", "typed", 0.5, 1, picked=("replica",), right=("ReplicaSet",))]
    [s] = item_statistics(rs, {1: 1.0, 2: 0.0, 3: 0.5})
    assert s.wrong == [("Deployment", 1), ("replica", 1)]


def test_too_few_attempts():
    from studyk8s.sets.analysis import MIN_ATTEMPTS

    def stats(n):
        rs = [Response(i, "q", "Q", "single", i % 2, 1, picked=("A",), right=("A",))
              for i in range(n)]
        return item_statistics(rs, {i: float(i % 2) for i in range(n)})[0]

    assert MIN_ATTEMPTS == 10
    assert stats(9).too_few and stats(9).to_dict()["too_few"]
    assert not stats(10).too_few and stats(10).facility == pytest.approx(0.5)
