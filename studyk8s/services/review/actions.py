"""Changes to a card other than a rating: suspend, bury, flag, report, forget, set due, reset
a leech; and ``undo``, which takes back the learner's latest action, a rating or one of these.

Each change is one write transaction that logs a ``CardAction`` with the card's state before
and after (the review log's convention for answers), checks the card ``version`` the page saw
when one is given (a stale page gets a Conflict), and is idempotent by ``client_id``. Every
change writes ``card_states``, whose triggers (migration 0006) move the learner's queue stamp,
so each worker's in-memory queue is rebuilt before it is read again.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import Card, CardAction, CardReport, CardState, Note, ReviewLog, User
from ...srs import CardMemory, State
from ...srs.days import StudyDay, _add_study_days
from ..errors import Conflict, NotFound, ServiceError

FLAGS = (0, 1, 2, 3, 4)  # none, red, orange, green, blue (Anki's)
_MEMORY = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
_KEPT = (*_MEMORY, "suspended", "leech", "flag", "buried_until")
_TIMES = ("due", "last_review", "buried_until")


def snapshot(state: CardState | None) -> dict[str, Any]:
    """The learner's state of a card as JSON (a card never touched: a new card's)."""
    if state is None:
        return {"state": 0, "step": None, "stability": None, "difficulty": None, "due": None,
                "last_review": None, "reps": 0, "lapses": 0, "suspended": False,
                "leech": False, "flag": 0, "buried_until": None, "version": 0}
    out = {k: getattr(state, k) for k in _KEPT}
    for k in _TIMES:
        out[k] = out[k].isoformat() if out[k] is not None else None
    out.update(state=int(out["state"] or 0), suspended=bool(out["suspended"]),
               leech=bool(out["leech"]), flag=int(out["flag"] or 0),
               version=state.version or 0)
    return out


def _restore(state: CardState, snap: dict[str, Any]) -> None:
    for k in _KEPT:
        value = snap.get(k)
        if k in _TIMES and value is not None:
            value = datetime.fromisoformat(value)
        setattr(state, k, value)


def _same(state: CardState, snap: dict[str, Any]) -> bool:
    """The card is as ``snap`` left it (the version aside: undoing another action moves it)."""
    now = snapshot(state)
    return all(now[k] == snap.get(k) or _times_equal(now[k], snap.get(k)) for k in _KEPT)


def _times_equal(a: Any, b: Any) -> bool:
    try:
        return (a is not None and b is not None
                and datetime.fromisoformat(a) == datetime.fromisoformat(b))
    except (TypeError, ValueError):
        return False


def _lock_state(session: Session, user: User, card_id: int) -> CardState:
    card = session.get(Card, card_id)
    if card is None or card.retired_at is not None:
        raise NotFound("review.card_does_not_exist", "card {card_id} does not exist",
                       card_id=card_id)
    state = session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                   CardState.card_id == card_id)
                           .with_for_update())
    if state is None:
        state = CardState(user_id=user.id, card_id=card_id, version=0, state=0, reps=0,
                          lapses=0, suspended=False, leech=False, flag=0)
        session.add(state)
    return state


def _last_review_id(session: Session, user: User) -> int:
    return session.scalar(select(func.max(ReviewLog.id)).where(ReviewLog.user_id == user.id)) or 0


def _change_one(session: Session, user: User, card_id: int, kind: str, now: datetime,
                change: Callable[[CardState], dict[str, Any] | None], version: int | None,
                client_id: str | None, after_review: int, batch: str | None) -> CardAction:
    """Inside a write transaction: lock, check the version the page saw, change, log."""
    state = _lock_state(session, user, card_id)
    if version is not None and int(version) != (state.version or 0):
        raise Conflict("review.stale_version",
                       "card {card_id} changed since it was shown (version {version}, "
                       "now {current}); reload it",
                       card_id=card_id, version=version, current=state.version or 0)
    before = snapshot(state)
    extra = change(state) or {}
    state.version = (state.version or 0) + 1
    after = {**snapshot(state), **extra, **({"batch": batch} if batch else {})}
    action = CardAction(user_id=user.id, card_id=card_id, kind=kind, client_id=client_id,
                        state_before=before, state_after=after, created_at=now,
                        after_review=after_review)
    session.add(action)
    return action


def change_card(session: Session, user: User, card_id: int, kind: str, now: datetime, *,
                version: int | None = None, client_id: str | None = None,
                **args: Any) -> dict[str, Any]:
    """One action (``KINDS``) on one card, logged; the same ``client_id`` again returns the
    first result."""
    change = _changer(session, user, kind, now, args)
    if client_id is not None:
        done = session.scalar(select(CardAction).where(CardAction.client_id == client_id))
        if done is not None:
            if done.user_id != user.id:
                raise Conflict("review.client_id_already_used", "client_id already used")
            return _action_result(done, duplicate=True)
    with write_transaction(session):
        action = _change_one(session, user, card_id, kind, now, change, version, client_id,
                             _last_review_id(session, user), None)
    return _action_result(action, duplicate=False)


def change_cards(session: Session, user: User, kind: str, cards: list[tuple[int, int | None]],
                 now: datetime, **args: Any) -> int:
    """One action on a selection of (card id, version shown): all or nothing (one stale card
    refuses the lot), and one undo takes it all back. Returns how many cards."""
    change = _changer(session, user, kind, now, args)
    if not cards:
        raise ServiceError("cards.none_selected", "select at least one card")
    batch = secrets.token_hex(8)
    with write_transaction(session):
        last = _last_review_id(session, user)
        for card_id, version in cards:
            _change_one(session, user, card_id, kind, now, change, version, None, last, batch)
    return len(cards)


def _action_result(action: CardAction, duplicate: bool) -> dict[str, Any]:
    after = action.state_after
    return {"action_id": action.id, "card_id": action.card_id, "kind": action.kind,
            "version": after["version"], "suspended": after["suspended"],
            "flag": after["flag"], "buried_until": after["buried_until"],
            "duplicate": duplicate}


# --- the actions: each makes the change for one card state -----------------------------------

Change = Callable[[CardState], dict[str, Any] | None]


def _set(**values: Any) -> Change:
    def do(s: CardState) -> None:
        for k, v in values.items():
            setattr(s, k, v)
    return do


def _flag(value: Any) -> Change:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = -1
    if value not in FLAGS:
        raise ServiceError("review.bad_flag", "flag must be 0, 1, 2, 3 or 4")
    return _set(flag=value)


def _forget() -> Change:
    """Back to new (Anki's Forget): the memory state goes, the review history stays."""
    return _set(state=int(State.NEW), step=None, stability=None, difficulty=None, due=None,
                last_review=None, buried_until=None)


def parse_due_days(text: str) -> tuple[int, int]:
    """Anki's "set due date": ``0`` = today, ``3`` = in three days, ``3-7`` = a day in that
    range (chosen at random per card)."""
    parts = str(text).strip().replace(" ", "").split("-")
    try:
        low, high = (int(parts[0]), int(parts[-1])) if 1 <= len(parts) <= 2 else (-1, -1)
    except ValueError:
        low = high = -1
    if not (0 <= low <= high <= 36500):
        raise ServiceError("cards.bad_due", "enter days like 0, 3 or 3-7", field="days")
    return low, high


def _set_due(user: User, now: datetime, days: Any, rng: random.Random | None) -> Change:
    """Due in ``days`` study days (a range: a random day in it, per card), as a review card
    (Anki's set due date). A card never studied gets a memory to start from, as if answered
    Good now with that interval (FSRS refines it on the first answer)."""
    low, high = parse_due_days(days)
    start = StudyDay.of(now, user.timezone).start

    def do(s: CardState) -> None:
        n = (rng or random.Random(f"{s.card_id}:{now.isoformat()}")).randint(low, high)
        if s.state == int(State.NEW) or s.stability is None:
            s.stability, s.difficulty, s.last_review = float(max(n, 1)), 5.0, now
        s.state, s.step, s.buried_until = int(State.REVIEW), None, None
        s.due = _add_study_days(start, n, user.timezone, 4) if n else now
    return do


def _report(session: Session, user: User, now: datetime, comment: Any) -> Change:
    """"This card is wrong": suspended for this learner and listed for the notes' authors
    until the note is imported again changed."""
    comment = str(comment or "").strip()
    if len(comment) > 2000:
        raise ServiceError("review.comment_too_long",
                           "the comment is too long (2,000 characters at most)", field="comment")

    def do(s: CardState) -> dict[str, Any]:
        note = session.get(Note, session.get(Card, s.card_id).note_id)
        rep = CardReport(user_id=user.id, card_id=s.card_id, note_id=note.id, comment=comment,
                         note_hash=note.content_hash, suspended=not s.suspended, created_at=now)
        session.add(rep)
        session.flush()
        s.suspended = True
        return {"report_id": rep.id}
    return do


KINDS = ("suspend", "unsuspend", "bury", "unbury", "flag", "forget", "set_due", "reset_leech",
         "report", "ahead")


def _changer(session: Session, user: User, kind: str, now: datetime,
             args: dict[str, Any]) -> Change:
    if kind == "suspend":
        return _set(suspended=True)
    if kind == "unsuspend":  # back to study; a leech stays tagged (reset_leech untags it)
        return _set(suspended=False)
    if kind == "bury":  # out of the queue until the next study day (Anki's bury)
        return _set(buried_until=StudyDay.of(now, user.timezone).end)
    if kind == "unbury":
        return _set(buried_until=None)
    if kind == "flag":
        return _flag(args.get("flag"))
    if kind == "forget":
        return _forget()
    if kind == "set_due":
        return _set_due(user, now, args.get("days"), args.get("rng"))
    if kind == "reset_leech":  # untag, back to study, lapses counted afresh (Anki's reset)
        return _set(leech=False, suspended=False, lapses=0)
    if kind == "report":
        return _report(session, user, now, args.get("comment"))
    if kind == "ahead":  # review ahead (``custom``): due now; the answer counts the real days
        return _set(due=now)
    raise ServiceError("cards.bad_action", "unknown action {kind}", kind=kind)


def _one(kind: str):
    def action(session: Session, user: User, card_id: int, now: datetime, *,
               version: int | None = None, client_id: str | None = None) -> dict[str, Any]:
        return change_card(session, user, card_id, kind, now, version=version,
                           client_id=client_id)
    action.__name__ = kind
    action.__doc__ = f"``{kind}`` one card (``change_card``)."
    return action


suspend, unsuspend, bury, unbury, forget, reset_leech = (
    _one(k) for k in ("suspend", "unsuspend", "bury", "unbury", "forget", "reset_leech"))


def flag(session: Session, user: User, card_id: int, value: int, now: datetime, *,
         version: int | None = None, client_id: str | None = None) -> dict[str, Any]:
    return change_card(session, user, card_id, "flag", now, version=version,
                       client_id=client_id, flag=value)


def set_due(session: Session, user: User, card_id: int, days: str, now: datetime, *,
            version: int | None = None, client_id: str | None = None,
            rng: random.Random | None = None) -> dict[str, Any]:
    return change_card(session, user, card_id, "set_due", now, version=version,
                       client_id=client_id, days=days, rng=rng)


def report(session: Session, user: User, card_id: int, comment: str, now: datetime, *,
           version: int | None = None, client_id: str | None = None) -> dict[str, Any]:
    return change_card(session, user, card_id, "report", now, version=version,
                       client_id=client_id, comment=comment)


# --- undo ----------------------------------------------------------------------------------

def undo(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Take back the learner's latest action of today, a rating or a change to a card: the
    card's state before it comes back; the log row stays, marked undone."""
    day = StudyDay.of(now, user.timezone)
    with write_transaction(session):
        log = session.scalar(
            select(ReviewLog)
            .where(ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None),
                   ReviewLog.imported.is_(False), ReviewLog.reviewed_at >= day.start)
            .order_by(ReviewLog.id.desc()).limit(1))
        action = session.scalar(
            select(CardAction)
            .where(CardAction.user_id == user.id, CardAction.undone_at.is_(None),
                   CardAction.created_at >= day.start)
            .order_by(CardAction.id.desc()).limit(1))
        if action is not None and (log is None or action.after_review >= log.id):
            return _undo_action(session, user, action, now)
        if log is None:
            raise ServiceError("review.nothing_to_undo", "nothing to undo")
        return _undo_rating(session, user, log, now)


def _undo_rating(session: Session, user: User, log: ReviewLog, now: datetime) -> dict[str, Any]:
    state = session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                   CardState.card_id == log.card_id)
                           .with_for_update())
    after = CardMemory.from_dict(log.state_after)
    if state is None or CardMemory.from_dict(snapshot(state)) != after:
        raise Conflict("review.undo_stale", "the card changed after that review; cannot undo it")
    before = log.state_before
    _restore(state, {**snapshot(state), **CardMemory.from_dict(before).to_dict(),
                     "suspended": before.get("suspended", False),
                     "leech": before.get("leech", False)})
    state.version = (state.version or 0) + 1
    log.undone_at = now
    return {"undone": "rating", "undone_review_id": log.id, "card_id": log.card_id,
            "rating": log.rating, "version": state.version}


def _undo_action(session: Session, user: User, action: CardAction,
                 now: datetime) -> dict[str, Any]:
    """Undo one action, or the whole selection it was part of (the browser's ``batch``)."""
    group = [action]
    if batch := action.state_after.get("batch"):
        group = [a for a in session.scalars(
            select(CardAction).where(CardAction.user_id == user.id,
                                     CardAction.undone_at.is_(None),
                                     CardAction.created_at == action.created_at,
                                     CardAction.id <= action.id))
            if a.state_after.get("batch") == batch]
    for one in group:
        state = session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                       CardState.card_id == one.card_id)
                               .with_for_update())
        if state is None or not _same(state, one.state_after):
            raise Conflict("review.undo_action_stale",
                           "the card changed after that; cannot undo it")
        _restore(state, one.state_before)
        state.version = (state.version or 0) + 1
        if (report_id := one.state_after.get("report_id")) is not None:
            rep = session.get(CardReport, report_id)
            if rep is not None and rep.resolved_at is None:
                rep.resolved_at = now
        one.undone_at = now
    return {"undone": action.kind, "card_id": action.card_id, "rating": None,
            "version": state.version, "flag": state.flag, "cards": len(group)}
