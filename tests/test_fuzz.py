"""Fuzzing the four readers of untrusted text: the notes parser, the YAML set loader, the GIFT
importer and typed-answer checking. Each must either succeed or fail with its own clear error
type (never another exception), and no input may take over 2 s."""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyk8s.notes import NoteError, parse_note
from studyk8s.quiz.kinds import judge_typed
from studyk8s.sets import gift, schema

FUZZ = settings(max_examples=300, deadline=2000,
                suppress_health_check=[HealthCheck.too_slow])

# Text made of the characters these formats care about, so the fuzzer reaches deep paths.
GIFT_ALPHABET = st.sampled_from(list("{}=~#:%\\-> \n\t/$[]TF") + ["::", "->", "//", "中", "é"])
YAML_ALPHABET = st.sampled_from(list(":-[]{}&*!|>'\"#% \n\t,?@`") + ["title", "questions",
                                "kind", "from_notes", "!!python/object", "<<", "中"])
NOTE_ALPHABET = st.sampled_from(list("#-*:：()（）1. \n\t{}<>/`|") + ["---", "{{<mermaid>}}",
                                "{{</mermaid>}}", "graph TB", "A-->B", "插件", "Pod"])


def texts(alphabet):
    return st.one_of(st.text(max_size=400), st.lists(alphabet, max_size=200).map("".join))


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    assert time.perf_counter() - t0 < 2.0
    return out


@FUZZ
@given(texts(NOTE_ALPHABET))
def test_notes_parser(text):
    try:
        note = _timed(parse_note, text.encode("utf-8", "surrogatepass"), "fuzz.md")
    except NoteError as e:
        assert str(e).startswith("fuzz.md:") and "\n" not in str(e)
        return
    for fact in note.facts:
        assert fact.source.startswith("fuzz.md:")


@FUZZ
@given(st.binary(max_size=300))
def test_notes_parser_bytes(data):
    with contextlib.suppress(NoteError):  # the parser's own error is a fine outcome
        _timed(parse_note, data, "fuzz.md")


@FUZZ
@given(texts(YAML_ALPHABET))
def test_yaml_set_loader(text):
    report = _timed(schema.validate, text, "fuzz.yaml")
    for problem in report.errors:
        assert problem.path == "fuzz.yaml" and problem.line >= 0
        assert "\n" not in str(problem)


@FUZZ
@given(texts(GIFT_ALPHABET))
def test_gift_importer(text):
    result = _timed(gift.parse, text, "fuzz.gift")
    for problem in result.errors:
        assert problem.path == "fuzz.gift" and problem.line >= 0
        assert "\n" not in str(problem)


@FUZZ
@given(st.text(max_size=80), st.text(min_size=1, max_size=40),
       st.lists(st.text(max_size=20), max_size=3), st.sampled_from(["zh", "en"]))
def test_typed_answer_checking(given_text, answer, aliases, lang):
    ok, why = _timed(judge_typed, given_text, answer, aliases, (), lang)
    assert isinstance(ok, bool) and why


def test_deeply_nested_yaml_is_refused_quickly():
    text = "title: x\nquestions: " + "[" * 5000 + "]" * 5000 + "\n"
    report = _timed(schema.validate, text, "deep.yaml")
    assert report.errors and report.errors[0].path == "deep.yaml"
    assert "nested deeper than 64 levels" in report.errors[0].message  # refused, not crashed
