"""One learner's review queue for one study day, held in memory between requests.

Anki's approach: build the day's queue once, then move cards in it as they are answered,
instead of scanning the collection for every card shown. The queue only ever learns of a
change as "this card now has this state, and (maybe) was reviewed today"; the service layer
decides when a change is of that kind and when the queue must be built again from the
database (undo, suspend, new content, another day, changed settings).

Rules, the same as the SQL queries in ``services.review`` (which stay the reference):

* learning/relearning cards by (due, id); all of them are held, the count is those due by
  the day's end;
* review cards due before the day's end, by (due, id); new cards in note order; both
  exclude cards whose sibling (another card of the same fact) was reviewed today;
* counts are capped by what is left of the daily limits;
* the next card: a learning card due now, else a review, else a new card, else a learning
  card due within the learn-ahead window.

The review and new lists may hold only the first ``left + margin`` candidates (``complete``
False); ``needs_rebuild`` says when removals have eaten into that margin.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, field
from datetime import datetime

from .scheduler import State

LEARNING_STATES = (int(State.LEARNING), int(State.RELEARNING))


@dataclass(frozen=True)
class Change:
    """A card's state now, and the review that changed it (if it was reviewed today)."""

    card_id: int
    fact_id: int
    state: int
    due: datetime | None
    suspended: bool
    selected: bool = True  # active, in the decks and kinds the learner studies
    reviewed_today: bool = False  # a review today (not undone): buries the card's siblings
    counted_as: int | None = None  # the state it was reviewed in, if it counts for a limit


class _Sorted:
    """Cards ordered by (due, id), with removal by id."""

    def __init__(self, rows: list[tuple[datetime, int]]):
        self.items = sorted(rows)
        self.due = {card_id: due for due, card_id in rows}

    def __len__(self) -> int:
        return len(self.items)

    def copy(self) -> _Sorted:
        other = _Sorted.__new__(_Sorted)
        other.items, other.due = list(self.items), dict(self.due)
        return other

    def __contains__(self, card_id: int) -> bool:
        return card_id in self.due

    def first(self) -> tuple[datetime, int] | None:
        return self.items[0] if self.items else None

    def add(self, due: datetime, card_id: int) -> None:
        self.remove(card_id)
        insort(self.items, (due, card_id))
        self.due[card_id] = due

    def remove(self, card_id: int) -> bool:
        due = self.due.pop(card_id, None)
        if due is None:
            return False
        del self.items[bisect_left(self.items, (due, card_id))]
        return True

    def count_until(self, until: datetime) -> int:
        return bisect_left(self.items, (until, float("inf")))


class _Ordered:
    """New cards in note order, with removal by id (a head pointer skips removed ones)."""

    def __init__(self, card_ids: list[int]):
        self.order = card_ids
        self.live = set(card_ids)
        self.head = 0

    def __len__(self) -> int:
        return len(self.live)

    def first(self) -> int | None:
        while self.head < len(self.order) and self.order[self.head] not in self.live:
            self.head += 1
        return self.order[self.head] if self.head < len(self.order) else None

    def remove(self, card_id: int) -> bool:
        if card_id in self.live:
            self.live.remove(card_id)
            return True
        return False

    def copy(self) -> _Ordered:
        other = _Ordered.__new__(_Ordered)
        other.order, other.live, other.head = self.order, set(self.live), self.head
        return other  # (``order`` is never changed, so it is shared)


@dataclass
class DayQueue:
    day_end: datetime
    new_left: int
    review_left: int
    learning: _Sorted
    review: _Sorted
    new: _Ordered
    review_complete: bool
    new_complete: bool
    members: dict[int, set[int]]  # fact → its cards in ``review`` and ``new``
    reviewed: dict[int, set[int]] = field(default_factory=dict)  # fact → cards reviewed today

    @classmethod
    def build(cls, *, day_end: datetime, new_left: int, review_left: int,
              learning: list[tuple[int, datetime]], review: list[tuple[int, int, datetime]],
              new: list[tuple[int, int]], review_complete: bool, new_complete: bool,
              reviewed_today: list[tuple[int, int]]) -> DayQueue:
        """``learning``: (card, due); ``review``: (card, fact, due); ``new``: (card, fact) in
        order; ``reviewed_today``: (fact, card) pairs of today's reviews."""
        reviewed: dict[int, set[int]] = {}
        for fact_id, card_id in reviewed_today:
            reviewed.setdefault(fact_id, set()).add(card_id)
        members: dict[int, set[int]] = {}
        for card_id, fact_id in [*((c, f) for c, f, _ in review), *new]:
            members.setdefault(fact_id, set()).add(card_id)
        return cls(day_end=day_end, new_left=new_left, review_left=review_left,
                   learning=_Sorted([(due, card_id) for card_id, due in learning]),
                   review=_Sorted([(due, card_id) for card_id, _, due in review]),
                   new=_Ordered([card_id for card_id, _ in new]),
                   review_complete=review_complete, new_complete=new_complete,
                   members=members, reviewed=reviewed)

    # --- reading ---------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int]:
        """(new, learning, review), as the review screen shows them."""
        return (min(self.new_left, len(self.new)),
                self.learning.count_until(self.day_end),
                min(self.review_left, len(self.review)))

    def next_card(self, now: datetime, ahead: datetime) -> int | None:
        first = self.learning.first()
        if first is not None and first[0] <= now:
            return first[1]
        if self.review_left > 0 and (top := self.review.first()) is not None:
            return top[1]
        if self.new_left > 0 and (card_id := self.new.first()) is not None:
            return card_id
        if first is not None and first[0] <= ahead:
            return first[1]
        return None

    def available(self, card_id: int, now: datetime, ahead: datetime) -> bool:
        """Could ``card_id`` be shown now (due, in the queue, within the limits)? Undo asks,
        to show the card it brought back, as Anki does."""
        due = self.learning.due.get(card_id)
        if due is not None:
            return due <= ahead
        return ((card_id in self.review and self.review_left > 0)
                or (card_id in self.new.live and self.new_left > 0))

    def needs_rebuild(self) -> bool:
        """A partial list shorter than what is left of its limit may be missing cards."""
        return ((not self.new_complete and len(self.new) < self.new_left)
                or (not self.review_complete and len(self.review) < self.review_left))

    def next_after(self, change: Change, now: datetime, ahead: datetime) -> int | None:
        """``next_card`` as it will be once ``change`` is applied, leaving this queue as it
        is: an answer can read the card it will show next in the same statement as its
        write. (A copy: ``apply`` touches the lists and only the changed fact's sets.)"""
        fact = change.fact_id
        members, reviewed = dict(self.members), dict(self.reviewed)
        for sets in (members, reviewed):
            if fact in sets:
                sets[fact] = set(sets[fact])
        copy = DayQueue(day_end=self.day_end, new_left=self.new_left,
                        review_left=self.review_left, learning=self.learning.copy(),
                        review=self.review.copy(), new=self.new.copy(),
                        review_complete=self.review_complete, new_complete=self.new_complete,
                        members=members, reviewed=reviewed)
        copy.apply(change)
        return copy.next_card(now, ahead)

    # --- changing --------------------------------------------------------------------------

    def apply(self, change: Change) -> None:
        """Move one card to where its new state puts it (applying the same change twice
        changes nothing more, but for the limits: each review is applied once)."""
        card_id = change.card_id
        self.learning.remove(card_id)
        self.review.remove(card_id)
        self.new.remove(card_id)
        self.members.get(change.fact_id, set()).discard(card_id)
        if change.counted_as == int(State.NEW):
            self.new_left = max(0, self.new_left - 1)
        elif change.counted_as == int(State.REVIEW):
            self.review_left = max(0, self.review_left - 1)
        if change.reviewed_today:
            self._bury_siblings(change.fact_id, card_id)
        if change.suspended or change.due is None or not change.selected:
            return
        if change.state in LEARNING_STATES:
            self.learning.add(change.due, card_id)
        elif (change.state == int(State.REVIEW) and change.due < self.day_end
              and not self._buried(change.fact_id, card_id) and self._fits_review(change)):
            self.review.add(change.due, card_id)
            self.members.setdefault(change.fact_id, set()).add(card_id)

    def _fits_review(self, change: Change) -> bool:
        """A partial list only takes cards that sort inside it (the rest were never read)."""
        last = self.review.items[-1] if self.review.items else None
        return self.review_complete or (last is not None
                                        and (change.due, change.card_id) < last)

    def _buried(self, fact_id: int, card_id: int) -> bool:
        return bool(self.reviewed.get(fact_id, set()) - {card_id})

    def _bury_siblings(self, fact_id: int, card_id: int) -> None:
        self.reviewed.setdefault(fact_id, set()).add(card_id)
        for sibling in self.members.pop(fact_id, set()) - {card_id}:
            self.review.remove(sibling)
            self.new.remove(sibling)
