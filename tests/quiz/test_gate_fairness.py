"""Unfair questions found by reading ~160 generated questions as a teacher would (the shared
note and three notes of the corpus in its style), one test per pattern: each names what a
learner saw before the rule."""

from __future__ import annotations

import pytest

from studyk8s.config import ROOT
from studyk8s.notes import read_notes
from studyk8s.quiz import gate
from studyk8s.quiz.generate import generate
from studyk8s.quiz.model import QFact, Question, facts_of

CORPUS = ROOT / "tests" / "notes" / "corpus"
SEEDS = range(25)


def _facts(name: str) -> list[QFact]:
    noteset = read_notes([CORPUS / name])
    assert not noteset.errors
    return [f for n in noteset.notes for f in facts_of(n)]


def _questions(facts: list[QFact]) -> list[Question]:
    return [q for seed in SEEDS for q in generate(facts, 20, seed)]


@pytest.fixture(scope="module")
def services() -> list[Question]:
    return _questions(_facts("series-services.md"))


@pytest.fixture(scope="module")
def storage() -> list[Question]:
    return _questions(_facts("series-storage.md"))


@pytest.fixture(scope="module")
def components() -> list[Question]:
    return _questions(_facts("handbook-components.md"))


@pytest.fixture(scope="module")
def shared(shared_facts) -> list[Question]:
    return _questions(shared_facts)


def _wrong(q: Question) -> list[str]:
    right = q.answer if isinstance(q.answer, list) else [q.answer]
    return [c for i, c in enumerate(q.choices) if i not in right]


def test_an_underscore_inside_a_word_does_not_hide_the_answer(services):
    """"使用＿＿＿模式前要先加载ip_vs内核模块" answered itself."""
    assert gate.names_in("加载ip_vs内核模块", gate.name_forms("IPVS"))
    assert gate.mask("加载ip_vs内核模块", gate.name_forms("IPVS"), "＿") == "加载＿内核模块"
    assert not gate.names_in("kubeproxy", gate.name_forms("proxy"))
    cloze = [q for q in services if q.variant == "typed_cloze" and q.answer == "IPVS"]
    assert cloze and not any("ip_vs" in q.context for q in cloze)


def test_a_table_rows_yes_no_cell_is_not_part_of_the_description(components):
    """"基于网页的集群管理界面; 否": the "是否必需" column leaked into choices."""
    assert gate.without_value_cells("基于网页的集群管理界面; 否") == "基于网页的集群管理界面"
    assert gate.without_value_cells("a; b") == "a; b"  # a real second cell stays
    assert gate.without_value_cells("; 否") == "; 否"  # nothing would be left
    texts = [t for q in components for t in (q.context, *q.choices, q.explanation)]
    assert not any(t.rstrip().endswith(("; 否", "; 是")) for t in texts)


def test_a_wrong_choice_is_never_named_by_the_lists_label(services, shared):
    """IPVS offered as one of "IPVS的调度算法", SVC (Service) as a "Service类型", Ingress
    Controller and ControllerManager as wrong "控制器类型"."""
    asked = {"IPVS的调度算法": {"IPVS"}, "Service类型": {"SVC"},
             "控制器类型": {"Ingress Controller", "ControllerManager"}}
    seen = set()
    for q in services + shared:
        if q.variant == "membership":
            for label, doubtful in asked.items():
                if f"「{label}」" in q.prompt:
                    seen.add(label)
                    assert not doubtful & set(_wrong(q)), q
    assert seen == set(asked)


def test_a_wider_kind_does_not_offer_a_narrower_kinds_members(components):
    """"以下哪些属于「组件」" offered CoreDNS (an add-on: 附加组件) as a wrong answer."""
    assert gate.kind_within("插件", "组件") and gate.kind_within("Add-ons", "Components")
    assert not gate.kind_within("插件", "主要组件") and not gate.kind_within("组件", "插件")
    plugins = {"CoreDNS", "Ingress Controller", "Metrics Server", "Dashboard"}
    for q in components:
        if q.variant == "membership" and "「组件」" in q.prompt:
            assert not plugins & set(_wrong(q)), q


def test_an_abbreviation_noted_as_short_for_x_stands_for_x(services):
    """"写出 SVC 的全称" expected "Service的缩写"."""
    assert gate.expansion("Service的缩写") == "Service"
    assert gate.expansion("short for ServiceAccount") == "ServiceAccount"
    assert gate.expansion("container runtime interface") == "container runtime interface"
    typed = [q for q in services if q.variant == "typed_abbreviation" and q.context == "SVC"]
    assert typed and {q.answer for q in typed} == {"Service"}


def test_no_true_false_on_an_expansion_its_initials_spell(shared):
    """"CRI：container runtime interface — 正确吗？" is answered by reading the initials."""
    assert not [q for q in shared if q.kind == "true_false" and q.prompt.count("CRI")]


def test_no_true_false_where_a_point_restates_its_label(shared):
    """"有序部署/删除：Pod按顺序部署 — 正确吗？" is plainly true."""
    assert gate.restates("有序部署/删除", "Pod按顺序部署")
    assert not gate.restates("稳定的持久化存储",
                             "Pod重新调度后还是能访问到相同的持久化数据, 基于PVC实现")
    assert not [q for q in shared if q.kind == "true_false" and q.answer is True
                and q.context == "有序部署/删除：Pod按顺序部署"]


def test_k8s_itself_is_never_the_blank(storage):
    """"＿＿＿里的存储分为几类" (K8s): every note is about K8s; "Kubernetes" was marked wrong."""
    facts = _facts("series-storage.md")
    k8s = [f for f in facts if f.cloze == "K8s"]
    assert k8s and all(gate.reason_not_askable(f) == gate.SUBJECT for f in k8s)
    assert not [q for q in storage if q.variant == "typed_cloze" and q.answer == "K8s"]


def test_a_typed_question_names_the_list_it_asks_from(storage):
    """"写出符合这个描述的术语：自动回收失败" (Failed) did not say it is a PV state."""
    typed = [q for q in storage if q.variant == "typed_term" and q.answer == "Failed"]
    assert typed and all("「PV的状态」" in q.prompt for q in typed)


def test_right_choices_sharing_a_prefix_or_script_give_the_answer_away():
    """kube-proxy, kube-apiserver, kubelet, kube-scheduler against Metrics Server; 接口层,
    生态系统 against kube-proxy and etcd."""
    assert gate.pattern_giveaway(["kube-proxy", "kubelet", "kube-scheduler"], ["Metrics Server"])
    assert gate.pattern_giveaway(["接口层", "生态系统"], ["kube-proxy", "etcd"])
    assert not gate.pattern_giveaway(["kube-proxy", "etcd"], ["kubelet", "CoreDNS"])



def test_a_clause_kept_after_a_cut_does_not_start_with_but(shared):
    """"ReplicationController：但支持集合式的selector" (ReplicaSet's description with the
    clause naming RC cut) read as a broken sentence."""
    rc = gate.name_forms("ReplicationController", ("RC",))
    assert gate.strip_names("与RC无本质区别,但支持集合式的selector", rc) == "支持集合式的selector"
    shown = [q.meta.get("statement", "") for q in shared if q.kind == "true_false"]
    shown += [c for q in shared for c in q.choices]
    assert not [s for s in shown if s.startswith(("但", "而"))]
