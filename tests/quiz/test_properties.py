"""Property tests: on decks full of look-alike names, aliases and repeated descriptions, no
generated question has two equal choices or a wrong choice that is also right."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyk8s.quiz import kinds
from studyk8s.quiz.builders import option_text
from studyk8s.quiz.distractors import mask, names_of
from studyk8s.quiz.generate import generate
from studyk8s.quiz.model import QFact, Question
from studyk8s.quiz.normalize import normalize

# Few distinct values, written in several ways, so collisions are the rule, not the exception.
NAMES = ["Pod", "pod", "ＰＯＤ", "Job", "CronJob", "cron-job", "Kubelet", "kubelet ", "ETCD",
         "etcd", "RS", "ReplicaSet", "replica set", "RC", "调度器", "调度 器", "插件", "DaemonSet"]
DEFS = ["runs once", "Runs once.", "runs on a schedule", "one per node", "存储数据", "存储 数据。",
        "keeps replicas", "调度 Pod", "the Pod scheduler", "a", "b c", "ETCD stores state"]
GROUPS = ["", "g1", "g2"]
SECTIONS = [("S",), ("S", "T"), ("U",)]

fact_rows = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(DEFS),
    st.lists(st.sampled_from(NAMES), max_size=2),
    st.sampled_from(GROUPS),
    st.sampled_from(SECTIONS),
    st.sampled_from(["definition", "definition", "abbreviation"]),
)


def make_facts(rows, decks=1):
    return [QFact(key=f"k{i}", kind=kind, term=term, definition=d, aliases=tuple(a),
                  deck=f"deck{i % decks}.md", line=i + 1, lang="en", group=g, section=s)
            for i, (term, d, a, g, s, kind) in enumerate(rows)]


def shown(f: QFact) -> str:
    return normalize(mask(f.definition, (f.term, *f.aliases), "_____"))


def shown_forms(f: QFact) -> set[str]:
    """Every way a question may show ``f``'s description: masked, trimmed by the gate, or
    trimmed of the asked term's names too."""
    out = {shown(f), normalize(f.definition), normalize(option_text(f) or "")}
    return out - {""}


def assert_honest(q, facts):
    by_key = {f.key: f for f in facts}
    norms = [normalize(c) for c in q.choices]
    assert len(set(norms)) == len(norms), ("duplicate choices", q.choices)
    assert all(norms), ("empty choice", q.choices)
    assert kinds.check(q, q.answer).correct
    anchor = by_key[q.facts[0]]
    deck = [f for f in facts if f.deck == anchor.deck]
    if q.variant == "definition_term":
        right = normalize(anchor.definition)
        for i, c in enumerate(q.choices):
            if i == q.answer:
                continue
            assert normalize(c) not in names_of(anchor), ("alias of the answer offered", c)
            for f in deck:  # no other fact with this name has the asked description
                if normalize(c) in names_of(f):
                    assert normalize(f.definition) != right, ("also right", c)
    elif q.variant == "term_definition":
        for i, c in enumerate(q.choices):
            if i == q.answer:
                continue
            for f in deck:
                if names_of(f) & names_of(anchor):
                    assert normalize(c) not in shown_forms(f), ("also right", c)
    elif q.variant == "membership":
        members = [f for f in deck if f.group == anchor.group and f.section == anchor.section
                   and f.definition]
        member_names = set().union(*(names_of(m) for m in members))
        for i, c in enumerate(q.choices):
            if i not in q.answer:
                assert normalize(c) not in member_names, ("a member offered as wrong", c)
    elif q.variant == "true_false" and q.answer is False:
        statement = normalize(re.split(r"[:：]", q.context, maxsplit=1)[1])
        for f in deck:
            if names_of(f) & names_of(anchor):
                assert statement not in shown_forms(f), "a false statement that is true"
    elif q.variant == "matching":
        assert len({normalize(t) for t in q.left}) == len(q.left)
    elif q.kind == "typed":
        assert normalize(q.answer)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(fact_rows, min_size=2, max_size=14), seed=st.integers(0, 2**31 - 1),
       decks=st.integers(1, 2))
def test_generated_questions_are_honest(rows, seed, decks):
    facts = make_facts(rows, decks)
    for q in generate(facts, 12, seed):
        assert_honest(q, facts)


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(fact_rows, min_size=2, max_size=14), seed=st.integers(0, 2**31 - 1))
def test_generation_is_deterministic(rows, seed):
    facts = make_facts(rows)
    assert ([q.to_dict() for q in generate(facts, 8, seed)]
            == [q.to_dict() for q in generate(facts, 8, seed)])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), count=st.integers(1, 60))
def test_shared_note_questions_are_honest(shared_facts, seed, count):
    qs = generate(shared_facts, count, seed)
    assert len(qs) == min(count, len(qs)) and qs
    for q in qs:
        assert_honest(q, shared_facts)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=30))
def test_typed_check_accepts_its_own_normal_form(text):
    if not normalize(text):
        return
    q = Question(kind="typed", variant="t", prompt="?", lang="en", answer=text,
                       accepted=(text,))
    assert kinds.check(q, text).correct
    assert kinds.check(q, text.upper() if text.isascii() else text).correct
