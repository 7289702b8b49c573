"""A set's draft: who may author it, names, settings, and the questions an instructor adds,
edits, moves and removes. Every read checks the owner."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.engine import write_transaction
from ...persistence.models import QuizSet, SetQuestion, User
from ...sets.model import (
    DRAW,
    GRADING,
    MAX_QUESTIONS,
    MAX_TIME_LIMIT_MIN,
    REVIEW,
    Draw,
    Entry,
    Settings,
    assign_uids,
    check_draw,
    check_item,
    default_uid,
    entry_from_dict,
)
from ..errors import NotFound, ServiceError

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
            if not math.isfinite(v):  # "inf", "nan": int() of them would fail below
                raise ValueError(raw)
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
        raise ServiceError("sets.title_required", "The title is required", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError("sets.title_has_most_characters",
            "The title has at most {MAX_TITLE} characters",
            field="title", MAX_TITLE=MAX_TITLE)
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
                field="description", MAX_DESCRIPTION=MAX_DESCRIPTION)
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
