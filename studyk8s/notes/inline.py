"""Inline text rules shared by the reader and the card generator: what is markup (code,
links, URLs, emphasis) and what is prose, the plain and clean text of a line, CJK detection
and sentence splitting.

The names and definitions are in terms.py and definitions.py, the cloze choice in cloze.py.
All regexes here and there are linear (no nested quantifiers) because notes are user input.
"""

from __future__ import annotations

import re
from functools import lru_cache

COLONS = ":："
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
LATIN_RE = re.compile(r"[A-Za-z]")

# Spans whose colons and words are not prose: code, links, autolinks, bare URLs, HTML tags.
_OPAQUE_RE = re.compile(
    r"`[^`\n]{0,300}`"  # code span
    r"|!?\[[^\]\n]{0,300}\]\([^)\n]{0,500}\)"  # [text](url) and images
    r"|<[A-Za-z][A-Za-z0-9+.-]{0,30}:[^>\s]{0,500}>"  # <https://…>
    r"|\b[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s)>\]]*"  # bare URL
    r"|</?[A-Za-z][^<>\n]{0,200}>"  # HTML tag
)
_LINK_RE = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
EMPH_RE = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,200}?)(?<=\S)\1")
CODE_RE = re.compile(r"`([^`\n]{1,300})`")
EXPLICIT_CLOZE_RE = re.compile(r"\{\{(?![<%])([^{}\n]{1,80})\}\}")

_OPAQUE_HINT_RE = re.compile(r"[`\[<]|://")
_MARKUP_HINT_RE = re.compile(r"[`\[*_{]")


def mask_opaque(text: str) -> str:
    """Same-length copy of ``text`` with code, links and URLs blanked, so colons inside
    ``https://`` or a code span never split a definition."""
    if not _OPAQUE_HINT_RE.search(text):
        return text
    return _OPAQUE_RE.sub(lambda m: "\x00" * len(m.group(0)), text)


@lru_cache(maxsize=16384)  # pure, and called on the same text several times per note
def plain(text: str) -> str:
    """Markdown-light text for terms, titles and cloze: links become their text,
    emphasis and code markers go, explicit ``{{cloze}}`` braces go."""
    if not _MARKUP_HINT_RE.search(text):
        return " ".join(text.split())
    text = _LINK_RE.sub(lambda m: m.group(1), text)
    text = CODE_RE.sub(lambda m: m.group(1), text)
    text = EMPH_RE.sub(lambda m: m.group(2), text)
    text = EXPLICIT_CLOZE_RE.sub(lambda m: m.group(1), text)
    return " ".join(text.split())


def strip_term_markup(term: str) -> str:
    term = plain(term).strip()
    return term.strip("*_` ").strip()


_CJK_RUN_RE = re.compile(CJK_RE.pattern + "+")
_LATIN_RUN_RE = re.compile(LATIN_RE.pattern + "+")


def cjk_count(text: str) -> int:
    # counted by runs: a list of runs, not one string per character
    return sum(map(len, _CJK_RUN_RE.findall(text)))


def latin_count(text: str) -> int:
    return sum(map(len, _LATIN_RUN_RE.findall(text)))


def is_cjk_text(text: str) -> bool:
    return CJK_RE.search(text) is not None


_SENTENCE_RE = re.compile(r"(?<=[。！？])|(?<=[.!?;；])\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Split prose into sentences on 。！？ and on . ! ? followed by a space."""
    parts = _SENTENCE_RE.split(text)
    return [p.strip() for p in parts if p and p.strip()]


_TAG_RE = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")
_ZW_CHARS_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LEFTOVER_RE = re.compile(r"`|\*\*|__|\{\{|\}\}")


@lru_cache(maxsize=16384)  # pure, and called on the same text several times per note
def clean(text: str) -> str:
    """Text as a fact holds it: no Markdown markers, HTML tags, comments or braces."""
    if not text:
        return ""
    text = plain(text)
    if "<" in text:
        text = _TAG_RE.sub("", text)
    if _LEFTOVER_RE.search(text):
        text = _LEFTOVER_RE.sub("", text)
    if _ZW_CHARS_RE.search(text):
        text = _ZW_CHARS_RE.sub("", text)
    return " ".join(text.split())
