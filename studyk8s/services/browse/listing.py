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

from ...persistence.models import Card, CardReport, CardState, Note, User
from ...persistence.types import UTCDateTime
from ...srs import State
from ...srs.days import StudyDay
from ..scheduling import memory_of, scheduler_for
from .query import STATES, Term, parse

PAGE_SIZE = 50
SORTS = ("due", "interval", "stability", "difficulty", "retrievability", "reviews", "lapses",
         "last_review", "added")
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
        return or_(CardState.card_id.is_(None), CardState.state == int(State.NEW))
    return CardState.state == value


def _contains(column, text: str, sqlite: bool = False, lowered: bool = False):
    """Case-insensitive "contains", with LIKE's wildcards taken literally. (SQLite's LIKE
    ignores case already, for ASCII: its ILIKE, ``lower() LIKE lower()``, costs twice.)
    ``lowered``: the column and ``text`` are lowercase already, so LIKE will do anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return (column.like(pattern, escape="\\") if sqlite or lowered
            else column.ilike(pattern, escape="\\"))


_COMPARE = {"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__", "=": "__eq__",
            "!=": "__ne__"}


def _condition(term: Term, user: User, day: StudyDay, now, dialect: str, card_id):
    """``term`` as SQL; ``card_id`` is the card id column of the search's first table."""
    f, v = term.field, term.value
    if f == "text":
        # the sides, term and aliases, lowercased once at import (services.content)
        return _contains(Card.search_text, v.lower(), dialect == "sqlite", lowered=True)
    if f == "deck_ids":
        return Card.note_id.in_([int(x) for x in v.split(",")])
    if f == "section":
        return _contains(Card.section, v, dialect == "sqlite")
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
                CardReport.card_id == card_id, CardReport.user_id == user.id,
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
        "added": Card.id,  # card ids grow as cards come in
    }[sort]


# Terms that only a started card (one with a state row) can match, unless negated: a search
# with one of them starts from the learner's card states (by their indexes on user and due,
# suspended, flag or leech) instead of from every card.
_STATE_ONLY_IS = ("learning", "review", "relearning", "suspended", "leech", "buried",
                  "flagged", "due", "reported")
_CARD_FIELDS = ("text", "deck", "section", "kind", "added", "cid")


def _needs_state(term: Term) -> bool:
    if term.negated:
        return False
    return (term.field in ("due", "prop") or (term.field == "flag" and term.value != "0")
            or (term.field == "is" and term.value in _STATE_ONLY_IS))


def _decks(session: Session, terms: list[Term]) -> list[Term]:
    """``deck:`` terms as the note ids they name (one small query), so the search filters
    cards by their indexed ``note_id`` instead of matching every card's deck by text."""
    out = []
    for t in terms:
        if t.field == "deck":
            ids = session.scalars(select(Note.id).where(or_(
                _contains(Note.title, t.value), _contains(Note.path, t.value),
                Note.id == (int(t.value) if t.value.isdigit() else -1)))).all()
            t = Term("deck_ids", ",".join(map(str, ids)) or "-1", t.negated)
        out.append(t)
    return out


# Active cards, written so SQLite does not pick an index led by ``retired_at`` (nearly every
# card is active: it would select nothing and cost a sort), as in ``review.queries``.
_ACTIVE = func.coalesce(Card.retired_at, Card.retired_at).is_(None)


def _all_by_state(session: Session, user: User, ordered, page: int,
                  page_size: int) -> tuple[list, int]:
    """Every card sorted by a state column, NULLs last: the started cards in that order (a
    scan of the learner's states, not a probe per card), then the cards never
    started, in card order. Which page is from which part comes from the two counts."""
    retired = select(Card.id).where(Card.retired_at.is_not(None))
    started = (select(CardState.card_id.label("id"))
               .where(CardState.user_id == user.id, CardState.card_id.not_in(retired)))
    n_started = _count(session, started)
    total = session.scalar(select(func.count()).select_from(Card).where(_ACTIVE)) or 0
    skip = (page - 1) * page_size
    found = list(session.execute(started.order_by(ordered, CardState.card_id)
                                 .limit(page_size).offset(skip)).all()) if skip < n_started \
        else []
    if len(found) < page_size:
        unstarted = (select(Card.id.label("id")).where(_ACTIVE, ~exists(
            select(CardState.id).where(CardState.user_id == user.id,
                                       CardState.card_id == Card.id)))
            .order_by(Card.id).limit(page_size - len(found))
            .offset(max(0, skip - n_started)))
        found += session.execute(unstarted).all()
    return found, total


def _touches_state(terms: list[Term]) -> bool:
    return any(t.field in ("is", "flag", "due", "prop") for t in terms)


def _count(session: Session, q) -> int:
    return session.scalar(select(func.count()).select_from(q.subquery())) or 0


def search(session: Session, user: User, text_query: str, now: datetime, *,
           extra: list[Term] | None = None, sort: str = DEFAULT_SORT, desc: bool = False,
           page: int = 1, page_size: int = PAGE_SIZE) -> BrowsePage:
    """The cards matching ``text_query`` (the search syntax, ``query.parse``) and ``extra`` terms
    (the form's filters), sorted by ``sort``; raises ``QueryError`` on a term it cannot read.

    One statement finds the page's card ids, one counts the matches (from the cards alone
    when the learner's states do not matter), one reads the page's cards; a text search
    counts in its one scan (``count() OVER ()``)."""
    terms = [*parse(text_query), *(extra or [])]
    dialect = session.get_bind().dialect.name
    day = StudyDay.of(now, user.timezone)
    sort = sort if sort in SORTS else DEFAULT_SORT
    key = _sort_key(sort, dialect, now)
    searched = _decks(session, terms)
    card_level = any(t.field in _CARD_FIELDS or t.field == "deck_ids" for t in searched)
    # Only started cards can match and nothing is asked of the card itself: from the states.
    from_states = any(_needs_state(t) for t in searched) and not card_level
    card_id = CardState.card_id if from_states else Card.id
    if from_states and sort == "added":
        key = CardState.card_id
    conds = []
    for term in searched:
        c = _condition(term, user, day, now, dialect, card_id)
        if term.negated:
            # a missing state row reads as NULLs: "not suspended" must include it
            c = not_(func.coalesce(c, false()))
        elif not from_states and _touches_state([term]):
            # Keeps the outer join one (SQLite would make it inner and may then start from
            # the learner's states): a search that names cards starts from those cards.
            c = func.coalesce(c, false())
        conds.append(c)
    text = any(t.field == "text" for t in searched)
    if from_states:  # a retired card is the rare case: a short list to leave out
        base = select(CardState.card_id.label("id")).where(
            CardState.user_id == user.id,
            CardState.card_id.not_in(select(Card.id).where(Card.retired_at.is_not(None))))
    else:  # every card, with the learner's state where there is one
        base = (select(Card.id.label("id")).outerjoin(
            CardState, and_(CardState.card_id == Card.id, CardState.user_id == user.id))
            .where(_ACTIVE))
    base = base.where(and_(true(), *conds))
    ordered = key.desc() if desc else key.asc()
    if sort != "added":  # card ids are never NULL: their order is the index's, no sort
        ordered = ordered.nulls_last()
    page = max(1, page)
    page_q = base.order_by(ordered, base.selected_columns.id).limit(page_size).offset(
        (page - 1) * page_size)
    if text:  # few matches, found by one scan: count them in the same one
        found = session.execute(page_q.add_columns(func.count().over().label("total"))).all()
        total = found[0].total if found else _count(session, base)
    elif not searched and sort != "added":  # every card, by a column of the learner's states
        found, total = _all_by_state(session, user, ordered, page, page_size)
    else:
        found = session.execute(page_q).all()
        total = _count(session, base if from_states or _touches_state(searched) else
                       select(Card.id).where(_ACTIVE, *conds))
    pages = max(1, -(-total // page_size))
    if not found and total and page > pages:
        return search(session, user, text_query, now, extra=extra, sort=sort, desc=desc,
                      page=pages, page_size=page_size)
    order = {row.id: i for i, row in enumerate(found)}
    rows = session.execute(
        select(Card.id, Card.kind, Card.front, Card.section, Note.title, Note.lang,
               CardState.id.label("state_id"), CardState.version, CardState.state,
               CardState.step, CardState.stability, CardState.difficulty, CardState.due,
               CardState.last_review, CardState.reps, CardState.lapses, CardState.suspended,
               CardState.leech, CardState.flag, CardState.buried_until)
        .join(Note, Note.id == Card.note_id)
        .outerjoin(CardState, and_(CardState.card_id == Card.id, CardState.user_id == user.id))
        .where(Card.id.in_(list(order)))).all() if order else []
    rows.sort(key=lambda r: order[r.id])
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
