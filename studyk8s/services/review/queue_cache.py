"""The learners' day queues, kept in a worker's memory (``QueueCache``, one per app), and
``next_view``, which serves the review page from them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session, with_expression

from ...persistence.models import Card, CardState, QueueContent, ReviewLog, User
from ...srs import State
from ...srs.days import StudyDay
from ...srs.queue import Change, DayQueue
from ..users import StudySettings
from .cards import _card_parts, _with_intervals
from .queries import (
    _UID,
    _UPTO,
    LEARN_AHEAD,
    _left,
    _params,
    _queue_statements,
    tomorrow_count,
)

# --- the learner's queue, kept in memory -----------------------------------------------------
#
# Valid while the learner's stamp (``users.queue_epoch``, ``queue_seq``), the content stamp
# (``queue_content.seq``), the study day and the settings that shape the queue are unchanged.
# Database triggers bump ``queue_seq`` by 1 for each write to the learner's card states and by
# LOG_WEIGHT for each review-log row added, so "the stamp moved by k × (LOG_WEIGHT + 1) and k
# reviews were added" means those k answers (from any worker) are all that happened: the queue
# takes them card by card. Anything else (undo, suspend, new content, another day) rebuilds it.

LOG_WEIGHT = 1 << 20  # migration 0006 writes the same number into its triggers
QUEUE_MARGIN = 50  # extra review/new candidates read beyond the limits, for burying
CACHED_LEARNERS = 256

_CONTENT_SEQ = func.coalesce(select(QueueContent.seq).where(QueueContent.id == 1)
                             .scalar_subquery(), 0)
_LAST_LOG = func.coalesce(select(func.max(ReviewLog.id)).scalar_subquery(), 0)
_STAMP = select(User.queue_epoch, User.queue_seq, _CONTENT_SEQ, _LAST_LOG).where(User.id == _UID)


def with_queue_stamp(users_select):
    """``users_select`` (a SELECT of ``User``) also reads the rest of each learner's queue
    stamp, so that a request that loaded its learner this way (the login manager's loader)
    can show the next card without reading the stamp again (``loaded_stamp``)."""
    return users_select.options(with_expression(User.stamp_content_seq, _CONTENT_SEQ),
                                with_expression(User.stamp_last_review, _LAST_LOG))


def loaded_stamp(user: User):
    """The stamp as ``with_queue_stamp`` read it with ``user``, or None if it was not."""
    if user.stamp_content_seq is None or user.stamp_last_review is None:
        return None
    return user.queue_epoch, user.queue_seq, user.stamp_content_seq, user.stamp_last_review


# The answers after ``after`` (up to ``upto``): the card's state now and what the review was.
# ``user_id + 0``: walk the few newest log rows by id, not all of the learner's rows.
_CHANGES = (
    select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.undone_at, ReviewLog.imported,
           func.coalesce(ReviewLog.state_before["state"].as_integer(), int(State.NEW)),
           Card.fact_id, Card.note_id, Card.kind, Card.retired_at,
           CardState.state, CardState.due, CardState.suspended)
    .outerjoin(Card, Card.id == ReviewLog.card_id)
    .outerjoin(CardState, and_(CardState.card_id == ReviewLog.card_id,
                               CardState.user_id == _UID))
    .where(ReviewLog.id > bindparam("after"), ReviewLog.id <= _UPTO,
           ReviewLog.user_id + 0 == _UID)
    .order_by(ReviewLog.id)
)


@dataclass
class _Cached:
    key: tuple
    seq: int
    last_log: int
    queue: DayQueue
    shown: tuple | None = None  # ((seq, card id, scheduler), view) of the card last shown


def _queue_key(settings: StudySettings, day: StudyDay, epoch: int, content: int | None) -> tuple:
    return (epoch, content, day.start, day.end, settings.selection, settings.new_per_day,
            settings.reviews_per_day)


def _build_queue(conn, user: User, settings: StudySettings, day: StudyDay, upto: int) -> DayQueue:
    """Read the day's queue: today's counts up to log row ``upto``, the learning cards, and the
    first reviews and new cards the limits allow (plus a margin)."""
    q, p = _queue_statements(conn.dialect.name, *settings.selection), _params(user, day, upto=upto)
    new_left, review_left = _left(settings, conn.execute(q.done_upto, p).one())

    def capped(stmt, left):
        if not left:
            return [], True
        rows = conn.execute(stmt, {**p, "cap": left + QUEUE_MARGIN}).all()
        return rows, len(rows) < left + QUEUE_MARGIN

    review_rows, review_complete = capped(q.review_rows, review_left)
    new_rows, new_complete = capped(q.new_rows, new_left)
    return DayQueue.build(
        day_end=day.end, new_left=new_left, review_left=review_left,
        learning=conn.execute(q.learning_rows, p).all(), review=review_rows, new=new_rows,
        review_complete=review_complete, new_complete=new_complete,
        reviewed_today=conn.execute(q.reviewed_today, p).all())


def _catch_up(conn, user: User, settings: StudySettings, day: StudyDay, cached: _Cached, seq: int,
              last_log: int) -> bool:
    """Apply the answers given since the queue was read; False if more than answers
    happened (the caller rebuilds)."""
    rows = conn.execute(_CHANGES, {"uid": user.id, "after": cached.last_log,
                                   "upto": last_log}).all()
    if seq - cached.seq != len(rows) * (LOG_WEIGHT + 1) or any(
            r.card_id is None or r.fact_id is None for r in rows):
        return False
    for (card_id, reviewed_at, undone_at, imported, before, fact_id, note_id, kind, retired_at,
         state, due, suspended) in rows:
        today = reviewed_at >= day.start and undone_at is None
        cached.queue.apply(Change(
            card_id=card_id, fact_id=fact_id, state=int(State.NEW if state is None else state),
            due=due, suspended=bool(suspended),
            selected=retired_at is None and _in_selection(settings, note_id, kind),
            reviewed_today=today,
            counted_as=before if today and not imported else None))
    cached.seq, cached.last_log = seq, last_log
    return True


def _in_selection(settings: StudySettings, note_id: int, kind: str) -> bool:
    decks, kinds = settings.selection
    return (not decks or note_id in decks) and (not kinds or kind in kinds)


class QueueCache:
    """The day queues of the last ``size`` learners seen, in this worker's memory. The app
    holds one (``app.extensions["review_queues"]``); each test or benchmark makes its own.
    Nothing in it is needed by another worker: each checks the database's stamps first."""

    def __init__(self, size: int = CACHED_LEARNERS) -> None:
        self.size = size
        self._queues: OrderedDict[int, _Cached] = OrderedDict()
        self._lock = threading.Lock()  # threaded servers: one request at a time touches it

    def clear(self) -> None:
        """Drop every cached queue (the scale benchmark times a cold build)."""
        with self._lock:
            self._queues.clear()

    def next_view(self, session: Session, user: User, now: datetime,
                  settings: StudySettings | None = None,
                  prefer: int | None = None, stamp=None) -> dict[str, Any]:
        """The counts and the next card, from the learner's queue kept in memory, so a step
        reads one small row (and the card) instead of scanning the collection.

        The card last shown is kept with the queue: asked again with nothing changed (the
        same stamp, study day and scheduler settings), it is shown as it was. Its intervals
        depend on the time only through the study day (``Scheduler.review`` counts whole
        study days). ``prefer``: show that card if it can be shown now (after an undo)."""
        settings = settings or StudySettings.of(user, now)
        day = StudyDay.of(now, user.timezone)
        conn = session.connection()
        with self._lock:
            cached = self._day_queue(conn, user, settings, day, stamp)
            new, learning, review = cached.queue.counts()
            if prefer is not None and cached.queue.available(prefer, now, now + LEARN_AHEAD):
                card_id: int | None = prefer
            else:
                card_id = cached.queue.next_card(now, now + LEARN_AHEAD)
            seen = cached.seq, card_id, settings.scheduler_key
            shown = cached.shown[1] if cached.shown and cached.shown[0] == seen else None
        view: dict[str, Any] = {"counts": {"new": new, "learning": learning, "review": review}}
        if card_id is None:
            view["card"] = None
            view["tomorrow"] = tomorrow_count(session, user, now, settings)
            return view
        if shown is None:
            shown = _with_intervals(user, settings, *_card_parts(conn, user, card_id), now)
            with self._lock:
                cached.shown = seen, shown
        view["card"] = dict(shown)
        return view

    def _day_queue(self, conn, user: User, settings: StudySettings, day: StudyDay,
                   stamp=None) -> _Cached:
        """The learner's queue for ``day``: the cached one, caught up, or a new one."""
        epoch, seq, content, last_log = stamp or conn.execute(_STAMP, {"uid": user.id}).one()
        key = _queue_key(settings, day, epoch, content)
        last_log = last_log or 0
        cached = self._queues.get(user.id)
        if cached is None or cached.key != key or (
                cached.seq != seq
                and not _catch_up(conn, user, settings, day, cached, seq, last_log)):
            cached = _Cached(key, seq, last_log,
                             _build_queue(conn, user, settings, day, last_log))
        self._queues[user.id] = cached
        self._queues.move_to_end(user.id)
        while len(self._queues) > self.size:
            self._queues.popitem(last=False)
        if cached.queue.needs_rebuild():
            cached.queue = _build_queue(conn, user, settings, day, last_log)
        return cached

    def own_answer(self, user: User, settings: StudySettings, now: datetime, stamp,
                   review_id: int, change: Change) -> None:
        """Move the answered card in this worker's queue, if the queue was current up to
        this answer (the stamp moved by exactly one answer): the next view then needs no
        catch-up."""
        epoch, seq, content, last_log = stamp
        day = StudyDay.of(now, user.timezone)
        with self._lock:
            cached = self._queues.get(user.id)
            if (cached is None or cached.key != _queue_key(settings, day, epoch, content)
                    or cached.seq + LOG_WEIGHT + 1 != seq or cached.last_log >= review_id):
                return
            cached.queue.apply(change)
            cached.seq, cached.last_log = seq, last_log


def next_view(session: Session, user: User, now: datetime, queues: QueueCache | None = None,
              settings: StudySettings | None = None) -> dict[str, Any]:
    """``queues.next_view``; without a cache, from a queue built for this call alone."""
    cache = queues if queues is not None else QueueCache(size=1)
    return cache.next_view(session, user, now, settings)
