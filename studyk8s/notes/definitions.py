"""Where a line splits into ``Term: definition`` (or ``Term - definition``, ``kubelet
负责…``), labels that introduce a list (``主要组件:``), study-plan lists, and lines that are
only links: the line-level decisions of the fact grammar."""

from __future__ import annotations

import re
from functools import lru_cache

from .inline import COLONS, clean, mask_opaque, plain, strip_term_markup
from .terms import STOPWORDS, is_term, sibling_terms, split_aliases

_COLON_RE = re.compile(r"[:：]")
_LEAD_EMPH_RE = re.compile(r"^(\*\*|__)\s*")
_DASH_RE = re.compile(r"\s+(?:--?|–|—{1,2})\s+|—{2}|\s+-\s*(?=[\u3400-\u9fff])")


def _split_dash(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """``cAdvisor - 采集容器指标`` / ``Term — definition`` / ``术语——定义``."""
    masked = mask_opaque(text)
    m = _DASH_RE.search(masked)
    if not m or m.start() == 0 or m.start() > 80:
        return None
    term = strip_term_markup(text[: m.start()])
    definition = text[m.end():].strip()
    if not definition or not _term_ok(term):
        return None
    name, aliases = split_aliases(term)
    if not _term_ok(name):
        return None
    return name, aliases, definition


_VERB_DEF_RE = re.compile(
    r"^(?P<term>[A-Za-z][\w.\-/]*(?: [A-Za-z][\w.\-/]*){0,2})\s*"
    r"(?P<def>(?:负责|用于|用来|提供|保存|实现)\S.*)$")


def split_verb(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """``kubelet 负责维护容器的生命周期`` → ("kubelet", (), "负责维护…"); list items only
    (in prose the same words are a statement about the thing)."""
    m = _VERB_DEF_RE.match(text.strip())
    if not m or not is_term(m.group("term")):
        return None
    return strip_term_markup(m.group("term")), (), m.group("def").strip()


def _term_ok(term: str) -> bool:
    return is_term(term) or (len(sibling_terms(term)) > 1)


@lru_cache(maxsize=16384)  # pure, and called on the same text several times per note
def split_definition(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """``Term: definition`` (or ``Term - definition``, ``Term — definition``) →
    (term, aliases, definition); None when the text is not one.

    The definition may be empty (a label such as ``主要组件:``); callers decide what that
    means. Only the first prose colon counts, so definitions may contain colons. A term
    may name siblings (``nfs, glusterfs: …``): see ``sibling_terms``.
    """
    if ":" not in text and "：" not in text:
        return _split_dash(text) if ("-" in text or "—" in text or "–" in text) else None
    if "-" in text or "—" in text or "–" in text:
        dash = _split_dash(text)
        colon = _COLON_RE.search(mask_opaque(text))
        if dash is not None and colon is not None and text.find(dash[2]) > colon.start():
            dash = None  # the colon comes first: "Term: a - b"
        if dash is not None:
            return dash
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
    if not _term_ok(term) and not (term[-1:] in ")）" and _term_ok(split_aliases(term)[0])):
        return None
    name, aliases = split_aliases(term)
    if not _term_ok(name):
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


_PLAN_VERB_RE = re.compile(
    r"^(?:掌握|了解|学习|学会|理解|熟悉|熟练|能够|会用|明白|搞懂|弄懂|知道|"
    r"learn|understand|know|master|get familiar|be able|study|practi[cs]e)", re.I)
_PLAN_LABEL_RE = re.compile(
    r"(?:学习内容|学习目标|学习计划|学习路线|学习大纲|课程大纲|课程目标|本节目标|目标|大纲|"
    r"learning (?:goals?|objectives?|plan|path)|objectives?|study plan|what you(?:'ll| will) "
    r"learn|goals?|syllabus|to ?do)$", re.I)


def is_plan(label: str, texts: list[str]) -> bool:
    """A list that says what the author is going to learn (``学习内容:``, ``- 掌握…``)."""
    if not texts:
        return False
    if label and _PLAN_LABEL_RE.search(clean(label).rstrip(" :：")):
        return True
    verbs = 0
    for t in texts:
        parsed = split_definition(t)
        body = parsed[2] if parsed is not None and parsed[2] else t
        verbs += bool(_PLAN_VERB_RE.match(clean(body)))
    return verbs * 2 > len(texts) and verbs >= 2


_URL_ONLY_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://\S+|www\.\S+")


def only_url(text: str) -> bool:
    """Nothing but links (and perhaps a remark label) once URLs are taken out."""
    if "://" not in text and "www." not in text:
        return False
    rest = _URL_ONLY_RE.sub("", plain(text)).strip(" :：-—()（）<>[]")
    if not rest:
        return True
    parsed = split_definition(rest + ": x") if rest[-1:] not in COLONS else None
    return rest.rstrip(":：").strip().casefold() in STOPWORDS or (
        parsed is None and len(rest) <= 6 and rest.endswith(tuple(COLONS)))
