"""The card browser's list: one learner's view of the cards a search finds, sorted, one page
at a time. One statement for the page and one for the count; neither reads the review log
(reviews and lapses come from the learner's card state), so the time does not grow with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Float,
    String,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from ...persistence.models import Card, CardReport, CardState, Fact, Note, User
from ...persistence.types import UTCDateTime
from ...srs import State
from ...srs.days import StudyDay
from ..scheduling import memory_of, scheduler_for
from .query import STATES, Term, parse

PAGE_SIZE = 50
SORTS = ("due", "interval", "stability", "difficulty", "retrievability", "reviews", "lapses",
         "last_review", "added", "deck")
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class Row:
    card_id: int
    version: int
    kind: str
    front: str
    deck: str
    section: str
    lang: str
    state: str
    due: datetime | None
    interval_days: float | None
    stability: float | None
    difficulty: float | None
    retrievability: float | None
    reviews: int
    lapses: int
    last_review: datetime | None
    flag: int
    suspended: bool
    leech: bool
    buried: bool


@dataclass(frozen=True)
class BrowsePage:
    rows: list[Row]
    total: int
    page: int
    pages: int
    terms: list[Term]


def _days(dialect: str, later, earlier):
    """Days between two timestamps, in SQL (each database has its own date arithmetic)."""
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def _state_is(name: str):
    value = STATES.index(name)
    if value == State.NEW:
        return or_(CardState.id.is_(None), CardState.state == int(State.NEW))
    return CardState.state == value


def _contains(column, text: str):
    """Case-insensitive "contains", with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


_COMPARE = {"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__", "=": "__eq__",
            "!=": "__ne__"}


def _condition(term: Term, user: User, day: StudyDay, now, dialect: str):
    f, v = term.field, term.value
    if f == "text":
        # the aliases are in the fact's JSON data, searched as its text
        return or_(_contains(Card.front, v), _contains(Card.back, v), _contains(Fact.term, v),
                   _contains(cast(Fact.data, String), v))
    if f == "deck":
        return or_(_contains(Note.title, v), _contains(Note.path, v),
                   Note.id == int(v) if v.isdigit() else false())
    if f == "section":
        return _contains(Card.section, v)
    if f == "kind":
        return func.lower(Card.kind) == v.lower()
    if f == "flag":
        return func.coalesce(CardState.flag, 0) == int(v)
    if f == "cid":
        return Card.id.in_([int(x) for x in v.split(",")])
    if f == "added":
        return Card.added_at >= day.start - timedelta(days=int(v) - 1)
    if f == "due":
        started = CardState.state.in_((int(State.LEARNING), int(State.REVIEW),
                                       int(State.RELEARNING)))
        if v == "overdue":
            return and_(started, CardState.due < day.start)
        if v == "today":
            return and_(started, CardState.due >= day.start, CardState.due < day.end)
        return and_(started, CardState.due < day.end + timedelta(days=int(v) - 1))
    if f == "is":
        if v in STATES:
            return _state_is(v)
        if v == "suspended":
            return CardState.suspended.is_(True)
        if v == "leech":
            return CardState.leech.is_(True)
        if v == "buried":
            return CardState.buried_until > literal(now, UTCDateTime())
        if v == "flagged":
            return CardState.flag > 0
        if v == "due":
            return and_(CardState.state != int(State.NEW), CardState.due < day.end,
                        CardState.suspended.is_(False))
        if v == "reported":
            return exists(select(CardReport.id).where(
                CardReport.card_id == Card.id, CardReport.user_id == user.id,
                CardReport.resolved_at.is_(None)))
    if f == "prop":
        column = {"lapses": CardState.lapses, "reps": CardState.reps,
                  "s": CardState.stability, "d": CardState.difficulty,
                  "ivl": _days(dialect, CardState.due, CardState.last_review)}[term.prop]
        return getattr(column, _COMPARE[term.op])(float(v))
    raise ValueError(f"unknown term {term}")  # parse() never makes one


def _sort_key(sort: str, dialect: str, now):
    at = literal(now, UTCDateTime())
    return {
        "due": CardState.due,
        "interval": _days(dialect, CardState.due, CardState.last_review),
        "stability": CardState.stability,
        "difficulty": CardState.difficulty,
        # R falls as elapsed / stability grows (FSRS's forgetting curve): sorting by that
        # ratio, reversed, sorts by retrievability without computing a power in SQL.
        "retrievability": -(_days(dialect, at, CardState.last_review)
                             / cast(CardState.stability, Float)),
        "reviews": CardState.reps,
        "lapses": CardState.lapses,
        "last_review": CardState.last_review,
        "added": Card.added_at,
        "deck": Note.path,
    }[sort]


def search(session: Session, user: User, text: str, now: datetime, *,
           extra: list[Term] | None = None, sort: str = DEFAULT_SORT, desc: bool = False,
           page: int = 1, page_size: int = PAGE_SIZE) -> BrowsePage:
    """The cards matching ``text`` (the search syntax, ``query.parse``) and ``extra`` terms
    (the form's filters), sorted by ``sort``; raises ``QueryError`` on a term it cannot read."""
    terms = [*parse(text), *(extra or [])]
    dialect = session.get_bind().dialect.name
    day = StudyDay.of(now, user.timezone)
    conds = [Card.retired_at.is_(None), Note.retired_at.is_(None)]
    for term in terms:
        c = _condition(term, user, day, now, dialect)
        if term.negated:
            # a missing state row reads as NULLs: "not suspended" must include it
            c = not_(func.coalesce(c, false()))
        conds.append(c)
    base = (select(Card.id).select_from(Card).join(Note, Note.id == Card.note_id)
            .outerjoin(CardState, and_(CardState.card_id == Card.id,
                                       CardState.user_id == user.id)))
    if any(t.field == "text" for t in terms):
        base = base.join(Fact, Fact.id == Card.fact_id)
    base = base.where(and_(true(), *conds))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    sort = sort if sort in SORTS else DEFAULT_SORT
    key = _sort_key(sort, dialect, now)
    ordered = (key.desc() if desc else key.asc()).nulls_last()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    ids = base.order_by(ordered, Card.id).limit(page_size).offset((page - 1) * page_size)
    rows = session.execute(
        select(Card.id, Card.kind, Card.front, Card.section, Note.title, Note.lang,
               CardState.id.label("state_id"), CardState.version, CardState.state,
               CardState.step, CardState.stability, CardState.difficulty, CardState.due,
               CardState.last_review, CardState.reps, CardState.lapses, CardState.suspended,
               CardState.leech, CardState.flag, CardState.buried_until)
        .join(Note, Note.id == Card.note_id)
        .outerjoin(CardState, and_(CardState.card_id == Card.id, CardState.user_id == user.id))
        .where(Card.id.in_(ids.scalar_subquery()))
        .order_by(ordered, Card.id)).all()
    scheduler = scheduler_for(user)
    return BrowsePage([_row(r, scheduler, now) for r in rows], total, page, pages, terms)


def _row(r: Any, scheduler, now: datetime) -> Row:
    memory = memory_of(r if r.state_id is not None else None)
    started = memory.state != State.NEW
    return Row(
        card_id=r.id, version=r.version or 0, kind=r.kind, front=_plain(r.front),
        deck=r.title, section=r.section, lang=r.lang, state=STATES[int(memory.state)],
        due=r.due if started else None,
        interval_days=((r.due - r.last_review).total_seconds() / 86400
                       if started and r.due and r.last_review else None),
        stability=r.stability, difficulty=r.difficulty,
        retrievability=scheduler.retrievability(memory, now) if started else None,
        reviews=r.reps or 0, lapses=r.lapses or 0, last_review=r.last_review,
        flag=r.flag or 0, suspended=bool(r.suspended), leech=bool(r.leech),
        buried=bool(r.buried_until and r.buried_until > now))


def _plain(markdown: str, limit: int = 120) -> str:
    text = " ".join(markdown.replace("**", "").replace("`", "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
