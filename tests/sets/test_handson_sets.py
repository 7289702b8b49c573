"""Hands-on questions in quiz sets: `kind: command` and `kind: manifest` in the YAML, checked
by meaning once they reach the quiz engine; unreadable answers are refused with their line."""

from __future__ import annotations

from studyk8s.quiz import kinds
from studyk8s.sets.engine import from_question, to_question
from studyk8s.sets.schema import to_yaml, validate

SET = """\
title: CKA drills
questions:
  - id: pods-ks
    kind: command
    prompt: List the pods of kube-system with their nodes
    answers:
      - kubectl get pods -n kube-system -o wide
  - kind: manifest
    prompt: Write a Pod named web running nginx:1.25
    answers:
      - |
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            image: nginx:1.25
  - from_notes: {deck: drills.md, kind: manifest_field, count: 1}
"""


def test_command_and_manifest_questions_validate_and_check_by_meaning():
    report = validate(SET, "drills.yaml")
    assert report.ok, report.errors
    command, manifest, draw = report.spec.entries
    assert (command.kind, manifest.kind, draw.kind) == ("command", "manifest", "manifest_field")
    q = to_question(command)
    assert q.kind == "command"
    assert kinds.check(q, "kubectl get -o wide po --all-namespaces=false -n kube-system").correct
    wrong = kinds.check(q, "kubectl get pods -o wide")
    assert not wrong.correct and "namespace is default, expected kube-system" in wrong.explanation
    m = to_question(manifest)
    assert m.kind == "manifest" and m.meta["k8s_version"]
    assert kinds.check(m, "kind: Pod\napiVersion: v1\nmetadata: {name: web}\nspec:\n"
                          "  containers: [{name: web, image: 'nginx:1.25'}]\n").correct


def test_round_trip_through_yaml_and_back_from_a_question():
    spec = validate(SET, "drills.yaml").spec
    again = validate(to_yaml(spec), "again.yaml")
    assert again.ok and again.spec.entries == spec.entries
    item = from_question(to_question(spec.entries[0]), uid="pods-ks")
    assert item.kind == "command"
    assert item.choices[0].text == "kubectl get pods -n kube-system -o wide"


def test_an_answer_the_checker_cannot_read_is_an_error_with_its_line():
    bad = SET.replace("kubectl get pods -n kube-system -o wide", "kubectl get pods --nope")
    report = validate(bad, "drills.yaml")
    assert not report.ok
    (err,) = report.errors
    assert err.line == 6 and "cannot be read" in err.message and "--nope" in err.message
    broken = SET.replace("          name: web", "          name: [web")
    report = validate(broken, "drills.yaml")
    assert not report.ok and "manifest cannot be read" in report.errors[0].message
