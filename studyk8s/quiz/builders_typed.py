"""Typed-answer builders (a term, the term a point belongs to, an abbreviation's expansion, a
cloze word): split from ``builders`` to keep each module short; the registry is there."""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..notes.model import ABBREVIATION, PROPERTY, STATEMENT
from . import gate
from .builders import (
    MIN_CONTEXT,
    _base,
    _blank,
    _drop,
    _explain,
    _rewrote,
    _show_def,
    is_term_fact,
    kin_forms,
    parent_of,
)
from .distractors import DeckIndex, Pool
from .i18n import t
from .model import QFact, Question
from .normalize import allowed_typos, normalize, osa_distance


def _confusables(deck: DeckIndex, accepted: Sequence[str]) -> tuple[str, ...]:
    """Other terms of the deck a typo-forgiving check could mistake for the answer."""
    forms_ = [(normalize(a), allowed_typos(normalize(a))) for a in accepted]
    forms_ = [(a, n) for a, n in forms_ if n]
    if not forms_:
        return ()
    mine = set(map(normalize, accepted))
    out: list[str] = []
    for other in deck.terms:
        for name in (other.term, *other.aliases):
            n = normalize(name)
            if n in mine or name in out:
                continue
            if any(_near(n, a, 2 * k) for a, k in forms_):
                out.append(name)
    return tuple(out)


def _near(a: str, b: str, limit: int) -> bool:
    """``osa_distance(a, b) <= limit``; first the cheap bound that each letter of ``a`` not
    in ``b`` (counted with repeats) needs its own edit, so most pairs skip the table."""
    if abs(len(a) - len(b)) > limit:
        return False
    if len(a) - sum(min(a.count(c), b.count(c)) for c in set(a)) > limit:
        return False
    return osa_distance(a, b, limit) <= limit


def build_typed_term(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Description → type the term; aliases count (RC for ReplicationController). Only a name
    is typed: a property is answered with the term it belongs to."""
    v = "typed_term"
    if not is_term_fact(f) or f.kind == ABBREVIATION:
        return None
    if f.kind == PROPERTY:
        return build_typed_parent(pool, f, rng)
    if not gate.is_name(f.term):
        return _drop(pool, f, v, gate.NOT_A_NAME)
    context = _show_def(f)
    if gate.meaningful(context) < MIN_CONTEXT:
        return _drop(pool, f, v, gate.TOO_SHORT)
    if context != f.definition:
        _rewrote(pool, f, v, gate.MASKED)
    deck = pool.deck(f.deck)
    accepted = (f.term, *f.aliases)
    if f.group and gate.is_kind(f.group):
        prompt = t(f.lang, "typed_term_group", group=f.group)
    elif f.group:  # "Failed: 自动回收失败" needs its list ("PV的状态") to be answerable
        prompt = t(f.lang, "typed_term_topic", group=f.group)
    else:
        prompt = t(f.lang, "typed_term")
    return Question(kind="typed", variant=v, prompt=prompt,
                    context=context, answer=f.term, accepted=accepted,
                    confusables=_confusables(deck, accepted), explanation=_explain(f),
                    **_base(f))


def build_typed_parent(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A point of a term → type the term (StatefulSet, not the label 稳定的持久化存储)."""
    v = "typed_parent"
    deck = pool.deck(f.deck)
    parent = parent_of(deck, f)
    if parent is None or not f.definition.strip():
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    if not gate.is_name(parent.term):
        return _drop(pool, f, v, gate.NOT_A_NAME)
    context = gate.mask(f"{f.term}{t(f.lang, 'sep')}{f.definition}", kin_forms(deck, parent),
                        _blank(f.lang))
    if gate.meaningful(context) < MIN_CONTEXT:
        return _drop(pool, f, v, gate.TOO_SHORT)
    _rewrote(pool, f, v, gate.ASK_PARENT)
    accepted = (parent.term, *parent.aliases)
    return Question(kind="typed", variant=v, prompt=t(f.lang, "typed_parent"), context=context,
                    answer=parent.term, accepted=accepted,
                    confusables=_confusables(deck, accepted), explanation=_explain(f),
                    meta={"answer_names": list(kin_forms(deck, parent)), "parent": parent.term},
                    **_base(f))


def build_typed_abbreviation(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """CRI → type what it stands for."""
    if f.kind != ABBREVIATION or not f.definition.strip():
        return None
    full = gate.expansion(f.definition)  # "SVC: Service的缩写" stands for Service
    return Question(kind="typed", variant="typed_abbreviation",
                    prompt=t(f.lang, "typed_abbreviation", term=f.term), context=f.term,
                    answer=full, accepted=(full,),
                    explanation=_explain(f), meta={"answer_names": []}, **_base(f))


def build_typed_cloze(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A sentence with its technical term blanked (every mention): 前身是＿＿＿系统 → Borg."""
    v = "typed_cloze"
    if not f.cloze:
        return None
    sentence = f.definition if f.cloze in f.definition else f.term
    if f.cloze not in sentence:
        return _drop(pool, f, v, gate.NO_CLOZE)
    context = gate.mask(sentence, gate.name_forms(f.cloze), _blank(f.lang))
    if gate.meaningful(context) < MIN_CONTEXT:
        return _drop(pool, f, v, gate.TOO_SHORT)
    deck = pool.deck(f.deck)
    accepted = (f.cloze,)
    explanation = sentence if f.kind == STATEMENT else _explain(f)
    ctx = f.section[-1] if f.section else ""
    prompt = (t(f.lang, "typed_cloze_topic", topic=ctx)
              if ctx and not gate.names_in(ctx, gate.name_forms(f.cloze))
              else t(f.lang, "typed_cloze"))
    return Question(kind="typed", variant=v, prompt=prompt,
                    context=context, answer=f.cloze, accepted=accepted,
                    confusables=_confusables(deck, accepted), explanation=explanation,
                    meta={"answer_names": list(gate.name_forms(f.cloze))}, **_base(f))
