"""Practice quizzes and timed exams: start, save answers, submit, results, retry, history
(readiness: services/readiness.py). Owns its transactions (every write here commits or rolls
back).

    scope      the facts in scope, the askable ones, the start form's options; argument checks
    grading    one attempt read back (questions, answers, feedback) and closed: graded once
    attempts   start and store an attempt, the page's view of it, saving answers
    results    submit, results, retry the wrong answers, history

Questions are generated (pure, seeded) from the facts in scope and snapshotted as JSON in the
attempt, so later note edits and re-imports never change an attempt. The server owns the
exam clock: answers are accepted until ``deadline + GRACE``; after that, the first read or
write of the attempt closes it with what was saved (no background worker needed).

Writes take the attempt row first (a conditional UPDATE that only matches an open attempt of
this learner): a save and a submit are serialised on that row, so an answer is either saved
before grading or refused, and grading happens exactly once.
"""

from ...quiz.attempt import EXAM, GRACE, PRACTICE
from .attempts import (
    DEFAULT_COUNT,
    DEFAULT_TIME_LIMIT_MIN,
    MAX_QUESTIONS,
    MAX_TIME_LIMIT_MIN,
    save_answer,
    set_flag,
    start,
    summary,
    view,
)
from .grading import expire_due, withheld
from .results import HISTORY_LIMIT, history, results, retry_wrong, submit
from .scope import (
    AskableCache,
    DeckFacts,
    askable_by_deck,
    askable_facts,
    load_facts,
    scope_options,
)

__all__ = [
    "DEFAULT_COUNT", "DEFAULT_TIME_LIMIT_MIN", "EXAM", "GRACE", "HISTORY_LIMIT", "MAX_QUESTIONS",
    "MAX_TIME_LIMIT_MIN", "PRACTICE", "AskableCache", "DeckFacts", "askable_by_deck",
    "askable_facts", "expire_due", "history", "load_facts", "results", "retry_wrong",
    "save_answer", "scope_options", "set_flag", "start", "submit", "summary", "view", "withheld",
]
