"""One card's info page: its sides as the learner sees them, its source, the learner's memory
of it now, every review with the memory state after it, the changes made to it (suspend,
flag…), and the interval each rating would give now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.models import CardAction, CardReport, CardState, ReviewLog, User
from ...srs import CardMemory, State, format_interval
from ..review.cards import card_view
from ..scheduling import memory_of, scheduler_for
from .query import STATES


@dataclass(frozen=True)
class Review:
    reviewed_at: datetime
    rating: int
    state_before: str
    interval: str | None  # the interval the answer gave ("3d")
    duration_ms: int
    stability: float | None  # the memory state after the answer
    difficulty: float | None
    undone: bool
    imported: bool


def card_info(session: Session, user: User, card_id: int, now: datetime) -> dict[str, Any]:
    """Raises NotFound for a card that does not exist."""
    view = card_view(session, user, card_id, now)
    state = session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                   CardState.card_id == card_id))
    memory = memory_of(state)
    scheduler = scheduler_for(user)
    started = memory.state != State.NEW
    logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card_id,
                                                   ReviewLog.user_id == user.id)
                           .order_by(ReviewLog.reviewed_at, ReviewLog.id)).all()
    actions = session.scalars(select(CardAction).where(CardAction.card_id == card_id,
                                                       CardAction.user_id == user.id)
                              .order_by(CardAction.id.desc()).limit(50)).all()
    reports = session.scalars(select(CardReport).where(CardReport.card_id == card_id,
                                                       CardReport.user_id == user.id)
                              .order_by(CardReport.id.desc())).all()
    return {
        "card": view,
        "state": STATES[int(memory.state)],
        "memory": memory,
        "due": memory.due if started else None,
        "interval": (format_interval(memory.due - memory.last_review)
                     if started and memory.due and memory.last_review else None),
        "retrievability": scheduler.retrievability(memory, now) if started else None,
        "flag": state.flag if state else 0,
        "suspended": bool(state and state.suspended),
        "leech": bool(state and state.leech),
        "buried": bool(state and state.buried_until and state.buried_until > now),
        "version": (state.version or 0) if state else 0,
        "reviews": [_review(log) for log in logs],
        "actions": [(a.created_at, a.kind, a.undone_at is not None) for a in actions],
        "reports": [(r.created_at, r.comment, r.resolved_at) for r in reports],
        "forecast": view["intervals"],
    }


def _review(log: ReviewLog) -> Review:
    after = log.state_after or {}
    before = int((log.state_before or {}).get("state", 0))
    interval = None
    if after.get("due"):
        try:
            interval = format_interval(datetime.fromisoformat(after["due"]) - log.reviewed_at)
        except (TypeError, ValueError):
            interval = None
    memory = None
    try:
        memory = CardMemory.from_dict(after) if after.get("state") is not None else None
    except (TypeError, ValueError):
        memory = None
    return Review(log.reviewed_at, log.rating, STATES[before] if 0 <= before < 4 else "",
                  interval, log.duration_ms or 0,
                  memory.stability if memory else None, memory.difficulty if memory else None,
                  log.undone_at is not None, bool(log.imported))
