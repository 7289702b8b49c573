"""Which facts a quiz is made from (the decks and topics in scope, the askable ones among
them, the start form's choices) and the checks on a start request's arguments. Kept apart
from attempts because the quiz sets and readiness ask the same questions of the notes without
starting anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.models import Fact, Note
from ...quiz import gate
from ...quiz.attempt import DEFAULT_PASS_MARK, parse_weights
from ...quiz.model import QFact
from ..errors import ServiceError

# --- facts in scope ------------------------------------------------------------------------


def _qfact(row) -> QFact:
    data = row.data or {}
    return QFact(
        key=row.key, kind=row.kind, term=row.term, deck=row.path, line=row.line, lang=row.lang,
        definition=row.definition or "", aliases=tuple(data.get("aliases") or ()),
        items=tuple(data.get("items") or ()), group=row.group or "",
        section=tuple(row.section.split(" > ")) if row.section else (),
        parent=data.get("parent") or "", cloze=data.get("cloze") or "", fact_id=row.id,
        deck_title=row.title,
    )


def load_facts(session: Session, decks: Sequence[int] | None = None) -> list[QFact]:
    """Active facts of the given decks (default: all), in note order."""
    q = (select(Fact.id, Fact.key, Fact.kind, Fact.term, Fact.definition, Fact.group,
                Fact.section, Fact.line, Fact.data, Note.path, Note.lang, Note.title)
         .join(Note, Note.id == Fact.note_id)
         .where(Fact.retired_at.is_(None), Note.retired_at.is_(None))
         .order_by(Note.path, Fact.position))
    if decks:
        q = q.where(Note.id.in_(list(decks)))
    return [_qfact(r) for r in session.execute(q)]


def askable_facts(session: Session, decks: Sequence[int] | None = None) -> gate.Screening:
    """The facts questions can be made from (and why each other one cannot): the one count
    of askable facts shown on import, on the quiz page and in readiness."""
    return gate.askable(load_facts(session, decks))


def scope_options(session: Session) -> list[dict[str, Any]]:
    """The decks and their topics (heading paths and labelled lists), with counts of askable
    facts, for the start form."""
    notes = session.execute(
        select(Note.id, Note.path, Note.title, Note.lang).where(Note.retired_at.is_(None))
        .order_by(Note.path)).all()
    facts = load_facts(session)
    screening = gate.askable(facts)
    ids = {n.path: n.id for n in notes}
    topics: dict[int, dict[str, int]] = {}
    counts: dict[int, int] = {}
    skipped: dict[int, int] = {}
    for f in facts:
        note_id = ids.get(f.deck)
        if f.key in screening.reasons and note_id is not None:
            skipped[note_id] = skipped.get(note_id, 0) + 1
    for f in screening.ok:
        note_id = ids.get(f.deck)
        if note_id is None:
            continue
        counts[note_id] = counts.get(note_id, 0) + 1
        parts = list(f.topic_parts) if (f.section or f.group or f.parent) else []
        seen = topics.setdefault(note_id, {})
        for depth in range(1, len(parts) + 1):
            key = " > ".join(parts[:depth])
            seen[key] = seen.get(key, 0) + 1
    return [{"id": n.id, "path": n.path, "title": n.title, "lang": n.lang,
             "facts": counts.get(n.id, 0), "skipped": skipped.get(n.id, 0),
             "topics": [{"name": k, "depth": k.count(" > "), "facts": v}
                        for k, v in topics.get(n.id, {}).items()]}
            for n in notes]


# --- validation ----------------------------------------------------------------------------


ID_MAX = 2**31 - 1  # an INTEGER primary key on PostgreSQL


def _int_in(value: Any, name: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi]: 2.5, true, "inf" and NaN are refused, not rounded."""
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        v = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ServiceError("quiz.must_whole_number",
            "{name} must be a whole number",
            name=name) from None
    if not lo <= v <= hi:
        raise ServiceError("quiz.must_between",
            "{name} must be between {lo} and {hi}",
            name=name, lo=lo, hi=hi)
    return v


def _pass_mark(value: Any) -> float:
    if value is None or value == "":
        return DEFAULT_PASS_MARK
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ServiceError("quiz.pass_mark_must_number", "the pass mark must be a number") from None
    if v > 1:
        v /= 100  # given as a percentage
    if not 0 < v <= 1:
        raise ServiceError("quiz.pass_mark_must_between",
            "the pass mark must be between 1 % and 100 %")
    return round(v, 4)


def _weights(value: Any) -> dict[str, float] | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = parse_weights(value)
        except ValueError as exc:
            raise ServiceError("quiz.topic_weights", "topic weights: {exc}", exc=exc) from None
    if not isinstance(value, dict):
        raise ServiceError("quiz.topic_weights_must_map",
            "topic weights must map topics to numbers")
    out = {}
    for k, v in value.items():
        try:
            w = float(v)
        except (TypeError, ValueError):
            raise ServiceError("quiz.topic_weight_must_number",
                "topic weight of {k!r} must be a number",
                k=k) from None
        if not 0 <= w <= 1000 or not str(k).strip():
            raise ServiceError("quiz.topic_weight_must_between",
                "topic weight of {k!r} must be between 0 and 1000",
                k=k)
        out[" > ".join(p.strip() for p in str(k).split(">"))] = w
    return out if any(out.values()) else None


def _strings(value: Any, name: str) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ServiceError("quiz.must_list_names", "{name} must be a list of names", name=name)
    return [" > ".join(p.strip() for p in v.split(">")) for v in value if v.strip()]


def _deck_ids(session: Session, value: Any) -> list[int]:
    if not value:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    try:
        ids = sorted({_int_in(v, "decks", 1, ID_MAX) for v in value})
    except ServiceError:
        raise ServiceError("quiz.decks_must_deck_ids", "decks must be deck ids") from None
    found = set(session.scalars(select(Note.id).where(Note.id.in_(ids),
                                                      Note.retired_at.is_(None))))
    if missing := [i for i in ids if i not in found]:
        raise ServiceError("quiz.unknown_deck_s",
            "unknown deck(s): {value}",
            value=', '.join(map(str, missing)))
    return ids
