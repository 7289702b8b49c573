"""The span a statement card blanks out: an explicit ``{{x}}``, bold or code, else a whole
Latin name (never half a word, never part of a known term's neighbour)."""

from __future__ import annotations

import re
from collections import Counter

from .inline import CODE_RE, EMPH_RE, EXPLICIT_CLOZE_RE, is_cjk_text, mask_opaque, plain
from .terms import STOP_EN

_LATIN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._+\-/][A-Za-z0-9]+)*")
_CAMEL_RE = re.compile(r"[a-z][A-Z]")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]+s?")
_DIGIT_RE = re.compile(r"\d")
_WORD = r"[A-Za-z0-9]*(?:[._+\-/][A-Za-z0-9]+)*"
_PHRASE_RE = re.compile(rf"[A-Za-z]{_WORD}(?: [A-Z]{_WORD})*")


def pick_cloze(sentence: str, avoid: tuple[str, ...] = ()) -> str:
    """The span to blank out of a statement, or "".

    Explicit ``{{x}}`` wins, then **bold** or `code`, then (Chinese sentence) a Latin
    term, or (English sentence) a CamelCase / acronym / digit-bearing / capitalised token.
    A token that occurs twice, or names the section, would give the answer away: skipped.
    """
    for rx in (EXPLICIT_CLOZE_RE, EMPH_RE, CODE_RE):
        m = rx.search(sentence)
        if m:
            span = m.group(m.lastindex or 1).strip()
            if span and len(span) <= 40 and "://" not in span:
                return span
    if len(sentence) > 400:
        return ""  # a paragraph, not a sentence: no sensible blank
    text = plain(sentence)
    tokens = [t for t in _LATIN_TOKEN_RE.findall(mask_opaque(sentence)) if len(t) >= 2]
    counts = Counter(t.casefold() for t in _LATIN_TOKEN_RE.findall(text))
    avoid_f = [a.casefold() for a in avoid if a]

    def usable(tok: str) -> bool:
        f = tok.casefold()
        if counts[f] != 1 or f in STOP_EN:
            return False
        return not any(f == a or f in a for a in avoid_f)

    if is_cjk_text(text):
        # "API Server是…": the whole multi-word name, never "API" alone
        folded = text.casefold()
        for tok in _PHRASE_RE.findall(mask_opaque(sentence)):
            f = tok.casefold()
            if len(tok) < 2 or f in STOP_EN or folded.count(f) != 1:
                continue
            if not any(f == a or f in a for a in avoid_f) and is_whole_token(tok, text):
                return tok
        return ""
    # the sentence's first word is capitalised by grammar, not because it names something
    lead = _LATIN_TOKEN_RE.match(text.lstrip("\"'(“‘*` "))
    first = lead.group(0) if lead else ""
    ranked = []
    for tok in tokens:
        if not usable(tok):
            continue
        if _CAMEL_RE.search(tok):
            rank = 0  # ReplicaSet, ConfigMap: the API kinds are what a learner must recall
        elif _ACRONYM_RE.fullmatch(tok) or _DIGIT_RE.search(tok):
            rank = 1  # ETCD, CRI, k8s
        elif tok[0].isupper() and tok != first:
            rank = 2  # Borg
        else:
            continue
        if is_whole_token(tok, text):
            ranked.append((rank, tok))
    return min(ranked, key=lambda rt: rt[0])[1] if ranked else ""


def is_whole_token(span: str, text: str) -> bool:
    """``span`` occurs in ``text`` not glued to a letter or digit of the same script."""
    if not span:
        return False
    start = text.find(span)
    while start >= 0:
        before = text[start - 1] if start else ""
        after = text[start + len(span): start + len(span) + 1]
        if not _glued(before, span[0]) and not _glued(after, span[-1]):
            return True
        start = text.find(span, start + 1)
    return False


def _glued(neighbour: str, edge: str) -> bool:
    if neighbour in ("/", "-", "_") and edge.isascii() and edge.isalnum():
        return True  # "etc" of "/etc/cni", "record" of "--record": part of a longer token
    if not neighbour or not neighbour.isalnum() or not edge.isalnum():
        return False
    return is_cjk_text(neighbour) == is_cjk_text(edge)
