"""What the quality gate did to a set of notes: askable facts, cards and questions made, and
every drop or rewrite counted by reason. Pure (parsed notes in, numbers out); `flask notes
report` prints it and `bench/question_quality.py` measures with it. It sits above both the
cards and the quiz package because it runs both generators.

``contains_answer`` is a check written apart from the gate (plain folded substring search),
so the benchmark does not only ask the gate whether it agrees with itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .cards import generate_cards_logged
from .notes.model import ParsedNote
from .quiz import gate
from .quiz.generate import generate_logged
from .quiz.model import QFact, Question, facts_of

TERM_ANSWER = frozenset({"definition_term", "property_parent", "typed_term", "typed_parent",
                         "typed_cloze"})
DESCRIPTION_ANSWER = frozenset({"term_definition", "true_false", "matching"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def _mentions(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` (folded) not glued to a Latin letter on either side (a digit
    may follow: "Etcd2" mentions ETCD)."""
    t, n = _fold(text), _fold(name).strip()
    if len(re.sub(r"\W", "", n)) < 2:
        return False
    start = t.find(n)
    while start >= 0:
        before = t[start - 1] if start else " "
        after = t[start + len(n)] if start + len(n) < len(t) else " "
        if not (before.isascii() and before.isalpha()) and not (
                after.isascii() and after.isalpha() and after != "s"):
            return True
        start = t.find(n, start + 1)
    return False


def _spellings(names: Iterable[str]) -> list[str]:
    """Each name as written and, for a CamelCase name, as words (LoadBalancer, load balancer)."""
    out = []
    for n in names:
        out.append(n)
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", n)
        if spaced != n:
            out.append(spaced)
    return out


def contains_answer(q: Question, by_key: dict[str, QFact]) -> bool:
    """Whether ``q`` shows its own answer: a term question whose prompt, context or wrong
    choices name the answer (term or alias), or a description question whose choices or
    statement name the term asked about."""
    f = by_key.get(q.facts[0]) if q.facts else None
    if f is None:
        return False
    if q.variant in TERM_ANSWER:
        if q.kind == "typed":
            names = list(q.accepted)
        elif q.variant == "definition_term":
            names = [f.term, *f.aliases]
        else:  # a property asked through the term it belongs to
            right = q.choices[q.answer]
            owner = next((g for g in by_key.values() if g.term == right and g.deck == f.deck
                          and g.kind != "property"), None)
            names = [right, *(owner.aliases if owner else ())]
        shown = [q.prompt, q.context]
        if q.kind == "single":
            shown += [c for i, c in enumerate(q.choices) if i != q.answer]
        return any(_mentions(s, n) for s in shown for n in _spellings(names))
    if q.variant in DESCRIPTION_ANSWER:
        if q.kind == "matching":
            terms = {g.term: g for g in by_key.values()}
            for term, i in zip(q.left, q.answer, strict=True):
                g = terms.get(term)
                names = [term, *(g.aliases if g else ())]
                if any(_mentions(q.choices[i], n) for n in _spellings(names)):
                    return True
            return False
        names = [f.term, *f.aliases]
        shown = list(q.choices) if q.kind == "single" else [q.meta.get("statement", "")]
        return any(_mentions(s, n) for s in shown for n in _spellings(names))
    return False


def has_blank(q: Question) -> bool:
    """A blank in a choice, a statement or the answer shown (a prompt may hold one)."""
    texts = [*q.choices, *q.left, q.explanation, str(q.answer) if q.kind == "typed" else ""]
    if q.variant not in gate.PROMPT_BLANKS:
        texts.append(q.context)
    return any(gate.has_blank(t) for t in texts)


@dataclass
class QualityReport:
    notes: int = 0
    facts: int = 0
    askable: int = 0
    not_askable: Counter = field(default_factory=Counter)
    cards: int = 0
    card_gate: Counter = field(default_factory=Counter)
    questions: int = 0
    question_gate: Counter = field(default_factory=Counter)
    containing_answer: list[Question] = field(default_factory=list)
    with_blank: list[Question] = field(default_factory=list)
    variants: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"{self.notes} notes, {self.facts} facts, {self.askable} askable"]
        for reason, n in sorted(self.not_askable.items()):
            out.append(f"  not askable: {n} {gate.REASONS.get(reason, reason)}")
        out.append(f"{self.cards} cards")
        for key, n in sorted(self.card_gate.items()):
            out.append(f"  cards {key}: {n}")
        out.append(f"{self.questions} questions generated, {len(self.containing_answer)} "
                   f"containing their answer, {len(self.with_blank)} with a blank shown")
        for key, n in sorted(self.question_gate.items()):
            out.append(f"  questions {key}: {n}")
        return out


def quality(notes: Iterable[ParsedNote], *, seeds: Sequence[int] = range(5),
            count: int = 40) -> QualityReport:
    """Screen, make cards and generate ``count`` questions per note for each seed, counting
    everything the gate did (drops of a variant tried on a fact count once per seed)."""
    r = QualityReport()
    for note in notes:
        facts = facts_of(note)
        by_key = {f.key: f for f in facts}
        r.notes += 1
        r.facts += len(facts)
        screening = gate.askable(facts)
        r.askable += screening.count
        r.not_askable.update(screening.reasons.values())
        cards, card_log = generate_cards_logged(note)
        r.cards += len(cards)
        r.card_gate.update(f"{g.action}: {g.reason}" for g in card_log)
        for seed in seeds:
            questions, log = generate_logged(facts, count, seed)
            r.questions += len(questions)
            r.question_gate.update(f"{g.action}: {g.reason}" for g in log if g.kind != "fact")
            for q in questions:
                r.variants[q.variant] += 1
                if contains_answer(q, by_key):
                    r.containing_answer.append(q)
                if has_blank(q):
                    r.with_blank.append(q)
    return r


def gate_counts(note: ParsedNote, seeds: Sequence[int] = range(3)) -> dict[str, int]:
    """One note's gate figures as {"what: reason": count}: facts not askable, cards and
    questions dropped or rewritten (the hook `flask notes report` takes as ``gate=``)."""
    r = quality([note], seeds=seeds)
    out: Counter = Counter({f"not askable: {k}": n for k, n in r.not_askable.items()})
    out.update({f"cards {k}": n for k, n in r.card_gate.items()})
    out.update({f"questions {k}": n for k, n in r.question_gate.items()})
    return dict(sorted(out.items()))
