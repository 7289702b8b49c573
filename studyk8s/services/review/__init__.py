"""The daily review: the due queue, answering (idempotent, stale-safe), undo, and the other
actions on a card (suspend, bury, flag, report, forget, set due).

    queries       the due queue in SQL (the reference), the study day, the counts
    cards         one card as the page shows it, with each button's interval
    queue_cache   the day queues kept in a worker's memory (``QueueCache``) and ``next_view``
    answering     answer: one write transaction
    actions       every other change to a card, each logged (``CardAction``), and ``undo`` of
                  the latest action, a rating or one of those
    custom        the Done screen's offers: review ahead, more new cards today
    deck_counts   due cards per deck, suspended cards and leeches, for the home page

Sibling burying is derived from today's review log rather than stored, so undoing a review
unburies its siblings by itself. Which scheduler a learner gets is ``services.scheduling``.
"""
from .actions import (
    FLAGS,
    KINDS,
    bury,
    change_card,
    change_cards,
    flag,
    forget,
    report,
    reset_leech,
    set_due,
    suspend,
    unbury,
    undo,
    unsuspend,
)
from .answering import answer, answer_then_next
from .cards import STATE_NAMES, card_view
from .custom import more_new_today, review_ahead
from .deck_counts import DeckCounts, DeckDue, deck_counts
from .queries import LEARN_AHEAD, Counts, counts, next_card_id, tomorrow_count
from .queue_cache import LOG_WEIGHT, QueueCache, loaded_queue, next_view
from .typed import check_typed

__all__ = ["FLAGS", "KINDS", "LEARN_AHEAD", "LOG_WEIGHT", "STATE_NAMES", "Counts", "DeckCounts",
           "DeckDue", "QueueCache", "answer", "answer_then_next", "bury", "card_view",
           "change_card", "change_cards", "check_typed", "counts", "deck_counts", "flag",
           "forget", "loaded_queue", "more_new_today", "next_card_id", "next_view", "report",
           "reset_leech", "review_ahead", "set_due", "suspend", "tomorrow_count", "unbury",
           "undo", "unsuspend"]
