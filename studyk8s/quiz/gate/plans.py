"""Learning plans (学习内容: 掌握…, "Learning goals"): goals, not knowledge, so never asked."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ...notes.model import DEFINITION, ENUMERATION, PROPERTY

_PLAN_TEXT = re.compile(
    r"^\s*(?:掌握|了解|学习|熟悉|理解|学会|学完|能够|会用|搞懂|弄懂|复习|练习)"
    r"|^\s*(?:to\s+)?(?:learn|understand|master|get\s+to\s+know|know\s+how|be\s+able\s+to|"
    r"study|review|practi[cs]e)\b",
    re.IGNORECASE)
_PLAN_LABEL = re.compile(
    r"(学习(?:内容|目标|计划|大纲|路线|任务|重点)|课程(?:内容|目标|大纲)|本章目标|目标|计划|大纲|"
    r"learning\s+(?:goals?|objectives?|plan|path|outcomes?)|objectives?|syllabus|"
    r"what\s+(?:you|i|we)(?:'ll|\s+will)\s+learn|to\s*-?\s*do|roadmap)\s*[:：]?\s*$",
    re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_plan_text(text: str) -> bool:
    """A learning goal rather than knowledge: "掌握SVC原理…", "learn how to…"."""
    return bool(_PLAN_TEXT.search(text or ""))


def is_plan_label(label: str) -> bool:
    return bool(_PLAN_LABEL.search((label or "").strip()))


def grouped(fact: Any) -> bool:
    """Whether a fact sits in a labelled list whose other items decide if it is a plan."""
    return fact.kind in (DEFINITION, PROPERTY) and bool(fact.group)


def own_plan(fact: Any) -> bool:
    """A goal by its own words: "掌握SVC原理…", a list of goals, a list labelled 学习内容."""
    if fact.kind in (DEFINITION, PROPERTY):
        return is_plan_text(fact.definition)
    if fact.kind == ENUMERATION:
        goals = sum(map(is_plan_text, fact.items))
        return is_plan_label(fact.term) or (bool(fact.items) and 2 * goals >= len(fact.items))
    return False


def plan_group(group: str, members: Sequence[Any]) -> bool:
    """A list that is a learning plan: labelled as one (学习内容, Learning goals), or most of
    its items are goals (then "安全: 集群认证,鉴权" next to four "掌握…" items is one too)."""
    goals = sum(is_plan_text(m.definition) for m in members)
    return is_plan_label(group) or (len(members) >= 2 and 2 * goals >= len(members))


def plan_flags(facts: Sequence[Any]) -> list[bool]:
    """For each fact of one deck (a parser ``Fact`` or a ``QFact``), whether it is a
    learning-plan item (``own_plan``, or in a ``plan_group``)."""
    flags = [own_plan(f) for f in facts]
    by_group: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if grouped(f):
            by_group[(tuple(f.section), f.group)].append(i)
    for (_, group), members in by_group.items():
        if plan_group(group, [facts[i] for i in members]):
            for i in members:
                flags[i] = True
    return flags
