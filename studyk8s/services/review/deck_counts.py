"""Per-deck due counts for the home page's deck list (each deck links to a review of it), and
how many cards are suspended and how many are leeches (linked to the card browser).

One grouped query over the learner's card states, like Anki's deck list: the daily limits
cap the totals, sibling burying is left out (the review page's counts are the exact ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ...persistence.models import Card, CardState, User
from ...srs import State
from ...srs.days import StudyDay
from ..users import StudySettings
from .queries import _limits_left


@dataclass(frozen=True)
class DeckDue:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class DeckCounts:
    decks: dict[int, DeckDue]  # note id → due today
    suspended: int  # suspended cards that are not leeches
    leeches: int


def deck_counts(session: Session, user: User, now: datetime, cards_per_deck: dict[int, int],
                settings: StudySettings | None = None) -> DeckCounts:
    """``cards_per_deck``: each deck's active cards (``services.decks.list_decks``)."""
    settings = settings or StudySettings.of(user, now)
    day = StudyDay.of(now, user.timezone)
    free = and_(CardState.suspended.is_(False),
                or_(CardState.buried_until.is_(None), CardState.buried_until <= day.start))
    due = and_(free, CardState.due < day.end)

    def total(cond):
        return func.sum(case((cond, 1), else_=0))

    rows = session.execute(
        select(Card.note_id,
               total(and_(due, CardState.state.in_((int(State.LEARNING),
                                                    int(State.RELEARNING))))),
               total(and_(due, CardState.state == int(State.REVIEW))),
               total(and_(CardState.state == int(State.NEW), free)),  # a state row, still new
               func.count(),
               total(and_(CardState.suspended.is_(True), CardState.leech.is_(False))),
               total(CardState.leech.is_(True)))
        .join(CardState, and_(CardState.card_id == Card.id, CardState.user_id == user.id))
        .where(Card.retired_at.is_(None))
        .group_by(Card.note_id)).all()
    new_left, review_left = _limits_left(session, user, settings, day)
    started = {r[0]: r for r in rows}
    decks, suspended, leeches = {}, 0, 0
    for note_id, cards in cards_per_deck.items():
        r = started.get(note_id)
        learning, review, new_rows, rows_n, susp, leech = (r[1:] if r else (0,) * 6)
        unstarted = cards - (rows_n or 0) + (new_rows or 0)
        decks[note_id] = DeckDue(min(max(0, unstarted), new_left), int(learning or 0),
                                 min(int(review or 0), review_left))
        suspended += int(susp or 0)
        leeches += int(leech or 0)
    return DeckCounts(decks, suspended, leeches)
