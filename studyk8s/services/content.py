"""Import notes into the database: one transaction per run, idempotent, history-preserving.

Facts and cards are matched by their stable keys, so an edited definition updates the card in
place (its review history stays attached); a fact that disappears retires its cards; nothing is
ever deleted. A note whose bytes (and generator version) are unchanged is not touched at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..cards import CardSpec, fact_key, generate_cards_logged
from ..notes import NoteError, ParsedNote, Problem, parse_note
from ..notes.reader import note_files, read_bytes
from ..persistence.engine import write_transaction
from ..persistence.models import Card, Fact, Note
from ..quiz import gate
from ..quiz.model import facts_of
from .card_problems import resolve_note_reports
from .errors import ImportFailed

# Bump when the parser or card generator changes output, so unchanged files re-import once.
# 3: the notes reader on markdown-it-py (issue 13); 4: cards pass the quality gate (issue 14)
GENERATOR_VERSION = "4"

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    notes: int = 0
    unchanged: int = 0
    added: dict[str, int] = field(default_factory=lambda: {"notes": 0, "facts": 0, "cards": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"notes": 0, "facts": 0, "cards": 0})
    retired: dict[str, int] = field(default_factory=lambda: {"notes": 0, "facts": 0, "cards": 0})
    warnings: list[Problem] = field(default_factory=list)
    # of the facts in the notes read this run: how many questions can be made from
    # (gate.askable, the count the quiz page shows), why not the others, and what the
    # quality gate dropped or rewrote on their cards
    askable: int = 0
    not_askable: dict[str, int] = field(default_factory=dict)
    gate: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(any(d.values()) for d in (self.added, self.updated, self.retired))

    def summary(self) -> str:
        def fmt(d):
            return ", ".join(f"{v} {k}" for k, v in d.items())

        text = (
            f"{self.notes} notes ({self.unchanged} unchanged); added {fmt(self.added)}; "
            f"updated {fmt(self.updated)}; retired {fmt(self.retired)}"
        )
        if self.askable or self.not_askable:
            why = ", ".join(f"{n} {gate.REASONS.get(k, k)}" for k, n in
                            self.not_askable.items())
            text += f"; {self.askable} askable facts" + (f" (not askable: {why})" if why else "")
        return text


def import_notes(
    session: Session,
    paths: Sequence[str | Path],
    *,
    now: datetime,
    max_bytes: int = 1_048_576,
    base: str | Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Parse ``paths`` (files or directories) and bring the database in line, in one commit.

    Notes are named relative to ``base`` when they lie inside it (the CLI passes the project
    root), so a note keeps its identity wherever the checkout lives. Raises ImportFailed
    (after writing nothing) if any note cannot be read.
    """
    files, errors = note_files(list(paths), base=base)
    existing = {n.path: n for n in session.scalars(select(Note))}
    report = ImportReport(notes=len(files))
    changed: list[ParsedNote] = []
    for name, disk in files:
        try:
            data = read_bytes(name, disk, max_bytes)
            note = existing.get(name)
            # Unchanged bytes are not even parsed: that is what keeps a re-import fast.
            if note is not None and note.retired_at is None and note.content_hash == _stamp(
                    hashlib.sha256(data).hexdigest()):
                report.unchanged += 1
                continue
            changed.append(parse_note(data, name))
        except NoteError as e:
            errors.append(e)
    if errors:
        raise ImportFailed(errors)
    if not changed and not _any_to_retire(existing, {name for name, _ in files}, paths, base):
        session.rollback()
        return report  # nothing to write: no write lock taken
    with write_transaction(session):
        new: list[_NewNote] = []
        for i, parsed in enumerate(changed, 1):
            report.warnings.extend(parsed.warnings)
            _import_one(session, parsed, existing.get(parsed.path), now, report, new)
            if progress:
                progress(i, len(changed))
        _insert_new(session, new, report)
        seen = {name for name, _ in files}
        for note in existing.values():
            if (note.path not in seen and note.retired_at is None
                    and _under(note.path, paths, base)):
                _retire_note(session, note, now, report)
    return report


def _any_to_retire(existing, seen, paths, base) -> bool:
    return any(n.path not in seen and n.retired_at is None and _under(n.path, paths, base)
               for n in existing.values())


def _stamp(content_hash: str) -> str:
    return f"{content_hash}:{GENERATOR_VERSION}"


def _under(note_path: str, paths: Sequence[str | Path], base: str | Path | None) -> bool:
    """A stored note counts as removed only when a directory that held it was imported."""
    anchor = Path(base) if base is not None else Path.cwd()
    p = (anchor / note_path).resolve()
    for root in paths:
        root = (anchor / root).resolve()
        if root.is_dir() and root in p.parents:
            return True
    return False


@dataclass
class _NewNote:
    """A note new to the database: its rows, written with every other new note's at the end
    of the run (three multi-row inserts in all, instead of three statements per note)."""

    note: dict
    facts: list[dict]
    specs: list[CardSpec]


def _insert_new(session: Session, new: list[_NewNote], report: ImportReport) -> None:
    if not new:
        return
    notes, facts, cards = Note.__table__, Fact.__table__, Card.__table__
    note_ids = dict(session.execute(insert(notes).returning(notes.c.path, notes.c.id),
                                    [n.note for n in new]).all())
    fact_rows = [{**row, "note_id": note_ids[n.note["path"]]} for n in new for row in n.facts]
    fact_ids = dict(session.execute(insert(facts).returning(facts.c.key, facts.c.id),
                                    fact_rows).all()) if fact_rows else {}
    added = _added(Card, new[0].note["imported_at"])
    card_rows = [{**row, "note_id": note_ids[n.note["path"]], **added}
                 for n in new for row in _card_rows(n.specs, fact_ids, _names(n.facts)).values()]
    if card_rows:
        session.execute(insert(cards), card_rows)
    report.added["notes"] += len(new)
    report.added["facts"] += len(fact_rows)
    report.added["cards"] += len(card_rows)


def _import_one(
    session: Session, parsed: ParsedNote, note: Note | None, now: datetime, report: ImportReport,
    new: list[_NewNote],
) -> None:
    stamp = _stamp(parsed.content_hash)
    if note is None:  # a new note has no rows to compare with: its rows are inserted later
        row = {"path": parsed.path, "title": parsed.title, "lang": parsed.lang,
               "content_hash": stamp, "imported_at": now}
        new.append(_NewNote(row, list(_fact_rows(parsed).values()), []))
    else:
        note.title, note.lang, note.content_hash = parsed.title, parsed.lang, stamp
        note.imported_at, note.retired_at = now, None
        report.updated["notes"] += 1
        resolve_note_reports(session, note.id, now)  # the note was fixed: its reports close
        fact_rows = _fact_rows(parsed)
        fact_ids = _sync_rows(session, Fact, _FACT_FIELDS, note.id, fact_rows, now, report,
                              "facts")
    screening = gate.askable(facts_of(parsed))
    report.askable += screening.count
    for reason, n in screening.by_reason().items():
        report.not_askable[reason] = report.not_askable.get(reason, 0) + n
    specs, log = generate_cards_logged(parsed)
    for key, n in gate.count(log).items():
        report.gate[key] = report.gate.get(key, 0) + n
    if note is None:
        new[-1].specs = specs
    else:
        _sync_rows(session, Card, _CARD_FIELDS, note.id,
                   _card_rows(specs, fact_ids, _names(fact_rows.values())), now, report, "cards")


def _fact_row(parsed: ParsedNote, position: int, fact) -> dict:
    # Only the non-empty extras go into ``data``; built by hand because dataclasses.asdict
    # was a third of the import time.
    extras = {
        "aliases": list(fact.aliases),
        "items": list(fact.items),
        "edges": [{"source": e.source, "target": e.target, "label": e.label,
                   "bidirectional": e.bidirectional} for e in fact.edges],
        "parent": fact.parent,
        "cloze": fact.cloze,
        "diagram": fact.diagram,
    }
    return {
        "key": fact_key(parsed.path, fact),
        "kind": fact.kind,
        "term": fact.term,
        "definition": fact.definition,
        "group": fact.group,
        "section": " > ".join(fact.section),
        "line": fact.line,
        "position": position,
        "data": {k: v for k, v in extras.items() if v},
    }


_FACT_FIELDS = ("kind", "term", "definition", "group", "section", "line", "position", "data")
_CARD_FIELDS = ("kind", "front", "back", "diagram", "section", "line", "position", "fact_id",
                "search_text")


def _sync_rows(session, model, fields, note_id, wanted: dict[str, dict], now, report, label):
    """Insert, update or retire ``model`` rows of one note so they match ``wanted`` (by key).

    Returns key → id for every wanted row.
    """
    current = {r.key: r for r in session.execute(
        select(model.id, model.key, model.retired_at, *(getattr(model, f) for f in fields))
        .where(model.note_id == note_id)
    )}
    ids: dict[str, int] = {}
    inserts, updates = [], []
    for key, row in wanted.items():
        cur = current.get(key)
        if cur is None:
            inserts.append({**row, "note_id": note_id, **_added(model, now)})
            continue
        ids[key] = cur.id
        changed = {f: row[f] for f in fields if getattr(cur, f) != row[f]}
        if changed or cur.retired_at is not None:
            updates.append({"id": cur.id, **changed, "retired_at": None})
    retire = [{"id": r.id, "retired_at": now} for k, r in current.items()
              if k not in wanted and r.retired_at is None]
    if inserts:
        # Core insert (not the ORM bulk path): half the cost for tens of thousands of rows.
        table = model.__table__
        stmt = insert(table).returning(table.c.key, table.c.id)
        for key, new_id in session.execute(stmt, inserts):
            ids[key] = new_id
    if updates or retire:
        session.execute(update(model), updates + retire)
    report.added[label] += len(inserts)
    report.updated[label] += len(updates)
    report.retired[label] += len(retire)
    return ids


def _added(model, now: datetime) -> dict:
    """A new card's ``added_at`` (the card browser's ``added:`` filter)."""
    return {"added_at": now} if model is Card else {}


def _fact_rows(parsed: ParsedNote) -> dict[str, dict]:
    wanted = {}
    for pos, fact in enumerate(parsed.facts):
        row = _fact_row(parsed, pos, fact)
        wanted[row["key"]] = row
    return wanted


def _card_rows(specs: list[CardSpec], fact_ids: dict[str, int],
               names: dict[str, str]) -> dict[str, dict]:
    return {
        s.key: {
            "key": s.key,
            "kind": s.kind,
            "front": s.front,
            "back": s.back,
            "diagram": s.diagram,
            "section": " > ".join(s.section),
            "line": int(s.source.rsplit(":", 1)[1]),
            "position": s.position,
            "fact_id": fact_ids[s.fact_key],
            "search_text": search_text(s.front, s.back, names.get(s.fact_key, "")),
        }
        for s in specs
    }


def _names(fact_rows) -> dict[str, str]:
    """Fact key → its term and aliases: what a card's search text adds to its two sides."""
    return {r["key"]: " ".join([r["term"], *r["data"].get("aliases", ())]) for r in fact_rows}


def search_text(front: str, back: str, names: str) -> str:
    """What the card browser's words search, lowercased once here (``services.browse``): the
    sides without Markdown's emphasis marks, the term and its aliases."""
    return " ".join((front, back, names)).replace("**", "").replace("`", "").lower()


def _retire_note(session, note: Note, now, report) -> None:
    note.retired_at = now
    resolve_note_reports(session, note.id, now)
    report.retired["notes"] += 1
    for model, label in ((Fact, "facts"), (Card, "cards")):
        result = session.execute(
            update(model)
            .where(model.note_id == note.id, model.retired_at.is_(None))
            .values(retired_at=now)
        )
        report.retired[label] += result.rowcount
