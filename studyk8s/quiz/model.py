"""The quiz's own types: what a question is made from (``QFact``), the question itself
(``Question``, JSON round-trippable so an attempt can snapshot it) and a check's verdict.

Pure: no Flask, no SQLAlchemy. The parser's ``Fact`` and the database's ``facts`` rows are
both turned into ``QFact`` so the generator never cares where a fact came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..notes.handson import HANDSON_KINDS
from ..notes.model import Fact, ParsedNote

# The topic every command and manifest question sits in (its heading path follows), so an
# exam gives hands-on tasks their own weight (``hands-on: 30``), as the CKA and CKAD do.
HANDS_ON_TOPIC = "hands-on"


@dataclass(frozen=True)
class QFact:
    """One fact of one deck, as the question generator sees it."""

    key: str  # stable across re-imports (the DB's fact key, or path:line:term)
    kind: str  # the parser's fact kind (definition, abbreviation, statement…)
    term: str
    deck: str  # the note's path: the deck
    line: int
    lang: str = "zh"  # the note's language: prompts are written in it
    definition: str = ""
    aliases: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    group: str = ""
    section: tuple[str, ...] = ()
    parent: str = ""
    cloze: str = ""
    fact_id: int | None = None  # the DB id, when the fact came from the database
    deck_title: str = ""

    @property
    def source(self) -> str:
        return f"{self.deck}:{self.line}"

    @property
    def topic(self) -> str:
        """What the per-topic breakdown groups by: the heading path, then the list label."""
        parts = list(self.section)
        label = self.group or self.parent
        if label and (not parts or parts[-1] != label):
            parts.append(label)
        return " > ".join(parts) or self.deck_title or self.deck

    @property
    def topic_parts(self) -> tuple[str, ...]:
        return tuple(self.topic.split(" > "))

    @classmethod
    def from_fact(cls, fact: Fact, *, lang: str, key: str | None = None,
                  fact_id: int | None = None, deck_title: str = "") -> QFact:
        path, _, line = fact.source.rpartition(":")
        section = tuple(fact.section)
        if fact.kind in HANDSON_KINDS:
            section = (HANDS_ON_TOPIC, *section)
        return cls(
            key=key or f"{fact.source}:{fact.kind}:{fact.term}",
            kind=fact.kind, term=fact.term, deck=path, line=int(line), lang=lang,
            definition=fact.definition, aliases=tuple(fact.aliases), items=tuple(fact.items),
            group=fact.group, section=section, parent=fact.parent, cloze=fact.cloze,
            fact_id=fact_id, deck_title=deck_title,
        )


def facts_of(note: ParsedNote) -> list[QFact]:
    """A parsed note's facts, ready for the generator (keys are ``path:line:kind:term``)."""
    return [QFact.from_fact(f, lang=note.lang, deck_title=note.title) for f in note.facts]


def handson_facts_of(note: ParsedNote) -> list[QFact]:
    """A parsed note's command and manifest facts (``note.handson``), in the hands-on topic."""
    return [QFact.from_fact(f, lang=note.lang, deck_title=note.title) for f in note.handson]


@dataclass(frozen=True)
class CheckResult:
    correct: bool
    score: float  # 0..1; partial credit for multiple select and matching
    explanation: str  # why the response was (not) accepted, in the question's language

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "score": self.score, "explanation": self.explanation}


class ResponseError(ValueError):
    """A response whose shape does not fit the question (not a wrong answer: a bad request)."""


_TUPLES = ("choices", "left", "accepted", "confusables", "facts", "weights", "feedback")


@dataclass(frozen=True)
class Question:
    """One question, self-contained: checking it needs nothing but itself and a response.

    ``answer`` depends on the kind: a choice index (single), a sorted list of indices
    (multiple), a bool (true/false), the right-column index for each left item (matching), or
    the canonical text (typed; ``accepted`` lists every form that counts).
    """

    kind: str  # a registry name: single, multiple, true_false, matching, typed
    variant: str  # how it was made: definition_term, term_definition, membership, cloze…
    prompt: str
    lang: str
    answer: Any
    choices: tuple[str, ...] = ()
    left: tuple[str, ...] = ()  # matching: the terms (choices are the definitions)
    accepted: tuple[str, ...] = ()  # typed: the answer and its aliases
    confusables: tuple[str, ...] = ()  # typed: other terms a typo must not be mistaken for
    explanation: str = ""  # the fact behind the answer, shown after answering
    source: str = ""  # "path:line"
    topic: str = ""
    facts: tuple[str, ...] = ()  # keys of the facts the question tests
    context: str = ""  # the quoted part of the prompt (definition, sentence…), for display
    meta: dict[str, Any] = field(default_factory=dict)
    # Instructor-written questions (quiz sets, GIFT): Moodle-style per-choice credit (fractions,
    # -1..1, aligned with ``choices``, or with ``accepted`` for typed), per-choice feedback
    # (true/false: feedback for "true", for "false") and the question's mark. Empty weights
    # keep each kind's own scoring.
    weights: tuple[float, ...] = ()
    feedback: tuple[str, ...] = ()
    points: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in _TUPLES:
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Question:
        kw = dict(d)
        for k in _TUPLES:
            kw[k] = tuple(kw.get(k) or ())
        kw["meta"] = dict(kw.get("meta") or {})
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in kw.items() if k in known})

    def public(self) -> dict[str, Any]:
        """What the learner sees before answering: no answer, no explanation."""
        return {"kind": self.kind, "variant": self.variant, "prompt": self.prompt,
                "lang": self.lang, "choices": list(self.choices), "left": list(self.left),
                "context": self.context, "topic": self.topic}

    def with_(self, **changes: Any) -> Question:
        return replace(self, **changes)
