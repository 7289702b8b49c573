"""Set files: the example set is valid; every kind of mistake is reported at its line."""

from __future__ import annotations

import pytest

from studyk8s.sets.model import Choice, Draw, Item
from studyk8s.sets.schema import to_yaml, validate
from tests.sets.helpers import EXAMPLE_SET


def errors(text: str) -> list[tuple[int, str]]:
    report = validate(text.encode(), "s.yaml")
    assert report.spec is None or not report.errors
    return [(e.line, e.message) for e in report.errors]


def test_the_example_set_is_valid_and_covers_every_kind():
    report = validate(EXAMPLE_SET.read_bytes(), "docker-k8s-1.yaml", name="docker-k8s-1")
    assert report.ok, report.errors
    spec = report.spec
    assert spec.title.startswith("Docker + K8s") and spec.settings.time_limit_min == 20
    assert spec.settings.pass_mark == 0.66 and spec.settings.attempts == 2
    assert spec.settings.grading == "highest" and spec.settings.shuffle_answers
    kinds = {e.kind for e in spec.entries if isinstance(e, Item)}
    assert kinds == {"single", "multiple", "true_false", "matching", "typed"}
    draws = [e for e in spec.entries if isinstance(e, Draw)]
    assert {(d.group, d.section) for d in draws} == {("插件", ""), ("", "Pod > Pod类型"),
                                                     ("主要组件", "")}
    plugins = next(e for e in spec.entries if e.uid == "plugins")
    assert [c.weight for c in plugins.choices] == [33.33333] * 3 + [-33.33333] * 2
    assert plugins.points == 2.0


def test_yaml_round_trip():
    spec = validate(EXAMPLE_SET.read_bytes(), "x.yaml", name="x").spec
    again = validate(to_yaml(spec), "y.yaml", name="x").spec
    assert again == spec and [e.uid for e in again.entries] == [e.uid for e in spec.entries]


HEAD = "title: T\nquestions:\n"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("title: T\n", 1, "questions must be a non-empty list"),
    ("questions:\n  - kind: typed\n    prompt: p\n    answers: [a]\n", 1, "title is required"),
    ("title: T\ntime_limt: 5\nquestions: []\n", 2, "did you mean 'time_limit'"),
    ("title: T\ntime_limit: 0\nquestions: [x]\n", 2, "between 1 and 600"),
    ("title: T\ngrading: best\nquestions: [x]\n", 2, "grading must be one of"),
    ("title: T\ntitle: U\nquestions: [x]\n", 2, "duplicate key 'title' (first on line 1)"),
    (HEAD + "  - prompt: p\n", 3, "kind is required"),
    (HEAD + "  - kind: essay\n    prompt: p\n", 3, "kind must be one of"),
    (HEAD + "  - kind: single\n    prompt: p\n    choices: [a, b]\n", 5,
     "one answer must be worth 100%"),
    (HEAD + "  - kind: single\n    prompt: p\n    choices:\n      - {text: a, correct: true}\n"
            "      - {text: b, correct: true, weight: 50}\n", 7,
     "give correct or weight, not both"),
    (HEAD + "  - kind: multiple\n    prompt: p\n    choices:\n      - {text: a, weight: 50}\n"
            "      - {text: b, weight: 40}\n", 5, "add up to 90%, not 100%"),
    (HEAD + "  - kind: single\n    prompt: p\n    choices: [a, a, {text: b, correct: true}]\n",
     5, "'a' is listed twice"),
    (HEAD + "  - kind: true_false\n    prompt: p\n    answer: maybe\n", 5,
     "answer must be true or false"),
    (HEAD + "  - kind: matching\n    prompt: p\n    pairs: [[a, '1']]\n", 5, "2 pairs"),
    (HEAD + "  - kind: typed\n    prompt: p\n    answers: [a]\n    choices: [b]\n", 6,
     "unknown key 'choices' in a typed question"),
    (HEAD + "  - kind: typed\n    prompt: ''\n    answers: [a]\n", 4, "prompt is empty"),
    (HEAD + "  - kind: typed\n    prompt: p\n    answers: [a]\n    points: 0\n", 6,
     "points must be between"),
    (HEAD + "  - from_notes: {deck: d.md, count: 99}\n", 3, "count must be between 1 and 50"),
    (HEAD + "  - from_notes: {deck: d.md, group: g, section: s}\n", 3,
     "give group or section, not both"),
    (HEAD + "  - from_notes: {group: g}\n", 3, "deck is required"),
    (HEAD + "  - id: a\n    kind: typed\n    prompt: p\n    answers: [x]\n"
            "  - id: a\n    kind: typed\n    prompt: q\n    answers: [y]\n", 7,
     "id 'a' is used twice (first on line 3)"),
])
def test_errors_name_their_line(text, line, words):
    found = errors(text)
    assert found, text
    assert found[0][0] == line and words in found[0][1], found


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: &x 1\nb: *x\n", 1, "anchor &x is not allowed"),
    ("title: !!python/object:os.system x\n", 1, "tag"),
    ("title: [unclosed\nquestions: []\n", 2, "expected ',' or ']'"),
    ("- just\n- a list\n", 1, "a quiz set is a mapping"),
])
def test_unsafe_or_unreadable_yaml(text, line, words):
    [(found_line, message)] = errors(text)
    assert found_line == line and words in message


def test_binary_and_oversized_files():
    assert validate(b"title: x\n\x00", "b.yaml").errors[0].message.startswith("binary")
    assert "not UTF-8" in validate(b"title: \xff\n", "b.yaml").errors[0].message
    big = b"title: x\n" + b"#" * 1_100_000
    assert "over the limit" in validate(big, "b.yaml").errors[0].message


def test_every_question_is_checked_not_just_the_first():
    text = HEAD + ("  - kind: single\n    prompt: p\n    choices: [a, b]\n"
                   "  - kind: typed\n    prompt: q\n    answers: []\n")
    assert [line for line, _ in errors(text)] == [5, 8]


def test_shorthands():
    spec = validate((HEAD + "  - kind: multiple\n    prompt: p\n    choices:\n"
                     "      - {text: a, correct: true}\n      - {text: b, correct: true}\n"
                     "      - c\n  - kind: typed\n    prompt: t\n    answers: [RS, ReplicaSet]\n"
                     "shuffle: false\npass_mark: 0.8\n").encode(), "s.yaml").spec
    multiple, typed = spec.entries
    assert [c.weight for c in multiple.choices] == [50, 50, -50]
    assert typed.choices == (Choice("RS", 100), Choice("ReplicaSet", 100))
    assert not spec.settings.shuffle_answers and not spec.settings.shuffle_questions
    assert spec.settings.pass_mark == 0.8
    assert multiple.uid and typed.uid and multiple.uid != typed.uid


def test_draws_are_checked_against_the_notes(shared_facts_for_sets):
    def resolve(deck):
        return shared_facts_for_sets if deck.endswith("docker-k8s-1.md") else None

    text = HEAD + ("  - from_notes: {deck: content/notes/docker-k8s-1.md, group: 插件,"
                   " count: 3}\n  - from_notes: {deck: gone.md}\n"
                   "  - from_notes: {deck: docker-k8s-1.md, section: 没有}\n"
                   "  - from_notes: {deck: docker-k8s-1.md, group: 插件, kind: matching,"
                   " count: 40}\n")
    report = validate(text.encode(), "s.yaml", resolve=resolve)
    assert [(e.line, e.message.split(":")[0]) for e in report.errors] == [
        (4, "from_notes"), (5, "from_notes")]
    assert "no deck 'gone.md'" in report.errors[0].message
    assert "no questions can be made from section '没有'" in report.errors[1].message
    assert report.warnings[0].line == 6 and "only" in report.warnings[0].message
