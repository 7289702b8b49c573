"""The question-builder registry: each variant's question kind and builder, which variants a
fact might give, and the names a built question asks for. It sits above ``builders`` and
``builders_typed`` (the typed builders use the choice builders' helpers), so neither module
imports the other back.
"""

from __future__ import annotations

from ..notes.model import ABBREVIATION, PROPERTY
from .builders import (
    Builder,
    build_definition_term,
    build_items,
    build_matching,
    build_membership,
    build_term_definition,
    build_true_false,
    forms,
)
from .builders_typed import build_typed_abbreviation, build_typed_cloze, build_typed_term
from .distractors import is_term_fact
from .handson import questions as handson
from .model import QFact, Question

BUILDERS: dict[str, tuple[str, Builder]] = {
    "definition_term": ("single", build_definition_term),
    "term_definition": ("single", build_term_definition),
    "true_false": ("true_false", build_true_false),
    "membership": ("multiple", build_membership),
    "items": ("multiple", build_items),
    "matching": ("matching", build_matching),
    "typed_term": ("typed", build_typed_term),
    "typed_abbreviation": ("typed", build_typed_abbreviation),
    "typed_cloze": ("typed", build_typed_cloze),
    **handson.VARIANTS,
}


def variants_for(f: QFact) -> list[str]:
    """Variants that might be built from ``f`` (cheap shape checks; builders decide)."""
    if handson.is_handson(f):
        return handson.variants_for(f)
    out = []
    if is_term_fact(f):
        out += ["definition_term", "term_definition", "true_false"]
        if f.group or f.parent:
            out.append("matching")
        if f.group and f.kind != PROPERTY:
            out.append("membership")
        if f.kind == ABBREVIATION:
            out.append("typed_abbreviation")
        else:
            out.append("typed_term")
    if len(f.items) >= 2:
        out.append("items")
    if f.cloze:
        out.append("typed_cloze")
    return out


def answer_forms(q: Question, f: QFact) -> tuple[str, ...]:
    """The folded names of what ``q`` asks for, for ``gate.inspect``."""
    if "answer_names" in q.meta:
        return tuple(q.meta["answer_names"])
    return forms(f)

