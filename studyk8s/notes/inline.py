"""Inline text rules: where a `Term: definition` splits, what counts as a term, cloze targets.

Kept apart from the block parser so the card generator can reuse the same notion of
"a Latin term inside a Chinese sentence" and the same masking of links and code spans.
All regexes here are linear (no nested quantifiers) because notes are user input.
"""

from __future__ import annotations

import re
from collections import Counter

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
_EMPH_RE = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,200}?)(?<=\S)\1")
_CODE_RE = re.compile(r"`([^`\n]{1,300})`")
_EXPLICIT_CLOZE_RE = re.compile(r"\{\{(?![<%])([^{}\n]{1,80})\}\}")

# Words that look like a term before a colon but introduce a remark, not a definition.
_STOPWORDS_TEXT = """
例如 比如 例 注 注意 备注 提示 说明 总结 参考 来源 链接 地址 原因 结论 问题 答案 举例 补充
ps p.s note notes nb n.b tip tips eg e.g e.g. ie i.e i.e. example examples warning caution
todo see also source ref link url http https ftp answer question result output input error usage
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_TERM_BAD_RE = re.compile(r"[。，；！？、=<>{}$|\"“”「」《》;!?\x00]|, |\. ")
_OPENERS = "([{（【「《\"'“‘<>#|-+*"
_ALIAS_RE = re.compile(r"^(?P<name>.*?[^\s(（])\s*[(（]\s*(?P<alias>[^()（）]{1,40}?)\s*[)）]$")
_LATIN_ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.+\-]{0,19}$")
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._+\-/][A-Za-z0-9]+)*")
_OPAQUE_HINT_RE = re.compile(r"[`\[<]|://")
_MARKUP_HINT_RE = re.compile(r"[`\[*_{]")
_COLON_RE = re.compile(r"[:：]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LEAD_EMPH_RE = re.compile(r"^(\*\*|__)\s*")
ABBR_RE = re.compile(r"[A-Z][A-Za-z0-9]{1,9}")  # CRI, RC, K8S: fullmatch
_EXPANSION_RE = re.compile(r"[A-Za-z][A-Za-z\- ]*[A-Za-z]")
_BRACKET_RE = re.compile(r"[()（）\[\]【】]")


def mask_opaque(text: str) -> str:
    """Same-length copy of ``text`` with code, links and URLs blanked, so colons inside
    ``https://`` or a code span never split a definition."""
    if not _OPAQUE_HINT_RE.search(text):
        return text
    return _OPAQUE_RE.sub(lambda m: "\x00" * len(m.group(0)), text)


def plain(text: str) -> str:
    """Markdown-light text for terms, titles and cloze: links become their text,
    emphasis and code markers go, explicit ``{{cloze}}`` braces go."""
    if not _MARKUP_HINT_RE.search(text):
        return " ".join(text.split())
    text = _LINK_RE.sub(lambda m: m.group(1), text)
    text = _CODE_RE.sub(lambda m: m.group(1), text)
    text = _EMPH_RE.sub(lambda m: m.group(2), text)
    text = _EXPLICIT_CLOZE_RE.sub(lambda m: m.group(1), text)
    return " ".join(text.split())


def strip_term_markup(term: str) -> str:
    term = plain(term).strip()
    return term.strip("*_` ").strip()


def cjk_count(text: str) -> int:
    return len(CJK_RE.findall(text))


def is_cjk_text(text: str) -> bool:
    return CJK_RE.search(text) is not None


def _balanced(text: str) -> bool:
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        depth += 1 if m.group(0) in "(（[【" else -1
        if depth < 0:
            return False
    return depth == 0


def is_term(term: str) -> bool:
    """A short noun-like phrase, not a sentence, URL, number or remark (例如, Note)."""
    if not term or len(term) > 40 or term[0] in _OPENERS or term[-1] in ",.，、-/":
        return False
    if _TERM_BAD_RE.search(term) or not _LETTER_RE.search(term):
        return False
    folded = term.casefold()
    if folded in STOPWORDS or folded.rstrip(".") in STOPWORDS:
        return False
    if (len(term) > 16 and cjk_count(term) > 16) or term.count(" ") > 4:
        return False
    return not _BRACKET_RE.search(term) or _balanced(term)


def split_aliases(term: str) -> tuple[str, tuple[str, ...]]:
    """``ReplicationController(RC)`` → ("ReplicationController", ("RC",)); other
    parentheticals stay part of the term."""
    m = _ALIAS_RE.match(term) if term[-1:] in ")）" else None
    if not m:
        return term, ()
    parts = [p.strip() for p in re.split(r"[,，/、|]", m.group("alias")) if p.strip()]
    ok = parts and all(
        _LATIN_ALIAS_RE.match(p) or (is_cjk_text(p) and len(p) <= 8 and " " not in p)
        for p in parts
    )
    if not ok:
        return term, ()
    return m.group("name").strip(), tuple(parts)


def split_definition(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """``Term: definition`` → (term, aliases, definition); None when the text is not one.

    The definition may be empty (a label such as ``主要组件:``); callers decide what that
    means. Only the first prose colon counts, so definitions may contain colons.
    """
    if ":" not in text and "：" not in text:
        return None
    masked = mask_opaque(text)
    idx = -1
    for m in _COLON_RE.finditer(masked):
        i, ch = m.start(), m.group(0)
        if i > 300:
            break  # far too long for a term, even with link or emphasis markup
        nxt = masked[i + 1 : i + 2]
        if ch == ":" and (nxt == ":" or (i > 0 and masked[i - 1] == ":")):
            continue  # std::vector, a::b
        if ch == ":" and nxt.isdigit() and i > 0 and masked[i - 1].isdigit():
            continue  # 10:30
        idx = i
        break
    if idx <= 0:
        return None
    raw_term, definition = text[:idx].strip(), text[idx + 1 :].strip()
    if raw_term.count("**") % 2 == 1 or raw_term.count("__") % 2 == 1:
        definition = _LEAD_EMPH_RE.sub("", definition)  # **Term:** definition
    term = strip_term_markup(raw_term)
    if not is_term(term):
        return None
    name, aliases = split_aliases(term)
    if aliases and not is_term(name):
        return None
    return name, aliases, definition


def label_of(text: str, parsed: tuple | None = None) -> str | None:
    """``主要组件:`` / ``学习内容：`` → the label; None when the line is not a label.
    ``parsed`` is ``split_definition(text)`` when the caller already has it."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] not in COLONS:
        return None
    parsed = parsed if parsed is not None else split_definition(stripped)
    if parsed is None or parsed[2]:
        return None
    return parsed[0] if not parsed[1] else f"{parsed[0]}({', '.join(parsed[1])})"


_STOP_EN = frozenset(
    {"a", "an", "and", "of", "for", "the", "to", "in", "on", "with", "by", "or", "at", "as"}
)


def _initials(words: list[str], skip_small: bool) -> str:
    out = []
    for w in words:
        if skip_small and w.casefold() in _STOP_EN:
            continue
        parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", w) or [w]
        out.append("".join(p[0] for p in parts) if any(p[0].isupper() for p in parts) else w[0])
    return "".join(out).casefold()


def is_abbreviation(term: str, expansion: str, *, strict: bool) -> bool:
    """``CRI:container runtime interface``: an upper-case short term expanded by Latin words.

    ``strict`` (inside lists) demands that the initials spell the abbreviation, so a
    component list (``ETCD: 可信赖的…``) stays a list of definitions.
    """
    if len(term) > 10 or not ABBR_RE.fullmatch(term):
        return False
    exp = expansion.strip().rstrip(".")
    if not _EXPANSION_RE.fullmatch(exp) or sum(c.isupper() for c in term) < 2:
        return False
    words = exp.replace("-", " ").split()
    if not 2 <= len(words) <= 8:
        return False
    letters = re.sub(r"[^a-z]", "", term.casefold())
    if letters in (_initials(words, True), _initials(words, False)):
        return True
    return not strict and term.isupper()


_CAMEL_RE = re.compile(r"[a-z][A-Z]")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]+s?")
_DIGIT_RE = re.compile(r"\d")
_SENTENCE_RE = re.compile(r"(?<=[。！？])|(?<=[.!?;；])\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Split prose into sentences on 。！？ and on . ! ? followed by a space."""
    parts = _SENTENCE_RE.split(text)
    return [p.strip() for p in parts if p and p.strip()]


def pick_cloze(sentence: str, avoid: tuple[str, ...] = ()) -> str:
    """The span to blank out of a statement, or "".

    Explicit ``{{x}}`` wins, then **bold** or `code`, then (Chinese sentence) a Latin
    term, or (English sentence) a CamelCase / acronym / digit-bearing / capitalised token.
    A token that occurs twice, or names the section, would give the answer away: skipped.
    """
    for rx in (_EXPLICIT_CLOZE_RE, _EMPH_RE, _CODE_RE):
        m = rx.search(sentence)
        if m:
            span = m.group(m.lastindex or 1).strip()
            if span and len(span) <= 60:
                return span
    if len(sentence) > 400:
        return ""  # a paragraph, not a sentence: no sensible blank
    text = plain(sentence)
    tokens = [t for t in _LATIN_TOKEN_RE.findall(mask_opaque(sentence)) if len(t) >= 2]
    counts = Counter(t.casefold() for t in _LATIN_TOKEN_RE.findall(text))
    avoid_f = [a.casefold() for a in avoid if a]

    def usable(tok: str) -> bool:
        f = tok.casefold()
        if counts[f] != 1 or f in _STOP_EN:
            return False
        return not any(f == a or f in a for a in avoid_f)

    if is_cjk_text(text):
        for tok in tokens:
            if usable(tok):
                return tok
        return ""
    words = text.split()
    first = words[0].strip("\"'(") if words else ""
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
        ranked.append((rank, tok))
    return min(ranked, key=lambda rt: rt[0])[1] if ranked else ""
