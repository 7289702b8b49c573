"""Moodle GIFT: the examples of Moodle's GIFT documentation, escapes and comments, errors with
their lines, and a property test: format → parse gives the same questions back."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyk8s.sets import gift
from studyk8s.sets.model import Choice, Item, Pair, check_item, clean_text

MOODLE_EXAMPLES = r"""// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// multiple choice with multiple right answers
::Q5:: What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

// short answer with partial credit and general feedback
::Q6:: Who's buried in Grant's tomb?{
   =Grant#Right
   =%50%Ulysses#Half right
   ####Ulysses S. Grant is buried there.
}

::Q7:: Grant is buried in Grant's tomb.{FALSE#No, he is.#Yes!}
"""


def test_moodle_examples():
    result = gift.parse(MOODLE_EXAMPLES, "examples.gift")
    assert result.errors == []
    q1, q2, q3, q4, q5, q6, q7 = result.items
    assert (q1.kind, q1.title, q1.prompt, q1.answer) == ("true_false", "Q1", "1+1=2", True)
    assert q2.kind == "single" and [c.text for c in q2.choices] == ["yellow", "red", "blue"]
    assert [c.weight for c in q2.choices] == [100, 0, 0]
    assert q2.choices[0].feedback == "right; good!"
    assert q3.kind == "typed" and q3.prompt == "Two plus _____ equals four."
    assert [c.text for c in q3.choices] == ["two", "2"]
    assert q4.kind == "matching" and q4.pairs == (Pair("cat", "cat food"),
                                                  Pair("dog", "dog food"))
    assert q5.kind == "multiple" and [c.weight for c in q5.choices] == [-100, 50, 50, -100]
    assert q6.kind == "typed" and q6.choices[1] == Choice("Ulysses", 50, "Half right")
    assert q6.feedback == "Ulysses S. Grant is buried there."
    assert q7.answer is False and q7.feedback_true == "No, he is."
    assert q7.feedback_false == "Yes!"
    assert [q.line for q in result.items] == [2, 5, 9, 12, 15, 23, 29]


def test_escapes_newlines_formats_categories_and_ids():
    src = ("$CATEGORY: $course$/top/K8s basics/Pods/Controllers\n\n"
           "// id: rs\n// points: 2\n"
           "::a\\:b::[markdown]Escapes \\~ \\= \\# \\{ \\} \\: \\\\ and a\\nnewline {\n"
           "\t=[html]right\\#1#fine\n\t~wrong\n}\n")
    [item] = gift.parse(src, "x.gift").items
    assert item.title == "a:b" and item.uid == "rs" and item.points == 2
    assert item.prompt == "Escapes ~ = # { } : \\ and a\nnewline"
    assert item.choices[0] == Choice("right#1", 100, "fine")
    assert item.topic == "Pods > Controllers"
    assert gift.parse(src, "x.gift").title == "K8s basics"


def test_moodle_export_comments_do_not_split_questions():
    src = ("// question: 12  name: Q\n::Q::[moodle]Pick one{\n\t=a\n\t~b\n}\n\n"
           "// question: 13  name: R\n::R::Sure{TRUE}\n")
    items = gift.parse(src, "m.gift").items
    assert [(i.title, i.kind) for i in items] == [("Q", "single"), ("R", "true_false")]


def test_errors_have_lines_and_the_rest_is_still_checked():
    src = ("::ok:: fine {T}\n\n::a:: unclosed {=x ~y\n\n::b:: number {#3:0.1}\n\n"
           "just a description\n\n::c:: {}\n\n::d:: two {T} blocks {F}\n\n"
           "::e:: {=a -> 1 =b}\n\n::f:: ok {=x}\n\n::g:: p {~a ~b}\n\n::h\n")
    result = gift.parse(src, "bad.gift")
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "unbalanced"), (5, "numerical"), (7, "no"), (9, "essay"), (11, "a"),
        (13, "each"), (17, "choices:"), (19, "question")]
    assert all(str(e).startswith(f"bad.gift:{e.line}: error: ") for e in result.errors)
    assert [i.title for i in result.items] == ["ok", "f"]


def test_unreadable_files():
    assert gift.parse(b"::x:: y {T}\n\x00", "b.gift").errors[0].line == 2
    assert "UTF-8" in gift.parse(b"\n\n::x:: \xff {T}", "b.gift").errors[0].message
    assert gift.parse(b"// only a comment\n", "b.gift").errors[0].message == "no questions found"
    assert gift.parse("x {T}\ue001", "p.gift").errors[0].message.startswith("private-use")


def test_format_writes_what_moodle_reads():
    item = Item(kind="single", prompt="What is `CRI`?", title="CRI", uid="cri", choices=(
        Choice("container runtime interface", 100, "yes"), Choice("%20 off", 0),
        Choice("half", 33.33333)), feedback="From the notes.", topic="Arch")
    text = gift.format_gift([item], title="Set", header=["made by a test"])
    assert text.splitlines()[:4] == ["// made by a test", "",
                                     "$CATEGORY: $course$/top/Set/Arch", ""]
    assert "::CRI::[markdown]What is `CRI`?{" in text
    assert "\t=container runtime interface#yes" in text
    assert "\t~%0%%20 off" in text and "\t~%33.33333%half" in text
    assert "\t####From the notes." in text
    assert gift.parse(text, "t.gift").items == [item]


# --- property: format → parse is the identity --------------------------------------------------

SPECIAL = list("~=#{}:\\%[]-> /\n\t_") + ["[html]", "[markdown]", "->", "####", "//", "::"]
text = st.lists(st.one_of(st.sampled_from(SPECIAL), st.sampled_from(list("aBz09中文é")),
                          st.text(alphabet="abcxyz", min_size=1, max_size=4)),
                min_size=1, max_size=8).map("".join).map(clean_text).filter(bool)
maybe = st.one_of(st.just(""), text)
topics = st.sampled_from(["", "Pods", "Pods > Jobs", "架构"])
uids = st.one_of(st.just(""), st.text(alphabet="abc123-", min_size=1, max_size=6))
points = st.sampled_from([1.0, 2.0, 0.5])


def distinct(values, n):
    return st.lists(values, min_size=n, max_size=n, unique=True)


@st.composite
def items(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "matching", "typed"]))
    common = {"prompt": draw(text), "title": draw(maybe), "feedback": draw(maybe),
              "topic": draw(topics), "uid": draw(uids), "points": draw(points)}
    if kind == "true_false":
        return Item(kind=kind, answer=draw(st.booleans()), feedback_true=draw(maybe),
                    feedback_false=draw(maybe), **common)
    if kind == "matching":
        n = draw(st.integers(2, 4))
        lefts = draw(distinct(text, n))
        pairs = [Pair(left, draw(text)) for left in lefts]
        pairs += [Pair("", r) for r in draw(st.lists(text, max_size=2))]
        return Item(kind=kind, pairs=tuple(pairs), **common)
    n = draw(st.integers(2, 5))
    texts = draw(distinct(text, n))
    if kind == "single":
        right = draw(st.integers(0, n - 1))
        weights = [100 if i == right else draw(st.sampled_from([0, 0, 50, -50, 33.33333]))
                   for i in range(n)]
    elif kind == "multiple":
        k = draw(st.integers(1, min(3, n)))
        share = {1: [100], 2: [50, 50], 3: [33.33333, 33.33333, 33.33334]}[k]
        weights = share + [draw(st.sampled_from([0, -100 / k, -100])) for _ in range(n - k)]
        weights = [round(w, 5) for w in weights]
    else:
        weights = [100] + [draw(st.sampled_from([100, 50, 0])) for _ in range(n - 1)]
    choices = tuple(Choice(t, float(w), draw(maybe)) for t, w in zip(texts, weights,
                                                                        strict=True))
    return Item(kind=kind, choices=choices, **common)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(items(), min_size=1, max_size=6))
def test_format_then_parse_round_trips(questions):
    questions = [q for q in questions if not check_item(q)]
    if not questions:
        return
    text = gift.format_gift(questions, title="Round trip")
    result = gift.parse(text, "rt.gift")
    assert result.errors == []
    expected = [gift.normalized(q) for q in questions]
    assert result.items == expected
    assert [i.uid for i in result.items] == [q.uid for q in questions]
    assert result.title == "Round trip"
