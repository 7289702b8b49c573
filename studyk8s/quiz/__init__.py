"""Quizzes, pure: the question-kind registry, distractors, answer normalisation, the generator
and the attempt rules (exam clock, grading). No Flask, no SQLAlchemy; time and randomness are
passed in."""

from .attempt import DEFAULT_PASS_MARK, EXAM, GRACE, MODES, PRACTICE, grade, is_expired
from .generate import generate
from .handson import kinds as _handson_kinds  # noqa: F401  (registers command, manifest…)
from .kinds import KINDS, answer_text, check, clean, reshuffle, response_text
from .model import CheckResult, QFact, Question, ResponseError, facts_of

__all__ = [
    "DEFAULT_PASS_MARK",
    "EXAM",
    "GRACE",
    "KINDS",
    "MODES",
    "PRACTICE",
    "CheckResult",
    "QFact",
    "Question",
    "ResponseError",
    "answer_text",
    "check",
    "clean",
    "facts_of",
    "generate",
    "grade",
    "is_expired",
    "reshuffle",
    "response_text",
]
