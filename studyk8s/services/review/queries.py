"""The due queue in SQL: what is due, in which order, and how many, for one learner's study day.

These queries are the reference; the in-memory queue (``queue_cache``) serves the same answers
faster, and the tests hold the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from ...persistence.models import Card, CardState, Note, ReviewLog, User
from ...srs import State, next_day_start
from ...srs.days import StudyDay
from ..users import StudySettings

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: show learning cards this early when idle


@dataclass(frozen=True)
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


# --- queue ---------------------------------------------------------------------------------
#
# The queue's statements are built once per deck/kind selection (``_queue_statements``) with
# bound parameters, not per call: building them (aliases, correlated subqueries) cost more
# than running them. ``_learning_q``, ``_review_q`` and ``_new_q`` give the same statements
# with one learner's values bound, for callers that want a plain query.

_UID = bindparam("uid")
_DAY_START = bindparam("day_start")
_DAY_END = bindparam("day_end")
_UNTIL = bindparam("until")
_CAP = bindparam("cap", type_=Integer)
_UPTO = bindparam("upto", type_=Integer)


def _selected(decks: tuple[int, ...] | None, kinds: tuple[str, ...] | None, active=None):
    cond = [Card.retired_at.is_(None) if active is None else active]
    if decks:
        cond.append(Card.note_id.in_(decks))
    if kinds:
        cond.append(Card.kind.in_(kinds))
    return and_(*cond)


def _state_join():
    return and_(CardState.card_id == Card.id, CardState.user_id == _UID)


def _not_set_aside():
    """Not buried by hand (``-``, the browser) for the rest of the study day."""
    return or_(CardState.buried_until.is_(None), CardState.buried_until <= _DAY_START)


def _not_buried(sqlite: bool):
    """No other card of the same fact was reviewed today (Anki's sibling burying).

    Written sibling-first: the card's siblings (ix_cards_fact_id), then their reviews since
    the day started (ix_review_log_card), a few index probes per candidate card whatever the
    log holds. On SQLite, ``user_id + 0`` stops it from answering by scanning all of today's
    reviews through ix_review_log_user_time for every candidate card instead (it prefers that
    index for the equality; ``+ 0`` is SQLite's documented way to rule an index out).
    PostgreSQL plans this well by itself, and the ``+ 0`` would cost it that index.
    """
    sibling = aliased(Card)
    user = ReviewLog.user_id + 0 if sqlite else ReviewLog.user_id
    return ~exists(
        select(sibling.id)
        .join(ReviewLog, ReviewLog.card_id == sibling.id)
        .where(
            sibling.fact_id == Card.fact_id,
            sibling.id != Card.id,
            ReviewLog.reviewed_at >= _DAY_START,
            user == _UID,
            ReviewLog.undone_at.is_(None),
        )
    )


def _is_new(sqlite: bool):
    """Not started (no state row, or new and not suspended) and not buried. One CASE, so the
    burying probe runs only for new cards, not for every started card a queue scan steps over.
    """
    started = or_(CardState.id.is_(None),
                  and_(CardState.state == State.NEW, CardState.suspended.is_(False),
                       _not_set_aside()))
    return case((started, _not_buried(sqlite)), else_=false())


def _counted(q, cap: bool = True):
    """How many rows ``q`` gives (at most ``cap``): the same rows whatever their order, so the
    order is dropped, and with it a sort."""
    q = q.order_by(None)
    return select(func.count()).select_from((q.limit(_CAP) if cap else q).subquery())


@dataclass(frozen=True)
class _Statements:
    learning: Any  # learning/relearning cards due by ``until``, in due order
    review: Any  # review cards due today, not buried, in due order
    first_learning: Any
    first_review: Any
    new: Any  # new cards, in note order (path, position)
    first_new: Any  # new.limit(1), found note by note
    learning_count: Any
    review_count: Any
    new_count: Any
    started_due: Any  # started cards due before ``until`` (tomorrow's forecast)
    done_today: Any  # (new introduced, reviews answered) today
    # For the in-memory queue (``_day_queue``): the same rows with what the queue keeps.
    learning_rows: Any  # (card, due) of every learning card, whenever due
    review_rows: Any  # (card, fact, due), at most ``cap``
    new_rows: Any  # (card, fact), at most ``cap``
    done_upto: Any  # ``done_today`` over the log rows up to ``upto``
    reviewed_today: Any  # (fact, card) of today's reviews up to ``upto``


@lru_cache(maxsize=64)
def _queue_statements(dialect: str, decks: tuple[int, ...] | None,
                      kinds: tuple[str, ...] | None) -> _Statements:
    sqlite = dialect == "sqlite"
    selected = _selected(decks, kinds)
    learning = (
        select(Card.id)
        .join(CardState, _state_join())
        .where(selected, CardState.suspended.is_(False), _not_set_aside(),
               CardState.state.in_((State.LEARNING, State.RELEARNING)), CardState.due <= _UNTIL)
        .order_by(CardState.due, Card.id)
    )
    review = (
        select(Card.id)
        .join(CardState, _state_join())
        .where(selected, CardState.suspended.is_(False), _not_set_aside(),
               CardState.state == State.REVIEW, CardState.due < _DAY_END, _not_buried(sqlite))
        .order_by(CardState.due, Card.id)
    )
    def new_cards(selected):
        return (
            select(Card.id)
            .join(Note, Note.id == Card.note_id)
            .outerjoin(CardState, _state_join())
            .where(selected, Note.retired_at.is_(None), _is_new(sqlite))
            .order_by(Note.path, Card.position, Card.id)
        )

    new = new_cards(selected)
    # The first new card, note by note in path order (each note's cards by position): the
    # scan stops at the first note that has one. (Given ``new`` with LIMIT 1, SQLite collects
    # and sorts every new card instead.)
    first = (
        select(Card.id)
        .outerjoin(CardState, _state_join())
        .where(Card.note_id == Note.id, selected, _is_new(sqlite))
        .order_by(Card.position, Card.id)
        .limit(1)
        .correlate(Note)
        .scalar_subquery()
    )
    first_new = (select(first).where(Note.retired_at.is_(None), first.is_not(None))
                 .order_by(Note.path).limit(1))
    # For a capped count, newest cards first: it finds the cap's worth of unstarted cards
    # without stepping over the started ones. (``retired_at`` inside an expression, so SQLite
    # does not drive the scan from an index led by it: nearly every card is active, so that
    # index selects nothing and costs a sort of all of them.)
    active = func.coalesce(Card.retired_at, Card.retired_at).is_(None)
    newest_first = (new_cards(_selected(decks, kinds, active))
                    .order_by(None).order_by(Card.id.desc()))
    started_due = (
        select(CardState.id)
        .join(Card, Card.id == CardState.card_id)
        .where(CardState.user_id == _UID, selected, CardState.suspended.is_(False),
               CardState.state != State.NEW, CardState.due < _UNTIL)
    )
    # The state a review was given in, from its snapshot (missing counts as new, as always).
    before = func.coalesce(ReviewLog.state_before["state"].as_integer(), int(State.NEW))
    done_today = select(
        func.sum(case((before == int(State.NEW), 1), else_=0)),
        func.sum(case((before == int(State.REVIEW), 1), else_=0)),
    ).where(
        ReviewLog.user_id == _UID,
        ReviewLog.reviewed_at >= _DAY_START,
        ReviewLog.undone_at.is_(None),
        ReviewLog.imported.is_(False),
    )
    today = and_(ReviewLog.user_id == _UID, ReviewLog.reviewed_at >= _DAY_START,
                 ReviewLog.undone_at.is_(None), ReviewLog.id <= _UPTO)
    return _Statements(
        learning_rows=select(Card.id, CardState.due).join(CardState, _state_join()).where(
            selected, CardState.suspended.is_(False), _not_set_aside(),
            CardState.state.in_((State.LEARNING, State.RELEARNING)), CardState.due.is_not(None)),
        review_rows=review.with_only_columns(Card.id, Card.fact_id, CardState.due).limit(_CAP),
        new_rows=new.with_only_columns(Card.id, Card.fact_id).limit(_CAP),
        done_upto=done_today.where(ReviewLog.id <= _UPTO),
        reviewed_today=select(Card.fact_id, Card.id).distinct()
        .join(ReviewLog, ReviewLog.card_id == Card.id).where(today),
        learning=learning, review=review, new=new, first_new=first_new,
        first_learning=learning.limit(1), first_review=review.limit(1),
        learning_count=_counted(learning, cap=False),
        review_count=_counted(review),
        new_count=select(func.count()).select_from(newest_first.limit(_CAP).subquery()),
        started_due=select(func.count()).select_from(started_due.subquery()),
        done_today=done_today,
    )


def _statements(settings: StudySettings, session: Session | None = None) -> _Statements:
    """The statements for the learner's selection, planned for the session's database (any
    variant gives the same rows)."""
    dialect = session.get_bind().dialect.name if session is not None else ""
    return _queue_statements(dialect, *settings.selection)


def _params(user: User, day: StudyDay, **more) -> dict[str, Any]:
    return {"uid": user.id, "day_start": day.start, "day_end": day.end, **more}


def _limits_left(session: Session, user: User, settings: StudySettings,
                 day: StudyDay) -> tuple[int, int]:
    """(new cards, reviews) the daily limits still allow: one aggregate over today's rows."""
    return _left(settings, session.execute(_statements(settings, session).done_today,
                                           _params(user, day)).one())


def _left(settings: StudySettings, done: tuple[int | None, int | None]) -> tuple[int, int]:
    """What the limits allow after ``done`` (new cards introduced, review cards answered)."""
    new_done, review_done = (int(n or 0) for n in done)
    return (max(0, settings.new_per_day - new_done),
            max(0, settings.reviews_per_day - review_done))


def _learning_q(user: User, until: datetime):
    day = StudyDay.of(until, user.timezone)
    return _statements(StudySettings.of(user)).learning.params(uid=user.id, until=until,
                                                               day_start=day.start)


def _review_q(user: User, day: StudyDay):
    return _statements(StudySettings.of(user)).review.params(**_params(user, day))


def _new_q(user: User, day: StudyDay):
    return _statements(StudySettings.of(user)).new.params(**_params(user, day))


def counts(session: Session, user: User, now: datetime,
           settings: StudySettings | None = None) -> Counts:
    settings = settings or StudySettings.of(user, now)
    day = StudyDay.of(now, user.timezone)
    new_left, review_left = _limits_left(session, user, settings, day)
    q, p = _statements(settings, session), _params(user, day)
    return Counts(  # a cap of 0 counts 0: no query
        new=session.scalar(q.new_count, {**p, "cap": new_left}) if new_left else 0,
        learning=session.scalar(q.learning_count, {**p, "until": day.end}),
        review=session.scalar(q.review_count, {**p, "cap": review_left}) if review_left else 0,
    )


def next_card_id(session: Session, user: User, now: datetime,
                 settings: StudySettings | None = None) -> int | None:
    """Anki's order: learning cards that are due, then reviews, then new cards, then learning
    cards due within the learn-ahead window."""
    settings = settings or StudySettings.of(user, now)
    day = StudyDay.of(now, user.timezone)
    new_left, review_left = _limits_left(session, user, settings, day)
    q, p = _statements(settings, session), _params(user, day)
    steps: list[tuple[Any, dict[str, Any]]] = [(q.first_learning, {**p, "until": now})]
    if review_left:
        steps.append((q.first_review, p))
    if new_left:
        steps.append((q.first_new, p))
    steps.append((q.first_learning, {**p, "until": now + LEARN_AHEAD}))
    for stmt, params in steps:
        card_id = session.scalar(stmt, params)
        if card_id is not None:
            return card_id
    return None


def tomorrow_count(session: Session, user: User, now: datetime,
                   settings: StudySettings | None = None) -> int:
    """Cards due by the end of tomorrow's study day, plus tomorrow's new-card allowance."""
    settings = settings or StudySettings.of(user)
    day = StudyDay.of(now, user.timezone)
    end = next_day_start(day.end + timedelta(hours=1), user.timezone)
    q = _statements(settings, session)
    due = session.scalar(q.started_due, {"uid": user.id, "until": end}) or 0
    tomorrow = StudyDay(day.end, day.end, end)
    new = session.scalar(q.new_count, _params(user, tomorrow,
                                              cap=settings.new_per_day - settings.extra_new))
    return due + (new or 0)
