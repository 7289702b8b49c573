"""The daily review: the due queue, answering (idempotent, stale-safe), undo and suspend.

    queries       the due queue in SQL (the reference), the study day, the counts
    cards         one card as the page shows it, with each button's interval
    queue_cache   the day queues kept in a worker's memory (``QueueCache``) and ``next_view``
    answering     answer, undo, suspend: each one write transaction

Sibling burying is derived from today's review log rather than stored, so undoing a review
unburies its siblings by itself. Which scheduler a learner gets is ``services.scheduling``.
"""
from .answering import answer, suspend, undo
from .cards import STATE_NAMES, card_view
from .queries import LEARN_AHEAD, Counts, counts, next_card_id, tomorrow_count
from .queue_cache import LOG_WEIGHT, QueueCache, next_view
from .typed import check_typed

__all__ = ["LEARN_AHEAD", "LOG_WEIGHT", "STATE_NAMES", "Counts", "QueueCache", "answer",
           "card_view", "check_typed", "counts", "next_card_id", "next_view", "suspend",
           "tomorrow_count", "undo"]
