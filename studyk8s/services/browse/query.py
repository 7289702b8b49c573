"""The card browser's search syntax, close to Anki's: words, "quoted phrases", ``field:value``
terms, ``-`` in front of any term to negate it. Pure: text in, terms out.

    kubelet "control plane"      text in the front, back, term or aliases (every word)
    deck:docker  section:Pod     the deck's title or path / the section contains it
    kind:cloze                   the card kind
    is:new is:learning is:review is:relearning
    is:suspended is:leech is:buried is:reported is:flagged is:due
    flag:1 … flag:4, flag:0      Anki's red, orange, green, blue; none
    due:overdue due:today due:7  due before today / today / within the next 7 days
    added:7                      added in the last 7 days
    prop:lapses>3  prop:reps>=10  prop:ivl<7  prop:s>30  prop:d>=8   numbers compared
    cid:12,15                    these cards

A term that cannot be read raises ``QueryError`` naming it, so a typo is never silently
ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STATES = ("new", "learning", "review", "relearning")
IS_VALUES = (*STATES, "learn", "suspended", "leech", "buried", "reported", "flagged", "due")
PROPS = ("lapses", "reps", "ivl", "s", "d")
OPS = ("<=", ">=", "!=", "=", "<", ">")
DUE_VALUES = ("overdue", "today")
FIELDS = ("deck", "section", "kind", "is", "flag", "due", "added", "prop", "cid")

_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"|(\S+))')


class QueryError(ValueError):
    """A term of the search that cannot be read; ``term`` is it, as typed."""

    def __init__(self, term: str, why: str) -> None:
        super().__init__(f"{term}: {why}")
        self.term = term
        self.why = why


@dataclass(frozen=True)
class Term:
    field: str  # "text" or one of FIELDS
    value: str
    negated: bool = False
    op: str = "="  # prop: comparisons
    prop: str = ""

    def __str__(self) -> str:
        sign = "-" if self.negated else ""
        if self.field == "text":
            return sign + (f'"{self.value}"' if " " in self.value else self.value)
        if self.field == "prop":
            return f"{sign}prop:{self.prop}{self.op}{self.value}"
        value = f'"{self.value}"' if " " in self.value else self.value
        return f"{sign}{self.field}:{value}"


def parse(text: str) -> list[Term]:
    terms = []
    for m in _TOKEN.finditer(text or ""):
        neg, field, quoted, bare = m.group(1) == "-", m.group(2), m.group(3), m.group(4)
        value = quoted if quoted is not None else bare
        raw = m.group(0)
        if field is None:
            if value:
                terms.append(Term("text", value, neg))
            continue
        field = field.lower()
        if field not in FIELDS:
            # "word:thing" that is no field: searched as text, as Anki does with unknown ones
            terms.append(Term("text", f"{field}:{value}", neg))
            continue
        terms.append(_term(raw, field, value, neg))
    return terms


def _term(raw: str, field: str, value: str, neg: bool) -> Term:
    v = value.strip()
    if not v:
        raise QueryError(raw, "needs a value")
    if field == "is":
        v = v.lower()
        if v not in IS_VALUES:
            raise QueryError(raw, "is: takes " + ", ".join(IS_VALUES))
        return Term("is", "learning" if v == "learn" else v, neg)
    if field == "flag":
        if v not in ("0", "1", "2", "3", "4"):
            raise QueryError(raw, "flag: takes 0 (none) to 4")
        return Term("flag", v, neg)
    if field == "due":
        if v.lower() not in DUE_VALUES and not _nonneg_int(v):
            raise QueryError(raw, "due: takes overdue, today or a number of days")
        return Term("due", v.lower(), neg)
    if field == "added":
        if not _nonneg_int(v) or int(v) < 1:
            raise QueryError(raw, "added: takes a number of days")
        return Term("added", v, neg)
    if field == "cid":
        ids = [p for p in v.split(",") if p]
        if not ids or not all(p.isdigit() for p in ids):
            raise QueryError(raw, "cid: takes card numbers separated by commas")
        return Term("cid", ",".join(ids), neg)
    if field == "prop":
        for op in OPS:
            name, sep, number = v.partition(op)
            if sep:
                break
        else:
            raise QueryError(raw, "prop: needs a comparison, like prop:lapses>3")
        name = name.lower()
        if name not in PROPS:
            raise QueryError(raw, "prop: compares " + ", ".join(PROPS))
        try:
            float(number)
        except ValueError:
            raise QueryError(raw, "prop: compares with a number") from None
        return Term("prop", number, neg, op=op, prop=name)
    return Term(field, v, neg)  # deck, section, kind: contains


def _nonneg_int(v: str) -> bool:
    return v.isdigit()


def unparse(terms: list[Term]) -> str:
    return " ".join(str(t) for t in terms)
