"""The quality gate, rule by rule, on the shared note: every card and many quizzes and exams
with many seeds. Each test names what a learner would have seen without the rule."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyk8s.cards import generate_cards, generate_cards_logged
from studyk8s.notes import parse_note
from studyk8s.quality import contains_answer, has_blank
from studyk8s.quiz import gate, kinds
from studyk8s.quiz.builders import build_term_definition
from studyk8s.quiz.builders_typed import build_typed_term
from studyk8s.quiz.generate import generate, generate_logged, question_about
from studyk8s.quiz.model import QFact, Question
from studyk8s.sets.draw import question_from_fact

from .conftest import SHARED_NOTE

SEEDS = range(30)
PLAN = {"Pod控制器", "服务发现", "存储", "调度器", "安全", "HELM", "运维"}
KIND_GROUPS = {"插件", "主要组件", "控制器类型"}


@pytest.fixture(scope="module")
def questions(shared_facts) -> list[Question]:
    """Practice quizzes and weighted exams over many seeds: ~2,400 questions."""
    out: list[Question] = []
    for seed in SEEDS:
        out += generate(shared_facts, 50, seed)
        out += generate(shared_facts, 30, seed, weights={"简介": 40, "Pod": 60})
    return out


@pytest.fixture(scope="module")
def note():
    return parse_note(SHARED_NOTE.read_bytes(), "content/notes/docker-k8s-1.md")


@pytest.fixture(scope="module")
def cards(note):
    return generate_cards(note)


def by_term(facts, term) -> QFact:
    return next(f for f in facts if f.term == term)


def about(questions, term):
    return [q for q in questions if term in q.explanation.split("：", 1)[0]]


# --- the answer is never in the question ------------------------------------------------------


def test_no_question_contains_its_own_answer(questions, shared_facts):
    by_key = {f.key: f for f in shared_facts}
    bad = [q for q in questions if contains_answer(q, by_key)]
    assert not bad, [(q.prompt, q.context, q.choices) for q in bad[:3]]
    assert len(questions) > 2000


def test_etcd2_in_its_description_is_hidden(questions):
    etcd = [q for q in questions if q.explanation.startswith("ETCD：")]
    assert etcd
    for q in etcd:
        if q.kind == "true_false":
            shown = [q.meta["statement"]]
        elif q.variant == "term_definition":
            shown = list(q.choices)
        else:
            shown = [q.context, *(c for i, c in enumerate(q.choices) if i != q.answer)]
        assert not any("etcd" in s.casefold() for s in shown), shown
    masked = [q for q in etcd if q.variant in ("definition_term", "typed_term")]
    assert masked and all("＿＿＿2会把数据写在内存" in q.context for q in masked)


def test_ingress_does_not_give_away_ingress_controller(questions):
    qs = [q for q in questions if q.explanation.startswith("Ingress Controller：")]
    assert qs
    for q in qs:
        if q.kind == "true_false":
            shown = [q.meta["statement"]]
        elif q.variant in ("term_definition", "matching"):
            shown = list(q.choices)
        else:
            shown = [q.context]
        assert not any("ingress" in s.casefold() for s in shown), (q.variant, shown)


def test_true_false_never_says_a_term_is_like_its_own_alias(questions):
    tf = [q for q in questions if q.kind == "true_false"]
    assert len(tf) > 200
    for q in tf:
        term = q.context.split("：", 1)[0]
        statement = q.meta["statement"]
        assert not gate.names_in(statement, gate.name_forms(term)), q.context
        if term == "ReplicationController":
            assert "RC" not in statement  # "ReplicationController：与RC无本质区别" is nonsense


def test_wrong_choices_never_name_the_answer(questions):
    for q in questions:
        if q.kind == "single" and q.variant in ("definition_term", "property_parent"):
            right = q.choices[q.answer]
            for i, c in enumerate(q.choices):
                assert i == q.answer or not gate.names_in(c, gate.name_forms(right)), q.choices


# --- choices of one type ----------------------------------------------------------------------


def test_description_choices_are_in_one_language(questions):
    for q in questions:
        if q.variant in ("term_definition", "matching"):
            assert len({gate.script(c) for c in q.choices}) == 1, q.choices


def test_cri_is_never_offered_with_chinese_descriptions(questions, shared_facts, pool):
    cri = by_term(shared_facts, "CRI")
    for q in questions:
        if q.prompt.startswith("CRI 是哪个词的缩写"):
            assert all(gate.script(c) == "latin" for c in q.choices), q.choices
    for seed in SEEDS:  # one abbreviation in the note: no expansions to choose from
        assert build_term_definition(pool, cri, random.Random(seed)) is None
    assert not [q for q in questions if q.variant == "definition_term"
                and q.context == "container runtime interface"]  # CRI is its initials


def test_term_choices_are_terms_of_the_same_kind(questions, shared_facts):
    kind_of = {}
    for f in shared_facts:
        kind_of.setdefault(f.term, f.kind)
    for q in questions:
        if q.variant in ("definition_term", "property_parent", "membership"):
            kinds_ = {kind_of.get(c) for c in q.choices}
            assert "property" not in kinds_, (q.prompt, q.choices)  # labels are not names
            assert None not in kinds_, q.choices


def test_a_property_is_asked_about_through_its_parent(questions):
    props = [q for q in questions if q.topic.endswith("StatefulSet") and q.kind != "multiple"]
    assert props
    for q in props:
        assert "哪个StatefulSet" not in q.prompt
        if q.kind == "single" and q.variant == "property_parent":
            assert q.choices[q.answer] == "StatefulSet"
            assert not {"稳定的持久化存储", "稳定的网络标识", "有序部署/删除"} & set(q.choices)
            assert q.prompt == "下面这一点说的是哪个控制器类型？"
        if q.kind == "typed":
            assert q.answer == "StatefulSet", q.answer  # never the label 稳定的持久化存储
            assert kinds.check(q, "statefulset").correct
            assert not kinds.check(q, "稳定的持久化存储").correct
        if q.variant == "term_definition":
            assert q.prompt.startswith("StatefulSet 的「")
            assert "为了解决有状态服务的问题" not in "".join(q.choices)  # only its points


def test_matching_and_multiple_select_stay_in_one_list(questions, shared_facts):
    label = {f.term: (f.group or f.parent) for f in shared_facts if f.definition}
    for q in questions:
        if q.kind == "matching":
            assert len({label[t] for t in q.left}) == 1, q.left
            assert "Deployment" not in q.left or "稳定的网络标识" not in q.left
        if q.variant == "membership":
            assert len({label[q.choices[i]] for i in q.answer}) == 1


def test_a_heading_is_a_kind_noun_only_when_it_is_one(questions):
    for q in questions:
        m = re.match(r"哪个(.+?)符合这个描述", q.prompt) or re.match(r"将(.+?)与描述配对", q.prompt)
        if m and m.group(1) != "术语":
            assert m.group(1) in KIND_GROUPS, q.prompt
    en = [QFact(key=f"k{i}", kind="definition", term=t, definition=d, deck="a.md", line=i + 1,
                lang="en", group="Autoscaling", section=("Autoscaling",))
          for i, (t, d) in enumerate([("HPA", "scales pods horizontally on CPU load"),
                                      ("VPA", "raises the requests of running pods"),
                                      ("Cluster Autoscaler", "adds and removes whole nodes"),
                                      ("KEDA", "scales on queue length and other events")])]
    prompts = {q.prompt for seed in range(20) for q in generate(en, 10, seed)}
    assert not any("of the Autoscaling" in p or "Which of these are Autoscaling" in p
                   for p in prompts), prompts
    assert any("“Autoscaling”" in p for p in prompts)


def test_typed_answers_are_names(questions, shared_facts):
    labels = {f.term for f in shared_facts if f.kind == "property"}
    typed = [q for q in questions if q.kind == "typed"]
    assert typed
    for q in typed:
        assert q.answer not in labels
        assert gate.is_name(q.answer) or q.variant == "typed_abbreviation"
        for form in q.accepted:
            assert kinds.check(q, form).correct
    rc = [q for q in typed if q.answer == "ReplicationController"]
    assert all("RC" in q.accepted for q in rc)


# --- no blanks where they give the answer away --------------------------------------------------


def test_no_blanks_in_choices_statements_or_answers(questions):
    for q in questions:
        assert not has_blank(q), (q.variant, q.choices, q.context)
        assert not gate.has_blank(kinds.answer_text(q))


# --- learning plans are not knowledge -----------------------------------------------------------


def test_no_card_or_question_about_the_learning_plan(questions, cards):
    for q in questions:
        assert not PLAN & {*q.choices, *q.left, q.answer if q.kind == "typed" else ""}
        assert "学习内容" not in q.prompt
    for c in cards:
        assert "学习内容" not in c.front and "掌握" not in c.back, c.key


def test_learning_goals_from_elsewhere_are_refused():
    """Quiz-set facts or an older database may still hold goals as definitions."""
    rows = [("Services", "learn how Services expose pods"), ("Ingress", "understand Ingress"),
            ("Pod", "the smallest deployable unit"), ("Node", "a worker machine"),
            ("Kubelet", "the agent on each node"), ("Job", "runs to completion once")]
    facts = [QFact(key=f"k{i}", kind="definition", term=t, definition=d, deck="x.md",
                   line=i + 1, lang="en", group="Things", section=("K",))
             for i, (t, d) in enumerate(rows)]
    screening = gate.askable(facts)
    assert screening.reasons == {"k0": gate.PLAN, "k1": gate.PLAN}
    assert question_about(facts, "k0", "single", 1)[0] is None
    assert question_from_fact(facts, "k1", "typed", 1) is None
    assert question_from_fact(facts, "k2", "typed", 1) is not None
    for seed in range(10):
        for q in generate(facts, 10, seed):
            assert "Services" not in q.choices and "learn" not in " ".join(q.choices)


# --- cards --------------------------------------------------------------------------------------


def test_every_card_is_worth_studying(cards, note):
    facts = {f.term: f for f in note.facts}
    for c in cards:
        assert not gate.has_blank(c.back), c.back
        if c.kind == "definition_term":
            term = c.back.split("**")[1]
            f = facts[term]
            assert not gate.names_in(c.front, gate.name_forms(f.term, f.aliases)), c.front
        if c.kind == "cloze":
            assert "**" in c.back and len(c.back) > len(c.back.split("**")[1]) + 4


def test_cards_log_what_they_drop(note):
    cards, log = generate_cards_logged(note)
    counts = gate.count(log)
    # plan items are facts for the old reader and ParsedNote.plan for the new one: either
    # way they make no card, and each one the gate saw is logged
    assert counts.get("dropped: plan", 0) == sum(f.term in PLAN for f in note.facts)
    assert counts["dropped: initials"] == 1  # no "container runtime interface → CRI" card
    assert counts["rewritten: masked"] == 3  # ETCD (Etcd2), Ingress Controller, Deployment
    assert not [c for c in cards if c.key.split("::")[2] in PLAN]


# --- feedback -----------------------------------------------------------------------------------


def test_partial_credit_is_called_partly_right(questions):
    multi = next(q for q in questions if q.kind == "multiple" and len(q.answer) >= 2)
    r = kinds.check(multi, [multi.answer[0]])
    assert 0 < r.score < 1 and r.explanation.startswith("部分正确")
    assert "回答错误" not in r.explanation
    match = next(q for q in questions if q.kind == "matching")
    half = list(match.answer)
    half[0], half[1] = half[1], half[0]
    r = kinds.check(match, half)
    assert 0 < r.score < 1 and r.explanation.startswith("部分正确")
    assert kinds.check(multi, [i for i in range(len(multi.choices)) if i not in multi.answer]
                       ).explanation.startswith("回答错误")


def test_typed_feedback_in_plain_words(pool, shared_facts):
    borg = next(f for f in shared_facts if f.cloze == "Borg")
    q = question_about(shared_facts, borg.key, "typed", 1)[0]
    r = kinds.check(q, "ReplicaSet")
    assert r.explanation.startswith("你写的是「ReplicaSet」，正确答案是 Borg。")
    q = build_typed_term(pool, by_term(shared_facts, "Kubelet"), random.Random(1))
    assert kinds.check(q, "ControllerManager").explanation.startswith(
        "你写的是「ControllerManager」，正确答案是 Kubelet。")


# --- the log and the one count ------------------------------------------------------------------


def test_generation_logs_every_drop_and_rewrite(shared_facts):
    qs, log = generate_logged(shared_facts, 40, 3)
    assert len(qs) == 40
    reasons = gate.count(log)
    assert reasons.get("dropped: plan", 0) == sum(f.term in PLAN for f in shared_facts)
    assert reasons["dropped: diagram"] == 2
    assert all(g.reason in gate.REASONS and g.action in (gate.DROPPED, gate.REWRITTEN)
               for g in log)
    assert reasons.get("rewritten: ask_parent", 0) >= 1


ASKABLE = {"APIServer", "ControllerManager", "Scheduler", "ETCD", "Kubelet", "Kube-proxy",
           "CoreDNS", "Dashboard", "Ingress Controller", "Federation", "Prometheus", "ELK",
           "ReplicationController", "ReplicaSet", "Deployment", "HPA", "StatefulSet",
           "稳定的持久化存储", "稳定的网络标识", "DaemonSet", "Job", "CronJob",
           "CRI", "K8s优点", "Pod类型", "前身是Borg系统",
           "不同Pod共用 pause容器 的 网络/存储卷 > pod端口不能冲突"}


def test_askable_is_the_one_count(shared_facts):
    s = gate.askable(shared_facts)
    assert s.count == 27 and {f.term for f in s.ok} == ASKABLE
    why = s.by_reason()
    assert why["restates"] == 1  # 有序部署/删除: Pod按顺序部署 (its list card asks for it)
    assert why["diagram"] == 2 and why["no_definition"] == 3  # DaemonSet's bare labels
    assert why.get("plan", 0) == sum(f.term in PLAN for f in shared_facts)
    asked = {k for seed in SEEDS for q in generate(shared_facts, 60, seed) for k in q.facts}
    assert asked <= {f.key for f in s.ok}  # nothing outside the count is ever asked


# --- the rule itself, on any text -----------------------------------------------------------------


NAMES = ["ETCD", "Job", "ReplicaSet", "Ingress Controller", "kube-proxy", "CoreDNS", "调度器",
         "StatefulSet", "HPA"]


def _written(name: str, style: int) -> str:
    """``name`` as a note might write it: case, full width, a version digit, a plural."""
    if style == 0:
        return name.upper()
    if style == 1:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    if style == 2 and name.isascii():
        return name.capitalize() + "2"
    if style == 3 and name.isascii():
        return name.lower() + "s"
    return name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES),
                               st.integers(0, 4), st.sampled_from(["keeps", "维护", "runs"])),
                     min_size=3, max_size=10, unique_by=lambda r: r[0]),
       seed=st.integers(0, 2**31 - 1), lang=st.sampled_from(["en", "zh"]))
def test_no_generated_question_contains_its_own_answer(rows, seed, lang):
    """Descriptions that mention their own term (or another's) in any folded form."""
    facts = []
    for i, (term, other, style, verb) in enumerate(rows):
        definition = f"{verb} {_written(term, style)} data for {other} in the cluster"
        facts.append(QFact(key=f"k{i}", kind="definition", term=term, definition=definition,
                           aliases=("RS",) if term == "ReplicaSet" else (), deck="d.md",
                           line=i + 1, lang=lang, group="组件" if i % 2 else "Things",
                           section=("S",)))
    by_key = {f.key: f for f in facts}
    for q in generate(facts, 12, seed):
        assert not contains_answer(q, by_key), (q.variant, q.prompt, q.context, q.choices)
        assert not has_blank(q)


def test_commands_manifest_lines_and_dialogue_are_not_asked():
    """Defensive: a reader that lets a command, a manifest line or a Q/A line through as a
    fact still makes no card or question of it."""
    text = ("# 控制器\n\n控制器类型:\n- ReplicaSet: 确保副本数始终保持在用户定义的数量\n"
            "- Deployment: 为Pod和ReplicaSet提供声明式更新\n- DaemonSet: 确保每个节点运行一个Pod\n"
            "- tier: 3\n- Job: 负责批处理任务\n\n"
            "Q: 节点内存耗尽时会发生什么？\n\nA: kubelet 先驱逐 BestEffort 的 Pod\n")
    note = parse_note(text.encode(), "c.md")
    facts = [QFact.from_fact(f, lang=note.lang) for f in note.facts]
    screening = gate.askable(facts)
    why = {f.term: screening.reasons.get(f.key, "") for f in facts}
    assert why["tier"] == gate.VALUE
    assert all(why.get(t) == gate.NOT_A_NAME for t in ("Q", "A") if t in why)
    assert why["ReplicaSet"] == ""
    statement = QFact(key="s", kind="statement", term="x", deck="c.md", line=9, lang="zh",
                      definition="kubectl scale deployment nginx --replicas 10", cloze="nginx")
    version = QFact(key="v", kind="statement", term="y", deck="c.md", line=10, lang="zh",
                    definition="这里用的是 v1.27 的文档", cloze="v1.27")
    assert gate.askable([statement, version]).reasons == {"s": gate.CODE, "v": gate.NOT_A_NAME}
    cards = generate_cards(note)
    assert not [c for c in cards if "::tier::" in c.key or "::Q::" in c.key]


def test_remarks_are_not_terms_and_expansions_stay_with_expansions():
    rows = [("SA", "ServiceAccount"), ("PSS", "Pod Security Standards"),
            ("PSA", "Pod Security Admission"), ("Exam tip", "use --dry-run=client to write YAML"),
            ("Role", "a set of permissions inside one namespace"),
            ("ClusterRole", "a set of permissions for the whole cluster"),
            ("RoleBinding", "grants a Role to users or ServiceAccounts"),
            ("Note", "a RoleBinding may refer to a ClusterRole")]
    facts = [QFact(key=f"k{i}", kind="definition", term=t, definition=d, deck="r.md",
                   line=i + 1, lang="en", group="RBAC", section=("RBAC",))
             for i, (t, d) in enumerate(rows)]
    reasons = gate.askable(facts).reasons
    assert reasons == {"k3": gate.NOT_A_NAME, "k7": gate.NOT_A_NAME}
    expansions = {"ServiceAccount", "Pod Security Standards", "Pod Security Admission"}
    for seed in range(30):
        for q in generate(facts, 12, seed):
            if q.variant == "term_definition":
                right = q.choices[q.answer]
                assert (right in expansions) == all(c in expansions for c in q.choices), q
            assert not (q.variant == "definition_term" and q.context in expansions), q.context


LOOKALIKES = ["Pod", "pod", "ＰＯＤ", "Job", "CronJob", "cron-job", "Kubelet", "ETCD", "etcd",
              "RS", "ReplicaSet", "replica set", "RC", "调度器", "调度 器", "DaemonSet"]
TEXTS = ["runs once", "Runs once.", "runs on a schedule", "one per node", "存储数据。",
         "keeps replicas", "调度 Pod", "the Pod scheduler", "ETCD stores state",
         "Etcd2 keeps data in memory", "a CronJob starts Jobs", "b c"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(LOOKALIKES), st.sampled_from(TEXTS),
                               st.lists(st.sampled_from(LOOKALIKES), max_size=2),
                               st.sampled_from(["", "g1", "g2"]),
                               st.sampled_from(["definition", "abbreviation", "property"]),
                               st.sampled_from(LOOKALIKES)),
                     min_size=2, max_size=14),
       seed=st.integers(0, 2**31 - 1))
def test_no_question_contains_its_answer_on_lookalike_decks(rows, seed):
    """Names repeated in several spellings, aliases shared, properties of look-alike parents:
    still no question shows its answer, a blank, or an alias of the answer as a wrong
    choice."""
    facts = [QFact(key=f"k{i}", kind=kind, term=term, definition=text, aliases=tuple(aliases),
                   deck="d.md", line=i + 1, lang="en", group=group if kind != "property"
                   else parent, parent=parent if kind == "property" else "", section=("S",))
             for i, (term, text, aliases, group, kind, parent) in enumerate(rows)]
    by_key = {f.key: f for f in facts}
    for q in generate(facts, 12, seed):
        assert not contains_answer(q, by_key), (q.variant, q.prompt, q.context, q.choices)
        assert not has_blank(q)
        assert kinds.check(q, q.answer).correct


def test_a_camelcase_name_written_as_words_names_it():
    """"What is LoadBalancer?" must not offer "…using a cloud provider's load balancer"."""
    note = parse_note((Path(__file__).parent.parent / "notes" / "fixtures" / "services-en.md"
                       ).read_bytes(), "services-en.md")
    facts = [QFact.from_fact(f, lang=note.lang) for f in note.facts]
    by_key = {f.key: f for f in facts}
    lb = [q for seed in range(30) for q in generate(facts, 14, seed)
          if q.explanation.startswith("LoadBalancer")]
    assert lb
    for q in lb:
        assert not contains_answer(q, by_key), (q.prompt, q.choices, q.context)
        shown = q.meta.get("statement", "") if q.kind == "true_false" else " ".join(q.choices)
        if q.variant in ("term_definition", "true_false"):
            assert "load balancer" not in shown.casefold()


def test_gate_counts_per_note_for_the_notes_report(note):
    """What `flask notes report` shows per note when given ``gate=gate_counts``."""
    from studyk8s.quality import gate_counts

    counts = gate_counts(note)
    assert counts["not askable: diagram"] == 2
    assert counts["cards dropped: initials"] == 1
    assert any(k.startswith("questions dropped: ") for k in counts)
    assert any(k.startswith("questions rewritten: ask_parent") for k in counts)


def test_one_question_per_attempt_asks_for_the_term_a_point_belongs_to(shared_facts):
    for seed in SEEDS:
        qs = generate(shared_facts, 28, seed)
        parents = [q for q in qs if q.variant in ("property_parent", "typed_parent")]
        assert len(parents) <= 1, [q.context for q in parents]
