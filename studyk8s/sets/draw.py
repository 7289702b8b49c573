"""Questions from the notes for a set: draws made when an attempt starts, and the question an
instructor asks for when turning one picked fact into an editable question. Pure: the facts
are passed in, randomness comes from the seed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ..quiz.generate import generate, question_about
from ..quiz.model import QFact, Question
from .model import Draw


def signature(q: Question) -> str:
    """What makes two generated questions the same question (for statistics and dedup)."""
    basis = "|".join([q.kind, q.variant, q.prompt, q.context, "¦".join(q.left),
                      "¦".join(sorted(q.choices)), str(q.answer) if q.kind == "typed" else ""])
    return "g" + hashlib.sha1(basis.encode()).hexdigest()[:12]


def draw_questions(facts: Sequence[QFact], draw: Draw, seed: int,
                   taken: set[str] | None = None) -> list[Question]:
    """Up to ``draw.count`` questions from ``facts`` (one deck's), none already ``taken``
    (signatures; updated), so overlapping draws in one set do not repeat a question."""
    taken = set() if taken is None else taken
    topics = [draw.section or draw.group] if (draw.section or draw.group) else None
    kinds = [draw.kind] if draw.kind else None
    out: list[Question] = []
    for extra in (0, draw.count, 4 * draw.count):
        made = generate(facts, draw.count + extra, seed, kinds=kinds, topics=topics)
        out = []
        for q in made:
            sig = signature(q)
            if sig not in taken and len(out) < draw.count:
                out.append(q)
        if len(out) == draw.count or len(made) < draw.count + extra:
            break
    for q in out:
        taken.add(signature(q))
    return out


def question_from_fact(facts: Sequence[QFact], key: str, kind: str,
                       seed: int) -> Question | None:
    """A ``kind`` question about the fact ``key`` (distractors from its deck), or None when
    that fact cannot make that kind of question. It passes the same quality gate as every
    generated question (a learning-plan item or a bare label makes none)."""
    return question_about(facts, key, kind, seed)[0]
