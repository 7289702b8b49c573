"""Questions from facts (by deck and section), and publishing: the draft copied into a
versioned snapshot, or the draft put back to the last one."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import Note, QuizSet, SetQuestion, User
from ...quiz.model import QFact
from ...sets.draw import draw_questions, question_from_fact
from ...sets.engine import from_question
from ...sets.model import (
    KINDS,
    MAX_QUESTIONS,
    Draw,
    check_item,
    default_uid,
)
from ..errors import ServiceError
from .drafts import _draft_doc, _hash, _touch, draft_rows, entry_of, get_set

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
    from ..quiz import load_facts

    note = resolve_deck(session, deck)
    return None if note is None else load_facts(session, [note.id])


def fact_choices(session: Session, note_id: int | None) -> dict[str, Any]:
    """Decks, and the facts of one deck, for the "pick facts" page."""
    from ..quiz import load_facts

    notes = list(session.execute(select(Note.id, Note.path, Note.title, Note.lang)
                                 .where(Note.retired_at.is_(None)).order_by(Note.path)))
    facts = []
    if note_id is not None and any(n.id == note_id for n in notes):
        from ...quiz.gate import askable  # the facts a question can be made from

        facts = askable(load_facts(session, [note_id])).ok
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
        from ...persistence.models import Fact

        notes = set(session.scalars(select(Fact.note_id).where(Fact.key.in_(list(fact_keys)))))
        from ..quiz import load_facts

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
