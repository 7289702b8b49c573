"""Does a text name a thing? Folding (Unicode width, case), the forms that name a term
(its aliases, the distinctive words of a multi-word name), finding, masking and cutting
them out, and expansions whose initials spell an abbreviation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ...notes.model import ABBREVIATION, DEFINITION

BLANK_RE = re.compile(r"＿{2,}|_{3,}|\[\.\.\.\]|\[…\]")
# Words of a multi-word name too generic to name it on their own ("Controller" of "Ingress
# Controller" names every controller).
GENERIC = frozenset((
    "api", "apis", "cluster", "controller", "controllers", "manager", "managers", "server",
    "servers", "service", "services", "plugin", "plugins", "node", "nodes", "object", "objects",
    "resource", "resources", "kube", "kubernetes", "k8s", "pod", "pods", "set", "sets", "the",
    "and", "for", "with", "from", "type", "types", "class", "mode", "proxy", "agent", "engine",
    "interface", "system", "container", "containers", "runtime", "network", "storage",
    "volume", "volumes", "policy", "policies", "data", "file"))


def has_blank(text: str) -> bool:
    return bool(BLANK_RE.search(text or ""))


_CHAR_FOLD: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    f = _CHAR_FOLD.get(ch)
    if f is None:
        f = _CHAR_FOLD[ch] = unicodedata.normalize("NFKC", ch).casefold()
    return f


class _FoldTable(dict):
    """``str.translate``'s table for ``_fold_char``: a character's fold, worked out once."""

    def __missing__(self, code: int) -> str:
        f = self[code] = _fold_char(chr(code))
        return f


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=32768)
def _folded(text: str) -> tuple[str, tuple[int, ...] | None]:
    """``text`` folded character by character (NFKC, case), with each folded character's
    index in ``text`` (None when every character folds to one: the index is the position),
    so a match in the folded text maps back to the original."""
    if text.isascii():
        return text.lower(), None
    folded = text.translate(_FOLD_TABLE)  # character by character, in C
    if len(folded) == len(text):
        return folded, None
    parts = [_fold_char(ch) for ch in text]
    index: list[int] = []
    for i, f in enumerate(parts):
        index.extend([i] * len(f))
    return folded, tuple(index)


def fold(text: str) -> str:
    return _folded(text)[0]


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def name_forms(term: str, aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """The folded forms that name a thing (see ``_name_forms``)."""
    return _name_forms(term, tuple(aliases))


@lru_cache(maxsize=65536)
def _name_forms(term: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The folded forms that name a thing: its term, its aliases, and the distinctive words of
    a multi-word Latin name (``Ingress`` of ``Ingress Controller``)."""
    forms = [term, *aliases]
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", term)
    if len(words) > 1:
        forms += [w for w in words if len(w) >= 4 and w.lower() not in GENERIC]
    # a CamelCase name is also written as words: LoadBalancer names "load balancer"
    forms += [_CAMEL.sub(" ", f) for f in (term, *aliases) if _CAMEL.search(f)]
    out = []
    for f in forms:
        f = fold(f).strip()
        if len(re.sub(r"\W", "", f)) >= 2 and f not in out:
            out.append(f)
    return tuple(out)


_CHUNK = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def _chunks(form: str) -> tuple[str, ...]:
    return tuple(_CHUNK.findall(form))


chunks = _chunks  # a folded form's runs of letters and digits (cards index by the first)


def _is_az(ch: str) -> bool:
    return "a" <= ch <= "z"


def _is_sep(ch: str) -> bool:
    return not ch.isalnum()


def _match_at(folded: str, start: int, chunks: tuple[str, ...]) -> int:
    """End of ``chunks`` matched at ``start`` (separators — spaces, hyphens, punctuation —
    allowed between them), or -1. No regex: terms are too many to compile one each."""
    pos = start
    for i, chunk in enumerate(chunks):
        if i:
            while pos < len(folded) and _is_sep(folded[pos]):
                pos += 1
        if not folded.startswith(chunk, pos):
            return -1
        pos += len(chunk)
    return pos


def _end_ok(folded: str, end: int, last: str) -> int:
    """Where a match ending at ``end`` really ends, or -1 when it runs into a word: a Latin
    name may take a plural (Pods) and be followed by a digit (Etcd2), not by a letter."""
    if _is_az(last):
        for ext in ("es", "s", ""):
            if folded.startswith(ext, end):
                e = end + len(ext)
                if e >= len(folded) or not _is_az(folded[e]):
                    return e
        return -1
    if last.isdigit() and end < len(folded) and folded[end].isdigit():
        return -1
    return end


def name_spans(text: str, forms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``text`` that name one of ``forms`` (longest
    forms first). A hyphen or underscore inside a word does not hide a name: ``ip_vs``
    names IPVS, ``kube-proxy`` names KubeProxy."""
    if not text:
        return []
    folded, index = _folded(text)
    forms = sorted(set(forms), key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    _search(folded, forms, spans, index)
    if "_" in folded or "-" in folded:
        joined, where = _joined(folded)
        if len(joined) < len(folded):
            if index is not None:
                where = tuple(index[i] for i in where)
            _search(joined, forms, spans, where)
    return sorted(spans)


_INNER_SEP = re.compile(r"(?<=[a-z0-9])[_-](?=[a-z0-9])")


@lru_cache(maxsize=4096)
def _joined(folded: str) -> tuple[str, tuple[int, ...]]:
    """``folded`` without hyphens and underscores between Latin letters or digits, with each
    remaining character's index in ``folded``."""
    keep = [i for i in range(len(folded)) if not (
        folded[i] in "_-" and _INNER_SEP.match(folded, i))]
    return "".join(folded[i] for i in keep), tuple(keep)


def _search(folded: str, forms: Sequence[str], spans: list[tuple[int, int]],
            index: tuple[int, ...] | None) -> None:
    """Add to ``spans`` (indices in the original text, through ``index``) where ``folded``
    names one of ``forms``, unless a span found already overlaps."""
    for form in forms:
        chunks = _chunks(form)
        if not chunks:
            continue
        first, last = chunks[0][0], chunks[-1][-1]
        at = folded.find(chunks[0])
        while at >= 0:
            prev = folded[at - 1] if at else ""
            ok = not (prev and ((_is_az(first) and _is_az(prev)) or
                                (first.isdigit() and (_is_az(prev) or prev.isdigit()))))
            end = _match_at(folded, at, chunks) if ok else -1
            if end > at:
                end = _end_ok(folded, end, last)
            if end > at:
                s, e = (at, end) if index is None else (index[at], index[end - 1] + 1)
                if not any(s < e2 and s2 < e for s2, e2 in spans):
                    spans.append((s, e))
            at = folded.find(chunks[0], at + 1)


def names_in(text: str, forms: Iterable[str]) -> bool:
    """Whether ``text`` names any of ``forms`` (folded: ``Etcd2`` names ``etcd``)."""
    return _names_in(text, tuple(forms))


@lru_cache(maxsize=65536)
def _names_in(text: str, forms: tuple[str, ...]) -> bool:
    return bool(name_spans(text, forms))


def mask(text: str, forms: Iterable[str], blank: str) -> str:
    """``text`` with every span naming one of ``forms`` replaced by ``blank``."""
    for s, e in reversed(name_spans(text, forms)):
        text = text[:s] + blank + text[e:]
    return text


_SENTENCE = re.compile(r"(?<=[。！？；;!?])|(?<=\.)(?!\d)")
_CLAUSE = re.compile(r"(?<=[,，、])")


def meaningful(text: str) -> int:
    """How many letters/digits ``text`` has outside blanks."""
    return sum(ch.isalnum() for ch in BLANK_RE.sub("", text))


def _pieces(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [p for p in splitter.split(text) if p]


_LEADING_JOIN = re.compile(r"^(?:但是|但|而且|而|并且|且|不过|(?:but|and|however)\b)[,，\s]*",
                           re.IGNORECASE)


def _unjoined(text: str) -> str:
    """A kept clause without the conjunction that tied it to the one cut ("但支持集合式的
    selector" alone reads as a broken sentence)."""
    return _LEADING_JOIN.sub("", text, count=1) or text


def strip_names(text: str, forms: Iterable[str], *, min_left: int = 4) -> str | None:
    """``text`` without the sentences (else clauses) that name one of ``forms``, for a choice
    or a statement where a blank would give the answer away; ``text`` itself when it names
    none; None when too little would be left."""
    forms = tuple(forms)
    if not names_in(text, forms):
        return text
    for splitter in (_SENTENCE, _CLAUSE):
        parts = _pieces(text, splitter)
        if len(parts) < 2:
            continue
        kept = [p for p in parts if not names_in(p, forms)]
        if not kept:
            continue
        out = "".join(kept).strip().rstrip(",，、;；").strip()
        if splitter is _CLAUSE:
            out = re.sub(r"\s{2,}", " ", out)
        if out and not names_in(out, forms) and meaningful(out) >= min_left:
            return _unjoined(out)
        # clauses inside the sentences that remain
        if splitter is _SENTENCE:
            sub = [strip_names(p, forms, min_left=1) if names_in(p, forms) else p
                   for p in parts]
            joined = "".join(p for p in sub if p).strip().rstrip(",，、;；").strip()
            if joined and not names_in(joined, forms) and meaningful(joined) >= min_left:
                return _unjoined(joined)
    return None


def is_expansion(fact: Any) -> bool:
    """An abbreviation and what it stands for ("CRI: container runtime interface", "SA:
    ServiceAccount"), whatever kind the reader gave it: its choices are other expansions."""
    return fact.kind == ABBREVIATION or (
        fact.kind == DEFINITION and initials_spell(fact.term, fact.definition))


@lru_cache(maxsize=65536)
def initials_spell(abbr: str, expansion: str) -> bool:
    """Whether the expansion's word initials (or CamelCase capitals) spell the abbreviation:
    "container runtime interface" → CRI, "ReplicationController" → RC."""
    a = fold(abbr)
    if not a or not a.isascii():
        return False
    words = re.findall(r"[A-Za-z0-9]+", expansion)
    initials = "".join(w[0] for w in words).lower()
    caps = "".join(c for c in expansion if c.isupper()).lower()
    return a in (initials, caps) or (len(a) >= 2 and initials.startswith(a) and len(words) <= 4)
