"""The quality gate every card and question passes through (pure: strings and facts in,
verdicts out). A package by job: ``reasons``, ``names``, ``wording``, ``plans``, ``screen``
(askable facts), ``check`` (the finished question); callers use ``gate.X`` from here.

A careful teacher never asks a question whose wording gives the answer away, never mixes
kinds of choices, and never asks about something that is not knowledge (a learning goal, a
heading). This module holds those rules in one place:

- ``names_in`` / ``mask`` / ``strip_names``: does a text name a thing (its term, an alias, or
  a token that names it: ``Etcd2`` names ETCD, ``Ingress`` names Ingress Controller, folded
  for Unicode width, case and trailing digits/plurals)? Mask it in a prompt, or cut the
  clause that names it from a choice or statement (where a blank would be a giveaway).
- ``askable``: which facts can be asked about, and the reason for each one that cannot. The
  import summary, the quiz page, readiness and `flask notes report` all count with it.
- ``inspect``: the last check on a finished question (answer named, blanks, one type of
  choice, a shared pattern that gives the right choices away).

Every drop or rewrite is reported as a ``Log`` (fact, kind, reason, action) so callers can
count them; nothing here writes anywhere.
"""

from .check import DESCRIPTION_CHOICES, PROMPT_BLANKS, inspect, pattern_giveaway, restates
from .names import (
    BLANK_RE,
    GENERIC,
    chunks,
    fold,
    has_blank,
    initials_spell,
    is_expansion,
    mask,
    meaningful,
    name_forms,
    name_spans,
    names_in,
    strip_names,
)
from .plans import grouped, is_plan_label, is_plan_text, own_plan, plan_flags, plan_group
from .reasons import (
    ASK_PARENT,
    BLANK,
    CODE,
    DIAGRAM_ONLY,
    DROPPED,
    DUPLICATE,
    FEW_SIBLINGS,
    INITIALS,
    MASKED,
    MIXED_TYPES,
    NAMES_ANSWER,
    NEUTRAL_LABEL,
    NO_CLOZE,
    NO_DEFINITION,
    NOT_A_NAME,
    PATTERN,
    PLAN,
    REASONS,
    RESTATES,
    REWRITTEN,
    SUBJECT,
    TOO_SHORT,
    TRIMMED,
    VALUE,
    Log,
    count,
)
from .screen import Screening, askable, reason_not_askable
from .wording import (
    expansion,
    is_kind,
    is_name,
    is_remark,
    kind_within,
    label_names,
    letters,
    looks_like_code,
    script,
    without_value_cells,
)

__all__ = [
    "ASK_PARENT", "BLANK", "BLANK_RE", "CODE", "DESCRIPTION_CHOICES", "DIAGRAM_ONLY", "DROPPED",
    "DUPLICATE", "FEW_SIBLINGS", "GENERIC", "INITIALS", "Log", "MASKED", "MIXED_TYPES",
    "NAMES_ANSWER", "NEUTRAL_LABEL", "NOT_A_NAME", "NO_CLOZE", "NO_DEFINITION", "PATTERN",
    "PLAN", "PROMPT_BLANKS", "REASONS", "RESTATES", "REWRITTEN", "SUBJECT", "Screening",
    "TOO_SHORT", "TRIMMED", "VALUE", "askable", "chunks", "count", "expansion", "fold",
    "grouped", "has_blank", "initials_spell", "inspect", "is_expansion", "is_kind", "is_name",
    "is_plan_label", "is_plan_text", "is_remark", "kind_within", "label_names", "letters",
    "looks_like_code", "mask", "meaningful", "name_forms", "name_spans", "names_in", "own_plan",
    "pattern_giveaway", "plan_flags", "plan_group", "reason_not_askable", "restates", "script",
    "strip_names", "without_value_cells",
]
