"""One card as the review page shows it: its text as HTML, where it comes from, and the
interval each rating button would give."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, bindparam, func, select
from sqlalchemy.orm import Session

from ...cards import TYPED_CARDS
from ...persistence.models import Card, CardState, Note, User
from ...persistence.types import UTCDateTime
from ...srs import CardMemory, State, format_interval, fuzz_seed
from ..errors import NotFound
from ..scheduling import memory_of, scheduler_for
from ..users import StudySettings
from .queries import _state_join

STATE_NAMES = {State.NEW: "new", State.LEARNING: "learning", State.REVIEW: "review",
               State.RELEARNING: "relearning"}


_CARD_COLUMNS = (Card.id, Card.kind, Card.front, Card.back, Card.section, Card.line,
                 Card.diagram, Note.id.label("note_id"), Note.title, Note.lang, Note.path)
_STATE_COLUMNS = (CardState.id.label("state_id"), CardState.version, CardState.state,
                  CardState.step, CardState.stability, CardState.difficulty, CardState.due,
                  CardState.last_review, CardState.reps, CardState.lapses, CardState.suspended,
                  CardState.leech, CardState.flag)


def card_view_select(card_id):
    """One statement for a card, its note and the learner's state of it (none yet: NULLs);
    ``card_id``: the bound parameter that names the card."""
    return (select(*_CARD_COLUMNS, *_STATE_COLUMNS)
            .join(Note, Note.id == Card.note_id)
            .outerjoin(CardState, _state_join())
            .where(Card.id == card_id))


_CARD_VIEW = card_view_select(bindparam("card_id"))
# What answering a card reads of it: where it belongs (for the queue) and the learner's state.
ANSWER_ROW = (select(Card.fact_id, Card.note_id, Card.kind, Card.retired_at, *_STATE_COLUMNS)
              .outerjoin(CardState, _state_join())
              .where(Card.id == bindparam("card_id")))


def row_json(columns):
    """``columns`` (of a subquery, or a statement's) as one JSON array (``JsonRow``): a
    statement that returns it with another row pays for one column, not two dozen."""
    return func.json_build_array(*columns, type_=JSON)


class JsonRow:
    """Reads back a ``row_json`` array of the columns ``statement`` selects, as a row whose
    attributes are named as the statement's columns; its times back to UTC datetimes (JSON
    holds them as text)."""

    def __init__(self, statement) -> None:
        self.names = tuple(c.name for c in statement.selected_columns)
        self.times = tuple(i for i, c in enumerate(statement.selected_columns)
                           if isinstance(c.type, UTCDateTime))

    def values(self, values: list) -> list:
        """The array's values, its times as datetimes (in place)."""
        for i in self.times:
            if values[i] is not None:
                values[i] = datetime.fromisoformat(values[i]).replace(tzinfo=UTC)
        return values

    def __call__(self, values: list | None) -> SimpleNamespace | None:
        """The row, None for a JSON null (no row)."""
        if values is None:
            return None
        return SimpleNamespace(**dict(zip(self.names, self.values(values), strict=True)))


_VIEW_ROW = JsonRow(_CARD_VIEW)
answer_row_of_json = JsonRow(ANSWER_ROW)


def card_view_json(view):
    """A ``card_view_select`` subquery's row as one JSON array (``card_parts_of_json``)."""
    return row_json(view.c)


def card_parts_of_json(values: list) -> tuple[dict[str, Any], CardMemory] | None:
    """``card_parts_of`` for a ``card_view_json`` array; None if it names no card."""
    if values is None or values[0] is None:
        return None
    return card_parts_of(_VIEW_ROW(values))


def _memory_of_row(row) -> CardMemory:
    """``memory_of`` for a row of ``_STATE_COLUMNS`` (NULLs when the learner has no state)."""
    return memory_of(row if row.state_id is not None else None)


def card_view(session: Session, user: User, card_id: int, now: datetime,
              settings: StudySettings | None = None) -> dict[str, Any]:
    """What the review page needs to show one card, with each button's interval."""
    settings = settings or StudySettings.of(user)
    return _with_intervals(user, settings, *_card_parts(session.connection(), user, card_id),
                           now)


def _card_parts(conn, user: User, card_id: int) -> tuple[dict[str, Any], CardMemory]:
    """The card as shown, but for the intervals (which depend on the time), and its memory."""
    row = conn.execute(_CARD_VIEW, {"uid": user.id, "card_id": card_id}).one_or_none()
    if row is None:
        raise NotFound("review.card_does_not_exist",
            "card {card_id} does not exist",
            card_id=card_id)
    return card_parts_of(row)


def card_parts_of(row) -> tuple[dict[str, Any], CardMemory]:
    """``_card_parts`` from a row of ``card_view_select``."""
    from ...render import to_html

    card_id = row.id
    memory = _memory_of_row(row)
    return {
        "id": card_id,
        "version": row.version or 0,
        "kind": row.kind,
        "typed": row.kind in TYPED_CARDS,  # answered by typing, checked, then rated
        "state": STATE_NAMES[memory.state],
        "front_html": to_html(row.front),
        "back_html": to_html(row.back),
        "deck": row.title,
        "lang": row.lang,
        "section": row.section,
        "source": f"{row.path}:{row.line}",
        "note_id": row.note_id,
        "line": row.line,
        "diagram": row.diagram,
        "flag": row.flag or 0,
    }, memory


def _with_intervals(user: User, settings: StudySettings, parts: dict[str, Any],
                    memory: CardMemory,
                    now: datetime) -> dict[str, Any]:
    intervals = scheduler_for(user, settings).preview(memory, now,
                                            seed=fuzz_seed(parts["id"], memory.reps))
    return {**parts,
            "intervals": {str(int(r)): format_interval(iv) for r, iv in intervals.items()}}
