"""Read-side queries about decks (one deck per note)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Card, Note


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


def note_source(session: Session, path: str, notes_dir: str) -> list[str] | None:
    """Lines of an imported note, or None: only paths the database knows are ever read."""
    from pathlib import Path

    if session.scalar(select(Note.id).where(Note.path == path)) is None:
        return None
    candidates = [Path(path), Path(notes_dir) / Path(path).name]
    for p in candidates:
        if p.is_file():
            return p.read_text(encoding="utf-8", errors="replace").splitlines()
    return None
