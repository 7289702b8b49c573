"""Card problems: the open "this card is wrong" reports, listed for the notes' authors with
the card's ``path:line``, and closed when the note is imported again changed.

A report is made on the review page (``services.review.report``), which also suspends the card
for the learner who made it; closing the report brings the card back for them, unless they
suspended it themselves before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..persistence.models import Card, CardReport, CardState, Note, User

AUTHORS = ("instructor", "admin")  # who sees every learner's reports


@dataclass(frozen=True)
class Problem:
    report_id: int
    card_id: int
    kind: str
    front: str
    back: str
    source: str  # path:line
    note_id: int
    line: int
    lang: str
    comment: str
    reported_at: datetime
    mine: bool


def open_problems(session: Session, user: User, limit: int = 500) -> list[Problem]:
    """Open reports, newest first: every learner's for an author, else the user's own."""
    q = (select(CardReport.id, CardReport.card_id, CardReport.user_id, CardReport.comment,
                CardReport.created_at, Card.kind, Card.front, Card.back, Card.line,
                Note.id.label("note_id"), Note.path, Note.lang)
         .join(Card, Card.id == CardReport.card_id)
         .join(Note, Note.id == CardReport.note_id)
         .where(CardReport.resolved_at.is_(None))
         .order_by(CardReport.created_at.desc(), CardReport.id.desc())
         .limit(limit))
    if user.role not in AUTHORS:
        q = q.where(CardReport.user_id == user.id)
    return [Problem(r.id, r.card_id, r.kind, r.front, r.back, f"{r.path}:{r.line}", r.note_id,
                    r.line, r.lang, r.comment, r.created_at, r.user_id == user.id)
            for r in session.execute(q)]


def open_count(session: Session, user: User) -> int:
    q = select(func.count()).select_from(CardReport).where(CardReport.resolved_at.is_(None))
    if user.role not in AUTHORS:
        q = q.where(CardReport.user_id == user.id)
    return session.scalar(q) or 0


def resolve_note_reports(session: Session, note_id: int, now: datetime) -> int:
    """The note was imported again changed (or removed): close its open reports and unsuspend
    the cards the reports had suspended. Runs inside the import's transaction; the card-state
    writes move the learners' queue stamps (migration 0006's triggers)."""
    reports = session.scalars(select(CardReport).where(CardReport.note_id == note_id,
                                                       CardReport.resolved_at.is_(None))).all()
    for rep in reports:
        rep.resolved_at = now
        if rep.suspended:
            session.execute(
                update(CardState)
                .where(CardState.user_id == rep.user_id, CardState.card_id == rep.card_id,
                       CardState.suspended.is_(True), CardState.leech.is_(False))
                .values(suspended=False, version=CardState.version + 1))
    return len(reports)
