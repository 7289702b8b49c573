"""Why the gate drops or rewrites a question: the reason codes, their wording for reports,
and the ``Log`` of each decision (nothing here writes anywhere)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

PLAN = "plan"  # a learning goal (掌握…, learn…), not knowledge
DIAGRAM_ONLY = "diagram"  # shown on relation cards; no question is made from a picture
NO_DEFINITION = "no_definition"  # a label with nothing said about it
NO_CLOZE = "no_cloze"  # a free sentence without a term to blank out
TOO_SHORT = "too_short"  # too little left to recognise the thing by
NAMES_ANSWER = "names_answer"  # the prompt, a statement or a choice names the answer
BLANK = "blank"  # a blank would show in a choice, a statement or an answer
MIXED_TYPES = "mixed_types"  # choices of different types or languages
FEW_SIBLINGS = "few_siblings"  # not enough plausible wrong choices of the same type
INITIALS = "initials"  # expansion → abbreviation: the initials spell the answer
NOT_A_NAME = "not_a_name"  # a typed answer would be a label or a sentence, not a name
PATTERN = "pattern"  # every right choice shares a word no wrong choice has
DUPLICATE = "duplicate"  # the same description belongs to several terms
CODE = "code"  # a command or manifest line: hands-on material, not a definition
VALUE = "value"  # a bare value ("frontend", "3"), not a description
RESTATES = "restates"  # a point's description only restates its label
SUBJECT = "subject"  # the blank would be the notes' own subject (K8s)
# rewrites
MASKED = "masked"  # the answer's name was blanked in the prompt
TRIMMED = "trimmed"  # a clause naming the answer was cut from a choice or statement
ASK_PARENT = "ask_parent"  # a property is asked about through the term it belongs to
NEUTRAL_LABEL = "neutral_label"  # a heading that is not a kind is not used as a kind noun

REASONS: dict[str, str] = {
    PLAN: "a learning-plan item, not knowledge",
    DIAGRAM_ONLY: "a diagram (studied on relation cards, not asked in quizzes)",
    NO_DEFINITION: "nothing is said about it",
    NO_CLOZE: "a free sentence with no term to blank out",
    TOO_SHORT: "too little left to recognise it once its name is hidden",
    NAMES_ANSWER: "the wording would name the answer",
    BLANK: "a blank would show in a choice, statement or answer",
    MIXED_TYPES: "choices of different types or languages",
    FEW_SIBLINGS: "not enough plausible wrong choices of the same type",
    INITIALS: "the initials spell the answer",
    NOT_A_NAME: "the typed answer would be a label, not a name",
    PATTERN: "a shared word gives the right choices away",
    DUPLICATE: "the same description belongs to several terms",
    CODE: "a command or manifest line, not a definition",
    VALUE: "a bare value, not a description",
    RESTATES: "the description only restates its label",
    SUBJECT: "the blank would be the notes' own subject (K8s, Kubernetes)",
    MASKED: "the answer's name hidden in the prompt",
    TRIMMED: "a clause naming the answer cut out",
    ASK_PARENT: "asked about the term it belongs to",
    NEUTRAL_LABEL: "a heading not used as a kind noun",
}

DROPPED, REWRITTEN = "dropped", "rewritten"


class Log(NamedTuple):
    """One gate decision: ``fact`` (a fact key, or a term for cards), ``kind`` (the question
    variant or card kind), ``reason`` (a key of ``REASONS``), ``action`` (dropped/rewritten)."""

    fact: str
    kind: str
    reason: str
    action: str = DROPPED


def count(logs: Iterable[Log]) -> dict[str, int]:
    """``"dropped: plan"`` → how many, for reports and benchmarks."""
    return dict(sorted(Counter(f"{g.action}: {g.reason}" for g in logs).items()))
