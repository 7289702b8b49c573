"""The content grammar on small notes: one rule per test."""

from __future__ import annotations

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
from studyk8s.notes.mermaid import parse_mermaid


def parse(text: str, path: str = "notes/n.md"):
    return parse_note(text.encode("utf-8"), path)


def terms(note, kind=DEFINITION):
    return [f.term for f in note.facts if f.kind == kind]


def test_full_width_colon_and_heading_group():
    note = parse("## 核心组件：\n- 存储： 持久化数据\n- 安全:集群认证\n")
    assert [(f.term, f.definition, f.group) for f in note.facts] == [
        ("存储", "持久化数据", "核心组件"),
        ("安全", "集群认证", "核心组件"),
    ]


def test_label_ends_previous_list_without_blank_line():
    note = parse("A组:\n- a1: x\n- a2: y\nB组:\n- b1: z\n- b2: w\n")
    assert [(f.term, f.group) for f in note.facts] == [
        ("a1", "A组"), ("a2", "A组"), ("b1", "B组"), ("b2", "B组"),
    ]


def test_label_directly_over_own_line_definitions():
    note = parse("Services:\nClusterIP: internal\nNodePort: on each node\n\nOther: alone\n")
    assert [(f.term, f.group) for f in note.facts] == [
        ("ClusterIP", "Services"), ("NodePort", "Services"), ("Other", ""),
    ]


def test_empty_label_warnings():
    note = parse("存储:\n## 下一节\n- a\n- b\n服务发现:\n")
    assert [w.line for w in note.warnings] == [1, 5]
    assert all(w.severity == "warning" for w in note.warnings)


def test_label_followed_by_text_is_not_empty():
    note = parse("说明:\n这里是一段解释\n")
    assert note.warnings == ()


def test_markdown_in_terms_and_links():
    note = parse(
        "- **Pod**: the smallest unit\n"
        "- **Node:** a machine\n"
        "- `kubectl`: the CLI\n"
        "- [Service](https://kubernetes.io/docs/concepts/services-networking/): stable IP\n"
    )
    assert terms(note) == ["Pod", "Node", "kubectl", "Service"]
    assert note.facts[1].definition == "a machine"


def test_colons_that_are_not_definitions():
    note = parse(
        "来自B站[www.bilibili.com](https://www.bilibili.com/video/BV1?p=7)视频\n\n"
        "See https://kubernetes.io for more\n\n"
        "会议 10:30 开始\n\n"
        "注意: 这不是定义\n\n"
        "这是一个很长很长的句子，它里面虽然有冒号但前面不是术语: 后面\n"
    )
    assert terms(note) == []
    assert all(f.kind == STATEMENT for f in note.facts)
    assert not any("](" in f.term for f in note.facts)
    assert note.facts[0].term == "来自B站www.bilibili.com视频"


def test_code_blocks_yield_nothing():
    note = parse(
        "Pod yaml:\n```yaml\napiVersion: v1\nkind: Pod\n```\n\n"
        "    indented: code\n\n~~~\nname: x\n~~~\n<!--\nhidden: comment\n-->\n"
    )
    assert note.facts == ()
    assert [w.message for w in note.warnings] == ["no facts found in this note"]


def test_unclosed_fence_is_a_warning():
    note = parse("a: b\n```\nkind: Pod\n")
    assert [f.term for f in note.facts] == ["a"]
    assert [(w.line, "never closed" in w.message) for w in note.warnings] == [(2, True)]


def test_aliases():
    note = parse(
        "- ReplicationController(RC): x\n- Ingress（ING）: y\n- Service(svc/SVC): z\n"
        "- Pod(容器组): w\n- Deployment (see the docs below): v\n"
    )
    got = {f.term: f.aliases for f in note.facts}
    assert got == {
        "ReplicationController": ("RC",),
        "Ingress": ("ING",),
        "Service": ("svc", "SVC"),
        "Pod": ("容器组",),
        "Deployment": (),  # an explanatory parenthesis is neither term nor alias
    }


def test_abbreviations_own_line_and_strict_in_lists():
    note = parse(
        "CRI:container runtime interface\nHPA: Horizontal Pod Autoscaler\n\n"
        "组件:\n- ETCD: 可信赖的分布式键值存储\n- CNI: Container Network Interface\n"
        "- API: the front door\n"
    )
    assert terms(note, ABBREVIATION) == ["CRI", "HPA", "CNI"]
    assert terms(note) == ["ETCD", "API"]


def test_continuation_lines_are_siblings_and_parenthetical_extends():
    note = parse(
        "控制器:\n"
        "1. RC: 保证副本数\n"
        "   RS: 支持集合式selector\n"
        "   (例如: 滚动更新)\n"
        "   它还能做更多\n"
        "2. HPA: 自动扩容\n"
    )
    assert [(f.term, f.definition, f.line) for f in note.facts] == [
        ("RC", "保证副本数", 2),
        ("RS", "支持集合式selector (例如: 滚动更新) 它还能做更多", 3),
        ("HPA", "自动扩容", 6),
    ]


def test_nested_items():
    note = parse(
        "类型:\n"
        "- StatefulSet: 有状态\n"
        "  - 稳定存储: 基于PVC\n"
        "  - 有序部署\n"
        "- Job,CronJob\n"
        "  - Job: 一次\n"
        "  - CronJob: 定时\n"
        "- 资源:\n"
        "  - CPU: 核\n"
        "  - 内存: 字节\n"
        "- 优点\n"
        "  - 快\n"
        "  - 省\n"
    )
    facts = [(f.kind, f.term, f.group, f.parent) for f in note.facts]
    assert facts == [
        (DEFINITION, "StatefulSet", "类型", ""),
        (PROPERTY, "稳定存储", "StatefulSet", "StatefulSet"),
        (PROPERTY, "有序部署", "StatefulSet", "StatefulSet"),
        (DEFINITION, "Job", "类型", ""),
        (DEFINITION, "CronJob", "类型", ""),
        (DEFINITION, "CPU", "资源", ""),
        (DEFINITION, "内存", "资源", ""),
        (ENUMERATION, "优点", "类型", ""),
    ]
    assert note.facts[-1].items == ("快", "省")


def test_enumeration_needs_a_name():
    note = parse(
        "---\ntitle: 笔记\n---\n- 一\n- 二\n\n## 优点\n1. 快\n2. 省\n\n文字\n\n- 稳\n- 准\n"
    )
    enums = [(f.term, f.items) for f in note.facts if f.kind == ENUMERATION]
    assert enums == [("笔记", ("一", "二")), ("优点", ("快", "省")), ("优点", ("稳", "准"))]
    assert [f.occurrence for f in note.facts if f.kind == ENUMERATION] == [1, 1, 2]


def test_soft_wrapped_english_paragraph_is_one_statement():
    note = parse(
        "A Pod is the smallest deployable unit of computing that you can create in\n"
        "Kubernetes and manage. It runs on a node.\nServices are stable\nPods are not\n"
    )
    assert [(f.definition, f.line) for f in note.facts] == [
        ("A Pod is the smallest deployable unit of computing that you can create in "
         "Kubernetes and manage.", 1),
        ("It runs on a node.", 2),
        ("Services are stable", 3),
        ("Pods are not", 4),
    ]
    note = parse("Pods are ephemeral and get\nnew IPs when rescheduled by the ReplicaSet.\n")
    (fact,) = note.facts
    assert fact.line == 1 and fact.cloze == "ReplicaSet"


def test_cloze_targets():
    note = parse(
        "前身是Borg系统\n\n"
        "所有服务都经过{{APIServer}}访问\n\n"
        "镜像使用 `containerd` 运行\n\n"
        "The **scheduler** picks a node.\n\n"
        "Pod和pod里的容器共享网络\n\n"
        "这是纯中文句子\n"
    )
    got = {f.definition: f.cloze for f in note.facts}
    assert got == {
        "前身是Borg系统": "Borg",
        "所有服务都经过APIServer访问": "APIServer",
        "镜像使用 containerd 运行": "containerd",
        "The scheduler picks a node.": "scheduler",
        "Pod和pod里的容器共享网络": "",
        "这是纯中文句子": "",
    }


def test_cloze_avoids_the_section_name():
    note = parse("# Pod\n共用 pause容器 的 Pod网络\n")
    assert note.facts[0].cloze == "pause"


def test_headings_sections_and_setext():
    note = parse("Intro\n=====\n\n## Parts ##\n- a: b\n\nSub\n---\n- c: d\n")
    assert [(f.term, f.section) for f in note.facts] == [
        ("a", ("Intro", "Parts")), ("c", ("Intro", "Sub")),
    ]
    assert note.title == "Intro"


def test_title_falls_back_to_stem():
    assert parse("- a: b\n", "notes/my-note.md").title == "my-note"


def test_lang_detection():
    assert parse("A Pod is the smallest unit.\n").lang == "en"
    assert parse("Pod是最小的部署单元\n").lang == "zh"
    en_with_some_chinese = "Pods (容器组) are the smallest deployable units of computing.\n" * 3
    assert parse(en_with_some_chinese).lang == "en"
    assert parse("---\nlang: zh-CN\n---\nHello world\n").lang == "zh"


def test_toml_front_matter():
    note = parse('+++\ntitle = "T"\ntags = ["a"]\ndraft = true\n+++\n- a: b\n')
    assert (note.title, note.tags, note.draft, note.facts[0].line) == ("T", ("a",), True, 6)


def test_mermaid_flowchart_syntax():
    kind, edges = parse_mermaid(
        "graph TD\n"
        "%% comment\n"
        "A[Client] -->|HTTP| B(API Server)\n"
        "B --> C{{etcd}} & D[(Disk)]\n"
        "C -- watch --> E((Controller))\n"
        "E -.-> F>Log]\n"
        "F ==> G\n"
        "subgraph cluster\n"
        "  G --- H\n"
        "end\n"
        "classDef red fill:#f00\n"
        "click A callback\n"
        "X:::red --> Y; Y --> Z\n"
    )
    assert kind == "graph"
    assert edges == (
        Edge("Client", "API Server", "HTTP"),
        Edge("API Server", "etcd"),
        Edge("API Server", "Disk"),
        Edge("etcd", "Controller", "watch"),
        Edge("Controller", "Log"),
        Edge("Log", "G"),
        Edge("G", "H"),
        Edge("X", "Y"),
        Edge("Y", "Z"),
    )


def test_mermaid_sequence_and_state():
    _, seq = parse_mermaid(
        "sequenceDiagram\nparticipant K as kubelet\nK->>API: register node\nAPI-->>K: ok\n"
    )
    assert seq == (Edge("kubelet", "API", "register node"), Edge("API", "kubelet", "ok"))
    _, state = parse_mermaid("stateDiagram-v2\n[*] --> Pending\nPending --> Running : scheduled\n")
    assert state == (Edge("[*]", "Pending"), Edge("Pending", "Running", "scheduled"))
    assert parse_mermaid("pie\n\"a\": 1\n") == ("pie", ())
    assert parse_mermaid("") == ("", ())


def test_diagram_titles_and_fenced_mermaid():
    note = parse(
        "## 架构\n"
        "```mermaid\ngraph LR\na-->b\n```\n\n"
        "调度流程:\n"
        "```mermaid\ngraph LR\nc-->d\n```\n\n"
        "存储架构(简化)\n"
        "{{< mermaid >}}\ngraph LR\ne-->f\n{{< /mermaid >}}\n"
        "{{<mermaid>}}\npie\n{{</mermaid>}}\n"
    )
    diagrams = [(f.term, f.definition, f.edges) for f in note.facts if f.kind == DIAGRAM]
    assert diagrams == [
        ("架构", "", (Edge("a", "b"),)),
        ("调度流程", "", (Edge("c", "d"),)),
        ("存储架构", "简化", (Edge("e", "f"),)),
        ("架构", "", ()),
    ]
    assert [f.kind for f in note.facts] == [DIAGRAM] * 4  # captions are not statements
    assert [w.line for w in note.warnings] == [18]  # the pie has no relations


def test_unclosed_mermaid_is_a_warning():
    note = parse("{{<mermaid>}}\ngraph LR\na-->b\n")
    assert note.facts[0].edges == (Edge("a", "b"),)
    assert "never closed" in note.warnings[0].message


def test_deep_nesting_and_long_lines_are_tamed():
    deep = "".join(" " * (2 * i) + f"- t{i}: d\n" for i in range(200))
    note = parse("组:\n" + deep + "x" * 5000 + "\n")
    assert all(1 <= f.line <= 202 for f in note.facts)
    assert any("over 4000 characters" in w.message for w in note.warnings)


def test_no_facts_warning():
    note = parse("---\ntitle: t\n---\n\n")
    assert note.facts == () and "no facts" in note.warnings[0].message
