"""Read-side queries about decks (one deck per note)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..persistence.models import Card, Note


@dataclass(frozen=True)
class DeckSummary:
    id: int
    path: str
    title: str
    lang: str
    cards: int
    kinds: dict[str, int]


def list_decks(session: Session) -> list[DeckSummary]:
    """Active decks with their active card counts, per kind, in one grouped query."""
    rows = session.execute(
        select(Note.id, Note.path, Note.title, Note.lang, Card.kind, func.count(Card.id))
        .outerjoin(Card, (Card.note_id == Note.id) & Card.retired_at.is_(None))
        .where(Note.retired_at.is_(None))
        .group_by(Note.id, Note.path, Note.title, Note.lang, Card.kind)
        .order_by(Note.path)
    ).all()
    decks: dict[int, DeckSummary] = {}
    for note_id, path, title, lang, kind, count in rows:
        deck = decks.setdefault(note_id, DeckSummary(note_id, path, title, lang, 0, {}))
        if kind is not None:
            deck.kinds[kind] = count
    return [
        DeckSummary(d.id, d.path, d.title, d.lang, sum(d.kinds.values()), d.kinds)
        for d in decks.values()
    ]



def note_source(
    session: Session, note_id: int | None = None, path: str | None = None
) -> tuple[str, list[str]] | None:
    """(path, lines) of an imported note, by id or path, or None. Only files the database
    knows as notes are ever read, so a request cannot reach anything else."""
    from ..config import ROOT

    if note_id is not None:
        note = session.get(Note, note_id)
    else:
        note = session.scalar(select(Note).where(Note.path == path))
    if note is None:
        return None
    path = Path(note.path)
    path = path if path.is_absolute() else ROOT / path
    try:
        return note.path, path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
