"""What a note gives and what looks wrong in it, for ``flask notes report`` (pure: no Flask).

An author runs it before studying a note: facts by kind, cards by kind, every warning, and
the facts that most often mean the reader misunderstood a line (a term that reads like a
sentence, a definition too long for a card, a cloze that blanks a token too short to recall).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from . import cloze, terms
from .model import DEFINITION, FACT_KINDS, PROPERTY, STATEMENT, ParsedNote

LONG_DEFINITION = 200  # characters: more than a card shows at a glance
SHORT_CLOZE = 2  # a blank of 1–2 characters is a guess, not a recall
_SENTENCE_MARK_RE = re.compile(r"[。！？!?；;]|[.,，] ")

# Optional: the quiz quality gate's drops per note, supplied by the caller (the gate lives in
# studyk8s.quiz and the CLI wires it in): note -> {reason: count}.
GateCounts = Callable[[ParsedNote], dict[str, int]]


def suspicious_facts(note: ParsedNote) -> list[dict]:
    """Facts that look like a misreading, each with the reason, in note order."""
    out = []
    for f in note.facts:
        why = []
        if f.kind in (DEFINITION, PROPERTY):
            long_phrase = len(f.term) > 30 and f.term.count(" ") >= 4
            if long_phrase or _SENTENCE_MARK_RE.search(f.term) or not terms.is_term(f.term):
                why.append("term reads like a sentence")
            if len(f.definition) > LONG_DEFINITION:
                why.append(f"definition is {len(f.definition)} characters long")
        acronym = f.cloze.isupper() and len(f.cloze) >= 2  # IP, VM: whole names
        if f.kind == STATEMENT and f.cloze and len(f.cloze) <= SHORT_CLOZE and not acronym:
            why.append(f"cloze blanks the short token {f.cloze!r}")
        if f.kind == STATEMENT and f.cloze and not cloze.is_whole_token(f.cloze, f.definition):
            why.append(f"cloze {f.cloze!r} is part of a word")
        if why:
            out.append({"source": f.source, "kind": f.kind, "term": f.term, "why": why})
    return out


def note_report(note: ParsedNote, *, cards: Callable | None = None,
                gate: GateCounts | None = None) -> dict:
    """One note's report. ``cards`` is ``studyk8s.cards.generate_cards`` (passed in so this
    module stays below cards.py); ``gate`` adds the quality gate's drops when given."""
    facts = Counter(f.kind for f in note.facts)
    report = {
        "path": note.path,
        "title": note.title,
        "facts": {k: facts[k] for k in FACT_KINDS if facts[k]},
        "cards": {},
        "plan": len(note.plan),
        "code": len(note.code),
        # commands and manifests found in the code, each with its task (notes/handson.py)
        "handson": dict(sorted(Counter(f.kind for f in note.handson).items())),
        "handson_without_task": [f.source for f in note.handson if not f.term],
        "warnings": [str(w) for w in note.warnings],
        "suspicious": suspicious_facts(note),
        "gate_dropped": None,  # {reason: count} when a gate is given
    }
    if cards is not None:
        report["cards"] = dict(sorted(Counter(c.kind for c in cards(note)).items()))
    if gate is not None:
        report["gate_dropped"] = dict(gate(note))
    return report


def format_report(reports: Iterable[dict]) -> str:
    """The reports as text, one block per note."""
    out = []
    for r in reports:
        out.append(f"== {r['path']} ({r['title']})")
        out.append("facts: " + (_counts(r["facts"]) or "none"))
        out.append("cards: " + (_counts(r["cards"]) or "none"))
        if r.get("gate_dropped") is not None:
            out.append("dropped by the quality gate: " + (_counts(r["gate_dropped"]) or "none"))
        out.append(f"plan items: {r['plan']}, code blocks: {r['code']}")
        out.append("hands-on: " + (_counts(r.get("handson", {})) or "none"))
        for source in r.get("handson_without_task", []):
            out.append(f"  {source}: no task (no comment, sentence or heading before it)")
        out.append(f"warnings: {len(r['warnings'])}")
        out.extend(f"  {w}" for w in r["warnings"])
        out.append(f"suspicious facts: {len(r['suspicious'])}")
        for s in r["suspicious"]:
            out.append(f"  {s['source']}: {s['kind']} {s['term']!r}: {'; '.join(s['why'])}")
    return "\n".join(out)


def _counts(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())
