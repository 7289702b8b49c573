"""``askable``: THE count of facts a question can be made from, with the reason for each
that cannot (the import summary, the quiz page, readiness, stats and reports count with it)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from ...notes.model import ABBREVIATION, DIAGRAM, ENUMERATION, PROPERTY, STATEMENT
from .check import restates
from .names import has_blank, mask, meaningful, name_forms
from .plans import plan_flags
from .reasons import (
    BLANK,
    CODE,
    DIAGRAM_ONLY,
    NO_CLOZE,
    NO_DEFINITION,
    NOT_A_NAME,
    PLAN,
    RESTATES,
    SUBJECT,
    TOO_SHORT,
    VALUE,
)
from .wording import is_remark, letters, looks_like_code


class Screening(NamedTuple):
    """``askable``'s answer: the facts questions can be made from, and why each other fact
    cannot (``reasons``: fact key → reason)."""

    ok: list[Any]
    reasons: dict[str, str]

    @property
    def count(self) -> int:
        return len(self.ok)

    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(self.reasons.values()).items()))


_VERSION = re.compile(r"^[vV]?\d[\d.]*$")
_VALUE = re.compile(r"[a-z0-9][a-z0-9._/:-]*")  # "frontend", "nginx:1.7", "true"
_HOST = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")  # www.bilibili.com

_SUBJECT = frozenset(("k8s", "kubernetes", "kube"))  # what every note is about
_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.S)


def reason_not_askable(fact: Any, plan: bool = False) -> str:
    """Why one fact makes no question ("" when it can), its deck aside."""
    if plan:
        return PLAN
    return _reason(fact.kind, fact.term, fact.definition, fact.cloze, len(set(fact.items)))


@lru_cache(maxsize=65536)
def _reason(kind: str, term: str, definition: str, cloze: str, n_items: int) -> str:
    if kind == DIAGRAM:
        return DIAGRAM_ONLY
    if kind == STATEMENT:
        if not cloze or cloze not in definition:
            return NO_CLOZE
        if looks_like_code(definition):
            return CODE
        cloze = cloze.strip()
        if (letters(cloze) < 2 or _VERSION.match(cloze) or _HOST.match(cloze)
                or is_remark(cloze)):
            return NOT_A_NAME  # "v2", "www.bilibili.com": not what a note teaches
        if cloze.casefold() in _SUBJECT:
            return SUBJECT  # "＿＿＿里的存储分为几类": every note is about K8s
        left = meaningful(mask(definition, name_forms(cloze), "＿＿＿"))
        return "" if left >= 4 else TOO_SHORT
    if kind == ENUMERATION:
        return "" if n_items >= 2 else NO_DEFINITION
    # the term's verdict and the description's apart: a description copied into many decks
    # under other terms is judged once
    why = _term_reason(term) or _definition_reason(kind, definition, n_items)
    if not why and kind == PROPERTY and restates(term, definition):
        why = RESTATES  # "有序部署/删除: Pod按顺序部署": its list card asks for the point
    return why


@lru_cache(maxsize=65536)
def _term_reason(term: str) -> str:
    if not term.strip():
        return NO_DEFINITION
    if not _TWO_ALNUM.search(term) or is_remark(term):
        return NOT_A_NAME  # "Q: …", "Note: …", "Exam tip: …" are remarks, not terms
    return ""


@lru_cache(maxsize=65536)
def _definition_reason(kind: str, definition: str, n_items: int) -> str:
    definition = definition.strip()
    if not definition:
        # a term with a list of points is asked about through its items
        return "" if n_items >= 2 else NO_DEFINITION
    if looks_like_code(definition):
        return CODE
    if kind != ABBREVIATION and (not _TWO_LETTERS.search(definition)
                                 or _VALUE.fullmatch(definition)):
        return VALUE  # "tier: frontend", "replicas: 3": a setting's value, not a description
    if kind == ABBREVIATION:
        return ""
    if has_blank(definition):
        return BLANK
    return ""


def askable(facts: Sequence[Any]) -> Screening:
    """THE count of askable facts: which ``facts`` (QFacts, or parser Facts with a ``key``
    attribute or none) a question can be made from, with the reason for each that cannot.
    Learning-plan lists are recognised across a deck, so pass whole decks."""
    decks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        decks[getattr(f, "deck", "")].append(i)
    plan = [False] * len(facts)
    for idx in decks.values():
        for i, flag in zip(idx, plan_flags([facts[i] for i in idx]), strict=True):
            plan[i] = flag
    ok, reasons = [], {}
    for i, f in enumerate(facts):
        why = reason_not_askable(f, plan[i])
        if why:
            reasons[_key(f, i)] = why
        else:
            ok.append(f)
    return Screening(ok, reasons)


def _key(fact: Any, i: int) -> str:
    return getattr(fact, "key", None) or getattr(fact, "source", None) or str(i)
