"""The user's real note (content/notes/docker-k8s-1.md): every fact the grammar promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyk8s.notes import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    ENUMERATION,
    PROPERTY,
    STATEMENT,
    Edge,
    parse_note,
)

ROOT = Path(__file__).resolve().parents[2]
PATH = "content/notes/docker-k8s-1.md"


@pytest.fixture(scope="module")
def note():
    return parse_note((ROOT / PATH).read_bytes(), PATH)


def defs(note, group):
    return [f for f in note.facts if f.kind == DEFINITION and f.group == group]


def one(note, kind, term):
    found = [f for f in note.facts if f.kind == kind and f.term == term]
    assert len(found) == 1, (kind, term, found)
    return found[0]


def test_front_matter(note):
    assert note.title == "Docker+K8s学习1"
    assert note.date == "2021-07-10T20:58:36+08:00"
    assert note.draft is False
    assert note.lang == "zh"
    assert len(note.content_hash) == 64


def test_main_components(note):
    got = {f.term: f.definition for f in defs(note, "主要组件")}
    assert got == {
        "APIServer": "所有服务访问入口",
        "ControllerManager": "维持副本期望数目",
        "Scheduler": "负责介绍任务,选择合适的节点分配任务",
        "ETCD": "可信赖的分布式键值存储服务,存储需要持久化的K8s集群所有重要信息. "
        "Etcd2会把数据写在内存, 宕机会丢失数据 Etcd3会持久化数据,不会丢失",
        "Kubelet": "直接跟容器引擎交互实现容器的生命周期管理",
        "Kube-proxy": "负责写入规则至IPTABLES,IPVS实现服务映射访问",
    }
    assert [f.term for f in defs(note, "主要组件")][0] == "APIServer"  # note order


def test_plugins_label_right_after_a_list(note):
    """``插件:`` follows the last component with no blank line: it must start a new group,
    not continue Kube-proxy's definition."""
    assert [f.term for f in defs(note, "插件")] == [
        "CoreDNS", "Dashboard", "Ingress Controller", "Federation", "Prometheus", "ELK",
    ]
    assert one(note, DEFINITION, "Kube-proxy").definition.endswith("服务映射访问")
    assert one(note, DEFINITION, "CoreDNS").source == f"{PATH}:59"


def test_controller_types(note):
    group = defs(note, "控制器类型")
    assert [f.term for f in group] == [
        "ReplicationController", "ReplicaSet", "Deployment", "HPA",
        "StatefulSet", "DaemonSet", "Job", "CronJob",
    ]
    assert one(note, DEFINITION, "ReplicationController").aliases == ("RC",)
    assert one(note, DEFINITION, "ReplicaSet").aliases == ("RS",)
    assert one(note, DEFINITION, "ReplicaSet").source == f"{PATH}:75"
    assert one(note, DEFINITION, "HPA").definition == "根据CPU利用率扩容"
    assert one(note, DEFINITION, "CronJob").definition == "基于时间"
    assert one(note, DEFINITION, "Job").source == f"{PATH}:88"


def test_example_line_extends_deployment(note):
    deployment = one(note, DEFINITION, "Deployment")
    assert deployment.definition.startswith("控制RS来创建POD.")
    assert "(例如: RS不支持rolling-update,但Deployment支持)" in deployment.definition
    assert not any(f.term.startswith(("(", "例如")) for f in note.facts)


def test_job_cronjob_is_a_heading_item_not_a_term(note):
    assert not any("Cronjob" in f.term or f.term.startswith("Job,") for f in note.facts)


def test_properties(note):
    props = [f for f in note.facts if f.kind == PROPERTY]
    stateful = [f for f in props if f.parent == "StatefulSet"]
    daemon = [f for f in props if f.parent == "DaemonSet"]
    assert [(f.term, f.definition) for f in stateful] == [
        ("稳定的持久化存储", "Pod重新调度后还是能访问到相同的持久化数据, 基于PVC实现"),
        ("稳定的网络标识", "PodName,hostname不变"),
        ("有序部署/删除", "Pod按顺序部署"),
    ]
    assert [f.term for f in daemon] == ["集群存储daemon", "日志收集daemon", "监控daemon"]
    assert all(f.group == f.parent for f in props)
    assert len(props) == 6
    assert one(note, DEFINITION, "StatefulSet").items == tuple(f.term for f in stateful)
    assert daemon[0].source == f"{PATH}:84"


def test_learning_content_is_the_study_plan(note):
    """The seven 学习内容 items say what the author will learn: the note's plan, not facts."""
    assert [p.label for p in note.plan] == [
        "Pod控制器", "服务发现", "存储", "调度器", "安全", "HELM", "运维",
    ]
    assert note.plan[0].source == f"{PATH}:18"
    assert note.plan[-1].text == "修改Kubeadm达到正数可用期限10年,构建高可用kube集群"
    assert defs(note, "学习内容") == []
    assert not any(f.line in range(18, 25) for f in note.facts)


def test_enumerations(note):
    enums = {f.term: f for f in note.facts if f.kind == ENUMERATION}
    assert set(enums) == {"K8s优点", "Pod类型"}
    assert enums["K8s优点"].items == ("轻量", "开源", "弹性伸缩", "负载均衡 IPVS")
    assert enums["Pod类型"].items == ("自主式Pod", "控制器控制的Pod")
    assert enums["Pod类型"].section == ("Pod", "Pod类型")


def test_abbreviation(note):
    cri = one(note, ABBREVIATION, "CRI")
    assert cri.definition == "container runtime interface"
    assert cri.source == f"{PATH}:49"


def test_diagrams(note):
    borg, etcd = (f for f in note.facts if f.kind == DIAGRAM)
    assert borg.term == "k8s架构"
    assert Edge("linkShard", "borglet1") in borg.edges
    assert Edge("read/UI", "borgcfg") in borg.edges
    assert len(borg.edges) == 7
    assert borg.diagram.startswith("graph TB\nlinkShard-->borglet1")
    assert etcd.term == "ETCD的架构"
    assert borg.source == f"{PATH}:27" and etcd.source == f"{PATH}:41"
    assert set(etcd.edges) == {
        Edge("HTTP Server", "Raft", bidirectional=True),
        Edge("HTTP Server", "Storage", bidirectional=True),
        Edge("Raft", "Storage", bidirectional=True),
        Edge("Raft", "WAL日志", bidirectional=True),
    }
    assert "A<-->Storage" in etcd.diagram
    # The caption line is the diagram's title, not a statement of its own.
    assert not any(f.kind == STATEMENT and "ETCD" in f.term for f in note.facts)


def test_statements(note):
    stmts = {f.definition: f for f in note.facts if f.kind == STATEMENT}
    assert stmts["前身是Borg系统"].cloze == "Borg"
    assert stmts["前身是Borg系统"].source == f"{PATH}:10"
    pause = stmts["不同Pod共用 pause容器 的 网络/存储卷 > pod端口不能冲突"]
    assert pause.cloze == "pause"
    for f in stmts.values():  # the B站 link line: no URL pieces as terms
        assert "](" not in f.term and "https" not in f.term


def test_no_garbage_terms(note):
    for f in note.facts:
        assert f.term.strip() == f.term and f.term
        assert "http" not in f.term and "[" not in f.term
        assert f.definition == f.definition.strip()


def test_empty_label_warning(note):
    assert [(w.line, w.severity) for w in note.warnings] == [(91, "warning")]
    assert "服务发现" in note.warnings[0].message
    assert str(note.warnings[0]).startswith(f"{PATH}:91: warning:")
    assert not any(f.line == 91 for f in note.facts)


def test_exact_source_lines(note):
    assert one(note, DEFINITION, "APIServer").source == f"{PATH}:52"
    assert one(note, DEFINITION, "Kube-proxy").line == 57
    assert [p.source for p in note.plan if p.label == "HELM"] == [f"{PATH}:23"]
    assert one(note, DEFINITION, "DaemonSet").line == 83
    assert one(note, ENUMERATION, "K8s优点").line == 12


def test_source_lines_point_at_the_fact(note):
    lines = (ROOT / PATH).read_text(encoding="utf-8").split("\n")
    for f in note.facts:
        text = lines[f.line - 1]
        if f.kind in (DEFINITION, PROPERTY, ABBREVIATION):
            assert f.term.split("(")[0] in text, (f.term, f.line, text)
        elif f.kind == DIAGRAM:
            assert "mermaid" in text


def test_counts(note):
    kinds = [f.kind for f in note.facts]
    assert kinds.count(DEFINITION) == 6 + 6 + 8
    assert kinds.count(PROPERTY) == 6
    assert kinds.count(ENUMERATION) == 2
    assert kinds.count(ABBREVIATION) == 1
    assert kinds.count(DIAGRAM) == 2
    assert [f.line for f in note.facts] == sorted(f.line for f in note.facts)


def test_to_dict_round_trips_through_json(note):
    import json

    data = json.loads(json.dumps(note.to_dict(), ensure_ascii=False))
    assert data["title"] == "Docker+K8s学习1"
    assert len(data["facts"]) == len(note.facts)
