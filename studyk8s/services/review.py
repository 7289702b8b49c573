"""The daily review: the due queue, answering (idempotent, stale-safe), undo and suspend.

Each answer is one transaction that checks the card's ``version`` (the state the rating was
given for) and the rating's client-generated id, so a retry returns the first result and a
stale tab gets a conflict, never a second review. Sibling burying is derived from today's
review log rather than stored, so undoing a review unburies its siblings by itself.

The queue queries here are the reference; ``next_view`` serves the same answers from the
learner's day queue kept in the worker's memory (``srs.queue``), checked against the
database's stamps on every call (see "the learner's queue, kept in memory" below).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..persistence.engine import write_transaction
from ..persistence.models import Card, CardState, Note, QueueContent, ReviewLog, User
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
from ..srs.queue import Change, DayQueue
from .errors import Conflict, NotFound, ServiceError
from .users import settings_of

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: show learning cards this early when idle
STATE_NAMES = {State.NEW: "new", State.LEARNING: "learning", State.REVIEW: "review",
               State.RELEARNING: "relearning"}


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


def _scheduler_key(user: User) -> tuple:
    settings = settings_of(user)
    params = tuple(settings["parameters"]) if settings.get("parameters") else None
    return params, float(settings["desired_retention"]), user.timezone


def scheduler_for(user: User) -> Scheduler:
    return _scheduler(*_scheduler_key(user))


def scheduler_fingerprint(user: User) -> str:
    """Short id of the settings that shape scheduling, stored with each review so `flask db
    check` knows which reviews a replay with today's settings must reproduce exactly."""
    return hashlib.blake2b(repr(_scheduler_key(user)).encode(), digest_size=6).hexdigest()


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None, retention: float, tz: str) -> Scheduler:
    """Configs are frozen and learners share a few; building one validates 21 parameters."""
    kwargs: dict[str, Any] = {"desired_retention": retention, "tz": tz}
    if parameters:
        kwargs["parameters"] = parameters
    return Scheduler(SchedulerConfig(**kwargs))


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


def _selection(user: User) -> tuple[tuple[int, ...] | None, tuple[str, ...] | None]:
    settings = settings_of(user)
    decks, kinds = settings.get("decks"), settings.get("card_kinds")
    return (tuple(decks) if decks else None), (tuple(kinds) if kinds else None)


def _selected_cards(user: User):
    """Active cards in the decks and kinds the learner chose to study."""
    return _selected(*_selection(user))


def _selected(decks: tuple[int, ...] | None, kinds: tuple[str, ...] | None, active=None):
    cond = [Card.retired_at.is_(None) if active is None else active]
    if decks:
        cond.append(Card.note_id.in_(decks))
    if kinds:
        cond.append(Card.kind.in_(kinds))
    return and_(*cond)


def _state_join():
    return and_(CardState.card_id == Card.id, CardState.user_id == _UID)


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
                  and_(CardState.state == State.NEW, CardState.suspended.is_(False)))
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
        .where(selected, CardState.suspended.is_(False),
               CardState.state.in_((State.LEARNING, State.RELEARNING)), CardState.due <= _UNTIL)
        .order_by(CardState.due, Card.id)
    )
    review = (
        select(Card.id)
        .join(CardState, _state_join())
        .where(selected, CardState.suspended.is_(False),
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
            selected, CardState.suspended.is_(False),
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


def _statements(user: User, session: Session | None = None) -> _Statements:
    """The statements for the learner's selection, planned for the session's database (any
    variant gives the same rows)."""
    dialect = session.get_bind().dialect.name if session is not None else ""
    return _queue_statements(dialect, *_selection(user))


def _params(user: User, day: Day, **more) -> dict[str, Any]:
    return {"uid": user.id, "day_start": day.start, "day_end": day.end, **more}


def _limits_left(session: Session, user: User, day: Day) -> tuple[int, int]:
    """(new cards, reviews) the daily limits still allow: one aggregate over today's rows."""
    return _left(user, session.execute(_statements(user, session).done_today,
                                       _params(user, day)).one())


def _left(user: User, done: tuple[int | None, int | None]) -> tuple[int, int]:
    """What the limits allow after ``done`` (new cards introduced, review cards answered)."""
    settings = settings_of(user)
    new_done, review_done = (int(n or 0) for n in done)
    return (max(0, settings["new_per_day"] - new_done),
            max(0, settings["reviews_per_day"] - review_done))


def _learning_q(user: User, until: datetime):
    return _statements(user).learning.params(uid=user.id, until=until)


def _review_q(user: User, day: Day):
    return _statements(user).review.params(**_params(user, day))


def _new_q(user: User, day: Day):
    return _statements(user).new.params(**_params(user, day))


def counts(session: Session, user: User, now: datetime) -> Counts:
    day = Day.of(user, now)
    new_left, review_left = _limits_left(session, user, day)
    q, p = _statements(user, session), _params(user, day)
    return Counts(  # a cap of 0 counts 0: no query
        new=session.scalar(q.new_count, {**p, "cap": new_left}) if new_left else 0,
        learning=session.scalar(q.learning_count, {**p, "until": day.end}),
        review=session.scalar(q.review_count, {**p, "cap": review_left}) if review_left else 0,
    )


def next_card_id(session: Session, user: User, now: datetime) -> int | None:
    """Anki's order: learning cards that are due, then reviews, then new cards, then learning
    cards due within the learn-ahead window."""
    day = Day.of(user, now)
    new_left, review_left = _limits_left(session, user, day)
    q, p = _statements(user, session), _params(user, day)
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


def tomorrow_count(session: Session, user: User, now: datetime) -> int:
    """Cards due by the end of tomorrow's study day, plus tomorrow's new-card allowance."""
    day = Day.of(user, now)
    end = next_day_start(day.end + timedelta(hours=1), user.timezone)
    q = _statements(user, session)
    due = session.scalar(q.started_due, {"uid": user.id, "until": end}) or 0
    settings = settings_of(user)
    tomorrow = Day(day.end, day.end, end)
    new = session.scalar(q.new_count, _params(user, tomorrow, cap=settings["new_per_day"]))
    return due + (new or 0)


# --- card view -----------------------------------------------------------------------------


def memory_of(row: CardState | None) -> CardMemory:
    """The scheduler's view of a card state (or of a row with the same columns)."""
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


_CARD_COLUMNS = (Card.id, Card.kind, Card.front, Card.back, Card.section, Card.line,
                 Card.diagram, Note.id.label("note_id"), Note.title, Note.lang, Note.path)
_STATE_COLUMNS = (CardState.id.label("state_id"), CardState.version, CardState.state,
                  CardState.step, CardState.stability, CardState.difficulty, CardState.due,
                  CardState.last_review, CardState.reps, CardState.lapses, CardState.suspended,
                  CardState.leech)
# One statement for a card, its note and the learner's state of it (none yet: NULLs).
_CARD_VIEW = (select(*_CARD_COLUMNS, *_STATE_COLUMNS)
              .join(Note, Note.id == Card.note_id)
              .outerjoin(CardState, _state_join())
              .where(Card.id == bindparam("card_id")))


def _memory_of_row(row) -> CardMemory:
    """``memory_of`` for a row of ``_STATE_COLUMNS`` (NULLs when the learner has no state)."""
    return memory_of(row if row.state_id is not None else None)


def card_view(session: Session, user: User, card_id: int, now: datetime) -> dict[str, Any]:
    """What the review page needs to show one card, with each button's interval."""
    return _with_intervals(user, *_card_parts(session.connection(), user, card_id), now)


def _card_parts(conn, user: User, card_id: int) -> tuple[dict[str, Any], CardMemory]:
    """The card as shown, but for the intervals (which depend on the time), and its memory."""
    from ..render import to_html

    row = conn.execute(_CARD_VIEW, {"uid": user.id, "card_id": card_id}).one_or_none()
    if row is None:
        raise NotFound("review.card_does_not_exist",
            "card {card_id} does not exist",
            card_id=card_id)
    memory = _memory_of_row(row)
    return {
        "id": card_id,
        "version": row.version or 0,
        "kind": row.kind,
        "state": STATE_NAMES[memory.state],
        "front_html": to_html(row.front),
        "back_html": to_html(row.back),
        "deck": row.title,
        "lang": row.lang,
        "section": row.section,
        "source": f"{row.path}:{row.line}",
        "note_id": row.note_id,
        "line": row.line,
        "diagram": row.diagram,
    }, memory


def _with_intervals(user: User, parts: dict[str, Any], memory: CardMemory,
                    now: datetime) -> dict[str, Any]:
    intervals = scheduler_for(user).preview(memory, now,
                                            seed=fuzz_seed(parts["id"], memory.reps))
    return {**parts,
            "intervals": {str(int(r)): format_interval(iv) for r, iv in intervals.items()}}


def next_view(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The counts and the next card, from the learner's queue kept in memory (``_day_queue``),
    so a step reads one small row (and the card) instead of scanning the collection.

    The card last shown is kept with the queue: asked again with nothing changed (the same
    stamp, study day and scheduler settings), it is shown as it was. Its intervals depend on
    the time only through the study day (``Scheduler.review`` counts whole study days)."""
    day = Day.of(user, now)
    conn = session.connection()
    with _QUEUE_LOCK:
        cached = _day_queue(conn, user, day)
        new, learning, review = cached.queue.counts()
        card_id = cached.queue.next_card(now, now + LEARN_AHEAD)
        seen = cached.seq, card_id, _scheduler_key(user)
        shown = cached.shown[1] if cached.shown and cached.shown[0] == seen else None
    view: dict[str, Any] = {"counts": {"new": new, "learning": learning, "review": review}}
    if card_id is None:
        view["card"] = None
        view["tomorrow"] = tomorrow_count(session, user, now)
        return view
    if shown is None:
        shown = _with_intervals(user, *_card_parts(conn, user, card_id), now)
        with _QUEUE_LOCK:
            cached.shown = seen, shown
    view["card"] = dict(shown)
    return view


# --- the learner's queue, kept in memory -----------------------------------------------------
#
# Valid while the learner's stamp (``users.queue_epoch``, ``queue_seq``), the content stamp
# (``queue_content.seq``), the study day and the settings that shape the queue are unchanged.
# Database triggers bump ``queue_seq`` by 1 for each write to the learner's card states and by
# LOG_WEIGHT for each review-log row added, so "the stamp moved by k × (LOG_WEIGHT + 1) and k
# reviews were added" means those k answers (from any worker) are all that happened: the queue
# takes them card by card. Anything else (undo, suspend, new content, another day) rebuilds it.

LOG_WEIGHT = 1 << 20  # migration 0006
QUEUE_MARGIN = 50  # extra review/new candidates read beyond the limits, for burying
CACHED_LEARNERS = 256
_QUEUES: OrderedDict[int, _Cached] = OrderedDict()
_QUEUE_LOCK = threading.Lock()  # threaded servers: one request at a time touches the queues

_STAMP = select(User.queue_epoch, User.queue_seq,
                select(QueueContent.seq).where(QueueContent.id == 1).scalar_subquery(),
                select(func.max(ReviewLog.id)).scalar_subquery()).where(User.id == _UID)
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


def _day_queue(conn, user: User, day: Day) -> _Cached:
    """The learner's queue for ``day``: the cached one, caught up, or a new one."""
    epoch, seq, content, last_log = conn.execute(_STAMP, {"uid": user.id}).one()
    key = _queue_key(user, day, epoch, content)
    last_log = last_log or 0
    cached = _QUEUES.get(user.id)
    if cached is None or cached.key != key or (
            cached.seq != seq and not _catch_up(conn, user, day, cached, seq, last_log)):
        cached = _Cached(key, seq, last_log, _build_queue(conn, user, day, last_log))
    _QUEUES[user.id] = cached
    _QUEUES.move_to_end(user.id)
    while len(_QUEUES) > CACHED_LEARNERS:
        _QUEUES.popitem(last=False)
    if cached.queue.needs_rebuild():
        cached.queue = _build_queue(conn, user, day, last_log)
    return cached


def _queue_key(user: User, day: Day, epoch: int, content: int | None) -> tuple:
    settings = settings_of(user)
    return (epoch, content, day.start, day.end, _selection(user), settings["new_per_day"],
            settings["reviews_per_day"])


def _build_queue(conn, user: User, day: Day, upto: int) -> DayQueue:
    """Read the day's queue: today's counts up to log row ``upto``, the learning cards, and the
    first reviews and new cards the limits allow (plus a margin)."""
    q, p = _queue_statements(conn.dialect.name, *_selection(user)), _params(user, day, upto=upto)
    new_left, review_left = _left(user, conn.execute(q.done_upto, p).one())

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


def _catch_up(conn, user: User, day: Day, cached: _Cached, seq: int, last_log: int) -> bool:
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
            selected=retired_at is None and _in_selection(user, note_id, kind),
            reviewed_today=today,
            counted_as=before if today and not imported else None))
    cached.seq, cached.last_log = seq, last_log
    return True


def _in_selection(user: User, note_id: int, kind: str) -> bool:
    decks, kinds = _selection(user)
    return (not decks or note_id in decks) and (not kinds or kind in kinds)


def _queue_own_answer(user: User, now: datetime, stamp, review_id: int, change: Change) -> None:
    """Move the answered card in this worker's queue, if the queue was current up to this
    answer (the stamp moved by exactly one answer): the next view then needs no catch-up."""
    epoch, seq, content, last_log = stamp
    day = Day.of(user, now)
    with _QUEUE_LOCK:
        cached = _QUEUES.get(user.id)
        if (cached is None or cached.key != _queue_key(user, day, epoch, content)
                or cached.seq + LOG_WEIGHT + 1 != seq or cached.last_log >= review_id):
            return
        cached.queue.apply(change)
        cached.seq, cached.last_log = seq, last_log


def forget_queues() -> None:
    """Drop every cached queue in this worker (the scale benchmark times a cold build)."""
    with _QUEUE_LOCK:
        _QUEUES.clear()


# --- answering -----------------------------------------------------------------------------


def _check_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not (8 <= len(client_id) <= 64) or not client_id.replace("-", "").isalnum():
        raise ServiceError("review.bad_client_id",
                           "client_id must be 8–64 letters, digits or dashes")
    return client_id


def _result(log: ReviewLog, duplicate: bool) -> dict[str, Any]:
    """The answer to a rating; a repeated submit gets the same one, flagged ``duplicate``."""
    return _result_of(log.id, log.card_id, log.rating, log.reviewed_at, log.state_after,
                      undone=log.undone_at is not None, duplicate=duplicate)


def _result_of(review_id: int, card_id: int, rating: int, reviewed_at: datetime,
               after: dict[str, Any], *, undone: bool, duplicate: bool) -> dict[str, Any]:
    due = datetime.fromisoformat(after["due"])
    return {"review_id": review_id, "card_id": card_id, "rating": rating,
            "version": after["version"], "due": after["due"],
            "interval": format_interval(due - reviewed_at), "leech": after.get("leech", False),
            "undone": undone, "duplicate": duplicate}


def _replayed(session: Session, user: User, client_id: str) -> dict[str, Any] | None:
    log = session.scalar(select(ReviewLog).where(ReviewLog.client_id == client_id))
    if log is None:
        return None
    if log.user_id != user.id:
        raise Conflict("review.client_id_already_used", "client_id already used")
    return _result(log, duplicate=True)


_ANSWER_ROW = (select(Card.fact_id, Card.note_id, Card.kind, Card.retired_at, *_STATE_COLUMNS)
               .outerjoin(CardState, _state_join())
               .where(Card.id == bindparam("card_id")))
_LOCK_STATE = (select(CardState.id).where(CardState.user_id == _UID,
                                          CardState.card_id == bindparam("card_id"))
               .with_for_update())
# Core statements on the tables (no ORM bookkeeping on the hot path).
_STATES, _LOG = CardState.__table__, ReviewLog.__table__
_INSERT_STATE = insert(_STATES)
_UPDATE_STATE = (update(_STATES)
                 .where(_STATES.c.id == bindparam("sid"), _STATES.c.version == bindparam("seen")))
_INSERT_LOG = insert(_LOG)


def answer(session: Session, user: User, *, card_id: int, rating: int, client_id: str,
           version: int, now: datetime, duration_ms: int = 0) -> dict[str, Any]:
    """Record one rating. Same ``client_id`` again → the first result; stale ``version`` →
    Conflict and nothing written.

    A retry is found by its ``client_id`` only when something is off (the version moved, or
    the id is taken, which the log's unique index reports): an accepted answer always moves
    the card's version, so a retry of it can never pass the version check.
    """
    client_id = _check_client_id(client_id)
    try:
        rating = Rating(int(rating))
    except (TypeError, ValueError):
        raise ServiceError("review.bad_rating", "rating must be 1, 2, 3 or 4") from None
    params = {"uid": user.id, "card_id": card_id}
    try:
        with write_transaction(session):
            conn = session.connection()  # Core on the connection: no ORM bookkeeping per statement
            if conn.dialect.name != "sqlite":  # SQLite: the write lock is held
                conn.execute(_LOCK_STATE, params)
            row = conn.execute(_ANSWER_ROW, params).one_or_none()
            current = (row.version or 0) if row is not None else 0
            problem: ServiceError | None = None
            if row is None or row.retired_at is not None:
                problem = NotFound("review.card_not_available",
                    "card {card_id} is not available",
                    card_id=card_id)
            elif int(version) != current:
                problem = Conflict("review.stale_version",
                    "card {card_id} changed since it was shown (version {version}, now "
                    "{current}); reload it",
                    card_id=card_id, version=version, current=current)
            elif row.suspended:
                problem = Conflict("review.card_suspended",
                    "card {card_id} is suspended",
                    card_id=card_id)
            if problem is not None:
                if (done := _replayed(session, user, client_id)) is not None:
                    return done  # a retry of an answer already saved: nothing written
                raise problem
            before = _memory_of_row(row)
            outcome = scheduler_for(user).review(before, rating, now,
                                                 seed=fuzz_seed(card_id, before.reps))
            after = outcome.memory
            fields = {**_memory_fields(after), "version": current + 1}
            if outcome.leech:
                fields.update(leech=True, suspended=True)
            if row.state_id is None:
                conn.execute(_INSERT_STATE, {"user_id": user.id, "card_id": card_id,
                                             "suspended": False, "leech": False, **fields})
            else:
                done = conn.execute(_UPDATE_STATE, {"sid": row.state_id, "seen": current, **fields})
                if done.rowcount != 1:
                    raise Conflict("review.card_changed_concurrently",
                        "card {card_id} changed concurrently",
                        card_id=card_id)
                if (stale := session.identity_map.get(
                        session.identity_key(CardState, row.state_id))) is not None:
                    session.expire(stale)  # an ORM copy loaded earlier in this session
            state_after = {**after.to_dict(), "version": current + 1, "leech": outcome.leech,
                           "cfg": scheduler_fingerprint(user)}
            inserted = conn.execute(_INSERT_LOG, {
                "user_id": user.id, "card_id": card_id, "client_id": client_id,
                "rating": int(rating), "reviewed_at": now,
                "duration_ms": max(0, min(int(duration_ms), 600_000)),
                "state_before": {**before.to_dict(), "version": current, "suspended": False,
                                 "leech": bool(row.leech)},
                "state_after": state_after, "undone_at": None, "imported": False,
                "external_card": None})
            review_id = inserted.inserted_primary_key[0]
            result = _result_of(review_id, card_id, int(rating), now, state_after, undone=False,
                                duplicate=False)
            stamp = conn.execute(_STAMP, {"uid": user.id}).one()  # ours: our row is locked
        _queue_own_answer(user, now, stamp, review_id, Change(
            card_id=card_id, fact_id=row.fact_id, state=int(after.state), due=after.due,
            suspended=outcome.leech, selected=_in_selection(user, row.note_id, row.kind),
            reviewed_today=True, counted_as=int(before.state)))
        return result
    except IntegrityError:  # the same client id twice (a retry), or a concurrent first answer
        if (done := _replayed(session, user, client_id)) is not None:
            return done
        raise Conflict("review.card_changed_concurrently",
            "card {card_id} changed concurrently",
            card_id=card_id) from None


def _memory_fields(m: CardMemory) -> dict[str, Any]:
    return {"state": int(m.state), "step": m.step, "stability": m.stability,
            "difficulty": m.difficulty, "due": m.due, "last_review": m.last_review,
            "reps": m.reps, "lapses": m.lapses}


def undo(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Undo the learner's latest rating of today: restore the card's previous state, mark the
    review undone (kept in the log, out of the schedule). The card comes back to the queue."""
    day = Day.of(user, now)
    with write_transaction(session):
        log = session.scalar(
            select(ReviewLog)
            .where(ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None),
                   ReviewLog.imported.is_(False), ReviewLog.reviewed_at >= day.start)
            .order_by(ReviewLog.id.desc())
            .limit(1)
        )
        if log is None:
            raise ServiceError("review.nothing_to_undo", "nothing to undo")
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
            raise Conflict("review.undo_stale",
                "the card changed after that review; cannot undo it")
        log.undone_at = now
    return {"undone_review_id": log.id, "card_id": log.card_id, "rating": log.rating,
            "version": state.version + 1}


def suspend(session: Session, user: User, card_id: int, now: datetime) -> dict[str, Any]:
    with write_transaction(session):
        if session.get(Card, card_id) is None:
            raise NotFound("review.card_does_not_exist",
                "card {card_id} does not exist",
                card_id=card_id)
        state = _get_state(session, user, card_id, lock=True)
        if state is None:
            state = CardState(user_id=user.id, card_id=card_id, version=0, state=0)
            session.add(state)
        state.suspended = True
        state.version = (state.version or 0) + 1
    return {"card_id": card_id, "suspended": True, "version": state.version}
