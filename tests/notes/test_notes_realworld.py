"""Issue 13's rules, one small note each: Hugo pages, wrapped paragraphs, tables, code,
clean terms and clozes, study plans, nested lists, stray characters. The notes here are
written for the tests; the corpus (tests/notes/corpus) checks the same rules at scale."""

from __future__ import annotations

from studyk8s.notes import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    PROPERTY,
    STATEMENT,
    parse_note,
)


def parse(text: str, path: str = "notes/n.md"):
    return parse_note(text.encode("utf-8"), path)


def defs(note):
    return [(f.term, f.definition, f.group) for f in note.facts if f.kind == DEFINITION]


def all_text(note) -> str:
    return "\n".join(f"{f.term}|{f.definition}|{f.cloze}|{'|'.join(f.aliases)}"
                     for f in note.facts)


# -- Hugo pages ------------------------------------------------------------------------------

GLOSSARY_ZH = """---
title: 调度器
id: kube-scheduler
short_description: >
  把新建的 Pod 分配到合适节点上的控制面组件。
aka:
- kube-scheduler
tags:
- architecture
---
<!--
title: Scheduler
id: kube-scheduler
short_description: >
  Control plane part that places new Pods.
-->

<!--
English original paragraph, kept for translators.
-->
调度器会监视没有绑定节点的 {{< glossary_tooltip text="Pod" term_id="pod" >}}，
并为它们挑选运行的节点。

<!--more-->

挑选时会考虑资源需求和亲和性规则。
"""


def test_glossary_front_matter_is_a_definition_with_aliases_and_group():
    note = parse(GLOSSARY_ZH)
    (fact,) = [f for f in note.facts if f.kind == DEFINITION]
    assert fact.term == "调度器"
    assert fact.definition == "把新建的 Pod 分配到合适节点上的控制面组件。"
    assert set(fact.aliases) == {"Scheduler", "kube-scheduler"}  # comment title + aka
    assert fact.group == "architecture"
    assert fact.source == "notes/n.md:2"


def test_shortcodes_comments_and_more_never_reach_a_fact():
    note = parse(GLOSSARY_ZH)
    text = all_text(note)
    for bad in ("glossary_tooltip", "term_id", "{{", "<!--", "more", "English original"):
        assert bad not in text
    stmts = [f.definition for f in note.facts if f.kind == STATEMENT]
    # the two wrapped lines are one sentence, joined without a space between CJK characters
    assert "调度器会监视没有绑定节点的 Pod，并为它们挑选运行的节点。" in stmts


def test_title_with_its_abbreviation_in_parentheses():
    note = parse("---\ntitle: 容器网络接口（CNI）\nshort_description: 网络插件的接口。\n---\n"
                 "<!--\ntitle: Container Network Interface (CNI)\n-->\n")
    (fact,) = note.facts
    assert fact.term == "容器网络接口"
    assert set(fact.aliases) == {"CNI", "Container Network Interface"}
    assert fact.group == ""


def test_unknown_shortcode_is_dropped_with_a_warning_on_its_line():
    note = parse("Pods run containers.\n\n{{< figure src=\"x.png\" >}}\n\n"
                 "A Service {{< fancy-box >}} routes traffic.\n")
    assert {w.line for w in note.warnings} >= {3, 5}
    assert "fancy-box" not in all_text(note) and "figure" not in all_text(note)
    assert any(f.definition == "A Service routes traffic." for f in note.facts)


def test_known_inline_shortcodes_give_their_visible_text():
    note = parse('- Volume: a directory, see [the docs]({{< ref "storage.md" >}}) '
                 'and {{< param "version" >}}\n')
    (fact,) = note.facts
    assert fact.definition == "a directory, see the docs and version"
    assert note.warnings == ()


def test_mermaid_and_highlight_shortcodes_are_blocks():
    note = parse("## 流程\n{{< mermaid >}}\ngraph LR\nA-->B\n{{< /mermaid >}}\n\n"
                 "{{< highlight yaml >}}\napiVersion: v1\nkind: Pod\n{{< /highlight >}}\n")
    assert [f.kind for f in note.facts] == [DIAGRAM]
    (code,) = note.code
    assert (code.lang, code.text, code.source) == ("yaml", "apiVersion: v1\nkind: Pod",
                                                   "notes/n.md:7")


# -- paragraphs, tables, code -------------------------------------------------------------------

def test_wrapped_english_definition_is_one_definition():
    note = parse("Service: an abstract way to expose an application running on a set of\n"
                 "Pods as a network service.\n")
    assert defs(note) == [("Service", "an abstract way to expose an application running on "
                           "a set of Pods as a network service.", "")]


def test_table_rows_are_definitions_grouped_by_the_header():
    note = parse("## 组件\n| 组件 | 作用 | 端口 |\n| --- | --- | --- |\n"
                 "| kube-apiserver | 集群入口 | 6443 |\n| etcd | 存储集群状态 | 2379 |\n")
    assert [(t, g) for t, _, g in defs(note)] == [("kube-apiserver", "组件"), ("etcd", "组件")]
    assert note.facts[0].definition == "集群入口; 6443"
    assert note.facts[1].source == "notes/n.md:5"
    assert not any("|" in f.term + f.definition for f in note.facts)


def test_table_without_names_is_a_warning():
    note = parse("| 步骤 | 命令 |\n| --- | --- |\n| 1. 先安装, 再启动。 | 见下 |\n"
                 "| 2. 检查是否成功了。 | 见下 |\n")
    assert defs(note) == []
    assert [w.line for w in note.warnings if "table" in w.message] == [1]


def test_code_of_every_kind_is_kept_as_code_never_facts():
    note = parse(
        "安装步骤\n\n"
        "```bash\nkubectl get pods\n```\n\n"
        "    indented: code line\n\n"
        "yum install -y kubelet kubeadm\n"
        "cat > /etc/hosts <<EOF\n"
        "192.168.1.10 k8s-master\n"
        "name: value inside the file\n"
        "EOF\n\n"
        "10.0.0.2 k8s-node1\n\n"
        "kubectl 是命令行工具\n"
    )
    assert [c.lang for c in note.code] == ["bash", "text", "shell", "hosts"]
    assert note.code[2].text.splitlines()[-1] == "EOF"
    text = all_text(note)
    for bad in ("yum", "EOF", "192.168", "k8s-node1", "name: value", "indented", "get pods"):
        assert bad not in text
    assert [f.definition for f in note.facts if f.kind == STATEMENT] == ["安装步骤",
                                                                          "kubectl 是命令行工具"]
    assert {w.line for w in note.warnings} >= {9, 15}


# -- terms, aliases, clozes ---------------------------------------------------------------------

def test_alias_only_when_the_parenthesis_names_the_thing():
    note = parse(
        "- IPVS(IP Virtual Server): 内核负载均衡\n"
        "- Ingress(可以理解为入口规则): 七层路由\n"
        "- Calico（第三方）: 网络插件\n"
        "- Docker(golang): 容器引擎\n"
        "- 服务(Service): 稳定的访问入口\n"
        "- VXLAN(Virtual Extensible LAN): 隧道封装\n"
    )
    got = {f.term: f.aliases for f in note.facts}
    assert got == {"IPVS": ("IP Virtual Server",), "Ingress": (), "Calico": (), "Docker": (),
                   "服务": ("Service",), "VXLAN": ("Virtual Extensible LAN",)}


def test_comma_separated_terms_are_siblings():
    note = parse("存储类型:\n- nfs, glusterfs、cephfs: 网络存储\n- hostPath: 节点本地目录\n")
    assert defs(note) == [("nfs", "网络存储", "存储类型"), ("glusterfs", "网络存储", "存储类型"),
                          ("cephfs", "网络存储", "存储类型"),
                          ("hostPath", "节点本地目录", "存储类型")]


def test_dash_and_wide_colon_definitions_and_odd_markers():
    note = parse(
        "组件:\n"
        "- cAdvisor - 采集容器的资源用量\n"
        "- Heapster — 旧的监控聚合\n"
        "-\u3000Scheduler：\u3000挑选节点\n"
        "・Kubelet：管理本机的 Pod\n"
        "１．Proxy：维护转发规则\n"
    )
    assert [(t, d) for t, d, _ in defs(note)] == [
        ("cAdvisor", "采集容器的资源用量"), ("Heapster", "旧的监控聚合"),
        ("Scheduler", "挑选节点"), ("Kubelet", "管理本机的 Pod"), ("Proxy", "维护转发规则"),
    ]


def test_sentence_like_candidates_are_statements():
    note = parse("但是不能相互替换: 这点要记住\n\n客户端通过Service的IP: 访问后端\n\n"
                 "Pods are never moved: they are replaced\n")
    assert defs(note) == []
    assert all(f.kind == STATEMENT for f in note.facts)


def test_abbreviations_of_every_style():
    note = parse("SVC:Service的缩写\n\nK8s:Kubernetes\n\nCNI:container network interface\n")
    got = [(f.kind, f.term, f.definition) for f in note.facts]
    assert got == [(ABBREVIATION, "SVC", "Service的缩写"), (ABBREVIATION, "K8s", "Kubernetes"),
                   (ABBREVIATION, "CNI", "container network interface")]


def test_cloze_is_a_whole_name():
    note = parse("API Server是集群的统一入口\n\n节点处于NotReady状态时不会调度新Pod\n\n"
                 "使用 **kube-proxy** 维护规则\n")
    clozes = [f.cloze for f in note.facts]
    assert clozes == ["API Server", "NotReady", "kube-proxy"]
    assert [f.definition for f in note.facts][2] == "使用 kube-proxy 维护规则"


# -- plans, nesting ------------------------------------------------------------------------------

def test_learning_plan_is_not_definitions():
    note = parse("## 本周目标\n- 调度: 掌握亲和性\n- 网络: 了解CNI\n\n"
                 "Goals:\n- learn how Services route\n- understand probes\n")
    assert note.facts == ()
    assert [(p.label, p.text, p.source) for p in note.plan] == [
        ("调度", "掌握亲和性", "notes/n.md:2"), ("网络", "了解CNI", "notes/n.md:3"),
        ("learn how Services route", "learn how Services route", "notes/n.md:6"),
        ("understand probes", "understand probes", "notes/n.md:7"),
    ]
    assert "no facts" not in " ".join(w.message for w in note.warnings)


def test_term_with_empty_colon_groups_its_nested_definitions():
    note = parse(
        "调度策略:\n"
        "1. 节点亲和性(nodeAffinity):\n"
        "    - requiredDuringSchedulingIgnoredDuringExecution: 硬策略\n"
        "    - preferredDuringSchedulingIgnoredDuringExecution: 软策略\n"
        "2. Pod亲和性(podAffinity): 和某些Pod放在一起\n"
        "   podAntiAffinity: 和某些Pod分开\n"
    )
    assert defs(note) == [
        ("requiredDuringSchedulingIgnoredDuringExecution", "硬策略", "节点亲和性"),
        ("preferredDuringSchedulingIgnoredDuringExecution", "软策略", "节点亲和性"),
        ("Pod亲和性", "和某些Pod放在一起", "调度策略"),
        ("podAntiAffinity", "和某些Pod分开", "调度策略"),
    ]
    assert note.facts[2].aliases == ("podAffinity",)


def test_three_levels_keep_every_item():
    note = parse(
        "## 控制器\n"
        "1. Deployment: 无状态应用\n"
        "   - 滚动更新: 逐个替换\n"
        "     - maxSurge: 最多多出的Pod数\n"
        "     - maxUnavailable: 最多不可用的Pod数\n"
    )
    props = [(f.term, f.parent) for f in note.facts if f.kind == PROPERTY]
    assert props == [("滚动更新", "Deployment"), ("maxSurge", "滚动更新"),
                     ("maxUnavailable", "滚动更新")]


def test_lone_cr_and_zero_width_characters_are_cleaned():
    note = parse("- Pod\u200b: 最小\r单元\n- Node: 机\ufeff器\r\n")
    assert defs(note) == [("Pod", "最小 单元", ""), ("Node", "机器", "")]
    assert note.facts[1].source == "notes/n.md:2"


def test_too_deep_nesting_is_a_warning_not_a_silent_loss():
    deep = "".join(" " * (2 * i) + f"- t{i}: d\n" for i in range(40))
    note = parse("组:\n" + deep)
    assert any("nested too deeply" in w.message for w in note.warnings)


def test_unfenced_manifest_with_comments_is_one_code_block_as_typed():
    note = parse("描述文件:\n\napiVersion: v1\nkind: Pod  //类型\nmetadata:\n"
                 "   name: web   //名字\n\n一句说明\n")
    (code,) = note.code
    assert code.text == "apiVersion: v1\nkind: Pod  //类型\nmetadata:\n   name: web   //名字"
    assert [f.definition for f in note.facts] == ["一句说明"]


def test_ascii_art_and_pipe_rows_without_a_table_are_code():
    note = parse("+------+   +-----+\n| Pod  |-->| Svc |\n+------+   +-----+\n\n"
                 "| a | b |\n| c | d |\n")
    assert note.facts == ()
    assert len(note.code) == 2 and {w.line for w in note.warnings} >= {1, 5}


def test_chinese_numbered_section_lines_are_headings():
    note = parse("一、控制器类型\n\n1、ReplicaSet: 维持副本数\n\n二、其他\n\n随便记一句话\n")
    (fact,) = [f for f in note.facts if f.kind == DEFINITION]
    assert (fact.term, fact.group, fact.section) == ("ReplicaSet", "控制器类型", ("控制器类型",))
    assert note.facts[-1].section == ("其他",)


def test_cloze_never_cuts_a_path_or_a_flag():
    note = parse("配置放在 /etc/cni/net.d 目录, 由kubelet读取\n\n"
                 "加上--record参数, 方便查看revision\n")
    assert [f.cloze for f in note.facts] == ["kubelet", "revision"]


def test_statement_without_a_cloze_blanks_a_term_the_note_defines():
    note = parse("- Deployment: 管理无状态应用\n\nthe rollout is driven by a deployment object\n"
                 "\nwe scale each Deployment by hand\n")
    assert [f.cloze for f in note.facts if f.kind == STATEMENT] == ["", "Deployment"]


def test_table_of_commands_is_a_warning_not_definitions():
    note = parse("| 命令 | 作用 |\n| --- | --- |\n| `kubectl get svc` | 列出服务 |\n"
                 "| `kubectl get pods -o wide` | 列出Pod |\n")
    assert defs(note) == []
    assert [w.line for w in note.warnings if "table" in w.message] == [1]
