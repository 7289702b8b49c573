"""Items → the quiz engine's questions: Moodle's per-choice credit, feedback, marks; and
generated questions → editable items."""

from __future__ import annotations

import random

import pytest

from studyk8s.quiz import kinds
from studyk8s.quiz.attempt import grade
from studyk8s.quiz.generate import generate
from studyk8s.quiz.model import Question
from studyk8s.sets.draw import draw_questions, question_from_fact, signature
from studyk8s.sets.engine import from_question, to_question
from studyk8s.sets.model import (
    Choice,
    Draw,
    Item,
    Pair,
    assign_uids,
    check_item,
    default_weights,
)

SINGLE = Item(kind="single", prompt="Pick", choices=(
    Choice("right", 100, "yes"), Choice("half", 50, "almost"), Choice("bad", -50, "no")))
MULTI = Item(kind="multiple", prompt="Both", choices=(
    Choice("a", 50, "fa"), Choice("b", 50), Choice("c", -100, "fc"), Choice("d", 0)))


def test_single_choice_partial_credit_and_feedback():
    q = to_question(SINGLE)
    assert q.answer == 0 and q.weights == (1.0, 0.5, -0.5) and q.meta["markdown"]
    right, half, bad = (kinds.check(q, i) for i in range(3))
    assert right.correct and right.score == 1 and "yes" in right.explanation
    assert not half.correct and half.score == 0.5 and "almost" in half.explanation
    assert "Partly" in half.explanation
    assert bad.score == 0 and "no" in bad.explanation  # never below zero


def test_multiple_choice_adds_the_picked_grades():
    q = to_question(MULTI)
    assert q.answer == [0, 1]
    assert kinds.check(q, [0, 1]).correct
    assert kinds.check(q, [0, 1, 3]).correct  # a 0 % choice costs nothing (Moodle)
    assert kinds.check(q, [0]).score == 0.5
    r = kinds.check(q, [0, 2])
    assert r.score == 0 and "fa" in r.explanation and "fc" in r.explanation
    thirds = Item(kind="multiple", prompt="x", choices=tuple(
        Choice(t, w) for t, w in (("a", 33.33333), ("b", 33.33333), ("c", 33.33333),
                                   ("d", -100))))
    assert kinds.check(to_question(thirds), [0, 1, 2]).correct


def test_default_weights_match_the_engines_own_scoring():
    weights = default_weights("multiple", [True, True, False, False, True])
    item = Item(kind="multiple", prompt="p", choices=tuple(
        Choice(str(i), w) for i, w in enumerate(weights)))
    weighted = to_question(item)
    plain = weighted.with_(weights=())
    for picks in ([0], [0, 1], [0, 2], [0, 1, 4], [0, 1, 2, 3, 4], [2, 3]):
        assert kinds.check(weighted, picks).score == pytest.approx(
            kinds.check(plain, picks).score, abs=1e-4)


def test_true_false_feedback_follows_the_answer_given():
    q = to_question(Item(kind="true_false", prompt="Etcd3 loses data", answer=False,
                         feedback_true="No: Etcd2 did", feedback_false="Right"))
    assert q.choices == ("False", "True")[::-1] or q.lang == "en"
    said_true = kinds.check(q, True)
    assert not said_true.correct and "No: Etcd2 did" in said_true.explanation
    assert "Right" in kinds.check(q, False).explanation


def test_typed_answers_with_credit_and_feedback_for_a_wrong_answer():
    q = to_question(Item(kind="typed", prompt="前身？", choices=(
        Choice("Borg", 100, "对"), Choice("Borg系统", 100), Choice("Omega", 0, "不是"),
        Choice("Google", 50))))
    assert q.answer == "Borg" and q.lang == "zh"
    assert kinds.check(q, " borg ").correct
    assert kinds.check(q, "Borg系统").correct
    omega = kinds.check(q, "omega")
    assert not omega.correct and omega.score == 0 and "不是" in omega.explanation
    assert kinds.check(q, "google").score == 0.5
    plain = to_question(Item(kind="typed", prompt="RS?", choices=(Choice("ReplicaSet", 100),)))
    assert plain.weights == () and kinds.check(plain, "ReplicaSte").correct  # a typo


def test_matching_with_an_extra_answer_and_a_shared_right_side():
    q = to_question(Item(kind="matching", prompt="m", pairs=(
        Pair("RS", "keeps replicas"), Pair("RC", "keeps replicas"), Pair("HPA", "scales"),
        Pair("", "schedules"))))
    assert q.left == ("RS", "RC", "HPA") and q.choices == ("keeps replicas", "scales",
                                                          "schedules")
    assert kinds.check(q, [0, 0, 1]).correct and kinds.check(q, [0, 2, 1]).score == 0.6667


def test_reshuffle_keeps_weights_and_feedback_with_their_choices():
    q = to_question(SINGLE)
    for seed in range(10):
        s = kinds.reshuffle(q, random.Random(seed))
        by_text = dict(zip(s.choices, zip(s.weights, s.feedback, strict=True), strict=True))
        assert by_text == {"right": (1.0, "yes"), "half": (0.5, "almost"),
                           "bad": (-0.5, "no")}
        assert s.choices[s.answer] == "right"


def test_marks_weight_the_grade():
    qs = [to_question(SINGLE.with_(points=3)), to_question(MULTI)]
    g = grade(qs, {0: 1, 1: [0, 1]})
    assert g.points == 2.5 and g.max_points == 4 and g.score == pytest.approx(0.625)
    assert Question.from_dict(qs[0].to_dict()) == qs[0]


def test_old_snapshots_still_load():
    old = to_question(SINGLE).to_dict()
    for k in ("weights", "feedback", "points"):
        old.pop(k)
    q = Question.from_dict(old)
    assert q.points == 1.0 and q.weights == () and kinds.check(q, 1).score == 0


@pytest.mark.parametrize(("item", "message"), [
    (Item(kind="single", prompt="p", choices=(Choice("a", 100),)), "at least 2"),
    (Item(kind="single", prompt="p", choices=(Choice("a", 100), Choice("b", 120))), "outside"),
    (Item(kind="typed", prompt="p", choices=(Choice("a", 50),)), "100%"),
    (Item(kind="typed", prompt="p", choices=(Choice("a", 100), Choice("b", -5))), "outside"),
    (Item(kind="matching", prompt="p", pairs=(Pair("a", "1"), Pair("a", "2"))), "twice"),
    (Item(kind="true_false", prompt="p"), "answer"),
    (Item(kind="single", prompt="p", points=0, choices=(Choice("a", 100), Choice("b"))),
     "points"),
])
def test_check_item(item, message):
    assert message in check_item(item)[0]


def test_generated_questions_become_items_and_back(shared_facts_for_sets):
    for q in generate(shared_facts_for_sets, 40, seed=3):
        item = from_question(q)
        assert check_item(item) == [], (q, check_item(item))
        back = to_question(item)
        assert back.kind == q.kind
        if q.kind in ("single", "multiple", "true_false", "matching"):
            assert kinds.answer_text(back) == kinds.answer_text(q)


def test_uids_are_stable_and_unique():
    a, b = assign_uids([SINGLE, SINGLE])
    assert a.uid != b.uid and assign_uids([SINGLE])[0].uid == a.uid
    d = Draw(deck="d.md", group="插件", kind="single", count=2)
    assert assign_uids([d])[0].uid.startswith("d")


def test_draws_and_fact_questions(shared_facts_for_sets):
    facts = shared_facts_for_sets
    draw = Draw(deck="x", group="插件", kind="single", count=4)
    taken: set[str] = set()
    first = draw_questions(facts, draw, seed=1, taken=taken)
    second = draw_questions(facts, draw, seed=1, taken=taken)
    assert len(first) == 4 and all(q.kind == "single" for q in first)
    assert not {signature(q) for q in first} & {signature(q) for q in second}
    key = next(f.key for f in facts if f.term == "Scheduler")
    q = question_from_fact(facts, key, "typed", seed=0)
    assert q is not None and q.answer == "Scheduler"
    assert question_from_fact(facts, "missing", "typed", seed=0) is None
