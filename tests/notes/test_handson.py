"""Hands-on facts: commands and manifests found in a note's code, each with its task and line."""

from __future__ import annotations

from studyk8s.notes import parse_note, read_notes
from studyk8s.notes.handson import COMMAND, MANIFEST, attach
from studyk8s.notes.report import format_report, note_report

NOTE = """\
---
title: 实操笔记
---

# Pod

## 查看

```bash
# 查看 pod 详细信息
kubectl describe pod web -n dev
kubectl get pod web -n dev -o yaml   # 以 YAML 输出

# kubectl delete pod web
$ kubectl get po -o wide
```

下面这条命令把 Deployment 扩到 5 个副本。

```sh
[root@master ~]# kubectl scale deploy web \\
    --replicas=5
```

```console
$ kubectl get nodes
NAME     STATUS   ROLES
master   Ready    control-plane
```

## 清单

创建一个只运行 nginx 的 Pod：

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
```

普通的 YAML 配置不是清单：

```yaml
server:
  port: 8080
```

模板也不算：

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: <your-pod>
```

一个坏掉的清单：

```yaml
apiVersion: v1
kind: Pod
metadata: [name: x
```

etcd 备份

    ETCDCTL_API=3 etcdctl snapshot save /tmp/snap.db
"""


def _note():
    data = NOTE.encode()
    return attach(parse_note(data, "n.md"), data)


def _by_text(note):
    return {f.definition.split("\n")[0]: f for f in note.handson}


def test_commands_get_the_task_of_the_comment_above_or_at_their_end():
    facts = _by_text(_note())
    describe = facts["kubectl describe pod web -n dev"]
    assert describe.kind == COMMAND
    assert describe.term == "查看 pod 详细信息"
    assert describe.source == "n.md:11"
    assert describe.section == ("Pod", "查看")
    assert facts["kubectl get pod web -n dev -o yaml"].term == "以 YAML 输出"


def test_prompts_are_stripped_and_continuations_joined():
    facts = _by_text(_note())
    assert "kubectl get po -o wide" in facts  # `$ ` prompt
    scale = facts["kubectl scale deploy web --replicas=5"]  # `[root@master ~]# ` and `\\`
    assert scale.term == "下面这条命令把 Deployment 扩到 5 个副本"
    assert scale.source == "n.md:21"
    assert "kubectl get nodes" in facts
    # a commented-out command is no command, nor a task; console output is not a command
    assert "kubectl delete pod web" not in facts
    assert not any(t.startswith(("NAME", "master")) for t in facts)


def test_a_command_without_its_own_task_takes_the_sentence_or_heading_before_it():
    facts = _by_text(_note())
    assert facts["kubectl get po -o wide"].term == "查看"  # after a blank line: no comment
    assert facts["kubectl get nodes"].term == "查看"  # a block right after another block
    etcd = facts["ETCDCTL_API=3 etcdctl snapshot save /tmp/snap.db"]
    assert etcd.term == "etcd 备份"  # an indented block


def test_manifest_blocks_multi_document_with_task_and_line():
    note = _note()
    manifests = [f for f in note.handson if f.kind == MANIFEST]
    assert len(manifests) == 1  # plain YAML config and a template with <placeholders> are not
    m = manifests[0]
    assert m.term == "创建一个只运行 nginx 的 Pod"
    assert m.source == "n.md:36"
    assert "kind: Service" in m.definition and m.definition.startswith("apiVersion: v1")


def test_a_broken_manifest_is_a_warning_with_its_line():
    note = _note()
    broken = [w for w in note.warnings if "not a manifest" in w.message]
    assert len(broken) == 1 and broken[0].line in (77, 78), broken  # the bad line (or EOF)


def test_keys_stay_unique_when_tasks_repeat():
    note = _note()
    idents = [(f.kind, f.term, f.occurrence) for f in note.handson]
    assert len(idents) == len(set(idents))


def test_read_notes_attaches_them_and_the_json_and_report_show_them(tmp_path):
    path = tmp_path / "n.md"
    path.write_text(NOTE, encoding="utf-8")
    note = read_notes([str(path)]).notes[0]
    assert len(note.handson) == 7
    doc = note.to_dict()
    assert {h["kind"] for h in doc["handson"]} == {COMMAND, MANIFEST}
    report = note_report(note)
    assert report["handson"] == {"command": 6, "manifest": 1}
    assert "hands-on: command 6, manifest 1" in format_report([report])


def test_cli_parse_json_and_report(tmp_path, app):
    import json

    path = tmp_path / "n.md"
    path.write_text(NOTE, encoding="utf-8")
    runner = app.test_cli_runner()
    out = runner.invoke(args=["notes", "parse", "--json", str(path)])
    assert out.exit_code == 0, out.output
    handson = json.loads(out.output)["notes"][0]["handson"]
    assert any(h["definition"] == "kubectl describe pod web -n dev"
               and h["source"].endswith("n.md:11") for h in handson)
    text = runner.invoke(args=["notes", "parse", str(path)]).output
    assert "n.md:11\tcommand\t-\t查看 pod 详细信息\tkubectl describe pod web -n dev" in text
    report = runner.invoke(args=["notes", "report", str(path)]).output
    assert "hands-on: command 6, manifest 1" in report
