"""Hands-on questions from command and manifest facts: built through the gate, in the
hands-on topic, and checked by meaning (flags in any order, YAML as data)."""

from __future__ import annotations

import random

import pytest

from studyk8s.notes import parse_note
from studyk8s.notes.handson import attach
from studyk8s.quiz import gate, kinds
from studyk8s.quiz.distractors import Pool
from studyk8s.quiz.generate import build, generate
from studyk8s.quiz.handson.questions import BLANK, blank_field, screen
from studyk8s.quiz.model import ResponseError, facts_of, handson_facts_of
from tests.web.handson_data import DRILLS, POD


@pytest.fixture(scope="module")
def note():
    return attach(parse_note(DRILLS.encode(), "drills.md"), DRILLS.encode())


@pytest.fixture(scope="module")
def facts(note):
    return facts_of(note) + handson_facts_of(note)


def _fact(facts, text):
    return next(f for f in facts if f.definition.startswith(text))


def test_hands_on_facts_sit_in_the_hands_on_topic_and_are_askable(facts):
    handson = [f for f in facts if f.kind in ("command", "manifest")]
    assert len(handson) == 3
    assert {f.topic for f in handson} == {"hands-on > Workloads > Pods",
                                          "hands-on > Workloads > Manifests"}
    screening = screen(facts)
    assert all(f in screening.ok for f in handson)
    # the gate alone would call them code: hands-on facts are screened by their own rules
    assert gate.askable(handson).count == 0


def test_command_question_is_checked_by_meaning(facts):
    f = _fact(facts, "kubectl get pods")
    q = build(Pool(facts), f, "handson_command", random.Random(1))
    assert q is not None and q.kind == "command"
    assert "List the pods of kube-system" in q.context and q.answer not in q.context
    right = kinds.check(q, "k get -o wide po --namespace=kube-system")
    assert right.correct and right.score == 1.0
    wrong = kinds.check(q, "kubectl get pods -o wide")
    assert not wrong.correct
    assert "Same command, except: namespace is default, expected kube-system" in \
        wrong.explanation
    other = kinds.check(q, "kubectl describe pods -n kube-system")
    assert not other.correct and "A different command" in other.explanation
    assert not kinds.check(q, "kubectl get 'pods").correct  # unreadable: a verdict, not a crash
    with pytest.raises(ResponseError):
        kinds.check(q, "x" * 5000)


def test_manifest_question_compares_as_data_and_validates(facts):
    f = _fact(facts, "apiVersion: v1")
    q = build(Pool(facts), f, "handson_manifest", random.Random(1))
    assert q is not None and q.kind == "manifest"
    assert "Pod web" in q.context  # the objects to write are named, as in a CKA task
    reordered = ("kind: Pod\napiVersion: v1\nmetadata: {name: web}\nspec:\n"
                 "  containers:\n  - image: nginx:1.25\n    name: web\n"
                 "    imagePullPolicy: IfNotPresent\n")
    assert kinds.check(q, reordered).correct  # key order, flow style, defaults do not count
    wrong = kinds.check(q, POD.replace("nginx:1.25", "nginx:1.24"))
    assert not wrong.correct and "spec.containers[0].image" in wrong.explanation
    typo = kinds.check(q, POD.replace("containers:", "container:"))
    assert not typo.correct and "container" in typo.explanation


def test_field_question_blanks_a_telling_value(facts):
    f = _fact(facts, "apiVersion: v1")
    q = build(Pool(facts), f, "handson_field", random.Random(1))
    assert q is not None and q.kind == "manifest_field"
    assert "image: " + BLANK in q.context and "nginx:1.25" not in q.context
    assert kinds.check(q, "nginx:1.25").correct
    assert kinds.check(q, " 'nginx:1.25' ").correct  # quoting does not count
    assert not kinds.check(q, "nginx:1.24").correct
    blanked, doc, path, written = blank_field(POD.replace("image: nginx:1.25", "image: nginx"),
                                              random.Random(0))
    assert path == ("spec", "containers", 0, "image") and written == "nginx" and doc == 0


def test_generated_exam_weights_the_hands_on_topic(facts):
    qs = generate(facts, 3, seed=5, weights={"hands-on": 1})
    assert len(qs) == 3 and all(q.topic.startswith("hands-on") for q in qs)
    assert {q.kind for q in qs} <= {"command", "manifest", "manifest_field"}
    for q in qs:
        assert gate.inspect(q, ()) == ""
    only = generate(facts, 5, seed=5, kinds=["command"])
    assert {q.kind for q in only} == {"command"} and len(only) == 2


def test_a_deck_without_commands_keeps_its_mix(note):
    plain = facts_of(note)
    qs = generate(plain, 5, seed=1)
    assert not any(q.kind in ("command", "manifest", "manifest_field") for q in qs)


def test_cards_of_commands_and_manifests(note):
    from studyk8s.cards import generate_cards

    cards = [c for c in generate_cards(note) if c.kind in ("command", "manifest")]
    assert [c.kind for c in cards] == ["command", "command", "manifest"]
    assert cards[0].back == "```sh\nkubectl get pods -n kube-system -o wide\n```"
    assert "List the pods of kube-system" in cards[0].front
    assert "kubectl get pods" not in cards[0].front
