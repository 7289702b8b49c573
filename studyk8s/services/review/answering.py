"""Answering a card: one write (undo and the other actions: ``actions``).

Each answer checks the card's ``version`` (the state the rating was given for) and the
rating's client-generated id, so a retry returns the first result and a stale tab gets a
conflict, never a second review.

The write is the card's new state and its review-log row. On PostgreSQL both go in one
statement (a data-modifying WITH), which is a transaction by itself: no BEGIN and COMMIT
round trips. SQLite has no data-modifying WITH; there the two statements run under the write
lock (``BEGIN IMMEDIATE``), where a statement costs no round trip anyway.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...persistence.engine import ONE_STATEMENT, write_transaction
from ...persistence.models import CardState, ReviewLog, User
from ...srs import CardMemory, Rating, format_interval, fuzz_seed
from ...srs.queue import Change
from ..errors import Conflict, NotFound, ServiceError
from ..scheduling import scheduler_fingerprint, scheduler_for
from ..users import StudySettings
from .cards import (
    ANSWER_ROW,
    _memory_of_row,
    card_parts_of_json,
    card_view_json,
    card_view_select,
)
from .queue_cache import _CONTENT_SEQ, _STAMP, LOG_WEIGHT, QueueCache, _in_selection, loaded_queue


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


# Core statements on the tables (no ORM bookkeeping on the hot path).
_STATES, _LOG = CardState.__table__, ReviewLog.__table__
_STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "lapses", "version", "suspended", "leech")
_LOG_FIELDS = ("user_id", "card_id", "client_id", "rating", "reviewed_at", "duration_ms",
               "state_before", "state_after", "undone_at", "imported", "external_card")
_NEW_STATE = insert(_STATES).values(
    {n: bindparam(n, type_=_STATES.c[n].type) for n in ("user_id", "card_id", "flag",
                                                       *_STATE_FIELDS)})
_SEEN_STATE = (update(_STATES)
               .where(_STATES.c.id == bindparam("sid"), _STATES.c.version == bindparam("seen"))
               .values({n: bindparam(n, type_=_STATES.c[n].type) for n in _STATE_FIELDS}))
_INSERT_LOG = insert(_LOG)


def _state_and_log(state_write) -> Any:
    """The state write and, for each row it wrote (none if the version moved), the log row,
    then the log row's id with the learner's queue stamp as the statement found it: one
    statement. The stamp triggers run at its end, so the stamp after it is that one moved by
    exactly this answer (``_stamp_after``). It also reads the card the learner will see next
    (``next_card_id``, another card: NULL for none), which the review page asks for after
    each answer, as ``card_view_select`` does."""
    written = state_write.returning(_STATES.c.id).cte("written")
    row = (select(*(bindparam(f"log_{n}", type_=_LOG.c[n].type) for n in _LOG_FIELDS))
           .select_from(written))  # (an UPDATE would also SET columns named by other keys)
    logged = insert(_LOG).from_select(_LOG_FIELDS, row).returning(_LOG.c.id).cte("logged")
    following = card_view_select(bindparam("next_card_id")).subquery("following")
    learner = (logged.join(User, User.id == bindparam("log_user_id"))
               .outerjoin(following, true()))
    return (select(logged.c.id, User.queue_epoch, User.queue_seq, _CONTENT_SEQ,
                   card_view_json(following))
            .select_from(learner).add_cte(written, logged))


_ONE_STATEMENT = {False: _state_and_log(_NEW_STATE), True: _state_and_log(_SEEN_STATE)}


def answer(session: Session, user: User, *, card_id: int, rating: int, client_id: str,
           version: int, now: datetime, duration_ms: int = 0,
           queues: QueueCache | None = None,
           settings: StudySettings | None = None) -> dict[str, Any]:
    """Record one rating (``_answer``)."""
    return _answer(session, user, card_id=card_id, rating=rating, client_id=client_id,
                   version=version, now=now, duration_ms=duration_ms, queues=queues,
                   settings=settings)[0]


def answer_then_next(session: Session, user: User, *, queues: QueueCache,
                     settings: StudySettings, now: datetime, **rating: Any) -> dict[str, Any]:
    """Record one rating (``answer``'s arguments), then the next card, as the review page
    asks after each answer. The answers of other workers that the learner's load brought
    (``loaded_queue``) and the queue stamp read with the answer's write bring this worker's
    queue up to date without reading either again."""
    result, stamp, following = _answer(session, user, now=now, queues=queues,
                                       settings=settings, loaded=loaded_queue(user), **rating)
    return {"result": result, "next": queues.next_view(session, user, now, settings,
                                                       stamp=stamp, prefetched=following)}


def _answer(session: Session, user: User, *, card_id: int, rating: int, client_id: str,
            version: int, now: datetime, duration_ms: int = 0,
            queues: QueueCache | None = None, settings: StudySettings | None = None,
            loaded=None) -> tuple[dict[str, Any], Any, Any]:
    """Record one rating; returns the result, the queue stamp after it (None for a replay)
    and, when it could read it with the write, the next card's parts as (card id, parts),
    else None. Same ``client_id`` again → the first result; stale ``version`` →
    Conflict and nothing written.

    A retry is found by its ``client_id`` only when something is off (the version moved, or
    the id is taken, which the log's unique index reports): an accepted answer always moves
    the card's version, so a retry of it can never pass the version check.
    """
    settings = settings or StudySettings.of(user)
    client_id = _check_client_id(client_id)
    try:
        rating = Rating(int(rating))
    except (TypeError, ValueError):
        raise ServiceError("review.bad_rating", "rating must be 1, 2, 3 or 4") from None
    params = {"uid": user.id, "card_id": card_id}
    try:
        with write_transaction(session, one_statement=True):
            conn = session.connection()  # Core on the connection: no ORM bookkeeping per statement
            # No row lock first: the write checks the version, so of two racing answers the
            # second writes nothing and is told apart as a retry or a conflict (on SQLite
            # the write lock is held anyway). On PostgreSQL the learner's load read the row.
            read, row = loaded.answer_row(card_id) if loaded is not None else (False, None)
            if not read:
                row = conn.execute(ANSWER_ROW, params).one_or_none()
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
                    return done, None, None  # a retry of an answer already saved: nothing written
                raise problem
            before = _memory_of_row(row)
            outcome = scheduler_for(user, settings).review(before, rating, now,
                                                 seed=fuzz_seed(card_id, before.reps))
            after = outcome.memory
            state = {**_memory_fields(after), "version": current + 1,
                     "suspended": outcome.leech, "leech": outcome.leech or bool(row.leech)}
            state_after = {**after.to_dict(), "version": current + 1, "leech": outcome.leech,
                           "cfg": scheduler_fingerprint(user, settings)}
            log = {"user_id": user.id, "card_id": card_id, "client_id": client_id,
                   "rating": int(rating), "reviewed_at": now,
                   "duration_ms": max(0, min(int(duration_ms), 600_000)),
                   "state_before": {**before.to_dict(), "version": current, "suspended": False,
                                    "leech": bool(row.leech)},
                   "state_after": state_after, "undone_at": None, "imported": False,
                   "external_card": None}
            change = Change(
                card_id=card_id, fact_id=row.fact_id, state=int(after.state), due=after.due,
                suspended=outcome.leech, selected=_in_selection(settings, row.note_id, row.kind),
                reviewed_today=True, counted_as=int(before.state))
            # On PostgreSQL the write also reads the card shown next (a round trip saved);
            # SQLite reads it after the write at no round trip's cost.
            following = (queues.next_after(user, settings, now, loaded, change)
                         if queues is not None and conn.dialect.name == "postgresql" else None)
            review_id, stamp, prefetched = _write(
                conn, row, current, state, log, None if following == card_id else following)
            if review_id is None:  # another answer to this card committed meanwhile
                if (first := _replayed(session, user, client_id)) is not None:
                    return first, None, None  # this one's retry: nothing written here
                raise Conflict("review.card_changed_concurrently",
                    "card {card_id} changed concurrently",
                    card_id=card_id)
            if row.state_id is not None and (stale := session.identity_map.get(
                    session.identity_key(CardState, row.state_id))) is not None:
                session.expire(stale)  # an ORM copy loaded earlier in this session
            result = _result_of(review_id, card_id, int(rating), now, state_after, undone=False,
                                duplicate=False)
            stamp = stamp or conn.execute(_STAMP, {"uid": user.id}).one()
        if queues is not None:
            queues.own_answer(user, settings, now, stamp, review_id, change, loaded)
        return result, stamp, prefetched
    except IntegrityError:  # the same client id twice (a retry), or a concurrent first answer
        if (done := _replayed(session, user, client_id)) is not None:
            return done, None, None
        raise Conflict("review.card_changed_concurrently",
            "card {card_id} changed concurrently",
            card_id=card_id) from None


def _write(conn, row, seen: int, state: dict[str, Any], log: dict[str, Any],
           following: int | None = None) -> tuple[int | None, Any, Any]:
    """The card's new state and its log row: the log row's id (None if the state had moved
    past ``seen``: nothing written) and, on PostgreSQL, the queue stamp after the write (on
    SQLite the caller reads it, under the write lock, at no round trip's cost) and the parts
    of card ``following`` (another card), as (card id, parts), if it exists. A concurrent
    first answer raises IntegrityError (the learner and card's state row is unique)."""
    first = row.state_id is None
    keys = ({"user_id": log["user_id"], "card_id": log["card_id"], "flag": 0} if first
            else {"sid": row.state_id, "seen": seen})
    if conn.dialect.name == "postgresql":
        params = {**keys, **state, **{f"log_{k}": v for k, v in log.items()},
                  "uid": log["user_id"], "next_card_id": following}
        done = conn.execute(_ONE_STATEMENT[not first], params,
                            execution_options=ONE_STATEMENT).one_or_none()
        if done is None:
            return None, None, None
        parts = card_parts_of_json(done[4])
        return done[0], _stamp_after(*done[:4]), parts and (parts[0]["id"], parts)
    if conn.execute(_NEW_STATE if first else _SEEN_STATE, {**keys, **state}).rowcount != 1:
        return None, None, None
    return conn.execute(_INSERT_LOG, log).inserted_primary_key[0], None, None


def _stamp_after(review_id: int, epoch: int, seq: int, content: int) -> tuple:
    """The stamp as one answer leaves the stamp it found: the triggers add 1 for the state
    row and LOG_WEIGHT for the log row. Another learner's tab writing in the same instant
    makes it too low; the queue cache then sees the real stamp differ on its next read and
    catches up or rebuilds, as after any write of another worker."""
    return epoch, seq + 1 + LOG_WEIGHT, content, review_id


def _memory_fields(m: CardMemory) -> dict[str, Any]:
    return {"state": int(m.state), "step": m.step, "stability": m.stability,
            "difficulty": m.difficulty, "due": m.due, "last_review": m.last_review,
            "reps": m.reps, "lapses": m.lapses}
