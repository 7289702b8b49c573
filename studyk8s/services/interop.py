"""Moving questions and cards in and out: Moodle GIFT (sets), Anki .apkg (decks), CSV (cards),
and set YAML uploads. Imports check everything first and write in one transaction, so a bad
file writes nothing; every problem names the file and line.

Anki: every card becomes one note of a fixed "studyk8s" note type (Front, Back, Source).
The note GUID is derived from the card's stable key, and the deck and note type ids are
fixed, so importing a newer export into Anki updates the notes it already has instead of
adding duplicates (Anki matches notes by GUID, keeping their review history).
"""

from __future__ import annotations

import hashlib
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..notes.model import Problem, key_segment
from ..persistence.engine import write_transaction
from ..persistence.models import Card, Fact, Note, QuizSet, User
from ..render import to_html
from ..sets import csvio, gift
from ..sets.draw import draw_questions
from ..sets.engine import from_question
from ..sets.model import MAX_QUESTIONS, Item, Settings, assign_uids, detect_lang
from ..sets.schema import validate
from . import sets
from .errors import ImportFailed, NotFound, ServiceError

ANKI_MODEL_ID = 1_716_000_001  # fixed: Anki ties notes to their note type by this id
ANKI_MODEL_NAME = "studyk8s"
CSV_DECK_PREFIX = "csv:"
MAX_UPLOAD = 1_048_576  # GIFT and set files (CSV: csvio.MAX_FILE_BYTES)


# --- GIFT --------------------------------------------------------------------------------------


def gift_items(session: Session, qset: QuizSet, *, published: bool = False,
               seed: int = 0) -> tuple[list[Item], int]:
    """The set's questions as GIFT can carry them. A draw from the notes has no GIFT form, so
    it is written out as the questions it draws with ``seed`` (returns how many were)."""
    spec = sets.spec_of(session, qset, published=published)
    items: list[Item] = []
    drawn = 0
    for e in spec.entries:
        if isinstance(e, Item):
            items.append(e)
            continue
        facts = sets.deck_facts(session, e.deck) or []
        for k, q in enumerate(draw_questions(facts, e, seed)):
            items.append(from_question(q, uid=f"{e.uid}-{k + 1}", points=e.points))
            drawn += 1
    return items, drawn


def export_gift(session: Session, qset: QuizSet, *, now: datetime,
                published: bool = False) -> str:
    items, drawn = gift_items(session, qset, published=published)
    header = [f"{qset.title} — studyk8s quiz set {qset.name!r}, exported "
              f"{now:%Y-%m-%d %H:%M} UTC", "Import into Moodle: Question bank > Import > "
              "GIFT format."]
    if drawn:
        header.append(f"{drawn} questions drawn from the notes are written out as examples "
                      "(GIFT has no random questions).")
    return gift.format_gift([gift.normalized(i) if i.kind == "matching" else i for i in items],
                            title=qset.title, header=header)


def _check_size(data: bytes, name: str, limit: int = MAX_UPLOAD) -> None:
    if len(data) > limit:
        raise ImportFailed([Problem(name, 1, f"file is {len(data)} bytes, over the limit of "
                                    f"{limit}", "error")])


def import_gift(session: Session, user: User, data: bytes, filename: str, *, now: datetime,
                set_id: int | None = None, name: str | None = None, replace: bool = False,
                publish: bool = False) -> tuple[QuizSet, int]:
    """Questions from a GIFT file: into set ``set_id`` (added after its questions, or
    replacing them), into the set called ``name`` (replacing its questions, so running a
    script twice gives the same set), or into a new draft set. Returns (set, questions)."""
    with write_transaction(session):
        _check_size(data, filename)
        parsed = gift.parse(data, filename)
        if parsed.errors:
            raise ImportFailed(parsed.errors)
        if not sets.is_author(user):
            raise NotFound("interop.instructors_import_questions",
                "only instructors import questions")
        qset = None
        if set_id is not None:
            qset = sets.get_set(session, user, set_id)
        elif name:
            found = sets.find_by_name(session, sets.slugify(name))
            if found is not None:
                qset = sets.get_set(session, user, found.id)
                replace = True
        rows = [] if qset is None else sets.draft_rows(session, qset)
        keep = [] if replace else [sets.entry_of(r) for r in rows]
        if len(keep) + len(parsed.items) > MAX_QUESTIONS:
            raise ServiceError("interop.set_has_most_questions",
                "A set has at most {MAX_QUESTIONS} questions ({n_keep} + {n_items} would be too "
                "many)",
                MAX_QUESTIONS=MAX_QUESTIONS, n_keep=len(keep), n_items=len(parsed.items))
        if qset is None:
            title = parsed.title or Path(filename).stem or "Imported questions"
            qset = QuizSet(owner_id=user.id, name=sets._free_name(session, name or title),
                           title=title[:300], description="", settings={},
                           created_at=now, updated_at=now, version=0)
            qset.settings = Settings().to_dict()
            session.add(qset)
            session.flush()
        taken = {e.uid for e in keep}
        fresh = []
        for item in parsed.items:  # a uid already used in the set gets a new one
            fresh.append(item.with_(uid="") if item.uid in taken else item)
        sets.replace_entries(session, qset, assign_uids([*keep, *fresh]))
        qset.updated_at = now
        if publish:
            sets._publish(session, qset, now)
        return qset, len(parsed.items)


# --- set YAML uploads --------------------------------------------------------------------------


def import_yaml(session: Session, user: User, data: bytes, filename: str, *,
                now: datetime) -> QuizSet:
    """A set file uploaded in the browser becomes a new set of ``user`` (draft or published
    as the file says). Draws are checked against the imported decks."""
    with write_transaction(session):
        if not sets.is_author(user):
            raise NotFound("interop.instructors_import_sets", "only instructors import sets")
        _check_size(data, filename)
        report = validate(data, filename, name=Path(filename).stem,
                          resolve=lambda deck: sets.deck_facts(session, deck))
        if report.errors or report.spec is None:
            raise ImportFailed(report.errors)
        spec = report.spec
        qset = QuizSet(owner_id=user.id, name=sets._free_name(session, spec.name or spec.title),
                       title=spec.title, description=spec.description,
                       settings=spec.settings.to_dict(), created_at=now, updated_at=now,
                       version=0)
        session.add(qset)
        session.flush()
        sets.replace_entries(session, qset, spec.entries)
        if spec.published:
            sets._publish(session, qset, now)
        return qset


def export_yaml(session: Session, qset: QuizSet) -> str:
    from ..sets.schema import to_yaml

    return to_yaml(sets.spec_of(session, qset))


# --- decks: which cards ------------------------------------------------------------------------


def find_deck(session: Session, deck: str) -> Note:
    note = sets.resolve_deck(session, deck)
    if note is None:
        raise NotFound("interop.no_deck_name_imported",
            "no deck {deck!r}: name an imported note's path (as `flask notes import` printed "
            "it), its file name or its title",
            deck=deck)
    return note


def deck_cards(session: Session, note: Note) -> list[tuple[Card, Fact]]:
    return [tuple(r) for r in session.execute(
        select(Card, Fact).join(Fact, Fact.id == Card.fact_id)
        .where(Card.note_id == note.id, Card.retired_at.is_(None))
        .order_by(Card.position, Card.id))]


def _tags(card: Card, fact: Fact) -> list[str]:
    tags = list((fact.data or {}).get("tags") or [])
    if card.section:
        tags.append("::".join(p.strip() for p in card.section.split(" > ")))
    out = []
    for tag in tags:
        tag = "_".join(str(tag).split())
        if tag and tag not in out:
            out.append(tag)
    return out


# --- Anki ---------------------------------------------------------------------------------------


def _anki_model():
    import genanki

    return genanki.Model(
        ANKI_MODEL_ID, ANKI_MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"
                    "<div class=source>{{Source}}</div>",
        }],
        css=".card { font-family: system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif; "
            "font-size: 20px; text-align: left; }\n"
            ".source { margin-top: 1em; font-size: 12px; color: #57606a; }\n"
            "pre.diagram { font-size: 12px; }")


def anki_deck_id(note: Note) -> int:
    return (1 << 40) | int(hashlib.sha1(note.path.encode()).hexdigest()[:8], 16)


def anki_guid(card: Card) -> str:
    import genanki

    return genanki.guid_for("studyk8s", card.key)


def source_of(note: Note, card: Card) -> str:
    return f"{note.path}:{card.line}"


def export_apkg(session: Session, decks: Sequence[Note], *, now: datetime) -> bytes:
    """An Anki package with one Anki deck per note (named by its title)."""
    import genanki

    model = _anki_model()
    anki_decks = []
    for note in decks:
        deck = genanki.Deck(anki_deck_id(note), note.title or note.path)
        for card, fact in deck_cards(session, note):
            back = to_html(card.back)
            if card.diagram:
                back += f'<pre class="diagram">{html.escape(card.diagram)}</pre>'
            deck.add_note(genanki.Note(
                model=model, fields=[to_html(card.front), back,
                                     html.escape(source_of(note, card))],
                tags=_tags(card, fact), guid=anki_guid(card)))
        anki_decks.append(deck)
    out = io.BytesIO()
    genanki.Package(anki_decks).write_to_file(out, timestamp=now.timestamp())
    return out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------


def export_cards_csv(session: Session, decks: Sequence[Note]) -> str:
    rows = []
    for note in decks:
        for card, fact in deck_cards(session, note):
            rows.append((card.front, card.back, note.title, _tags(card, fact)))
    return csvio.write_cards(rows)


@dataclass
class CardsReport:
    decks: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (f"{len(self.decks)} decks: {self.added} cards added, {self.updated} updated, "
                f"{self.unchanged} unchanged")


def import_cards_csv(session: Session, data: bytes, filename: str, *, now: datetime,
                     deck: str = "") -> CardsReport:
    """Cards from CSV into decks named ``csv:<deck>`` (one per deck in the file; ``deck``
    names the deck of rows that have none). A card is matched by its deck and front, so
    importing the same file again changes nothing and an edited back updates the card (and
    keeps its review history). Nothing is deleted."""
    with write_transaction(session):
        _check_size(data, filename, csvio.MAX_FILE_BYTES)
        parsed = csvio.read_cards(data, filename, default_deck=deck or Path(filename).stem)
        if parsed.errors:
            raise ImportFailed(parsed.errors)
        report = CardsReport()
        by_deck: dict[str, list[csvio.CardRow]] = {}
        for row in parsed.rows:
            by_deck.setdefault(row.deck, []).append(row)
        for name, rows in by_deck.items():
            _import_deck(session, name, rows, filename, now, report)
        return report


def _import_deck(session: Session, name: str, rows: list[csvio.CardRow], filename: str,
                 now: datetime, report: CardsReport) -> None:
    path = CSV_DECK_PREFIX + name
    note = session.scalar(select(Note).where(Note.path == path))
    lang = detect_lang(name, *(r.front for r in rows[:50]))
    if note is None:
        note = Note(path=path, title=name, lang=lang, content_hash="csv", imported_at=now)
        session.add(note)
        session.flush()
    else:
        note.imported_at, note.retired_at = now, None
    report.decks.append(path)
    facts = {f.key: f for f in session.scalars(select(Fact).where(Fact.note_id == note.id))}
    cards = {c.fact_id: c for c in session.scalars(select(Card).where(Card.note_id == note.id))}
    position = (session.scalar(select(func.max(Fact.position)).where(
        Fact.note_id == note.id)) or 0) + 1
    seen: dict[str, int] = {}
    for row in rows:
        base = f"{path}::definition::{key_segment(row.front)}"
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        data: dict[str, Any] = {"tags": list(row.tags)} if row.tags else {}
        fact = facts.get(key)
        if fact is None:
            fact_id = session.execute(insert(Fact).values(
                note_id=note.id, key=key, kind="definition", term=row.front,
                definition=row.back, group="", section="", line=row.line, position=position,
                data=data).returning(Fact.id)).scalar_one()
            session.execute(insert(Card).values(
                note_id=note.id, fact_id=fact_id, key=f"{key}::term_definition",
                kind="term_definition", front=row.front, back=row.back, diagram="",
                section="", line=row.line, position=position))
            position += 1
            report.added += 1
            continue
        card = cards.get(fact.id)
        changed = (fact.definition != row.back or (fact.data or {}) != data
                   or fact.retired_at is not None or card is None or card.back != row.back
                   or card.retired_at is not None or card.line != row.line)
        if not changed:
            report.unchanged += 1
            continue
        fact.definition, fact.data, fact.retired_at, fact.line = row.back, data, None, row.line
        if card is not None:
            card.back, card.retired_at, card.line = row.back, None, row.line
        report.updated += 1
    session.flush()
