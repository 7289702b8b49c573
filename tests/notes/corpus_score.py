"""Scoring the notes reader against the hand-written corpus in tests/notes/corpus/.

Shared by tests/notes/test_corpus.py and bench/notes_corpus.py (both load this file by path:
the tests are not a package), so the test and `make bench` count the same way. Pure: it
imports only the reader's public entry point and the standard library.

The rules are those of docs CONTRACT (issue 13): a produced fact matches an expected one when
the kind is the same and term, group, parent, alias set and definition are equal after
`norm()`; missing keys in the expected JSON mean "" / []. Per kind:
- definition, abbreviation: term, aliases, group, parent, definition;
- property: the same, with the expected group defaulting to the parent (the reader's
  convention: a property's group is the term it belongs to);
- enumeration: term and the items in note order (its group is the term itself).
Scored kinds only; statements and diagrams are checked by the invariants, not counted.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from studyk8s.notes import parse_note

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = CORPUS.parents[2]
SCORED = ("definition", "abbreviation", "property", "enumeration")


def norm(text: str) -> str:
    """NFKC, casefold, then drop whitespace and every Unicode punctuation/symbol."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        c for c in text
        if not c.isspace() and unicodedata.category(c)[0] not in "PSZ"
    )


def fact_key(kind: str, d: dict) -> tuple:
    """What must agree for a produced fact to count as the expected one."""
    term = norm(d.get("term", ""))
    if kind == "enumeration":
        return (kind, term, tuple(norm(i) for i in d.get("items", [])))
    parent = norm(d.get("parent", ""))
    group = d.get("group")
    if group is None:
        group = d.get("parent", "") if kind == "property" else ""
    return (
        kind, term, frozenset(norm(a) for a in d.get("aliases", [])), norm(group), parent,
        norm(d.get("definition", "")),
    )


def _fact_dict(f) -> dict:
    return {"kind": f.kind, "term": f.term, "aliases": list(f.aliases), "group": f.group,
            "parent": f.parent, "definition": f.definition, "items": list(f.items)}


def show(d: dict) -> str:
    """One readable line for a fact (expected dict or produced fact dict)."""
    kind = d["kind"]
    bits = [f"{kind} {d.get('term', '')!r}"]
    if d.get("aliases"):
        bits.append(f"aka {d['aliases']}")
    if kind == "property" or d.get("parent"):
        bits.append(f"parent={d.get('parent', '')!r}")
    if kind != "enumeration":
        group = d.get("group")
        if group is None and kind == "property":
            group = d.get("parent", "")
        bits.append(f"group={group or ''!r}")
        bits.append(f"= {d.get('definition', '')!r}")
    else:
        bits.append(f"items={d.get('items', [])}")
    return " ".join(bits)


# --- global invariants -------------------------------------------------------------------

FORBIDDEN = ("{{", "}}", "<!--", "-->", "|", "`", "term_id")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
COMMAND = re.compile(
    r"^(\$\s*)?(sudo\s+)?(?:kubectl|kubeadm|yum|dnf|apt|apt-get|docker|systemctl|helm|curl|"
    r"wget|echo|swapoff|setenforce|modprobe|sysctl|hostnamectl|mkdir|chmod|chown|cp|mv|rm|scp|"
    r"ssh|minikube|"
    r"etcdctl|iptables|ipvsadm|export|tar|rpm)\s+[-A-Za-z0-9./$'\"=:]"
    r"|^(sudo\s+)?(cat|tee)\s.*(<<|>)"
)
# A sentence about a tool ("kubeadm does the work…", "kubectl is the CLI…") is prose, not a
# command: a tool name followed by an English verb or auxiliary.
PROSE_ABOUT_TOOL = re.compile(
    r"^\w+\s+(is|are|was|does|do|can|cannot|will|should|must|may|also|then|only|supports|"
    r"provides|lets|has|makes|runs|uses|helps|handles|needs|takes|talks|reads|writes)\b"
)
HOST_LINE = re.compile(r"^\s*\d{1,3}(\.\d{1,3}){3}\s+[\w.-]+(\s+[\w.-]+)*\s*$")


def _is_word_char(c: str) -> bool:
    """A letter/digit of a script that separates words with spaces (Latin, Greek, Cyrillic…).

    Chinese and Japanese have no spaces between words, so a CJK cloze bordered by CJK text
    is still a whole token; only alphabetic scripts can be cut in half (`Not[...]Ready`)."""
    if not c.isalnum():
        return False
    name = unicodedata.name(c, "")
    return not any(s in name for s in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPH"))


def cloze_is_whole_token(sentence: str, cloze: str) -> bool:
    start = sentence.find(cloze)
    while start >= 0:
        end = start + len(cloze)
        before = sentence[start - 1] if start else " "
        after = sentence[end] if end < len(sentence) else " "
        if not (_is_word_char(before) and _is_word_char(cloze[0])) and not (
            _is_word_char(after) and _is_word_char(cloze[-1])
        ):
            return True
        start = sentence.find(cloze, start + 1)
    return False


def invariant_problems(fact, extra_forbidden=()) -> list[str]:
    """Everything wrong with one produced fact, whatever its kind (empty when clean)."""
    problems = []
    texts = {"term": fact.term, "definition": fact.definition, "group": fact.group,
             "parent": fact.parent, "cloze": fact.cloze}
    texts.update({f"alias {a!r}": a for a in fact.aliases})
    texts.update({f"item {i!r}": i for i in fact.items})
    for where, text in texts.items():
        for bad in dict.fromkeys((*FORBIDDEN, *extra_forbidden)):
            if bad in text:
                problems.append(f"{where} contains {bad!r}: {text!r}")
        if any(z in text for z in ZERO_WIDTH):
            problems.append(f"{where} contains a zero-width character: {text!r}")
        if "\r" in text:
            problems.append(f"{where} contains a carriage return: {text!r}")
        if HTML_TAG.search(text):
            problems.append(f"{where} contains an HTML tag: {text!r}")
    for where in ("term", "definition", *(k for k in texts if k.startswith("item"))):
        text = texts[where].strip()
        if COMMAND.match(text) and not PROSE_ABOUT_TOOL.match(text):
            problems.append(f"{where} is a shell command: {text!r}")
        if HOST_LINE.match(text):
            problems.append(f"{where} is a host line: {text!r}")
        if text == "EOF" or re.search(r"<<\s*-?\s*['\"]?EOF|^EOF\b", text):
            problems.append(f"{where} is a here-document marker: {text!r}")
    if (fact.kind == "statement" and fact.cloze
            and not cloze_is_whole_token(fact.definition, fact.cloze)):
        problems.append(f"cloze {fact.cloze!r} is not a whole token of {fact.definition!r}")
    return problems


# --- one note, the whole corpus ---------------------------------------------------------

@dataclass
class NoteScore:
    name: str
    expected: int = 0
    produced: int = 0
    matched: int = 0
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def diff(self) -> str:
        lines = [f"{self.name}: {self.matched} matched of {self.expected} expected, "
                 f"{self.produced} produced"]
        lines += [f"  - missing:    {m}" for m in self.missing]
        lines += [f"  + unexpected: {u}" for u in self.unexpected]
        return "\n".join(lines)


def corpus_notes() -> list[str]:
    """Names of the corpus notes (each NAME.md has NAME.json beside it)."""
    return sorted(p.stem for p in CORPUS.glob("*.md"))


def load(name: str):
    """(parsed note, expectations) for one corpus note, parsed under its repo-relative path."""
    md = CORPUS / f"{name}.md"
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    note = parse_note(md.read_bytes(), str(md.relative_to(ROOT)))
    return note, expected


def expectation_problems(name: str) -> list[str]:
    """Expected strings that do not occur in the note's text (after `norm`, with link targets,
    one-line HTML comments and tags removed): a typo in a JSON file, not a reader bug."""
    md = (CORPUS / f"{name}.md").read_text(encoding="utf-8-sig")
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"<!--[^\n]*?-->", "", md)
    text = norm(HTML_TAG.sub("", md))
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    problems = []
    for d in expected["facts"]:
        strings = [d.get(k, "") for k in ("term", "definition", "group", "parent")]
        for value in [*strings, *d.get("aliases", []), *d.get("items", [])]:
            if value and norm(value) not in text:
                problems.append(f"{d['kind']} {d.get('term')!r}: {value!r} is not in the note")
    return problems


def score(name: str, note, expected: dict) -> NoteScore:
    want = Counter()
    shown = {}
    for d in expected["facts"]:
        k = fact_key(d["kind"], d)
        want[k] += 1
        shown.setdefault(k, show(d))
    got = Counter()
    for f in note.facts:
        if f.kind in SCORED:
            d = _fact_dict(f)
            k = fact_key(f.kind, d)
            got[k] += 1
            shown.setdefault(k, show(d) + f"  @{f.line}")
    both = want & got
    s = NoteScore(name, sum(want.values()), sum(got.values()), sum(both.values()))
    s.missing = [shown[k] for k in (want - got).elements()]
    s.unexpected = [shown[k] for k in (got - want).elements()]
    return s


def corpus_figures() -> tuple[float, float, list[NoteScore]]:
    """(recall, precision, per-note scores) over the whole corpus, summed over notes."""
    scores = []
    for name in corpus_notes():
        note, expected = load(name)
        scores.append(score(name, note, expected))
    expected = sum(s.expected for s in scores)
    produced = sum(s.produced for s in scores)
    matched = sum(s.matched for s in scores)
    recall = matched / expected if expected else 0.0
    precision = matched / produced if produced else 0.0
    return recall, precision, scores
