"""`flask notes report` and its pure module: what a note gives and what looks misread."""

from __future__ import annotations

import json

from studyk8s.cards import generate_cards
from studyk8s.notes import parse_note
from studyk8s.notes.report import format_report, note_report, suspicious_facts

NOTE = """---
title: 网络笔记
---
## 组件
- kube-proxy: 维护节点上的转发规则
- CoreDNS: 集群内的域名解析

## 随记
节点处于 NotReady 时不会被调度。

- 一个很长的定义: {long}

kubectl get pods -o wide

{{{{< youtube abc >}}}}
"""


def parse(text: str, path: str = "notes/net.md"):
    return parse_note(text.encode("utf-8"), path)


def test_report_counts_facts_cards_and_warnings():
    note = parse(NOTE.format(long="很" * 230))
    report = note_report(note, cards=generate_cards)
    assert report["facts"]["definition"] == 3
    assert report["cards"]["term_definition"] >= 3
    assert report["code"] == 1
    assert any(w.startswith("notes/net.md:13:") for w in report["warnings"])  # the command
    assert any(w.startswith("notes/net.md:15:") for w in report["warnings"])  # the shortcode
    assert report["gate_dropped"] is None
    (long_def,) = [s for s in report["suspicious"] if s["term"] == "一个很长的定义"]
    assert long_def["source"] == "notes/net.md:11"
    assert "definition is" in long_def["why"][0]


def test_suspicious_terms_and_short_clozes():
    note = parse("- Pods are replaced when a node dies: yes\n\nA Pod has an IP per Pod in K.\n")
    from dataclasses import replace

    # a reader that took a sentence as a term, and a one-letter cloze: both flagged
    bad_term = replace(note.facts[0], kind="definition", term="Pods are replaced when a node dies")
    short = replace(note.facts[-1], cloze="K")
    note = replace(note, facts=(bad_term, short))
    why = {s["term"]: s["why"] for s in suspicious_facts(note)}
    assert why[bad_term.term] == ["term reads like a sentence"]
    assert why[short.term] == ["cloze blanks the short token 'K'"]


def test_gate_hook_adds_its_counts():
    note = parse(NOTE.format(long="短"))
    report = note_report(note, gate=lambda n: {"answer in prompt": 2, "mixed choices": 1})
    assert report["gate_dropped"] == {"answer in prompt": 2, "mixed choices": 1}
    assert "dropped by the quality gate: answer in prompt 2, mixed choices 1" in format_report(
        [report])


def test_cli_report_text_and_json(runner, tmp_path):
    path = tmp_path / "net.md"
    path.write_text(NOTE.format(long="很" * 230), encoding="utf-8")
    result = runner.invoke(args=["notes", "report", str(path)])
    assert result.exit_code == 0, result.output
    assert "facts: definition 3, statement 1" in result.output
    assert "suspicious facts: 1" in result.output
    assert f"{path}:15: warning: shortcode 'youtube'" in result.output
    result = runner.invoke(args=["notes", "report", str(path), "--json"])
    [doc] = json.loads(result.output)["notes"]
    assert doc["cards"] and doc["facts"]["definition"] == 3


def test_cli_parse_json_lists_plan_code_and_warnings(runner, tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("## 学习目标\n- 网络: 掌握CNI\n\n```bash\nkubectl get svc\n```\n\n"
                    "yum install -y ipvsadm\n", encoding="utf-8")
    result = runner.invoke(args=["notes", "parse", str(path), "--json"])
    [doc] = json.loads(result.output)["notes"]
    assert doc["plan"] == [{"label": "网络", "text": "掌握CNI", "source": f"{path}:2"}]
    assert [(c["lang"], c["text"]) for c in doc["code"]] == [
        ("bash", "kubectl get svc"), ("shell", "yum install -y ipvsadm")]
    assert doc["warnings"] == [
        f"{path}:8: warning: command or file content outside a code block: kept as code"]
    check = runner.invoke(args=["notes", "check", str(path)])
    assert f"{path}:8: warning:" in check.output and check.exit_code == 0
