"""Card generation: kinds, wording, stable keys (editing a definition keeps its cards)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyk8s.cards import CARD_KINDS, TYPED_CARDS, CardSpec, fact_key, fact_keys, generate_cards
from studyk8s.notes import DEFINITION, Fact, parse_note
from studyk8s.notes.model import key_segment
from studyk8s.quiz import gate

ROOT = Path(__file__).resolve().parents[1]
PATH = "content/notes/docker-k8s-1.md"
TEXT = (ROOT / PATH).read_text(encoding="utf-8")


def cards_of(text: str, path: str = PATH) -> list[CardSpec]:
    return generate_cards(parse_note(text.encode("utf-8"), path))


@pytest.fixture(scope="module")
def note():
    return parse_note(TEXT.encode("utf-8"), PATH)


@pytest.fixture(scope="module")
def cards(note):
    return generate_cards(note)


def by_key(cards):
    return {c.key: c for c in cards}


def test_every_kind_is_generated(cards):
    # the shared note holds no commands or manifests: tests/test_cards_handson.py has those
    assert {c.kind for c in cards} == set(CARD_KINDS) - set(TYPED_CARDS)


def test_keys_unique_readable_and_positions_in_order(cards, note):
    keys = [c.key for c in cards]
    assert len(keys) == len(set(keys))
    assert f"{PATH}::definition::APIServer::term_definition" in keys
    assert f"{PATH}::abbreviation::CRI::abbreviation" in keys
    assert all("\n" not in k and k.startswith(f"{PATH}::") for k in keys)
    assert [c.position for c in cards] == list(range(len(cards)))
    assert all(c.deck == "Docker+K8s学习1" for c in cards)
    # New cards come in note order: the facts behind them appear in note order.
    order = {k: i for i, k in enumerate(fact_keys(note))}
    fact_positions = [order[c.fact_key] for c in cards if c.kind != "membership"]
    assert fact_positions == sorted(fact_positions)


def test_fact_keys_are_the_facts_keys(cards, note):
    keys = fact_keys(note)
    assert keys == [fact_key(note.path, f) for f in note.facts]
    assert len(keys) == len(set(keys))
    assert {c.fact_key for c in cards} <= set(keys)  # the importer links cards by fact_key
    assert fact_key(PATH, Fact(DEFINITION, "APIServer", f"{PATH}:52", "x")) == (
        f"{PATH}::definition::APIServer"
    )
    prop = next(f for f in note.facts if f.parent == "StatefulSet")
    assert fact_key(PATH, prop) == f"{PATH}::property::稳定的持久化存储::StatefulSet"


def test_term_and_definition_cards(cards):
    c = by_key(cards)[f"{PATH}::definition::APIServer::term_definition"]
    assert c.front == "「主要组件」中的 **APIServer** 是什么？"
    assert c.back == "所有服务访问入口"
    assert c.source == f"{PATH}:52"
    assert c.section == ("简介", "k8s架构")
    rc = by_key(cards)[f"{PATH}::definition::ReplicationController::term_definition"]
    assert "别名：RC" in rc.back


def test_definition_term_masks_the_term(cards, note):
    d2t = {c.fact_key.split("::")[2]: c for c in cards if c.kind == "definition_term"}
    plan = {"Pod控制器", "服务发现", "存储", "调度器", "安全", "HELM", "运维"}
    assert {f.term for f in note.facts if f.kind == DEFINITION} - plan == set(d2t)
    for term, c in d2t.items():
        assert term.casefold() not in c.front.casefold(), c.front
        assert f"**{term}**" in c.back
    assert "＿＿2会把数据写在内存" in d2t["ETCD"].front  # Etcd2 would give ETCD away
    assert "＿＿3会持久化数据" in d2t["ETCD"].front
    assert "但＿＿支持" in d2t["Deployment"].front
    assert "＿＿可以实现7层代理" in d2t["Ingress Controller"].front


def test_short_definition_gets_its_group_as_context(cards):
    c = by_key(cards)[f"{PATH}::definition::CronJob::definition_term"]
    assert c.front.startswith("「控制器类型」中哪一项")
    assert c.front.endswith("> 基于时间")


def test_tiny_definition_without_context_makes_no_definition_term_card():
    cards = cards_of("Pod: 容器\n\nService: 提供稳定的虚拟IP和负载均衡\n", "n.md")
    kinds = {(c.fact_key.split("::")[2], c.kind) for c in cards}
    assert ("Pod", "term_definition") in kinds and ("Pod", "definition_term") not in kinds
    assert ("Service", "definition_term") in kinds


def test_long_definition_front_is_shortened_back_is_full():
    long_def = (
        "负责集群中所有资源对象的持久化存储，采用Raft协议保证数据一致性。"
        "它还提供watch机制让各组件及时感知变化，并支持快照和备份恢复，"
        "是整个集群唯一有状态的核心组件，需要单独做高可用部署和定期备份，否则数据丢失将无法恢复。"
    )
    cards = cards_of(f"组件:\n- ETCD: {long_def}\n- APIServer: 入口\n", "n.md")
    c = next(c for c in cards if c.kind == "definition_term" and "ETCD" in c.fact_key)
    assert c.front.endswith("> 负责集群中所有资源对象的持久化存储，采用Raft协议保证数据一致性。")
    assert long_def in c.back
    one_sentence = "a" * 10 + "，".join(["很长的一段没有句号的描述"] * 20)
    cards = cards_of(f"组件:\n- Xcomp: {one_sentence}\n- Ycomp: 入口\n", "n.md")
    c = next(c for c in cards if c.kind == "definition_term" and "::Xcomp::" in c.key)
    assert c.front.endswith("…") and len(c.front) < 130
    assert one_sentence in c.back


def test_membership_cards(cards):
    members = {c.key.split("::")[2]: c for c in cards if c.kind == "membership"}
    # 学习内容 is the note's study plan since issue 13, not a group of definitions
    assert set(members) == {"主要组件", "插件", "控制器类型"}
    plug = members["插件"]
    assert plug.front.startswith("下列哪些属于「插件」？")
    shown = re.findall(r"^- (.+)$", plug.front, re.M)
    for term in ("CoreDNS", "Dashboard", "Ingress Controller", "Federation", "Prometheus", "ELK"):
        assert term in shown and term in plug.back
    assert len(shown) == 6 + 3  # three distractors from other groups
    assert "不属于：" in plug.back
    assert plug.fact_key == f"{PATH}::definition::CoreDNS"


def test_enumeration_cards(cards):
    enum = {c.fact_key.split("::", 1)[1]: c for c in cards if c.kind == "enumeration"}
    assert set(enum) == {
        "enumeration::K8s优点", "enumeration::Pod类型",
        "definition::StatefulSet", "definition::DaemonSet",
    }
    assert enum["enumeration::K8s优点"].front == "**K8s优点** 有哪些？（4 项）"
    assert enum["enumeration::K8s优点"].back == "1. 轻量\n2. 开源\n3. 弹性伸缩\n4. 负载均衡 IPVS"
    assert "1. 稳定的持久化存储: Pod重新调度后" in enum["definition::StatefulSet"].back


def test_relation_cards_carry_the_diagram(cards):
    rel = [c for c in cards if c.kind == "relation"]
    assert all(c.diagram.startswith("graph ") for c in rel)
    raft = by_key(cards)[f"{PATH}::diagram::ETCD的架构::relation::Raft"]
    assert raft.front == "在「ETCD的架构」图中，**Raft** 与哪些节点相连？"
    assert raft.back == "- ↔ HTTP Server\n- ↔ Storage\n- ↔ WAL日志"
    hub = by_key(cards)[f"{PATH}::diagram::k8s架构::relation::read/UI"]
    assert hub.back == "- → borgcfg\n- → command-line\n- → web-browers"
    assert all(c.diagram == "" for c in cards if c.kind != "relation")


def test_cloze_card_back_shows_the_whole_sentence_with_the_answer_marked(cards):
    (borg,) = [c for c in cards if c.kind == "cloze" and "Borg" in c.back]
    assert borg.front == "前身是[...]系统（K8s优点）"  # whose predecessor: the section says
    assert borg.back == "前身是**Borg**系统"  # not only "Borg"
    assert borg.source == f"{PATH}:10"
    (pause,) = [c for c in cards if c.kind == "cloze" and "pause" in c.back]
    assert pause.front.startswith("不同Pod共用 [...]容器")
    assert pause.back.startswith("不同Pod共用 **pause**容器")


def test_abbreviation_forward_only_when_the_initials_spell_it(cards):
    fwd = by_key(cards)[f"{PATH}::abbreviation::CRI::abbreviation"]
    assert (fwd.front, fwd.back) == ("**CRI** 是什么的缩写？", "container runtime interface")
    # "container runtime interface" → CRI is read off the initials: no reverse card
    assert f"{PATH}::abbreviation::CRI::abbreviation::reverse" not in by_key(cards)
    other = cards_of("GC:clean up unused objects\n", "n.md")  # not its initials
    assert any(c.key.endswith("::reverse") for c in other)
    alias = by_key(cards)[f"{PATH}::definition::ReplicaSet::abbreviation::RS"]
    assert alias.back == "**ReplicaSet**"


def test_editing_definitions_keeps_keys(cards):
    edited = (
        TEXT.replace("所有服务访问入口", "集群的统一入口，所有请求都经过它")
        .replace("维持副本期望数目", "维持副本数")
        .replace("基于时间", "按cron表达式定时运行")
        .replace("前身是Borg系统", "\n\n前身是Borg系统")  # lines move too
    )
    new = cards_of(edited)
    assert [c.key for c in new] == [c.key for c in cards]
    changed = by_key(new)[f"{PATH}::definition::APIServer::term_definition"]
    assert changed.back == "集群的统一入口，所有请求都经过它"


def test_removing_a_fact_retires_only_its_cards(cards):
    new = cards_of(TEXT.replace("- Prometheus: 提供k8s集群监控能力\n", ""))
    gone = {c.key for c in cards} - {c.key for c in new}
    assert gone == {
        f"{PATH}::definition::Prometheus::term_definition",
        f"{PATH}::definition::Prometheus::definition_term",
    }


def test_duplicate_terms_get_distinct_keys():
    note = parse_note("A组:\n- Pod: 一\n- X: 二\n\nB组:\n- Pod: 三\n- Y: 四\n".encode(), "n.md")
    keys = fact_keys(note)
    assert keys[0] == "n.md::definition::Pod" and keys[2] == "n.md::definition::Pod#2"
    cards = generate_cards(note)
    assert len({c.key for c in cards}) == len(cards)


def test_key_segments_are_safe():
    note = parse_note("组:\n- a::b  c: x\n- Ｐｏｄ: y\n".encode(), "n.md")
    assert fact_keys(note) == ["n.md::definition::a:b c", "n.md::definition::Pod"]
    long = key_segment("长" * 70 + "\n\x00x")
    assert long.startswith("长" * 50 + "~") and len(long) == 59
    assert key_segment("长" * 70 + "y") != key_segment("长" * 70 + "z")
    assert generate_cards(note) == generate_cards(note)  # deterministic


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["APIServer", "ETCD", "Deployment", "HPA", "CoreDNS", "运维"]),
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=":："
        ),
        min_size=1,
        max_size=60,
    ).map(str.strip).filter(bool),
)
def test_any_definition_edit_keeps_every_key(term, new_definition):
    lines = TEXT.split("\n")
    idx = next(i for i, ln in enumerate(lines) if re.match(rf"^\s*(?:-|\d\.)?\s*{term}:", ln))
    prefix = lines[idx][: lines[idx].index(":") + 1]
    lines[idx] = f"{prefix} {new_definition}"
    before = generate_cards(parse_note(TEXT.encode(), PATH))
    after = generate_cards(parse_note("\n".join(lines).encode(), PATH))
    keys_before = {c.key for c in before if f"::{term}::" in c.key}
    keys_after = {c.key for c in after if f"::{term}::" in c.key}
    # The term's own cards keep their keys; only the definition→term card may come or go
    # (a definition that is now too short to ask about), unless the quality gate refuses the
    # new definition altogether (a command, no letters): then its cards retire, keys intact.
    assert keys_after - keys_before == set()
    fact = next((f for f in parse_note("\n".join(lines).encode(), PATH).facts
                 if f.term == term), None)  # a plan item is no fact for the new reader
    refused = fact is None or gate.reason_not_askable(fact) in (gate.CODE, gate.VALUE)
    if not refused:
        assert keys_before - keys_after <= {f"{PATH}::definition::{term}::definition_term"}
    assert len({c.key for c in after}) == len(after)
