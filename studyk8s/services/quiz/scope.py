"""Which facts a quiz is made from (the decks and topics in scope, the askable ones among
them, the start form's choices) and the checks on a start request's arguments. Kept apart
from attempts because the quiz sets and readiness ask the same questions of the notes without
starting anything."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...notes.handson import HANDSON_KINDS
from ...persistence.models import Fact, Note
from ...quiz import gate
from ...quiz.attempt import DEFAULT_PASS_MARK, WeightError, parse_weights
from ...quiz.handson.questions import screen
from ...quiz.model import HANDS_ON_TOPIC, QFact
from ..errors import ServiceError

# --- facts in scope ------------------------------------------------------------------------


def _qfact(row) -> QFact:
    data = row.data or {}
    section = tuple(row.section.split(" > ")) if row.section else ()
    if row.kind in HANDSON_KINDS:
        section = (HANDS_ON_TOPIC, *section)
    return QFact(
        key=row.key, kind=row.kind, term=row.term, deck=row.path, line=row.line, lang=row.lang,
        definition=gate.without_value_cells(row.definition or ""),
        aliases=tuple(data.get("aliases") or ()),
        items=tuple(data.get("items") or ()), group=row.group or "",
        section=section,
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
    return screen(load_facts(session, decks))


@dataclass(frozen=True)
class DeckFacts:
    """One deck's facts as the gate sees them: how many a question can be made from, and why
    the others cannot (gate reason → how many)."""

    id: int
    path: str
    title: str
    lang: str
    askable: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(self.reasons.values())


class _Summary(NamedTuple):
    decks: list[DeckFacts]
    topics: dict[str, dict[str, int]]  # deck path → topic → askable facts


def _notes(session: Session) -> list[Any]:
    return session.execute(
        select(Note.id, Note.path, Note.title, Note.lang, Note.content_hash, Note.imported_at)
        .where(Note.retired_at.is_(None)).order_by(Note.path)).all()


def _summarise(session: Session, notes: Sequence[Any]) -> _Summary:
    facts = load_facts(session)
    screening = screen(facts)
    asked = Counter(f.deck for f in screening.ok)
    reasons: dict[str, Counter[str]] = {}
    for f in facts:
        if (why := screening.reasons.get(f.key)) is not None:
            reasons.setdefault(f.deck, Counter())[why] += 1
    topics: dict[str, dict[str, int]] = {}
    for f in screening.ok:
        parts = list(f.topic_parts) if (f.section or f.group or f.parent) else []
        seen = topics.setdefault(f.deck, {})
        for depth in range(1, len(parts) + 1):
            key = " > ".join(parts[:depth])
            seen[key] = seen.get(key, 0) + 1
    decks = [DeckFacts(n.id, n.path, n.title, n.lang, asked.get(n.path, 0),
                       dict(sorted(reasons.get(n.path, Counter()).items(),
                                   key=lambda kv: (-kv[1], kv[0]))))
             for n in notes]
    return _Summary(decks, topics)


class AskableCache:
    """The per-deck counts of the last content seen, in this worker's memory: screening every
    fact costs seconds at 100,000 facts, and the counts change only when notes are imported
    or retired. The key is the active notes' stamps (content hash, import time) and the count
    and last id of the active facts, read on every use, so another worker's import is seen.
    The app holds one (``app.extensions["askable"]``); without one, every call screens."""

    def __init__(self) -> None:
        self._key: Any = None
        self._value: _Summary | None = None
        self._lock = threading.Lock()

    def summary(self, session: Session) -> _Summary:
        notes = _notes(session)
        facts = session.execute(select(func.count(Fact.id), func.max(Fact.id))
                                .where(Fact.retired_at.is_(None))).one()
        key = (tuple(tuple(n) for n in notes), tuple(facts))
        with self._lock:
            if self._value is not None and key == self._key:
                return self._value
        value = _summarise(session, notes)
        with self._lock:
            self._key, self._value = key, value
        return value


def _summary(session: Session, cache: AskableCache | None) -> _Summary:
    return cache.summary(session) if cache is not None else _summarise(session, _notes(session))


def askable_by_deck(session: Session, cache: AskableCache | None = None) -> list[DeckFacts]:
    """Per deck, the one count of askable facts (``gate.askable``, as on import, the quiz page
    and readiness) and the reasons the other facts make no question: for the stats page."""
    return _summary(session, cache).decks


def scope_options(session: Session, cache: AskableCache | None = None) -> list[dict[str, Any]]:
    """The decks and their topics (heading paths and labelled lists), with counts of askable
    facts and the reasons the others are not asked, for the start form."""
    summary = _summary(session, cache)
    return [{"id": d.id, "path": d.path, "title": d.title, "lang": d.lang,
             "facts": d.askable, "skipped": d.skipped, "reasons": d.reasons,
             "topics": [{"name": k, "depth": k.count(" > "), "facts": v}
                        for k, v in summary.topics.get(d.path, {}).items()]}
            for d in summary.decks]


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
        except WeightError as exc:
            code = {"format": "quiz.topic_weight_format", "number": "quiz.topic_weight_not_number",
                    "range": "quiz.topic_weight_out_of_range"}[exc.problem]
            raise ServiceError(code, "topic weights, “{k}”: " + WeightError.TEXT[exc.problem],
                               k=exc.entry) from None
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
            value=', '.join(map(str, missing)), n=len(missing))
    return ids
