"""Every question kind's pure ``check``, response validation, round trips and reshuffling."""

from __future__ import annotations

import random

import pytest

from studyk8s.quiz import kinds
from studyk8s.quiz.builders_typed import (
    build_typed_abbreviation,
    build_typed_cloze,
    build_typed_term,
)
from studyk8s.quiz.model import Question, ResponseError


def q(kind, answer, **kw) -> Question:
    return Question(kind=kind, variant="test", prompt="?", lang=kw.pop("lang", "en"),
                    answer=answer, explanation=kw.pop("explanation", "Fact: text"), **kw)


SINGLE = q("single", 2, choices=("a", "b", "c", "d"))
MULTI = q("multiple", [0, 2, 3], choices=("a", "b", "c", "d", "e"))
TF = q("true_false", False, choices=("True", "False"))
MATCH = q("matching", [2, 0, 1, 3], left=("t0", "t1", "t2", "t3"),
          choices=("d1", "d2", "d0", "d3"))


# --- single choice ---------------------------------------------------------------------------


def test_single_choice():
    right = kinds.check(SINGLE, 2)
    assert right.correct and right.score == 1.0 and "Fact: text" in right.explanation
    wrong = kinds.check(SINGLE, 1)
    assert not wrong.correct and wrong.score == 0.0 and "The answer is: c" in wrong.explanation
    assert kinds.check(SINGLE, "2").correct  # a form field arrives as text
    none = kinds.check(SINGLE, None)
    assert not none.correct and "No answer" in none.explanation


@pytest.mark.parametrize("bad", [4, -1, "x", 1.5, True, [1], {"a": 1}])
def test_single_choice_refuses_malformed_responses(bad):
    with pytest.raises(ResponseError):
        kinds.check(SINGLE, bad)


# --- multiple select -------------------------------------------------------------------------


def test_multiple_select_exact_set_is_correct_in_any_order():
    r = kinds.check(MULTI, [3, 0, 2])
    assert r.correct and r.score == 1.0


def test_multiple_select_partial_credit_and_penalty():
    two_of_three = kinds.check(MULTI, [0, 2])
    assert not two_of_three.correct and two_of_three.score == pytest.approx(2 / 3, abs=1e-4)
    assert "Missed: d" in two_of_three.explanation
    with_wrong = kinds.check(MULTI, [0, 2, 1])
    assert with_wrong.score == pytest.approx(1 / 3, abs=1e-4)
    assert "Wrong picks: b" in with_wrong.explanation
    assert kinds.check(MULTI, [0, 2, 3, 1, 4]).score == pytest.approx(1 / 3, abs=1e-4)
    assert kinds.check(MULTI, [1, 4]).score == 0.0  # never negative
    assert kinds.check(MULTI, [0, 0, 2, 2, 3]).correct  # repeats collapse


def test_multiple_select_refuses_malformed_responses():
    for bad in (2, "0,2", [0, 9], [None]):
        with pytest.raises(ResponseError):
            kinds.clean(MULTI, bad)


# --- true / false ----------------------------------------------------------------------------


def test_true_false():
    assert kinds.check(TF, False).correct
    assert not kinds.check(TF, True).correct
    assert kinds.check(TF, "false").correct
    assert "False" in kinds.answer_text(TF)
    with pytest.raises(ResponseError):
        kinds.check(TF, "maybe")


def test_true_false_in_chinese():
    zh = q("true_false", True, choices=("正确", "错误"), lang="zh")
    assert kinds.answer_text(zh) == "正确"
    assert "回答错误" in kinds.check(zh, False).explanation


# --- matching --------------------------------------------------------------------------------


def test_matching_all_pairs_right():
    r = kinds.check(MATCH, [2, 0, 1, 3])
    assert r.correct and r.score == 1.0 and "4 of 4" in r.explanation


def test_matching_partial_credit():
    r = kinds.check(MATCH, [2, 0, 3, 1])
    assert not r.correct and r.score == 0.5 and "2 of 4" in r.explanation
    assert kinds.check(MATCH, [2, None, None, None]).score == 0.25
    assert kinds.check(MATCH, {"0": 2, "1": 0, "2": 1, "3": 3}).correct


def test_matching_refuses_malformed_responses():
    for bad in ([0, 1], [0, 1, 2, 9], "0123"):
        with pytest.raises(ResponseError):
            kinds.clean(MATCH, bad)
    assert kinds.clean(MATCH, [None] * 4) is None  # nothing matched = no answer


# --- typed -----------------------------------------------------------------------------------


def typed(answer, accepted=None, confusables=(), lang="en"):
    return q("typed", answer, accepted=tuple(accepted or (answer,)),
             confusables=tuple(confusables), lang=lang)


def test_typed_exact_and_folded():
    t = typed("APIServer")
    exact = kinds.check(t, "APIServer")
    assert exact.correct and exact.explanation.startswith("Correct: APIServer")
    for given in ("ＡＰＩＳｅｒｖｅｒ", "apiserver", " API Server ", "api-server"):
        r = kinds.check(t, given)
        assert r.correct, given
        assert r.explanation.startswith("Correct: APIServer.")


def test_typed_alias_is_accepted_and_said_so():
    t = typed("ReplicationController", ("ReplicationController", "RC"))
    r = kinds.check(t, "rc")
    assert r.correct and "“rc” is another name for ReplicationController" in r.explanation


def test_typed_typo_in_a_long_latin_term_is_forgiven_with_the_spelling():
    r = kinds.check(typed("Kubelet"), "kubelte")
    assert r.correct and r.score == 1.0
    assert r.explanation.startswith("Counted as right: it is spelled Kubelet (you wrote “kubelte”)")


def test_typed_typo_in_a_short_term_is_refused_in_plain_words():
    r = kinds.check(typed("ETCD"), "ETCF")
    assert not r.correct
    assert r.explanation.startswith("You wrote “ETCF”; the answer is ETCD.")
    assert "letters" not in r.explanation and "typo" not in r.explanation


def test_typed_too_many_typos():
    r = kinds.check(typed("Kubelet"), "kbuelte")
    assert not r.correct and r.explanation.startswith("You wrote “kbuelte”; the answer is Kubelet.")
    assert "edits" not in r.explanation
    assert kinds.check(typed("DaemonSet"), "DeamonSte").correct  # 9 letters: two typos


def test_typed_typo_never_lands_on_another_term():
    t = typed("CronJob", confusables=("CronJobs",))
    r = kinds.check(t, "cronjobs")
    assert not r.correct and r.explanation.startswith(
        "You wrote “cronjobs”, which is another term; the answer is CronJob.")


def test_typed_chinese_needs_the_exact_characters():
    t = typed("调度器", lang="zh")
    assert kinds.check(t, " 调度器。").correct
    r = kinds.check(t, "调度")
    assert not r.correct and r.explanation.startswith("你写的是「调度」，正确答案是 调度器。")


def test_typed_empty_is_unanswered_and_long_is_refused():
    assert kinds.clean(typed("x"), "   ") is None
    assert not kinds.check(typed("Pod"), "...").correct
    with pytest.raises(ResponseError):
        kinds.clean(typed("x"), "x" * 501)
    with pytest.raises(ResponseError):
        kinds.clean(typed("x"), 12)


# --- typed questions built from the shared note ----------------------------------------------


def test_shared_note_typed_kubelet(pool, fact):
    question = build_typed_term(pool, fact("Kubelet"), random.Random(1))
    assert question.prompt == "写出符合这个描述的主要组件："
    r = kinds.check(question, "kubelte")
    assert r.correct
    assert r.explanation.startswith("算对：正确的拼写是 Kubelet（你写的是「kubelte」）")
    assert kinds.check(question, "Kubelet").correct


def test_shared_note_typed_etcd_typo_refused(pool, fact):
    question = build_typed_term(pool, fact("ETCD"), random.Random(1))
    r = kinds.check(question, "ETDC")
    # plain words, not "ETCD 少于 6 个字母，不容许拼写错误…" nor "相差 2 处"
    assert not r.correct and r.explanation.startswith("你写的是「ETDC」，正确答案是 ETCD。")
    assert "字母" not in r.explanation and "相差" not in r.explanation
    other = kinds.check(question, "ReplicaSet")
    assert other.explanation.startswith("你写的是「ReplicaSet」，正确答案是 ETCD。")
    assert kinds.check(question, "etcd").correct


def test_shared_note_typed_fullwidth_apiserver(pool, fact):
    question = build_typed_term(pool, fact("APIServer"), random.Random(1))
    assert kinds.check(question, "ＡＰＩＳｅｒｖｅｒ").correct


def test_shared_note_typed_rc_and_rs_aliases(pool, fact):
    rc = build_typed_term(pool, fact("ReplicationController"), random.Random(1))
    assert kinds.check(rc, "RC").correct and "别名" in kinds.check(rc, "RC").explanation
    rs = build_typed_term(pool, fact("ReplicaSet"), random.Random(1))
    assert kinds.check(rs, "rs").correct
    assert not kinds.check(rs, "RC").correct  # another controller's alias


def test_shared_note_typed_term_hides_the_term_in_its_description(pool, fact):
    question = build_typed_term(pool, fact("Deployment"), random.Random(1))
    assert "Deployment" not in question.context and "＿＿＿" in question.context
    assert kinds.check(question, "deployment").correct


def test_shared_note_cloze_and_abbreviation(pool, fact):
    borg = next(f for f in pool.facts if f.cloze == "Borg")
    cloze = build_typed_cloze(pool, borg, random.Random(1))
    assert cloze.context == "前身是＿＿＿系统"
    assert kinds.check(cloze, "borg").correct
    assert not kinds.check(cloze, "Bork").correct  # 4 letters: no typo allowed
    cri = build_typed_abbreviation(pool, fact("CRI"), random.Random(1))
    assert kinds.check(cri, "Container Runtime Interface").correct
    assert kinds.check(cri, "container-runtime interfcae").correct  # long: a typo is fine


# --- round trips and reshuffling -------------------------------------------------------------


@pytest.mark.parametrize("question", [SINGLE, MULTI, TF, MATCH, typed("Kubelet")])
def test_json_round_trip(question):
    import json

    again = Question.from_dict(json.loads(json.dumps(question.to_dict())))
    assert again == question


def test_public_view_hides_the_answer():
    for question in (SINGLE, MULTI, TF, MATCH, typed("Kubelet")):
        public = question.public()
        assert "answer" not in public and "accepted" not in public
        assert "explanation" not in public


def _right_texts(question):
    if question.kind == "single":
        return {question.choices[question.answer]}
    if question.kind == "multiple":
        return {question.choices[i] for i in question.answer}
    return {(t, question.choices[i]) for t, i in zip(question.left, question.answer, strict=True)}


@pytest.mark.parametrize("question", [SINGLE, MULTI, MATCH])
def test_reshuffle_keeps_the_right_answer(question):
    orders = set()
    for seed in range(10):
        shuffled = kinds.reshuffle(question, random.Random(seed))
        assert sorted(shuffled.choices) == sorted(question.choices)
        assert _right_texts(shuffled) == _right_texts(question)
        assert kinds.check(shuffled, shuffled.answer).correct
        orders.add(shuffled.choices)
    assert len(orders) > 1


def test_unknown_kind():
    with pytest.raises(ResponseError):
        kinds.check(q("essay", None), "text")


def test_registry_has_every_kind():
    assert set(kinds.KINDS) == {"single", "multiple", "true_false", "matching", "typed",
                                "command", "manifest_field", "manifest"}
