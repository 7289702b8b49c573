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
from operator import itemgetter
from pathlib import Path

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..notes import NoteError, ParsedNote, Problem
from ..notes.reader import collector_paused, note_files, read_bytes
from ..persistence.engine import write_transaction
from ..persistence.models import Card, Fact, Note
from ..quiz import gate
from .card_problems import resolve_note_reports
from .errors import ImportFailed
from .noteprep import Prepared, prepare, prepare_all

# Bump when the parser or card generator changes output, so unchanged files re-import once.
# 3: the notes reader on markdown-it-py (issue 13); 4: cards pass the quality gate (issue 14);
# 5: the reader on unseen notes (glossary headings, verbs, generic table headers, remarks);
# 6: commands and manifests become hands-on facts and cards (issue 19)
GENERATOR_VERSION = "6"

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
    handson: int = 0  # command and manifest facts among them

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
        if self.handson:
            text += f"; {self.handson} hands-on facts (commands and manifests)"
        return text


def import_notes(
    session: Session,
    paths: Sequence[str | Path],
    *,
    now: datetime,
    max_bytes: int = 1_048_576,
    base: str | Path | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Parse ``paths`` (files or directories) and bring the database in line, in one commit.

    Notes are named relative to ``base`` when they lie inside it (the CLI passes the project
    root), so a note keeps its identity wherever the checkout lives. Raises ImportFailed
    (after writing nothing) if any note cannot be read. Many changed notes are parsed in two
    processes when a core is idle (``parallel``: None decides so, True/False force it).
    """
    with collector_paused():
        return _import(session, paths, now, max_bytes, base, progress, parallel)


def _import(session, paths, now, max_bytes, base, progress, parallel) -> ImportReport:
    files, errors = note_files(list(paths), base=base)
    existing = {n.path: n for n in session.scalars(select(Note))}
    report = ImportReport(notes=len(files))
    read: list[tuple[str, bytes] | NoteError] = []  # in file order
    for name, disk in files:
        try:
            data = read_bytes(name, disk, max_bytes)
        except NoteError as e:
            read.append(e)
            continue
        note = existing.get(name)
        # Unchanged bytes are not even parsed: that is what keeps a re-import fast.
        if note is not None and note.retired_at is None and note.content_hash == _stamp(
                hashlib.sha256(data).hexdigest()):
            report.unchanged += 1
        else:
            read.append((name, data))
    prepared = iter(prepare_all([r for r in read if not isinstance(r, NoteError)], parallel))
    changed: list[Prepared] = []
    for r in read:  # errors in file order, as reading one note after another finds them
        result = r if isinstance(r, NoteError) else next(prepared)
        if isinstance(result, NoteError):
            errors.append(result)
        else:
            changed.append(result)
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


def import_parsed(session: Session, parsed: Sequence[ParsedNote], *, now: datetime
                  ) -> ImportReport:
    """Bring already parsed notes (an upload) into the database in one commit: new ones
    added, known ones (by path) updated in place, unchanged ones skipped. Nothing is retired:
    an upload names only the notes it brings."""
    existing = {n.path: n for n in session.scalars(
        select(Note).where(Note.path.in_([p.path for p in parsed])))}
    report = ImportReport(notes=len(parsed))
    with write_transaction(session):
        new: list[_NewNote] = []
        for note in parsed:
            old = existing.get(note.path)
            if (old is not None and old.retired_at is None
                    and old.content_hash == _stamp(note.content_hash)):
                report.unchanged += 1
                continue
            report.warnings.extend(note.warnings)
            _import_one(session, prepare(note), old, now, report, new)
        _insert_new(session, new, report)
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
    prepared: Prepared


def _insert_new(session: Session, new: list[_NewNote], report: ImportReport) -> None:
    if not new:
        return
    notes, facts, cards = Note.__table__, Fact.__table__, Card.__table__
    note_ids = dict(session.execute(insert(notes).returning(notes.c.path, notes.c.id),
                                    [n.note for n in new]).all())
    fact_rows = [{**row, "note_id": note_ids[n.note["path"]]}
                 for n in new for row in n.prepared.facts.values()]
    fact_ids = dict(session.execute(insert(facts).returning(facts.c.key, facts.c.id),
                                    fact_rows).all()) if fact_rows else {}
    added = _added(Card, new[0].note["imported_at"])
    card_rows = [{**row, "fact_id": fact_ids[row["fact_id"]], "note_id": note_ids[n.note["path"]],
                  **added} for n in new for row in n.prepared.cards]
    if card_rows:
        _insert_plain(session, cards, card_rows)
    report.added["notes"] += len(new)
    report.added["facts"] += len(fact_rows)
    report.added["cards"] += len(card_rows)


def _insert_plain(session: Session, table, rows: list[dict]) -> None:
    """``rows`` (all with the same keys) in one driver ``executemany``: SQLAlchemy's per-row
    parameter processing was a fifth of writing a thousand notes' 60,000 cards. Text and
    numbers go to the driver as they are; a column whose type converts its values (a
    datetime on SQLite) is converted here with the type's own bind processor."""
    names = list(rows[0])
    dialect = session.get_bind().dialect
    for name in names:
        convert = table.c[name].type.bind_processor(dialect)
        if convert is not None:
            rows = [{**r, name: convert(r[name])} for r in rows]
    compiled = insert(table).values({c: bindparam(c) for c in names}).compile(dialect=dialect)
    params = list(map(itemgetter(*compiled.positiontup), rows)) if compiled.positional else rows
    session.connection().exec_driver_sql(compiled.string, params)


def _import_one(
    session: Session, prep: Prepared, note: Note | None, now: datetime, report: ImportReport,
    new: list[_NewNote],
) -> None:
    stamp = _stamp(prep.content_hash)
    report.handson += prep.handson
    report.askable += prep.askable
    for reason, n in prep.not_askable.items():
        report.not_askable[reason] = report.not_askable.get(reason, 0) + n
    for key, n in prep.gate.items():
        report.gate[key] = report.gate.get(key, 0) + n
    if note is None:  # a new note has no rows to compare with: its rows are inserted later
        row = {"path": prep.path, "title": prep.title, "lang": prep.lang,
               "content_hash": stamp, "imported_at": now}
        new.append(_NewNote(row, prep))
        return
    note.title, note.lang, note.content_hash = prep.title, prep.lang, stamp
    note.imported_at, note.retired_at = now, None
    report.updated["notes"] += 1
    resolve_note_reports(session, note.id, now)  # the note was fixed: its reports close
    fact_ids = _sync_rows(session, Fact, _FACT_FIELDS, note.id, prep.facts, now, report,
                          "facts")
    _sync_rows(session, Card, _CARD_FIELDS, note.id, _card_rows(prep.cards, fact_ids), now,
               report, "cards")


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


def _card_rows(cards: list[dict], fact_ids: dict[str, int]) -> dict[str, dict]:
    """Key → row of prepared card rows, each with its fact's id for the fact's key."""
    return {c["key"]: {**c, "fact_id": fact_ids[c["fact_id"]]} for c in cards}


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
