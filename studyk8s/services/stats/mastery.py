"""Cards by state, the due forecast and mastery, per deck and section, for a learner or a
class.

**Mastery** is the mean predicted recall probability (the scheduler's FSRS forgetting curve,
``Scheduler.retrievability``) over the cards of a deck or section, with cards never studied
counting as 0: a section with a few well-known cards and many unseen ones is not "mastered".
The page shows next to it how many cards were studied and their mean recall, so a low number
says whether to study new cards or review the ones seen. Card counts, forecast and mastery
cover the decks and card kinds chosen in Settings (what the review queue draws from).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    and_,
    case,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from ...persistence.models import Card, CardState, Note, User
from ...srs import State
from ...srs.days import (
    DAY_SECONDS,
    MATURE_DAYS,
    curve,
)
from ..scheduling import scheduler_for
from ..users import StudySettings
from .rollup import FORECAST_DAYS, StudyCalendar
from .sql import _ensure_power, epoch

# Anki calls a review card mature once its interval is 21 days or more. The interval is
# ``due - last_review``, a whole number of study days that a DST change can stretch by an hour.
MATURE_SECONDS = MATURE_DAYS * DAY_SECONDS - 2 * 3600
CATEGORIES = ("new", "learning", "relearning", "young", "mature", "suspended", "leech")


def _scope(settings: StudySettings):
    """The cards the learner studies: active, in the decks and kinds chosen in Settings (the
    same rule as the review queue)."""
    cond = [Card.retired_at.is_(None)]
    if settings.decks:
        cond.append(Card.note_id.in_(settings.decks))
    if settings.card_kinds:
        cond.append(Card.kind.in_(settings.card_kinds))
    return and_(*cond)


def _recall(clock: StudyCalendar, parameters: Sequence[float]):
    """SQL: the card's predicted recall probability now, as ``Scheduler.retrievability``
    (elapsed whole study days since the last review); 0 for a card never reviewed."""
    decay, factor = curve(parameters)
    elapsed = clock.today - clock.day(CardState.last_review)
    return case(
        (CardState.stability.is_(None) | CardState.last_review.is_(None)
         | (CardState.stability <= 0), 0.0),
        (CardState.last_review >= clock.start_of(clock.today), 1.0),
        else_=func.power(1.0 + factor * elapsed / CardState.stability, decay, type_=Float),
    )


_FIELD = 21  # bits per packed count: up to 2 million cards of one category (in all decks)
_MASK = (1 << _FIELD) - 1


def _packed_categories():
    """Two SQL sums that together count each group's cards per category.

    Each card is in exactly one category: leeches first, then suspended cards, then by state;
    mature = a review card whose interval is 21 days or more. One ``CASE`` per category would
    repeat the earlier tests for every category (and the interval arithmetic twice), so three
    counts are packed into each sum, ``_FIELD`` bits apart, and ``_unpack`` splits them; the
    leeches are what is left of the total."""
    one, two = literal(1 << _FIELD, BigInteger), literal(1 << (2 * _FIELD), BigInteger)
    interval = epoch(CardState.due) - epoch(CardState.last_review)
    first = case(
        (CardState.id.is_(None), 1),  # never answered: no state row
        (CardState.leech | CardState.suspended, 0),
        (CardState.state == int(State.NEW), 1),
        (CardState.state == int(State.LEARNING), one),
        (CardState.state == int(State.RELEARNING), two),
        else_=0,
    )
    second = case(
        (CardState.id.is_(None) | CardState.leech, 0),
        (CardState.suspended, two),
        (CardState.state != int(State.REVIEW), 0),
        (interval >= MATURE_SECONDS, one),
        else_=1,
    )
    return func.sum(first), func.sum(second)


def _unpack(total: int, first: int, second: int) -> dict[str, int]:
    counts = {
        "new": first & _MASK,
        "learning": (first >> _FIELD) & _MASK,
        "relearning": first >> (2 * _FIELD),
        "young": second & _MASK,
        "mature": (second >> _FIELD) & _MASK,
        "suspended": second >> (2 * _FIELD),
    }
    counts["leech"] = total - sum(counts.values())
    return {c: counts[c] for c in CATEGORIES}


@dataclass(slots=True)
class Mastery:
    """Mean recall over ``cards`` (never-studied cards count 0) of a deck or one section.
    The counts by category stay packed (``_packed_categories``): packed sums add up, so a deck
    is the plain sum of its sections."""

    note_id: int
    deck: str
    lang: str
    section: str
    cards: int = 0
    studied: int = 0
    recall_sum: float = 0.0
    packed: tuple[int, int] = (0, 0)

    @property
    def mastery(self) -> float:
        return self.recall_sum / self.cards if self.cards else 0.0

    @property
    def studied_recall(self) -> float | None:
        return self.recall_sum / self.studied if self.studied else None

    @property
    def counts(self) -> dict[str, int]:
        return _unpack(self.cards, *self.packed)

    def add(self, other: Mastery) -> None:
        self.cards += other.cards
        self.studied += other.studied
        self.recall_sum += other.recall_sum
        self.packed = (self.packed[0] + other.packed[0], self.packed[1] + other.packed[1])


def section_rows(session: Session, user: User, clock: StudyCalendar, *, note_id: int | None = None,
                 settings: StudySettings | None = None) -> list[Mastery]:
    """One row per (deck, section) in the learner's scope: cards, studied cards, summed recall
    and counts by state, in one grouped query over cards ⟕ the learner's card states."""
    settings = settings or StudySettings.of(user)
    _ensure_power(session)
    params = scheduler_for(user, settings).config.parameters
    studied = case((CardState.last_review.is_not(None), 1), else_=0)
    q = (
        select(Card.note_id, Card.section, func.count(), func.sum(studied),
               func.sum(_recall(clock, params)), *_packed_categories())
        .select_from(Card)
        .outerjoin(CardState, and_(CardState.card_id == Card.id,
                                   CardState.user_id == user.id))
        .where(_scope(settings), Card.note_id == note_id if note_id is not None else true())
        .group_by(Card.note_id, Card.section)
    )
    notes = {nid: (title, lang) for nid, title, lang in session.execute(
        select(Note.id, Note.title, Note.lang).where(Note.retired_at.is_(None)))}
    out = []
    for nid, section, n, seen, rsum, first, second in session.execute(q):
        if nid not in notes:
            continue
        title, lang = notes[nid]
        out.append(Mastery(nid, title, lang, section, n, int(seen or 0), float(rsum or 0.0),
                           (int(first or 0), int(second or 0))))
    return out


def by_deck(sections: Iterable[Mastery]) -> list[Mastery]:
    decks: dict[int, Mastery] = {}
    for s in sections:
        decks.setdefault(s.note_id, Mastery(s.note_id, s.deck, s.lang, "")).add(s)
    return list(decks.values())


def forecast(session: Session, user: User, clock: StudyCalendar,
             settings: StudySettings | None = None) -> list[tuple[int, int]]:
    """(day, cards due) for today and the next ``FORECAST_DAYS`` days. Overdue cards count
    today; suspended and new cards are left out; learning cards count on their due day."""
    today_start = clock.start_of(clock.today)
    day = case((CardState.due < today_start, clock.today), else_=clock.day(CardState.due))
    settings = settings or StudySettings.of(user)
    if settings.scoped:
        in_scope = CardState.card_id.in_(select(Card.id).where(_scope(settings)))
    else:  # the usual case: only the (few) retired cards are out
        in_scope = CardState.card_id.not_in(select(Card.id).where(Card.retired_at.is_not(None)))
    q = (
        # Reads ix_card_states_forecast alone (covering): no card-state or card rows.
        select(day.label("day"), func.count())
        .where(CardState.user_id == user.id, CardState.suspended.is_(False),
               CardState.due < clock.start_of(clock.today + FORECAST_DAYS + 1),
               CardState.state != int(State.NEW), in_scope)
        .group_by("day")
    )
    got = {int(d): int(n) for d, n in session.execute(q)}
    return [(d, got.get(d, 0)) for d in range(clock.today, clock.today + FORECAST_DAYS + 1)]


# --- instructors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassSection:
    """Mastery of one (deck, section) across learners: the mean of each learner's mastery."""

    note_id: int
    deck: str
    section: str
    cards: int
    mastery: float
    per_learner: dict[int, float]


def section_mastery(session: Session, user_ids: Iterable[int], now: datetime
                    ) -> list[ClassSection]:
    """Mastery per section for a class, weakest first: each learner's mastery under their own
    scheduler parameters, time zone and deck scope, averaged over the learners who have the
    section in scope (``per_learner`` keeps each one's value).

    For the instructor's class view, which is not built here (classes belong to the quiz-set
    work): it passes its members' ids. The caller checks that the instructor may see these
    learners. One grouped query per learner, the same one the learner's own page runs.
    """
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for uid in dict.fromkeys(user_ids):
        user = session.get(User, uid)
        if user is None:
            continue
        clock = StudyCalendar.of(session, user, now)
        for m in section_rows(session, user, clock):
            r = rows.setdefault((m.note_id, m.section),
                                {"deck": m.deck, "cards": m.cards, "per": {}})
            r["per"][uid] = m.mastery
    out = [ClassSection(nid, r["deck"], section, r["cards"],
                        sum(r["per"].values()) / len(r["per"]), r["per"])
           for (nid, section), r in rows.items()]
    return sorted(out, key=lambda c: (c.mastery, c.deck, c.section))
