"""Quiz sets: authoring (a working draft and a published snapshot), YAML import, and attempts
taken from a set with the quiz service's attempt machinery. Owns its transactions.

A set's columns and ``set_questions`` rows are the draft the instructor edits. Publishing
copies the draft into ``quiz_sets.published`` (a JSON snapshot with a version number);
learners always start from that snapshot, and every attempt snapshots its own questions, so
neither editing the draft nor publishing again ever changes an attempt already made.

Every read checks the owner: a set that is not yours reads exactly like one that does not
exist (NotFound), except for admins, who see all.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..notes.model import Problem
from ..persistence.engine import write_transaction
from ..persistence.models import Note, QuizAttempt, QuizSet, SetAttempt, SetQuestion, User
from ..quiz import kinds as qkinds
from ..quiz.model import QFact, Question
from ..sets.draw import draw_questions, question_from_fact, signature
from ..sets.model import (
    DRAW,
    GRADING,
    KINDS,
    MAX_QUESTIONS,
    MAX_TIME_LIMIT_MIN,
    REVIEW,
    Draw,
    Entry,
    Item,
    SetSpec,
    Settings,
    assign_uids,
    check_draw,
    check_item,
    default_uid,
    entry_from_dict,
    from_question,
    to_question,
)
from ..sets.schema import validate
from .errors import ImportFailed, NotFound, ServiceError

AUTHORS = ("instructor", "admin")
MAX_TITLE = 300
MAX_DESCRIPTION = 20_000


# --- access --------------------------------------------------------------------------------


def is_author(user: User) -> bool:
    return user.role in AUTHORS


def get_set(session: Session, user: User, set_id: int) -> QuizSet:
    """The set if ``user`` may author it (its owner, or an admin)."""
    qset = session.get(QuizSet, set_id)
    if (qset is None or qset.deleted_at is not None or not is_author(user)
            or (user.role != "admin" and qset.owner_id != user.id)):
        raise NotFound("sets.set_does_not_exist", "set {set_id} does not exist", set_id=set_id)
    return qset


def find_by_name(session: Session, name: str) -> QuizSet | None:
    return session.scalar(select(QuizSet).where(QuizSet.name == name,
                                                QuizSet.deleted_at.is_(None)))


# --- names ---------------------------------------------------------------------------------


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug or "set"


def _free_name(session: Session, wanted: str) -> str:
    base = slugify(wanted)
    taken = set(session.scalars(select(QuizSet.name).where(
        QuizSet.name.like(base + "%"))))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


# --- settings ------------------------------------------------------------------------------


def parse_settings(form: dict[str, Any]) -> Settings:
    """Settings from a form (strings) or JSON: raises ServiceError naming the field at fault."""

    def number(key: str, lo: float, hi: float, label: str, default=None, whole=True):
        raw = form.get(key)
        if raw in (None, ""):
            return default
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise ServiceError("sets.must_number",
                "{label} must be a number",
                label=label) from None
        if whole and v != int(v):
            raise ServiceError("sets.must_whole_number",
                "{label} must be a whole number",
                label=label)
        if not lo <= v <= hi:
            raise ServiceError("sets.must_between",
                "{label} must be between {lo:g} and {hi:g}",
                label=label, lo=lo, hi=hi)
        return int(v) if whole else v

    def flag(key: str, default: bool) -> bool:
        raw = form.get(key)
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() in ("1", "true", "on", "yes")

    mark = number("pass_mark", 1, 100, "The pass mark (%)", 66, whole=False)
    grading = form.get("grading") or "highest"
    review = form.get("review") or "after_submit"
    if grading not in GRADING:
        raise ServiceError("sets.grading_must_one",
            "grading must be one of {value}",
            value=', '.join(GRADING))
    if review not in REVIEW:
        raise ServiceError("sets.review_must_one",
            "review must be one of {value}",
            value=', '.join(REVIEW))
    return Settings(
        time_limit_min=number("time_limit_min", 1, MAX_TIME_LIMIT_MIN, "The time limit "
                              "(minutes)"),
        pass_mark=round(mark / 100, 4),
        shuffle_questions=flag("shuffle_questions", False),
        shuffle_answers=flag("shuffle_answers", True),
        attempts=number("attempts", 0, 100, "Attempts allowed", 0),
        grading=grading, review=review)


def _title(title: Any) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise ServiceError("sets.title_required", "The title is required")
    if len(title) > MAX_TITLE:
        raise ServiceError("sets.title_has_most_characters",
            "The title has at most {MAX_TITLE} characters",
            MAX_TITLE=MAX_TITLE)
    return title


# --- the draft -----------------------------------------------------------------------------


def draft_rows(session: Session, qset: QuizSet) -> list[SetQuestion]:
    return list(session.scalars(select(SetQuestion).where(SetQuestion.set_id == qset.id)
                                .order_by(SetQuestion.position, SetQuestion.id)))


def entry_of(row: SetQuestion) -> Entry:
    return entry_from_dict(row.data, uid=row.uid)


def _draft_doc(qset: QuizSet, rows: Sequence[SetQuestion]) -> dict[str, Any]:
    return {"title": qset.title, "description": qset.description,
            "settings": Settings.from_dict(qset.settings).to_dict(),
            "entries": [{"uid": r.uid, "kind": r.kind, "data": r.data} for r in rows]}


def _hash(doc: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def status(qset: QuizSet, rows: Sequence[SetQuestion] | None = None,
           session: Session | None = None) -> str:
    """draft (never published) | published | changed (published, with unpublished edits)."""
    if qset.published is None:
        return "draft"
    if rows is None:
        rows = draft_rows(session, qset) if session is not None else []
    return "published" if qset.published.get("hash") == _hash(_draft_doc(qset, rows)) \
        else "changed"


def _touch(qset: QuizSet, now: datetime) -> None:
    qset.updated_at = now


def create_set(session: Session, user: User, title: str, *, now: datetime,
               description: str = "", settings: Settings | None = None,
               name: str | None = None, source_path: str | None = None) -> QuizSet:
    with write_transaction(session):
        if not is_author(user):
            raise NotFound("sets.instructors_create_sets", "only instructors create sets")
        title = _title(title)
        qset = QuizSet(owner_id=user.id, name=name or _free_name(session, title), title=title,
                       description=(description or "")[:MAX_DESCRIPTION],
                       settings=(settings or Settings()).to_dict(), source_path=source_path,
                       created_at=now, updated_at=now, version=0)
        session.add(qset)
        return qset


def update_settings(session: Session, user: User, set_id: int, *, title: str,
                    description: str, settings: Settings, now: datetime) -> QuizSet:
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        qset.title = _title(title)
        if len(description or "") > MAX_DESCRIPTION:
            raise ServiceError("sets.description_has_most_characters",
                "The description has at most {MAX_DESCRIPTION} characters",
                MAX_DESCRIPTION=MAX_DESCRIPTION)
        qset.description = (description or "").replace("\r\n", "\n").strip()
        qset.settings = settings.to_dict()
        _touch(qset, now)
        return qset


def _check_entry(entry: Entry) -> None:
    errs = check_draw(entry) if isinstance(entry, Draw) else check_item(entry)
    if errs:
        raise ServiceError("sets.refused", "{reason}", reason=errs[0])


def _row_data(entry: Entry) -> tuple[str, dict[str, Any]]:
    return (DRAW if isinstance(entry, Draw) else entry.kind), entry.to_dict()


def add_entry(session: Session, user: User, set_id: int, entry: Entry, *,
              now: datetime) -> SetQuestion:
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        _check_entry(entry)
        rows = draft_rows(session, qset)
        if len(rows) >= MAX_QUESTIONS:
            raise ServiceError("sets.set_has_most_questions",
                "A set has at most {MAX_QUESTIONS} questions",
                MAX_QUESTIONS=MAX_QUESTIONS)
        uids = {r.uid for r in rows}
        uid = entry.uid if entry.uid and entry.uid not in uids else ""
        if not uid:
            uid = default_uid(entry) if default_uid(entry) not in uids else \
                "q" + secrets.token_hex(5)
        kind, data = _row_data(entry)
        row = SetQuestion(set_id=qset.id, position=(rows[-1].position + 1) if rows else 0,
                          uid=uid, kind=kind, data=data)
        session.add(row)
        _touch(qset, now)
        return row


def get_entry(session: Session, user: User, set_id: int, question_id: int
              ) -> tuple[QuizSet, SetQuestion]:
    qset = get_set(session, user, set_id)
    row = session.get(SetQuestion, question_id)
    if row is None or row.set_id != qset.id:
        raise NotFound("sets.question_does_not_exist",
            "question {question_id} does not exist",
            question_id=question_id)
    return qset, row


def update_entry(session: Session, user: User, set_id: int, question_id: int, entry: Entry,
                 *, now: datetime) -> SetQuestion:
    """Edit a draft question (its uid stays: statistics follow it)."""
    with write_transaction(session):
        qset, row = get_entry(session, user, set_id, question_id)
        _check_entry(entry)
        row.kind, row.data = _row_data(entry)
        _touch(qset, now)
        return row


def delete_entry(session: Session, user: User, set_id: int, question_id: int, *,
                 now: datetime) -> None:
    with write_transaction(session):
        qset, row = get_entry(session, user, set_id, question_id)
        session.delete(row)
        _renumber(session, qset, [r for r in draft_rows(session, qset) if r.id != row.id])
        _touch(qset, now)


def move_entry(session: Session, user: User, set_id: int, question_id: int, delta: int, *,
               now: datetime) -> None:
    """Move a question ``delta`` places (−1 up, +1 down); the ends stay put."""
    with write_transaction(session):
        qset, row = get_entry(session, user, set_id, question_id)
        rows = draft_rows(session, qset)
        i = next(k for k, r in enumerate(rows) if r.id == row.id)
        j = max(0, min(len(rows) - 1, i + delta))
        if i == j:
            return
        rows.insert(j, rows.pop(i))
        _renumber(session, qset, rows)
        _touch(qset, now)


def reorder(session: Session, user: User, set_id: int, question_ids: Sequence[int], *,
            now: datetime) -> None:
    """Put the draft questions in the given order (every question exactly once)."""
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        rows = draft_rows(session, qset)
        by_id = {r.id: r for r in rows}
        try:
            ids = [int(x) for x in question_ids]
        except (TypeError, ValueError):
            raise ServiceError("sets.order_lists_question_ids",
                "the order lists question ids") from None
        if sorted(ids) != sorted(by_id):
            raise ServiceError("sets.new_order_must_list",
                "the new order must list every question of the set once")
        _renumber(session, qset, [by_id[i] for i in ids])
        _touch(qset, now)


def _renumber(session: Session, qset: QuizSet, rows: Sequence[SetQuestion]) -> None:
    for i, r in enumerate(rows):
        r.position = i
    session.flush()


def replace_entries(session: Session, qset: QuizSet, entries: Sequence[Entry]) -> None:
    """The draft's questions become ``entries`` (rows of uids kept are updated in place).
    Does not commit."""
    rows = {r.uid: r for r in draft_rows(session, qset)}
    keep = set()
    for pos, e in enumerate(assign_uids(list(entries))):
        kind, data = _row_data(e)
        row = rows.get(e.uid)
        if row is None:
            session.add(SetQuestion(set_id=qset.id, position=pos, uid=e.uid, kind=kind,
                                    data=data))
        else:
            row.position, row.kind, row.data = pos, kind, data
        keep.add(e.uid)
    for uid, row in rows.items():
        if uid not in keep:
            session.delete(row)
    session.flush()


def delete_set(session: Session, user: User, set_id: int, *, now: datetime) -> None:
    """Hide the set (attempts made from it, and their results, are kept)."""
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        qset.deleted_at = now
        qset.source_path = None  # a re-import of its file makes a new set
        qset.name = f"{qset.name[:70]}~deleted-{qset.id}"


# --- facts → questions ---------------------------------------------------------------------


def resolve_deck(session: Session, deck: str) -> Note | None:
    """A deck named as in a set file: the note's path as imported, a path ending in it, its
    file name, or its title (the first that names exactly one active note)."""
    deck = (deck or "").strip()
    if not deck:
        return None
    notes = list(session.scalars(select(Note).where(Note.retired_at.is_(None))))
    base = deck.rsplit("/", 1)[-1]
    for test in (lambda n: n.path == deck,
                 lambda n: n.path.endswith("/" + deck.lstrip("./")),
                 lambda n: n.path.rsplit("/", 1)[-1] == base,
                 lambda n: n.title == deck):
        found = [n for n in notes if test(n)]
        if len(found) == 1:
            return found[0]
    return None


def deck_facts(session: Session, deck: str) -> list[QFact] | None:
    from .quiz import load_facts

    note = resolve_deck(session, deck)
    return None if note is None else load_facts(session, [note.id])


def fact_choices(session: Session, note_id: int | None) -> dict[str, Any]:
    """Decks, and the facts of one deck, for the "pick facts" page."""
    from .quiz import load_facts

    notes = list(session.execute(select(Note.id, Note.path, Note.title, Note.lang)
                                 .where(Note.retired_at.is_(None)).order_by(Note.path)))
    facts = []
    if note_id is not None and any(n.id == note_id for n in notes):
        facts = [f for f in load_facts(session, [note_id]) if f.kind != "diagram"]
    return {"decks": notes, "facts": facts}


def add_from_facts(session: Session, user: User, set_id: int, fact_keys: Sequence[str],
                   kind: str, *, now: datetime, seed: int | None = None
                   ) -> tuple[int, list[str]]:
    """One ``kind`` question per picked fact, written out as an editable question (choices,
    answer and feedback as the generator made them). Returns (added, facts that could not
    make that kind of question)."""
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        if kind not in KINDS:
            raise ServiceError("sets.kind_must_one",
                "kind must be one of {value}",
                value=', '.join(KINDS))
        if not fact_keys:
            raise ServiceError("sets.pick_least_one_fact", "Pick at least one fact")
        from ..persistence.models import Fact

        notes = set(session.scalars(select(Fact.note_id).where(Fact.key.in_(list(fact_keys)))))
        from .quiz import load_facts

        facts = load_facts(session, sorted(notes)) if notes else []
        rows = draft_rows(session, qset)
        if len(rows) + len(fact_keys) > MAX_QUESTIONS:
            raise ServiceError("sets.set_has_most_questions",
                "A set has at most {MAX_QUESTIONS} questions",
                MAX_QUESTIONS=MAX_QUESTIONS)
        seed = secrets.randbelow(2**31) if seed is None else seed
        uids = {r.uid for r in rows}
        position = (rows[-1].position + 1) if rows else 0
        added, failed = 0, []
        for i, key in enumerate(fact_keys):
            q = question_from_fact(facts, key, kind, seed + i)
            if q is None:
                term = next((f.term for f in facts if f.key == key), key)
                failed.append(term)
                continue
            item = from_question(q)
            uid = default_uid(item)
            if uid in uids:
                uid = "q" + secrets.token_hex(5)
            uids.add(uid)
            session.add(SetQuestion(set_id=qset.id, position=position, uid=uid, kind=item.kind,
                                    data=item.to_dict()))
            position += 1
            added += 1
        _touch(qset, now)
        return added, failed


# --- publishing ----------------------------------------------------------------------------


def _check_publishable(session: Session, qset: QuizSet, rows: Sequence[SetQuestion]) -> None:
    if not rows:
        raise ServiceError("sets.add_least_one_question",
            "Add at least one question before publishing")
    for r in rows:
        e = entry_of(r)
        if isinstance(e, Draw):
            facts = deck_facts(session, e.deck)
            if facts is None:
                raise ServiceError("sets.question_draws_which_not",
                    "Question {value} draws from {deck!r}, which is not an imported deck",
                    value=r.position + 1, deck=e.deck)
            if not draw_questions(facts, e, seed=0):
                raise ServiceError("sets.question_no_questions_made",
                    "Question {value}: no questions can be made from {value2}",
                    value=r.position + 1, value2=e.describe())
        elif errs := check_item(e):
            raise ServiceError("sets.question",
                "Question {value}: {value2}",
                value=r.position + 1, value2=errs[0])


def publish(session: Session, user: User, set_id: int, *, now: datetime) -> QuizSet:
    """Make the draft what learners take from now on (version + 1)."""
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        _publish(session, qset, now)
        return qset


def _publish(session: Session, qset: QuizSet, now: datetime) -> None:
    rows = draft_rows(session, qset)
    _check_publishable(session, qset, rows)
    doc = _draft_doc(qset, rows)
    qset.version += 1
    qset.published = {**doc, "version": qset.version, "hash": _hash(doc),
                      "published_at": now.isoformat()}
    qset.published_at = now


def discard_changes(session: Session, user: User, set_id: int, *, now: datetime) -> QuizSet:
    """Throw the draft's edits away: back to the published version."""
    with write_transaction(session):
        qset = get_set(session, user, set_id)
        snap = qset.published
        if snap is None:
            raise ServiceError("sets.set_was_never_published",
                "This set was never published: there is nothing to go back to")
        qset.title, qset.description = snap["title"], snap["description"]
        qset.settings = dict(snap["settings"])
        for row in draft_rows(session, qset):
            session.delete(row)
        session.flush()
        for pos, e in enumerate(snap["entries"]):
            session.add(SetQuestion(set_id=qset.id, position=pos, uid=e["uid"], kind=e["kind"],
                                    data=e["data"]))
        _touch(qset, now)
        return qset


# --- files ---------------------------------------------------------------------------------


def spec_of(session: Session, qset: QuizSet, *, published: bool = False) -> SetSpec:
    """The set (its draft, or its published version) as a file-level spec."""
    if published and qset.published:
        snap = qset.published
        entries = [entry_from_dict(e["data"], uid=e["uid"]) for e in snap["entries"]]
        return SetSpec(name=qset.name, title=snap["title"], description=snap["description"],
                       settings=Settings.from_dict(snap["settings"]), entries=tuple(entries))
    rows = draft_rows(session, qset)
    return SetSpec(name=qset.name, title=qset.title, description=qset.description,
                   settings=Settings.from_dict(qset.settings),
                   entries=tuple(entry_of(r) for r in rows),
                   published=qset.published is not None)


@dataclass
class SetsReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged")


def set_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    files, errors = [], []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml")
                           and not x.name.startswith("."))
            if not found:
                errors.append(Problem(str(p), 0, "no quiz sets (*.yaml) found", "error"))
            files += found
        elif p.exists():
            files.append(p)
        else:
            errors.append(Problem(str(p), 0, "no such file or directory", "error"))
    return files, errors


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def import_files(session: Session, paths: Sequence[str | Path], owner: User, *,
                 now: datetime, base: Path | None = None) -> SetsReport:
    """Load set files into the database in one transaction: a file already imported updates
    its set (matched by path; questions matched by id), an unchanged file is skipped. Raises
    ImportFailed, writing nothing, if any file has an error."""
    with write_transaction(session):
        if not is_author(owner):
            raise ServiceError("sets.sets_belong_instructors_admins",
                "{email} is a {role}: sets belong to instructors or admins",
                email=owner.email, role=owner.role)
        files, errors = set_files(paths)
        parsed: list[tuple[str, str, SetSpec]] = []
        report = SetsReport()
        cache: dict[str, list[QFact] | None] = {}

        def resolve(deck: str) -> list[QFact] | None:
            if deck not in cache:
                cache[deck] = deck_facts(session, deck)
            return cache[deck]

        for f in files:
            name = _display(f, base)
            try:
                data = f.read_bytes()
            except OSError as e:
                errors.append(Problem(name, 0, f"cannot read: {e.strerror or e}", "error"))
                continue
            checked = validate(data, name, name=f.stem, resolve=resolve)
            errors += checked.errors
            report.warnings += checked.warnings
            if checked.spec is not None:
                parsed.append((name, hashlib.sha256(data).hexdigest(), checked.spec))
        if errors:
            raise ImportFailed(errors)
        for name, digest, spec in parsed:
            _import_spec(session, owner, name, digest, spec, now, report)
        return report


def _import_spec(session: Session, owner: User, path: str, digest: str, spec: SetSpec,
                 now: datetime, report: SetsReport) -> None:
    qset = session.scalar(select(QuizSet).where(QuizSet.source_path == path))
    if qset is not None and qset.source_hash == digest:
        report.unchanged.append(qset.name)
        return
    if qset is None:
        taken = find_by_name(session, slugify(spec.name))
        name = slugify(spec.name) if taken is None else _free_name(session, spec.name)
        qset = QuizSet(owner_id=owner.id, name=name, title=spec.title, settings={},
                       source_path=path, created_at=now, updated_at=now, version=0)
        session.add(qset)
        session.flush()
        report.added.append(qset.name)
    else:
        report.updated.append(qset.name)
    qset.title, qset.description = spec.title, spec.description
    qset.settings = spec.settings.to_dict()
    qset.source_hash = digest
    qset.updated_at = now
    replace_entries(session, qset, spec.entries)
    if spec.published and (qset.published is None or qset.published.get("hash") != _hash(
            _draft_doc(qset, draft_rows(session, qset)))):
        _publish(session, qset, now)


# --- taking a set --------------------------------------------------------------------------


def build_questions(session: Session, snapshot: dict[str, Any], seed: int
                    ) -> list[Question]:
    """The questions of one attempt at a set version: written questions as the author wrote
    them, draws generated now from the decks' facts; answers and questions shuffled as the
    set says. Deterministic for a seed (and the same facts)."""
    settings = Settings.from_dict(snapshot.get("settings"))
    rng = random.Random(seed)
    taken: set[str] = set()
    title = snapshot.get("title", "")
    out: list[Question] = []
    for i, raw in enumerate(snapshot.get("entries", [])):
        entry = entry_from_dict(raw["data"], uid=raw["uid"])
        if isinstance(entry, Item):
            q = to_question(entry, topic=title, meta={"uid": entry.uid, "slot": entry.uid})
            out.append(q)
            continue
        facts = deck_facts(session, entry.deck) or []
        for q in draw_questions(facts, entry, seed + 7919 * (i + 1), taken):
            out.append(q.with_(points=entry.points,
                               meta={**q.meta, "uid": entry.uid, "slot": signature(q),
                                     "drawn": True}))
    if settings.shuffle_answers:
        out = [qkinds.reshuffle(q, rng) if q.kind in ("single", "multiple", "matching") else q
               for q in out]
    if settings.shuffle_questions:
        rng.shuffle(out)
    return out


def preview_questions(session: Session, user: User, set_id: int, *, seed: int = 0
                      ) -> list[dict[str, Any]]:
    """The draft as a learner would get it (draws made now, answers not shuffled), with the
    right answers, for the author's preview."""
    qset = get_set(session, user, set_id)
    rows = draft_rows(session, qset)
    doc = _draft_doc(qset, rows)
    doc["settings"] = {**doc["settings"], "shuffle_answers": False, "shuffle_questions": False}
    out = []
    for q in build_questions(session, doc, seed):
        out.append({"question": q, "answer": qkinds.answer_text(q),
                    "drawn": bool(q.meta.get("drawn"))})
    return out


def attempt_settings(qset: QuizSet, snapshot: dict[str, Any], *, questions: int,
                     assignment_id: int | None, preview: bool,
                     review_after: datetime | None) -> tuple[dict[str, Any], dict[str, Any]]:
    s = Settings.from_dict(snapshot.get("settings"))
    settings = {"count": questions, "time_limit_min": s.time_limit_min,
                "pass_mark": s.pass_mark, "weights": None, "kinds": [],
                "review_forward": True, "review": "after_submit" if preview else s.review,
                "review_after": review_after.isoformat() if review_after else None,
                "set": {"id": qset.id, "name": qset.name, "title": snapshot.get("title", ""),
                        "version": snapshot.get("version", 0), "assignment_id": assignment_id,
                        "preview": preview}}
    scope = {"decks": [], "sections": [], "titles": [snapshot.get("title", "")]}
    return settings, scope


def start_attempt(session: Session, user: User, qset: QuizSet, snapshot: dict[str, Any], *,
                  now: datetime, assignment_id: int | None = None, preview: bool = False,
                  closes_at: datetime | None = None, attempts_allowed: int = 0,
                  seed: int | None = None) -> QuizAttempt:
    """A new attempt at ``snapshot`` through the quiz service (questions snapshotted, server
    clock). The deadline is the time limit, cut short by the assignment's close time. The
    attempt count is checked inside the write transaction, so a double click cannot get
    past the limit."""
    from . import quiz

    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = build_questions(session, snapshot, seed)
    session.rollback()
    if not questions:
        raise ServiceError("sets.no_questions_made_set",
            "No questions can be made from this set right now")
    settings, scope = attempt_settings(qset, snapshot, questions=len(questions),
                                       assignment_id=assignment_id, preview=preview,
                                       review_after=closes_at)
    limit = Settings.from_dict(snapshot.get("settings")).time_limit_min
    deadline = None
    if limit:
        from datetime import timedelta

        deadline = now + timedelta(minutes=limit)
    if closes_at is not None and (deadline is None or closes_at < deadline):
        deadline = closes_at

    def link(s: Session, attempt: QuizAttempt) -> None:
        if assignment_id is not None and not preview:
            used = s.scalar(select(func.count(SetAttempt.id)).where(
                SetAttempt.assignment_id == assignment_id, SetAttempt.user_id == user.id,
                SetAttempt.preview.is_(False)))
            if attempts_allowed and used >= attempts_allowed:
                raise ServiceError("sets.no_attempts_left_set", "No attempts left at this set")
        s.add(SetAttempt(attempt_id=attempt.id, set_id=qset.id, assignment_id=assignment_id,
                         user_id=user.id, set_version=snapshot.get("version", 0),
                         preview=preview))

    return quiz._store(session, user, mode=quiz.EXAM, scope=scope, settings=settings,
                       seed=seed, questions=questions, now=now, limit=limit,
                       deadline=deadline, before_commit=link)


def try_set(session: Session, user: User, set_id: int, *, now: datetime) -> QuizAttempt:
    """The author takes the draft as a learner would (a preview attempt: not in results)."""
    qset = get_set(session, user, set_id)
    rows = draft_rows(session, qset)
    if not rows:
        raise ServiceError("sets.add_least_one_question_2", "Add at least one question first")
    doc = {**_draft_doc(qset, rows), "version": qset.version}
    return start_attempt(session, user, qset, doc, now=now, preview=True)


def list_sets(session: Session, user: User) -> list[dict[str, Any]]:
    """The author's sets (an admin's: everyone's), newest first, with question counts."""
    if not is_author(user):
        return []
    q = select(QuizSet).where(QuizSet.deleted_at.is_(None)).order_by(
        QuizSet.updated_at.desc(), QuizSet.id.desc())
    if user.role != "admin":
        q = q.where(QuizSet.owner_id == user.id)
    sets = list(session.scalars(q))
    counts = dict(session.execute(
        select(SetQuestion.set_id, func.count(SetQuestion.id))
        .where(SetQuestion.set_id.in_([s.id for s in sets]))
        .group_by(SetQuestion.set_id)).all()) if sets else {}
    owners = dict(session.execute(select(User.id, User.email).where(
        User.id.in_({s.owner_id for s in sets}))).all()) if sets else {}
    out = []
    for s in sets:
        out.append({"id": s.id, "name": s.name, "title": s.title,
                    "questions": counts.get(s.id, 0), "status": status(s, session=session),
                    "version": s.version, "updated_at": s.updated_at,
                    "source_path": s.source_path, "owner": owners.get(s.owner_id, "")})
    return out
