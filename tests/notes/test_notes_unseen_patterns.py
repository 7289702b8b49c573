"""Rules found by reading notes the reader was not written for (issue 13, unseen notes):
what the corpus JSON cannot say — clozes, warnings, what must not become a fact."""

from __future__ import annotations

from studyk8s.notes import DEFINITION, ENUMERATION, STATEMENT, parse_note
from studyk8s.notes.blocks import code_kind


def parse(text: str):
    return parse_note(text.encode("utf-8"), "notes/n.md")


def test_a_sentence_opening_word_is_no_cloze():
    note = parse("Specifically, a volume outlives its containers.\n\n"
                 "Otherwise, restarts would lose data.\n\nIt is the Pod that owns the volume.\n")
    clozes = {f.definition: f.cloze for f in note.facts if f.kind == STATEMENT}
    assert clozes["Specifically, a volume outlives its containers."] == ""
    assert clozes["Otherwise, restarts would lose data."] == ""
    assert clozes["It is the Pod that owns the volume."] == "Pod"


def test_prose_about_a_cli_is_not_a_command():
    assert code_kind("kubectl reach `kube-apiserver` (send request to it) for resources") == ""
    assert code_kind("kubectl get pods -o wide") == "shell"
    assert code_kind("kubectl rolling-update web -f web.yaml") == "shell"  # an old verb, flags


def test_a_bare_name_among_definitions_gets_no_empty_definition():
    note = parse("## 组件\n- etcd: 保存集群状态\n- apiserver: 集群的入口\n- scheduler\n")
    assert all(f.definition for f in note.facts if f.kind == DEFINITION)
    assert [f.term for f in note.facts if f.kind == DEFINITION] == ["etcd", "apiserver"]


def test_a_list_of_commands_is_skipped_with_a_warning():
    note = parse("## Image\n1. from net `docker pull nginx:1.25`\n"
                 "2. save as a file `docker save -o web.tar web:1`\n")
    assert not [f for f in note.facts if f.kind == ENUMERATION]
    assert any(w.line == 2 and "commands" in w.message for w in note.warnings)


def test_a_link_target_line_is_no_list_item():
    note = parse("## ETCD\n- install it as a static Pod\n- [docs]: https://etcd.io/docs\n")
    assert not [f for f in note.facts if f.kind == ENUMERATION]
    assert not any("https://" in f.definition for f in note.facts)


def test_a_heading_paragraph_that_introduces_a_list_defines_nothing():
    note = parse("# 服务质量等级（QoS）\n\nQoS（Quality of Service），可以是以下等级之一：\n\n"
                 "- Guaranteed：请求等于限制\n- BestEffort：什么都没设\n")
    assert [f.term for f in note.facts if f.kind == DEFINITION] == ["Guaranteed", "BestEffort"]


def test_remark_labels_leave_the_remark():
    note = parse("注意：bind mount 依赖宿主机的目录结构。\n\n> **Tip:** 只读挂载更安全。\n\n"
                 "注意，时间要同步。\n\n"
                 "翻译：某某\n")
    said = [f.definition for f in note.facts]
    assert said == ["bind mount 依赖宿主机的目录结构。", "只读挂载更安全。", "时间要同步。"]


def test_no_cloze_out_of_a_command_with_its_explanation():
    note = parse("1: docker run\n   --name db 给容器取名字\n   --restart=always 始终自启动\n"
                 "3: docker exec -it web /bin/bash\n")
    stmts = [f for f in note.facts if f.kind == STATEMENT]
    assert stmts and all(not f.cloze for f in stmts)


def test_third_level_items_under_a_condition_are_kept_as_statements():
    note = parse("## 状态示例\n- 容器正在运行。容器成功退出。\n  - 记录完成事件。\n"
                 "  - 如果 restartPolicy 为：\n    - Always：重启容器，phase 仍为 Running。\n"
                 "    - Never：phase 变成 Succeeded。\n- 磁盘故障：\n  - 杀掉所有容器。\n")
    said = [f.definition for f in note.facts if f.kind == STATEMENT]
    assert "Always：重启容器，phase 仍为 Running。" in said
    assert "Never：phase 变成 Succeeded。" in said


def test_a_full_sentence_before_a_list_stays_a_statement():
    note = parse("Eviction is a process the kubelet runs on one of the following triggers:\n"
                 "* a node runs out of memory\n* an API client asks for it\n\n"
                 "下面是可能的值：\n- Always\n- Never\n")
    said = [f.definition for f in note.facts if f.kind == STATEMENT]
    assert said == ["Eviction is a process the kubelet runs on one of the following triggers:"]


def test_a_tooltip_without_text_shows_a_component_name_as_written():
    note = parse('Runtimes: {{< glossary_tooltip term_id="cri-o" >}} and '
                 '{{< glossary_tooltip term_id="containerd" >}} talk to the '
                 '{{< glossary_tooltip term_id="kube-scheduler" >}} via the '
                 '{{< glossary_tooltip term_id="control-plane" >}}.\n')
    text = " ".join(f.definition for f in note.facts)
    assert "cri-o" in text and "kube-scheduler" in text and "control plane" in text
