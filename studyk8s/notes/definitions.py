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
# "Term - definition", "术语——定义", and a cheat sheet's "emptyDir-<TAB>Scratch space…" /
# "nfs- An export…" (the hyphen on the name, then a tab, or a space and a capital).
_DASH_RE = re.compile(r"\s+(?:--?|–|—{1,2})\s+|—{2}|\s+-\s*(?=[\u3400-\u9fff])"
                      r"|(?<=[A-Za-z0-9])-(?:\t\s*|\s(?=[A-Z]))")


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


# ``kubelet 负责…``, ``Metrics Server为HPA提供…``, ``Cluster Autoscaler是…``: a Latin name
# (ASCII only, so the name never swallows the Chinese that follows it), an optional
# parenthesised alias, then a verb. A Chinese name needs the alias or a comma to end it
# (``调度框架（Scheduling Framework），提供…``): without one its end is anybody's guess.
_VERB_DEF_RE = re.compile(
    r"^(?P<term>[A-Za-z][A-Za-z0-9_.\-/]*(?: [A-Za-z][A-Za-z0-9_.\-/]*){0,2}"
    r"(?:\s*[（(][^()（）]{1,80}[)）])?)\s*[，,]?\s*"
    r"(?P<verb>负责|用于|用来|提供|保存|实现|为|是)(?P<def>\S.*)$")
_ZH_VERB_DEF_RE = re.compile(
    r"^(?P<term>[\u4e00-\u9fff]{2,12}(?:\s*[（(][^()（）]{1,80}[)）]\s*[，,]?|\s*[，,]))\s*"
    r"(?P<verb>负责|用于|用来|提供)(?P<def>\S.*)$")


def split_verb(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """``kubelet 负责维护容器的生命周期`` → ("kubelet", (), "负责维护…"); list items only
    (in prose the same words are a statement about the thing). The verb stays in the
    definition, except a plain copula: ``X是Y`` defines X as ``Y``."""
    text = plain(text).strip()
    m = _VERB_DEF_RE.match(text) or _ZH_VERB_DEF_RE.match(text)
    if not m:
        return None
    name, aliases = split_aliases(m.group("term").strip().rstrip("，, "))
    if not is_term(name):
        return None
    definition = m.group("def").strip()
    if m.group("verb") != "是":
        definition = m.group("verb") + definition
    return name, aliases, definition


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
    if stripped.endswith(("**", "__")) and stripped.rstrip("*_").rstrip()[-1:] in COLONS:
        stripped = stripped.rstrip("*_").rstrip()  # **数据卷的特点：**
        stripped = stripped[2:] if stripped.startswith(("**", "__")) else stripped
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
