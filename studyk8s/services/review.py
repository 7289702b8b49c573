"""The daily review: the due queue, answering (idempotent, stale-safe), undo and suspend.

Each answer is one transaction that checks the card's ``version`` (the state the rating was
given for) and the rating's client-generated id, so a retry returns the first result and a
stale tab gets a conflict, never a second review. Sibling burying is derived from today's
review log rather than stored, so undoing a review unburies its siblings by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..db import begin_write
from ..models import Card, CardState, Note, ReviewLog, User
from ..srs import (
    CardMemory,
    Rating,
    Scheduler,
    SchedulerConfig,
    State,
    day_start,
    format_interval,
    fuzz_seed,
    next_day_start,
)
from .users import settings_of

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: show learning cards this early when idle
STATE_NAMES = {State.NEW: "new", State.LEARNING: "learning", State.REVIEW: "review",
               State.RELEARNING: "relearning"}


class ReviewError(Exception):
    """A request the learner can fix (bad rating, unknown card)."""

    status = 400


class NotFound(ReviewError):
    status = 404


class Conflict(ReviewError):
    """The card changed since the rating was given (another tab, or an undo)."""

    status = 409


@dataclass(frozen=True)
class Day:
    """The learner's study day: the window between two 4 am rollovers in their time zone."""

    now: datetime
    start: datetime
    end: datetime

    @classmethod
    def of(cls, user: User, now: datetime) -> Day:
        return cls(now, day_start(now, user.timezone), next_day_start(now, user.timezone))


@dataclass(frozen=True)
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


def scheduler_for(user: User) -> Scheduler:
    settings = settings_of(user)
    params = tuple(settings["parameters"]) if settings.get("parameters") else None
    return _scheduler(params, float(settings["desired_retention"]), user.timezone)


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None, retention: float, tz: str) -> Scheduler:
    """Configs are frozen and learners share a few; building one validates 21 parameters."""
    kwargs: dict[str, Any] = {"desired_retention": retention, "tz": tz}
    if parameters:
        kwargs["parameters"] = parameters
    return Scheduler(SchedulerConfig(**kwargs))


# --- queue ---------------------------------------------------------------------------------


def _selected_cards(user: User):
    """Active cards in the decks and kinds the learner chose to study."""
    settings = settings_of(user)
    cond = [Card.retired_at.is_(None)]
    if settings.get("decks"):
        cond.append(Card.note_id.in_(settings["decks"]))
    if settings.get("card_kinds"):
        cond.append(Card.kind.in_(settings["card_kinds"]))
    return and_(*cond)


def _state_join(user: User):
    return and_(CardState.card_id == Card.id, CardState.user_id == user.id)


def _not_buried(user: User, day: Day):
    """No other card of the same fact was reviewed today (Anki's sibling burying)."""
    sibling = aliased(Card)
    return ~exists(
        select(ReviewLog.id)
        .join(sibling, sibling.id == ReviewLog.card_id)
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.reviewed_at >= day.start,
            ReviewLog.undone_at.is_(None),
            sibling.fact_id == Card.fact_id,
            sibling.id != Card.id,
        )
    )


def _done_today(session: Session, user: User, day: Day) -> tuple[int, int]:
    """(new cards introduced, review-state cards answered) today, for the daily limits."""
    rows = session.execute(
        select(ReviewLog.state_before).where(
            ReviewLog.user_id == user.id,
            ReviewLog.reviewed_at >= day.start,
            ReviewLog.undone_at.is_(None),
            ReviewLog.imported.is_(False),
        )
    ).scalars()
    new = review = 0
    for before in rows:
        state = before.get("state", 0)
        new += state == State.NEW
        review += state == State.REVIEW
    return new, review


def _limits_left(session: Session, user: User, day: Day) -> tuple[int, int]:
    settings = settings_of(user)
    new_done, review_done = _done_today(session, user, day)
    return (max(0, settings["new_per_day"] - new_done),
            max(0, settings["reviews_per_day"] - review_done))


def _learning_q(user: User, until: datetime):
    return (
        select(Card.id)
        .join(CardState, _state_join(user))
        .where(_selected_cards(user), CardState.suspended.is_(False),
               CardState.state.in_((State.LEARNING, State.RELEARNING)), CardState.due <= until)
        .order_by(CardState.due, Card.id)
    )


def _review_q(user: User, day: Day):
    return (
        select(Card.id)
        .join(CardState, _state_join(user))
        .where(_selected_cards(user), CardState.suspended.is_(False),
               CardState.state == State.REVIEW, CardState.due < day.end, _not_buried(user, day))
        .order_by(CardState.due, Card.id)
    )


def _new_q(user: User, day: Day):
    return (
        select(Card.id)
        .join(Note, Note.id == Card.note_id)
        .outerjoin(CardState, _state_join(user))
        .where(_selected_cards(user), Note.retired_at.is_(None),
               or_(CardState.id.is_(None),
                   and_(CardState.state == State.NEW, CardState.suspended.is_(False))),
               _not_buried(user, day))
        .order_by(Note.path, Card.position, Card.id)
    )


def _count(session: Session, q, cap: int | None = None) -> int:
    if cap is not None:
        q = q.limit(cap)
    return session.scalar(select(func.count()).select_from(q.subquery())) or 0


def counts(session: Session, user: User, now: datetime) -> Counts:
    day = Day.of(user, now)
    new_left, review_left = _limits_left(session, user, day)
    return Counts(
        new=_count(session, _new_q(user, day), new_left),
        learning=_count(session, _learning_q(user, day.end)),
        review=_count(session, _review_q(user, day), review_left),
    )


def next_card_id(session: Session, user: User, now: datetime) -> int | None:
    """Anki's order: learning cards that are due, then reviews, then new cards, then learning
    cards due within the learn-ahead window."""
    day = Day.of(user, now)
    new_left, review_left = _limits_left(session, user, day)
    queries = [_learning_q(user, now)]
    if review_left:
        queries.append(_review_q(user, day))
    if new_left:
        queries.append(_new_q(user, day))
    queries.append(_learning_q(user, now + LEARN_AHEAD))
    for q in queries:
        card_id = session.scalar(q.limit(1))
        if card_id is not None:
            return card_id
    return None


def tomorrow_count(session: Session, user: User, now: datetime) -> int:
    """Cards due by the end of tomorrow's study day, plus tomorrow's new-card allowance."""
    day = Day.of(user, now)
    end = next_day_start(day.end + timedelta(hours=1), user.timezone)
    due = _count(session, select(CardState.id).join(Card, Card.id == CardState.card_id).where(
        CardState.user_id == user.id, _selected_cards(user), CardState.suspended.is_(False),
        CardState.state != State.NEW, CardState.due < end))
    settings = settings_of(user)
    new = _count(session, _new_q(user, Day(day.end, day.end, end)), settings["new_per_day"])
    return due + new


# --- card view -----------------------------------------------------------------------------


def _memory(row: CardState | None) -> CardMemory:
    if row is None:
        return CardMemory()
    return CardMemory(state=State(row.state), step=row.step, stability=row.stability,
                      difficulty=row.difficulty, due=row.due, last_review=row.last_review,
                      reps=row.reps, lapses=row.lapses)


def _get_state(session: Session, user: User, card_id: int, *,
               lock: bool = False) -> CardState | None:
    """``lock``: the row stays locked until commit (FOR UPDATE on PostgreSQL; on SQLite the
    transaction already holds the write lock), so the version check and the write are one."""
    q = select(CardState).where(CardState.user_id == user.id, CardState.card_id == card_id)
    return session.scalar(q.with_for_update() if lock else q)


def card_view(session: Session, user: User, card_id: int, now: datetime) -> dict[str, Any]:
    """What the review page needs to show one card, with each button's interval."""
    from ..render import to_html

    row = session.execute(
        select(Card, Note).join(Note, Note.id == Card.note_id).where(Card.id == card_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"card {card_id} does not exist")
    card, note = row
    state = _get_state(session, user, card_id)
    memory = _memory(state)
    intervals = scheduler_for(user).preview(memory, now, seed=fuzz_seed(card.id, memory.reps))
    return {
        "id": card.id,
        "version": state.version if state else 0,
        "kind": card.kind,
        "state": STATE_NAMES[memory.state],
        "front_html": to_html(card.front),
        "back_html": to_html(card.back),
        "deck": note.title,
        "lang": note.lang,
        "section": card.section,
        "source": f"{note.path}:{card.line}",
        "note_id": note.id,
        "line": card.line,
        "diagram": card.diagram,
        "intervals": {str(int(r)): format_interval(iv) for r, iv in intervals.items()},
    }


def next_view(session: Session, user: User, now: datetime) -> dict[str, Any]:
    card_id = next_card_id(session, user, now)
    c = counts(session, user, now)
    view: dict[str, Any] = {"counts": {"new": c.new, "learning": c.learning, "review": c.review}}
    if card_id is None:
        view["card"] = None
        view["tomorrow"] = tomorrow_count(session, user, now)
    else:
        view["card"] = card_view(session, user, card_id, now)
    return view


# --- answering -----------------------------------------------------------------------------


def _check_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not (8 <= len(client_id) <= 64) or not client_id.replace("-", "").isalnum():
        raise ReviewError("client_id must be 8–64 letters, digits or dashes")
    return client_id


def _result(log: ReviewLog, duplicate: bool) -> dict[str, Any]:
    """The answer to a rating; a repeated submit gets the same one, flagged ``duplicate``."""
    after = log.state_after
    due = datetime.fromisoformat(after["due"])
    return {"review_id": log.id, "card_id": log.card_id, "rating": log.rating,
            "version": after["version"], "due": after["due"],
            "interval": format_interval(due - log.reviewed_at), "leech": after.get("leech", False),
            "undone": log.undone_at is not None, "duplicate": duplicate}


def _replayed(session: Session, user: User, client_id: str) -> dict[str, Any] | None:
    log = session.scalar(select(ReviewLog).where(ReviewLog.client_id == client_id))
    if log is None:
        return None
    if log.user_id != user.id:
        raise Conflict("client_id already used")
    return _result(log, duplicate=True)


def answer(session: Session, user: User, *, card_id: int, rating: int, client_id: str,
           version: int, now: datetime, duration_ms: int = 0) -> dict[str, Any]:
    """Record one rating. Same ``client_id`` again → the first result; stale ``version`` →
    Conflict and nothing written."""
    client_id = _check_client_id(client_id)
    try:
        rating = Rating(int(rating))
    except (TypeError, ValueError):
        raise ReviewError("rating must be 1, 2, 3 or 4") from None
    try:
        begin_write(session)
        # Lock first, then look for the id: a racing submit that held the lock has committed
        # by now, so its review is visible here and this one becomes its duplicate.
        state = _get_state(session, user, card_id, lock=True)
        if (done := _replayed(session, user, client_id)) is not None:
            return done
        card = session.get(Card, card_id)
        if card is None or card.retired_at is not None:
            raise NotFound(f"card {card_id} is not available")
        current = state.version if state else 0
        if int(version) != current:
            raise Conflict(f"card {card_id} changed since it was shown "
                           f"(version {version}, now {current}); reload it")
        if state is not None and state.suspended:
            raise Conflict(f"card {card_id} is suspended")
        before = _memory(state)
        outcome = scheduler_for(user).review(before, rating, now, seed=fuzz_seed(card.id,
                                                                                  before.reps))
        after = outcome.memory
        snapshot = {**before.to_dict(), "version": current,
                    "suspended": False, "leech": bool(state and state.leech)}
        if state is None:
            state = CardState(user_id=user.id, card_id=card_id, version=0)
            session.add(state)
        fields = _memory_fields(after)
        fields["version"] = current + 1
        if outcome.leech:
            fields["leech"] = True
            fields["suspended"] = True
        for k, v in fields.items():
            setattr(state, k, v)
        session.flush()  # a concurrent first answer of the same card fails here (unique row)
        if state.version != current + 1:
            raise Conflict(f"card {card_id} changed concurrently")
        log = ReviewLog(user_id=user.id, card_id=card_id, client_id=client_id, rating=int(rating),
                        reviewed_at=now, duration_ms=max(0, min(int(duration_ms), 600_000)),
                        state_before=snapshot,
                        state_after={**after.to_dict(), "version": current + 1,
                                     "leech": outcome.leech})
        session.add(log)
        session.flush()
        result = _result(log, duplicate=False)
        session.commit()
        return result
    except IntegrityError:
        session.rollback()
        if (done := _replayed(session, user, client_id)) is not None:
            return done
        raise Conflict(f"card {card_id} changed concurrently") from None
    except BaseException:
        session.rollback()
        raise


def _memory_fields(m: CardMemory) -> dict[str, Any]:
    return {"state": int(m.state), "step": m.step, "stability": m.stability,
            "difficulty": m.difficulty, "due": m.due, "last_review": m.last_review,
            "reps": m.reps, "lapses": m.lapses}


def undo(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Undo the learner's latest rating of today: restore the card's previous state, mark the
    review undone (kept in the log, out of the schedule). The card comes back to the queue."""
    day = Day.of(user, now)
    try:
        begin_write(session)
        log = session.scalar(
            select(ReviewLog)
            .where(ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None),
                   ReviewLog.imported.is_(False), ReviewLog.reviewed_at >= day.start)
            .order_by(ReviewLog.id.desc())
            .limit(1)
        )
        if log is None:
            raise ReviewError("nothing to undo")
        state = _get_state(session, user, log.card_id)
        before = log.state_before
        fields = _memory_fields(CardMemory.from_dict(before))
        fields.update(suspended=before.get("suspended", False), leech=before.get("leech", False))
        result = session.execute(
            update(CardState)
            .where(CardState.id == state.id, CardState.version == log.state_after["version"])
            .values(**fields, version=state.version + 1)
        )
        if result.rowcount != 1:
            raise Conflict("the card changed after that review; cannot undo it")
        log.undone_at = now
        session.commit()
        return {"undone_review_id": log.id, "card_id": log.card_id, "rating": log.rating,
                "version": state.version + 1}
    except BaseException:
        session.rollback()
        raise


def suspend(session: Session, user: User, card_id: int, now: datetime) -> dict[str, Any]:
    try:
        begin_write(session)
        if session.get(Card, card_id) is None:
            raise NotFound(f"card {card_id} does not exist")
        state = _get_state(session, user, card_id, lock=True)
        if state is None:
            state = CardState(user_id=user.id, card_id=card_id, version=0, state=0)
            session.add(state)
        state.suspended = True
        state.version = (state.version or 0) + 1
        session.commit()
        return {"card_id": card_id, "suspended": True, "version": state.version}
    except BaseException:
        session.rollback()
        raise
