"""Distractor rules and the generator, on the shared note and on hand-made decks."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from studyk8s.notes import read_notes
from studyk8s.quiz import kinds
from studyk8s.quiz.builders import (
    build_definition_term,
    build_items,
    build_matching,
    build_membership,
    build_term_definition,
    build_true_false,
    option_text,
)
from studyk8s.quiz.distractors import Pool, mask, pick
from studyk8s.quiz.generate import allocate, generate
from studyk8s.quiz.model import QFact, facts_of
from studyk8s.quiz.normalize import normalize

SEEDS = range(25)


def terms_of(facts, group):
    return {f.term for f in facts if f.group == group and f.definition}


# --- distractors on the shared note ----------------------------------------------------------


def test_coredns_wrong_choices_are_other_plugins(pool, fact, shared_facts):
    plugins = terms_of(shared_facts, "插件")
    for seed in SEEDS:
        q = build_definition_term(pool, fact("CoreDNS"), random.Random(seed))
        assert q.prompt == "哪个插件符合这个描述？"
        assert len(q.choices) == 4 and q.choices[q.answer] == "CoreDNS"
        assert set(q.choices) <= plugins


def test_coredns_descriptions_are_other_plugins(pool, fact, shared_facts):
    # Ingress Controller's description loses the clause that names it ("Ingress可以…")
    plugin_defs = {option_text(f) for f in shared_facts if f.group == "插件"}
    for seed in SEEDS:
        q = build_term_definition(pool, fact("CoreDNS"), random.Random(seed))
        assert q.prompt == "CoreDNS 是什么？"
        assert set(q.choices) <= plugin_defs
        assert q.choices[q.answer] == fact("CoreDNS").definition


def test_no_plugin_among_the_choices_for_a_component(pool, shared_facts):
    plugins = terms_of(shared_facts, "插件")
    for f in shared_facts:
        if f.group != "主要组件":
            continue
        for seed in SEEDS:
            q = build_definition_term(pool, f, random.Random(seed))
            assert not set(q.choices) & plugins, (f.term, q.choices)


def test_controllers_never_offer_an_alias_of_the_answer(pool, fact):
    for term, alias in (("ReplicationController", "RC"), ("ReplicaSet", "RS")):
        for seed in SEEDS:
            q = build_definition_term(pool, fact(term), random.Random(seed))
            assert alias not in q.choices
            assert len({normalize(c) for c in q.choices}) == len(q.choices)


def test_membership_plugins(pool, fact, shared_facts):
    plugins = terms_of(shared_facts, "插件")
    for seed in SEEDS:
        q = build_membership(pool, fact("CoreDNS"), random.Random(seed))
        assert q.kind == "multiple" and q.prompt == "以下哪些属于「插件」？（多选）"
        right = {q.choices[i] for i in q.answer}
        wrong = set(q.choices) - right
        assert "CoreDNS" in right and right <= plugins
        assert wrong and not wrong & plugins
        assert 2 <= len(right) <= 4 and len(q.choices) == 5


def test_enumeration_items(pool, fact):
    k8s = next(f for f in pool.facts if f.term == "K8s优点")
    for seed in SEEDS:
        q = build_items(pool, k8s, random.Random(seed))
        right = {q.choices[i] for i in q.answer}
        assert right <= set(k8s.items)
        assert not (set(q.choices) - right) & set(k8s.items)


def test_statefulset_properties(pool, fact):
    q = build_items(pool, fact("StatefulSet"), random.Random(2))
    right = {q.choices[i] for i in q.answer}
    assert right <= {"稳定的持久化存储", "稳定的网络标识", "有序部署/删除"}


def test_true_false_pairs_a_term_with_its_own_or_a_siblings_description(pool, fact, shared_facts):
    defs = {f.definition: f for f in shared_facts if f.definition}
    kube = fact("Kubelet")
    seen = set()
    for seed in range(40):
        q = build_true_false(pool, kube, random.Random(seed))
        shown = q.context.split("：", 1)[1]
        seen.add(q.answer)
        if q.answer:
            assert shown == kube.definition
        else:
            owner = defs.get(shown) or next(f for f in shared_facts
                                            if f.definition.startswith(shown))
            assert owner.term != "Kubelet" and owner.group == "主要组件"
            assert f"属于 {owner.term}" in q.explanation
    assert seen == {True, False}


def test_matching_components(pool, fact, shared_facts):
    components = terms_of(shared_facts, "主要组件")
    for seed in SEEDS:
        q = build_matching(pool, fact("APIServer"), random.Random(seed))
        assert 4 <= len(q.left) <= 6 and len(q.choices) == len(q.left)
        assert set(q.left) <= components
        assert len(set(q.choices)) == len(q.choices)
        by_term = {f.term: option_text(f) for f in shared_facts if f.definition}
        for term, i in zip(q.left, q.answer, strict=True):
            assert q.choices[i] == by_term[term]
        assert kinds.check(q, q.answer).correct


def test_pick_prefers_look_alikes_within_a_tier():
    rng = random.Random(0)
    got = pick([["Deployment", "调度器", "x"]], 1, like="ReplicaSet", exclude=[], rng=rng)
    assert got == ["Deployment"]


def test_pick_uses_later_tiers_only_when_earlier_ones_run_out():
    got = pick([["a1", "a2"], ["b1", "b2", "b3"]], 3, like="a0", exclude=["A1"],
               rng=random.Random(1))
    assert got[0] == "a2" and got[1:] and all(g.startswith("b") for g in got[1:])


def test_mask_hides_whole_terms_only():
    assert mask("建议使用Deployment自动管理RS", ["Deployment"], "__") == "建议使用__自动管理RS"
    assert mask("PodName,hostname不变", ["Pod"], "__") == "PodName,hostname不变"
    # a version number does not hide the name: Etcd2 names ETCD (case folded too)
    assert mask("Etcd2会把数据写在内存", ["ETCD"], "__") == "__2会把数据写在内存"
    assert mask("CronJob基于时间", ["Job"], "__") == "CronJob基于时间"


# --- hand-made decks: aliases and shared descriptions ------------------------------------


def deck(*rows, lang="en", path="deck.md", section=("S",), group="Things"):
    return [QFact(key=f"{path}:{i}", kind="definition", term=t, definition=d,
                  aliases=tuple(a), deck=path, line=i + 1, lang=lang, group=group,
                  section=section)
            for i, (t, d, a) in enumerate(rows)]


def test_a_term_that_is_an_alias_of_the_answer_is_never_a_distractor():
    facts = deck(("ReplicationController", "keeps N replicas", ["RC"]),
                 ("RC", "an older name", []),
                 ("ReplicaSet", "set-based selector", ["RS"]),
                 ("Deployment", "rolls out RS", []),
                 ("DaemonSet", "one per node", []))
    pool = Pool(facts)
    for seed in SEEDS:
        q = build_definition_term(pool, facts[0], random.Random(seed))
        assert "RC" not in q.choices
        q = build_term_definition(pool, facts[0], random.Random(seed))
        assert "an older name" not in q.choices  # "RC" is ReplicationController: also right


def test_a_fact_with_the_same_description_is_never_a_distractor():
    facts = deck(("Job", "runs once", []), ("OneShot", "Runs once.", []),
                 ("CronJob", "runs on a schedule", []), ("DaemonSet", "one per node", []),
                 ("Deployment", "rolls out", []))
    pool = Pool(facts)
    for seed in SEEDS:
        q = build_definition_term(pool, facts[0], random.Random(seed))
        assert "OneShot" not in q.choices
        assert q.prompt == "Which of the Things matches this description?"


def test_too_few_honest_distractors_means_no_question():
    facts = deck(("Pod", "smallest unit", []), ("pod", "another", []))
    pool = Pool(facts)
    assert build_definition_term(pool, facts[0], random.Random(0)) is None
    assert generate(facts, 5, seed=1, kinds=["single"]) == []


# --- the generator ---------------------------------------------------------------------------


def test_same_seed_same_questions(shared_facts):
    a = [q.to_dict() for q in generate(shared_facts, 30, seed=42)]
    b = [q.to_dict() for q in generate(list(shared_facts), 30, seed=42)]
    c = [q.to_dict() for q in generate(shared_facts, 30, seed=43)]
    assert a == b and a != c


def test_count_and_a_balanced_mix(shared_facts):
    qs = generate(shared_facts, 22, seed=5)
    assert len(qs) == 22
    by_kind = Counter(q.kind for q in qs)
    assert set(by_kind) == {"single", "multiple", "true_false", "matching", "typed"}
    assert by_kind["single"] >= by_kind["matching"]
    assert len({(q.variant, q.prompt, q.context) for q in qs}) == len(qs)


def test_no_fact_is_asked_twice_while_others_remain(shared_facts):
    qs = generate(shared_facts, 15, seed=9)
    anchors = [q.facts[0] for q in qs if q.kind in ("single", "true_false", "typed")]
    assert len(anchors) == len(set(anchors))


def test_kinds_filter(shared_facts):
    qs = generate(shared_facts, 12, seed=3, kinds=["typed", "true_false"])
    assert {q.kind for q in qs} <= {"typed", "true_false"} and len(qs) == 12


def test_every_generated_question_accepts_its_own_answer(shared_facts):
    for seed in range(10):
        for q in generate(shared_facts, 40, seed=seed):
            assert kinds.check(q, q.answer).correct, q
            assert q.source.startswith(str(q.source.rsplit(":", 1)[0]))
            assert q.source.rsplit(":", 1)[1].isdigit()


def test_prompts_follow_the_note_language(tmp_path, shared_facts):
    note = tmp_path / "en.md"
    note.write_text(
        "---\ntitle: Workloads\nlang: en\n---\n# Workloads\n\nControllers:\n"
        "- Deployment: manages ReplicaSets for rolling updates\n"
        "- StatefulSet: stable identity and storage for each pod\n"
        "- DaemonSet: runs one pod on every node\n"
        "- Job: runs pods until they complete\n"
        "- CronJob: runs jobs on a schedule\n", encoding="utf-8")
    noteset = read_notes([note])
    assert noteset.notes[0].lang == "en"
    en = facts_of(noteset.notes[0])
    for q in generate(en, 10, seed=1):
        assert q.lang == "en"
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in q.prompt), q.prompt
    for q in generate(shared_facts, 10, seed=1):
        assert q.lang == "zh"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.prompt) or q.kind == "single", q.prompt


def test_topics_limit_what_is_asked(shared_facts):
    qs = generate(shared_facts, 10, seed=4, topics=["简介 > k8s架构 > 插件"])
    assert qs and all(q.topic == "简介 > k8s架构 > 插件" for q in qs)
    # distractors still come from the whole deck where the siblings run out
    qs = generate(shared_facts, 10, seed=4, topics=["Pod"])
    assert qs and all(q.topic.startswith("Pod") for q in qs)


def test_topic_weights(shared_facts):
    weights = {"Pod": 3, "简介 > k8s架构": 1}
    qs = generate(shared_facts, 12, seed=8, weights=weights)
    topics = Counter("Pod" if q.topic.startswith("Pod") else q.topic.rsplit(" > ", 1)[0]
                     for q in qs)
    assert len(qs) == 12
    assert topics["Pod"] == 9
    assert sum(v for k, v in topics.items() if k != "Pod") == 3
    assert all(q.topic.startswith(("Pod", "简介 > k8s架构")) for q in qs)


def test_a_label_is_a_topic_too(shared_facts):
    qs = generate(shared_facts, 6, seed=2, weights={"插件": 1})
    assert qs and all(q.topic.endswith("插件") for q in qs)


def test_allocate_largest_remainder():
    assert allocate(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert allocate(50, {"x": 25, "y": 15, "z": 10}) == {"x": 25, "y": 15, "z": 10}
    assert sum(allocate(7, {"a": 0.3, "b": 0.3, "c": 0.4}).values()) == 7
    assert allocate(0, {"a": 1}) == {"a": 0}


@pytest.mark.parametrize("count", [1, 5, 50])
def test_generation_is_fast_enough_for_an_exam(shared_facts, count):
    import time

    t0 = time.perf_counter()
    qs = generate(shared_facts, count, seed=count)
    assert len(qs) == count
    assert time.perf_counter() - t0 < 0.5  # the bench holds the real figure
