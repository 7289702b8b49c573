"""The card browser (``/cards``): search one learner's cards with Anki-like syntax, sort them,
read one card's history and memory. Changing cards goes through ``services.review`` (the
same logged, undoable, stale-safe actions as the review page).

    query     the search syntax: text in, terms out (pure)
    listing   one page of matching cards, sorted, and how many match
    info      one card: sides, source, memory now, every review, forecast
"""
from .info import card_info
from .listing import PAGE_SIZE, SORTS, BrowsePage, Row, search
from .query import QueryError, Term, parse, unparse

__all__ = ["PAGE_SIZE", "SORTS", "BrowsePage", "QueryError", "Row", "Term", "card_info",
           "parse", "search", "unparse"]
