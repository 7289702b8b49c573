"""The learners' day queues, kept in a worker's memory (``QueueCache``, one per app), and
``next_view``, which serves the review page from them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, and_, bindparam, func, select
from sqlalchemy.orm import Session, with_expression

from ...persistence.models import Card, CardState, QueueContent, ReviewLog, User
from ...srs import State
from ...srs.days import StudyDay
from ...srs.queue import Change, DayQueue
from ..users import StudySettings
from .cards import (
    ANSWER_ROW,
    JsonRow,
    _card_parts,
    _with_intervals,
    answer_row_of_json,
    row_json,
)
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
    stamp (``stamp_content_seq``, ``stamp_last_review``)."""
    return users_select.options(with_expression(User.stamp_content_seq, _CONTENT_SEQ),
                                with_expression(User.stamp_last_review, _LAST_LOG))


def _changes(upto):
    """The answers after log row ``after`` up to ``upto``: the card's state now and what the
    review was. ``user_id + 0``: walk the few newest log rows by id, not all of the
    learner's rows."""
    return (
        select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.undone_at,
               ReviewLog.imported,
               func.coalesce(ReviewLog.state_before["state"].as_integer(), int(State.NEW)),
               Card.fact_id, Card.note_id, Card.kind, Card.retired_at,
               CardState.state, CardState.due, CardState.suspended)
        .outerjoin(Card, Card.id == ReviewLog.card_id)
        .outerjoin(CardState, and_(CardState.card_id == ReviewLog.card_id,
                                   CardState.user_id == _UID))
        .where(ReviewLog.id > bindparam("after"), ReviewLog.id <= upto,
               ReviewLog.user_id + 0 == _UID)
        .order_by(ReviewLog.id)
    )


_CHANGES = _changes(_UPTO)
LOADED_CHANGES = 16  # answers the learner's load brings along, at most (more: a rebuild)
_NO_ROW = 2**31 - 1  # past every log row id (an INTEGER column)
# The answers as the learner's load reads them: ``_CHANGES``' columns and the log row's id, each
# row a JSON array (``_change_of_json`` reads one back).
_LOADED_CHANGES = _changes(_LAST_LOG).add_columns(ReviewLog.id)
_change_of_json = JsonRow(_LOADED_CHANGES).values


@lru_cache(maxsize=8)
def _learner_statement(dialect: str, answering: bool = False):
    """The learner, their queue stamp, and the answers given since this worker's copy of
    their queue was current (``after``: its last log row; NULL when it keeps none), in one
    statement. Every request loads its learner anyway; with several workers, most review
    steps land on a worker whose copy is behind by answers another worker took, and would
    read them in a statement of their own. The answers come as one JSON array (each row an
    array, its log row id last): one column, not a dozen for the ORM to process per load.

    ``answering`` (PostgreSQL): also the ``ANSWER_ROW`` of the card the request answers
    (``card_id``), as one JSON array, which the answer would read in a round trip of its
    own (SQLite reads it under its write lock, where a statement costs no round trip)."""
    rows = _LOADED_CHANGES.limit(LOADED_CHANGES + 1).subquery("changes")
    if dialect == "postgresql":
        agg = func.json_agg(func.json_build_array(*rows.c), type_=JSON)
    else:
        agg = func.json_group_array(func.json_array(*rows.c), type_=JSON)
    columns = [User, select(agg).scalar_subquery()]
    if answering:
        answered = ANSWER_ROW.subquery("answered")
        columns.append(select(row_json(answered.c)).scalar_subquery())
    # (Columns of their own, not ``with_expression``: an object keeps the options it was
    # loaded with for its refreshes, and these ones' parameters would be missing there.)
    return (with_queue_stamp(select(*columns).where(User.id == _UID))
            .execution_options(populate_existing=True))  # the stamp as read now


@dataclass(frozen=True)
class LoadedQueue:
    """What ``QueueCache.load_learner`` read with the learner: the queue stamp, and the answers
    after log row ``after`` up to the stamp's (``changes``, as ``_CHANGES`` gives them)."""

    stamp: tuple
    after: int | None
    changes: list
    answering: tuple[int, Any] | None = None  # (card id, its ``ANSWER_ROW`` row or None)

    def changes_between(self, after: int, upto: int) -> list | None:
        """The answers after ``after`` up to ``upto``, if that is what was read."""
        return self.changes if self.after == after and self.stamp[3] == upto else None

    def answer_row(self, card_id: int) -> tuple[bool, Any]:
        """(True, card ``card_id``'s ``ANSWER_ROW`` row, None if there is no such card) if
        the load read it, else (False, None)."""
        if self.answering is not None and self.answering[0] == card_id:
            return True, self.answering[1]
        return False, None


def loaded_queue(user: User) -> LoadedQueue | None:
    """What ``QueueCache.load_learner`` read with ``user``, None if it was loaded otherwise.
    It holds for the request's reads: a request that writes reads the stamp again."""
    return user.__dict__.get("_loaded_queue")


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
              last_log: int, loaded: LoadedQueue | None = None) -> bool:
    """Apply the answers given since the queue was read (from ``loaded`` when it holds
    them); False if more than answers happened (the caller rebuilds)."""
    rows = loaded.changes_between(cached.last_log, last_log) if loaded is not None else None
    if rows is None:
        rows = conn.execute(_CHANGES, {"uid": user.id, "after": cached.last_log,
                                       "upto": last_log}).all()
    return _apply_changes(settings, day, cached, rows, seq, last_log)


def _apply_changes(settings: StudySettings, day: StudyDay, cached: _Cached, rows, seq: int,
                   last_log: int) -> bool:
    if seq - cached.seq != len(rows) * (LOG_WEIGHT + 1) or any(
            r[0] is None or r[5] is None for r in rows):  # a card or its fact gone
        return False
    for (card_id, reviewed_at, undone_at, imported, before, fact_id, note_id, kind, retired_at,
         state, due, suspended, *_) in rows:
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

    def load_learner(self, session: Session, user_id: int,
                     answering: int | None = None) -> User | None:
        """The learner with their queue stamp and the answers this worker's copy of their
        queue lacks, all in one statement (``loaded_queue`` gives the latter two), and on
        PostgreSQL what answering card ``answering`` reads of it (``LoadedQueue.answer_row``).
        """
        with self._lock:
            cached = self._queues.get(user_id)
            after = cached.last_log if cached is not None else None
        dialect = session.get_bind().dialect.name
        answering = answering if dialect == "postgresql" else None
        row = session.execute(  # (no queue kept: past any log row id, not NULL, which
            # PostgreSQL would plan anew on every execution)
            _learner_statement(dialect, answering is not None),
            {"uid": user_id, "after": _NO_ROW if after is None else after,
             **({"card_id": answering} if answering is not None else {})}).one_or_none()
        if row is None:
            return None
        user, changes, *answered = row
        stamp = (user.queue_epoch, user.queue_seq, user.stamp_content_seq,
                 user.stamp_last_review)
        user.__dict__["_loaded_queue"] = LoadedQueue(stamp, after, [
            tuple(_change_of_json(change))
            for change in sorted(changes or (), key=lambda c: c[-1])],
            (answering, answer_row_of_json(answered[0])) if answered else None)
        return user

    def next_view(self, session: Session, user: User, now: datetime,
                  settings: StudySettings | None = None,
                  prefer: int | None = None, stamp=None,
                  loaded: LoadedQueue | None = None, prefetched=None) -> dict[str, Any]:
        """The counts and the next card, from the learner's queue kept in memory, so a step
        reads one small row (and the card) instead of scanning the collection.

        The card last shown is kept with the queue: asked again with nothing changed (the
        same stamp, study day and scheduler settings), it is shown as it was. Its intervals
        depend on the time only through the study day (``Scheduler.review`` counts whole
        study days). ``prefer``: show that card if it can be shown now (after an undo).
        ``stamp``: the queue stamp, read since the request's last write; ``loaded``: what the
        learner's load read, for a request that has not written (its stamp, and the answers
        that bring this worker's queue up to it); ``prefetched``: a card's parts
        (``card_parts_of``) read with the request's write, used if that card is next."""
        settings = settings or StudySettings.of(user, now)
        day = StudyDay.of(now, user.timezone)
        conn = session.connection()
        with self._lock:
            cached = self._day_queue(conn, user, settings, day, stamp, loaded)
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
            parts = (prefetched[1] if prefetched is not None and prefetched[0] == card_id
                     else _card_parts(conn, user, card_id))
            shown = _with_intervals(user, settings, *parts, now)
            with self._lock:
                cached.shown = seen, shown
        view["card"] = dict(shown)
        return view

    def _day_queue(self, conn, user: User, settings: StudySettings, day: StudyDay,
                   stamp=None, loaded: LoadedQueue | None = None) -> _Cached:
        """The learner's queue for ``day``: the cached one, caught up, or a new one."""
        stamp = stamp or (loaded.stamp if loaded is not None else None)
        epoch, seq, content, last_log = stamp or conn.execute(_STAMP, {"uid": user.id}).one()
        key = _queue_key(settings, day, epoch, content)
        last_log = last_log or 0
        cached = self._queues.get(user.id)
        if cached is None or cached.key != key or (
                cached.seq != seq
                and not _catch_up(conn, user, settings, day, cached, seq, last_log, loaded)):
            cached = _Cached(key, seq, last_log,
                             _build_queue(conn, user, settings, day, last_log))
        self._queues[user.id] = cached
        self._queues.move_to_end(user.id)
        while len(self._queues) > self.size:
            self._queues.popitem(last=False)
        if cached.queue.needs_rebuild():
            cached.queue = _build_queue(conn, user, settings, day, last_log)
        return cached

    def next_after(self, user: User, settings: StudySettings, now: datetime,
                   loaded: LoadedQueue | None, change: Change) -> int | None:
        """The card the learner's next view will show once ``change`` (an answer being
        written) is in, if this worker's queue is current as of ``loaded``; else None."""
        if loaded is None:
            return None
        day = StudyDay.of(now, user.timezone)
        with self._lock:
            cached = self._current(user, settings, day, loaded.stamp, loaded)
            if cached is None:
                return None
            return cached.queue.next_after(change, now, now + LEARN_AHEAD)

    def own_answer(self, user: User, settings: StudySettings, now: datetime, stamp,
                   review_id: int, change: Change, loaded: LoadedQueue | None = None) -> None:
        """Move the answered card in this worker's queue, if the queue was current up to
        this answer (the stamp moved by exactly one answer), first bringing it up to the
        request's start with the answers ``loaded`` holds: the next view then needs no
        catch-up."""
        epoch, seq, content, last_log = stamp
        day = StudyDay.of(now, user.timezone)
        with self._lock:
            cached = self._queues.get(user.id)
            if cached is None or cached.key != _queue_key(settings, day, epoch, content):
                return
            if loaded is not None:
                self._current(user, settings, day, loaded.stamp, loaded)
            if cached.seq + LOG_WEIGHT + 1 != seq or cached.last_log >= review_id:
                return
            cached.queue.apply(change)
            cached.seq, cached.last_log = seq, last_log

    def _current(self, user: User, settings: StudySettings, day: StudyDay, stamp,
                 loaded: LoadedQueue) -> _Cached | None:
        """The learner's cached queue, brought up to ``stamp`` with the answers ``loaded``
        holds (no statement), or None if it cannot be (caller holds the lock)."""
        epoch, seq, content, last_log = stamp
        cached = self._queues.get(user.id)
        if cached is None or cached.key != _queue_key(settings, day, epoch, content):
            return None
        if cached.seq != seq and (
                (rows := loaded.changes_between(cached.last_log, last_log)) is None
                or not _apply_changes(settings, day, cached, rows, seq, last_log)):
            return None
        return cached

def next_view(session: Session, user: User, now: datetime, queues: QueueCache | None = None,
              settings: StudySettings | None = None) -> dict[str, Any]:
    """``queues.next_view``; without a cache, from a queue built for this call alone."""
    cache = queues if queues is not None else QueueCache(size=1)
    return cache.next_view(session, user, now, settings)
