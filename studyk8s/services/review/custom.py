"""What the Done screen offers, after Anki's custom study: review ahead (the review cards due
in the next few days, now) and more new cards today (today's limit raised).

Review ahead brings the cards' due dates forward to now, as one logged action on all of them
(``u`` puts them back). FSRS schedules an answer from the days since the last review, not
from the due date, so an early answer is scheduled exactly as in Anki's filtered deck.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.models import Card, CardState, User
from ...srs import State
from ...srs.days import StudyDay, next_day_start
from ..errors import ServiceError
from ..users import StudySettings, raise_new_limit
from .actions import change_cards
from .queries import _not_set_aside, _selected

AHEAD_MAX = 500  # cards brought forward at once


def review_ahead(session: Session, user: User, days: int, now: datetime,
                 settings: StudySettings | None = None) -> int:
    """The learner's review cards due in the next ``days`` study days, due now. Returns how
    many (0: nothing is due in that window)."""
    if not 1 <= int(days) <= 365:
        raise ServiceError("review.bad_ahead_days", "enter a number of days from 1 to 365",
                           field="days")
    settings = settings or StudySettings.of(user, now)
    day = StudyDay.of(now, user.timezone)
    until = day.end
    for _ in range(int(days)):
        until = next_day_start(until + timedelta(hours=1), user.timezone)
    rows = session.execute(
        select(CardState.card_id, CardState.version)
        .join(Card, Card.id == CardState.card_id)
        .where(CardState.user_id == user.id, CardState.state == int(State.REVIEW),
               CardState.suspended.is_(False), CardState.due >= day.end,
               CardState.due < until, _selected(*settings.selection),
               _not_set_aside())
        .order_by(CardState.due, CardState.card_id)
        .limit(AHEAD_MAX), {"day_start": day.start}).all()
    if not rows:
        return 0
    return change_cards(session, user, "ahead", [(r.card_id, r.version) for r in rows], now)


def more_new_today(session: Session, user: User, n: int, now: datetime) -> int:
    """Today's new-card limit raised by ``n``; back to the usual limit tomorrow."""
    return raise_new_limit(session, user, n, now, StudyDay.of(now, user.timezone).end)
