"""The quality gate every card and question passes through (pure: strings and facts in,
verdicts out).

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

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from ..notes.model import ABBREVIATION, DEFINITION, DIAGRAM, ENUMERATION, PROPERTY, STATEMENT
from .normalize import cjk_ratio

# --- reasons -----------------------------------------------------------------------------------

PLAN = "plan"  # a learning goal (掌握…, learn…), not knowledge
DIAGRAM_ONLY = "diagram"  # shown on relation cards; no question is made from a picture
NO_DEFINITION = "no_definition"  # a label with nothing said about it
NO_CLOZE = "no_cloze"  # a free sentence without a term to blank out
TOO_SHORT = "too_short"  # too little left to recognise the thing by
NAMES_ANSWER = "names_answer"  # the prompt, a statement or a choice names the answer
BLANK = "blank"  # a blank would show in a choice, a statement or an answer
MIXED_TYPES = "mixed_types"  # choices of different types or languages
FEW_SIBLINGS = "few_siblings"  # not enough plausible wrong choices of the same type
INITIALS = "initials"  # expansion → abbreviation: the initials spell the answer
NOT_A_NAME = "not_a_name"  # a typed answer would be a label or a sentence, not a name
PATTERN = "pattern"  # every right choice shares a word no wrong choice has
DUPLICATE = "duplicate"  # the same description belongs to several terms
CODE = "code"  # a command or manifest line: hands-on material, not a definition
VALUE = "value"  # a bare value ("frontend", "3"), not a description
# rewrites
MASKED = "masked"  # the answer's name was blanked in the prompt
TRIMMED = "trimmed"  # a clause naming the answer was cut from a choice or statement
ASK_PARENT = "ask_parent"  # a property is asked about through the term it belongs to
NEUTRAL_LABEL = "neutral_label"  # a heading that is not a kind is not used as a kind noun

REASONS: dict[str, str] = {
    PLAN: "a learning-plan item, not knowledge",
    DIAGRAM_ONLY: "a diagram (studied on relation cards, not asked in quizzes)",
    NO_DEFINITION: "nothing is said about it",
    NO_CLOZE: "a free sentence with no term to blank out",
    TOO_SHORT: "too little left to recognise it once its name is hidden",
    NAMES_ANSWER: "the wording would name the answer",
    BLANK: "a blank would show in a choice, statement or answer",
    MIXED_TYPES: "choices of different types or languages",
    FEW_SIBLINGS: "not enough plausible wrong choices of the same type",
    INITIALS: "the initials spell the answer",
    NOT_A_NAME: "the typed answer would be a label, not a name",
    PATTERN: "a shared word gives the right choices away",
    DUPLICATE: "the same description belongs to several terms",
    CODE: "a command or manifest line, not a definition",
    VALUE: "a bare value, not a description",
    MASKED: "the answer's name hidden in the prompt",
    TRIMMED: "a clause naming the answer cut out",
    ASK_PARENT: "asked about the term it belongs to",
    NEUTRAL_LABEL: "a heading not used as a kind noun",
}

DROPPED, REWRITTEN = "dropped", "rewritten"


class Log(NamedTuple):
    """One gate decision: ``fact`` (a fact key, or a term for cards), ``kind`` (the question
    variant or card kind), ``reason`` (a key of ``REASONS``), ``action`` (dropped/rewritten)."""

    fact: str
    kind: str
    reason: str
    action: str = DROPPED


def count(logs: Iterable[Log]) -> dict[str, int]:
    """``"dropped: plan"`` → how many, for reports and benchmarks."""
    return dict(sorted(Counter(f"{g.action}: {g.reason}" for g in logs).items()))


# --- folding and names ---------------------------------------------------------------------------

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
    forms first)."""
    if not text:
        return []
    folded, index = _folded(text)
    spans: list[tuple[int, int]] = []
    for form in sorted(set(forms), key=len, reverse=True):
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
    return sorted(spans)


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
            return out
        # clauses inside the sentences that remain
        if splitter is _SENTENCE:
            sub = [strip_names(p, forms, min_left=1) if names_in(p, forms) else p
                   for p in parts]
            joined = "".join(p for p in sub if p).strip().rstrip(",，、;；").strip()
            if joined and not names_in(joined, forms) and meaningful(joined) >= min_left:
                return joined
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


# --- what kind of text ---------------------------------------------------------------------------

def script(text: str) -> str:
    """``"cjk"`` or ``"latin"``: which language a choice is written in."""
    return "cjk" if cjk_ratio(text) >= 0.3 else "latin"


_KIND_ZH = ("组件", "插件", "类型", "种类", "对象", "资源", "控制器", "工具", "命令", "服务",
            "策略", "模式", "协议", "字段", "卷", "类", "器", "方式", "机制", "特性")
_NOT_PLURAL = ("ss", "us", "is", "ics", "ness", "kubernetes", "basics", "concepts")


def is_kind(label: str) -> bool:
    """Whether a list label or heading names a kind of thing ("插件", "Controller types",
    "Workload resources"), so "哪个插件…" / "Which of the plugins…" reads right; a topic
    ("Autoscaling", "K8s优点", "简介") is not."""
    text = label.strip().rstrip(":：").strip()
    if not text or len(text) > 30:
        return False
    if script(text) == "cjk":
        return text.endswith(_KIND_ZH)
    last = text.split()[-1].lower()
    return last.endswith("s") and not last.endswith(_NOT_PLURAL)


_SENTENCE_PUNCT = re.compile(r"[。！？!?；;，,]")


def is_name(term: str) -> bool:
    """A term worth typing as an answer: a name, not a label or a sentence ("StatefulSet",
    "节点亲和性", "container runtime interface"; not "稳定的持久化存储" as a property label —
    properties are never typed — nor "Pod按顺序部署")."""
    t = term.strip()
    if not t or len(t) > 40 or _SENTENCE_PUNCT.search(t):
        return False
    if script(t) == "cjk":
        return len(t) <= 10 and "的" not in t
    return len(t.split()) <= 5


# --- learning plans ------------------------------------------------------------------------------

_PLAN_TEXT = re.compile(
    r"^\s*(?:掌握|了解|学习|熟悉|理解|学会|学完|能够|会用|搞懂|弄懂|复习|练习)"
    r"|^\s*(?:to\s+)?(?:learn|understand|master|get\s+to\s+know|know\s+how|be\s+able\s+to|"
    r"study|review|practi[cs]e)\b",
    re.IGNORECASE)
_PLAN_LABEL = re.compile(
    r"(学习(?:内容|目标|计划|大纲|路线|任务|重点)|课程(?:内容|目标|大纲)|本章目标|目标|计划|大纲|"
    r"learning\s+(?:goals?|objectives?|plan|path|outcomes?)|objectives?|syllabus|"
    r"what\s+(?:you|i|we)(?:'ll|\s+will)\s+learn|to\s*-?\s*do|roadmap)\s*[:：]?\s*$",
    re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_plan_text(text: str) -> bool:
    """A learning goal rather than knowledge: "掌握SVC原理…", "learn how to…"."""
    return bool(_PLAN_TEXT.search(text or ""))


def is_plan_label(label: str) -> bool:
    return bool(_PLAN_LABEL.search((label or "").strip()))


def grouped(fact: Any) -> bool:
    """Whether a fact sits in a labelled list whose other items decide if it is a plan."""
    return fact.kind in (DEFINITION, PROPERTY) and bool(fact.group)


def own_plan(fact: Any) -> bool:
    """A goal by its own words: "掌握SVC原理…", a list of goals, a list labelled 学习内容."""
    if fact.kind in (DEFINITION, PROPERTY):
        return is_plan_text(fact.definition)
    if fact.kind == ENUMERATION:
        goals = sum(map(is_plan_text, fact.items))
        return is_plan_label(fact.term) or (bool(fact.items) and 2 * goals >= len(fact.items))
    return False


def plan_group(group: str, members: Sequence[Any]) -> bool:
    """A list that is a learning plan: labelled as one (学习内容, Learning goals), or most of
    its items are goals (then "安全: 集群认证,鉴权" next to four "掌握…" items is one too)."""
    goals = sum(is_plan_text(m.definition) for m in members)
    return is_plan_label(group) or (len(members) >= 2 and 2 * goals >= len(members))


def plan_flags(facts: Sequence[Any]) -> list[bool]:
    """For each fact of one deck (a parser ``Fact`` or a ``QFact``), whether it is a
    learning-plan item (``own_plan``, or in a ``plan_group``)."""
    flags = [own_plan(f) for f in facts]
    by_group: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if grouped(f):
            by_group[(tuple(f.section), f.group)].append(i)
    for (_, group), members in by_group.items():
        if plan_group(group, [facts[i] for i in members]):
            for i in members:
                flags[i] = True
    return flags


# --- askable facts -------------------------------------------------------------------------------

class Screening(NamedTuple):
    """``askable``'s answer: the facts questions can be made from, and why each other fact
    cannot (``reasons``: fact key → reason)."""

    ok: list[Any]
    reasons: dict[str, str]

    @property
    def count(self) -> int:
        return len(self.ok)

    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(self.reasons.values()).items()))


_CODE = re.compile(
    r"^\s*(?:\$\s*|#\s*)?(?:kubectl|kubeadm|docker|podman|crictl|helm|yum|apt(?:-get)?|dnf|"
    r"systemctl|journalctl|curl|wget|sudo|cat\s*<<|echo|export|git|mkdir|chmod|vim?)\s"
    r"|^\s*(?:apiVersion|kind|metadata|spec|name|image|containers)\s*:"
    r"|\bapiVersion\s*:|\s--[a-z][a-z-]+[= ]|^\s*EOF\s*$", re.IGNORECASE)
_VERSION = re.compile(r"^[vV]?\d[\d.]*$")
_VALUE = re.compile(r"[a-z0-9][a-z0-9._/:-]*")  # "frontend", "nginx:1.7", "true"
_HOST = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")  # www.bilibili.com


_REMARK = re.compile(
    r"^(?:note|notes|nb|tip|tips|exam\s+tip|remember|reminder|todo|to\s*do|warning|caution|"
    r"important|summary|update|edit|ps|p\.s\.|q|a|question|answer|example|e\.g\.|"
    r"注意|提示|备注|注|小结|总结|例如|比如|举例|问|答|问题|答案|更新|补充|待办|重点)$"
    r"|\b\d{1,2}:\d{2}\b", re.IGNORECASE)


def is_remark(label: str) -> bool:
    """A remark label ("Note", "Exam tip", "注意", "Study group at 18:30"): it introduces a
    comment, it does not name a thing."""
    return bool(_REMARK.search(label.strip().rstrip(":：").strip()))


@lru_cache(maxsize=65536)
def looks_like_code(text: str) -> bool:
    """A shell command, a manifest line or a heredoc marker: hands-on material, never a
    definition or a cloze sentence."""
    return bool(_CODE.search(text or ""))


_LETTER = re.compile(r"[^\W\d_]")
_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.S)


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def reason_not_askable(fact: Any, plan: bool = False) -> str:
    """Why one fact makes no question ("" when it can), its deck aside."""
    if plan:
        return PLAN
    return _reason(fact.kind, fact.term, fact.definition, fact.cloze, len(set(fact.items)))


@lru_cache(maxsize=65536)
def _reason(kind: str, term: str, definition: str, cloze: str, n_items: int) -> str:
    if kind == DIAGRAM:
        return DIAGRAM_ONLY
    if kind == STATEMENT:
        if not cloze or cloze not in definition:
            return NO_CLOZE
        if looks_like_code(definition):
            return CODE
        cloze = cloze.strip()
        if (letters(cloze) < 2 or _VERSION.match(cloze) or _HOST.match(cloze)
                or is_remark(cloze)):
            return NOT_A_NAME  # "v2", "www.bilibili.com": not what a note teaches
        left = meaningful(mask(definition, name_forms(cloze), "＿＿＿"))
        return "" if left >= 4 else TOO_SHORT
    if kind == ENUMERATION:
        return "" if n_items >= 2 else NO_DEFINITION
    # the term's verdict and the description's apart: a description copied into many decks
    # under other terms is judged once
    return _term_reason(term) or _definition_reason(kind, definition, n_items)


@lru_cache(maxsize=65536)
def _term_reason(term: str) -> str:
    if not term.strip():
        return NO_DEFINITION
    if not _TWO_ALNUM.search(term) or is_remark(term):
        return NOT_A_NAME  # "Q: …", "Note: …", "Exam tip: …" are remarks, not terms
    return ""


@lru_cache(maxsize=65536)
def _definition_reason(kind: str, definition: str, n_items: int) -> str:
    definition = definition.strip()
    if not definition:
        # a term with a list of points is asked about through its items
        return "" if n_items >= 2 else NO_DEFINITION
    if looks_like_code(definition):
        return CODE
    if kind != ABBREVIATION and (not _TWO_LETTERS.search(definition)
                                 or _VALUE.fullmatch(definition)):
        return VALUE  # "tier: frontend", "replicas: 3": a setting's value, not a description
    if kind == ABBREVIATION:
        return ""
    if has_blank(definition):
        return BLANK
    return ""


def askable(facts: Sequence[Any]) -> Screening:
    """THE count of askable facts: which ``facts`` (QFacts, or parser Facts with a ``key``
    attribute or none) a question can be made from, with the reason for each that cannot.
    Learning-plan lists are recognised across a deck, so pass whole decks."""
    decks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        decks[getattr(f, "deck", "")].append(i)
    plan = [False] * len(facts)
    for idx in decks.values():
        for i, flag in zip(idx, plan_flags([facts[i] for i in idx]), strict=True):
            plan[i] = flag
    ok, reasons = [], {}
    for i, f in enumerate(facts):
        why = reason_not_askable(f, plan[i])
        if why:
            reasons[_key(f, i)] = why
        else:
            ok.append(f)
    return Screening(ok, reasons)


def _key(fact: Any, i: int) -> str:
    return getattr(fact, "key", None) or getattr(fact, "source", None) or str(i)


# --- the last check on a question ----------------------------------------------------------------

# Variants whose context is a prompt with the answer hidden (a blank there is the point).
PROMPT_BLANKS = frozenset({"definition_term", "typed_term", "typed_cloze", "property_parent",
                           "typed_parent"})
DESCRIPTION_CHOICES = frozenset({"term_definition", "matching"})


def _words(text: str) -> set[str]:
    f = fold(text)
    out = {w for w in re.findall(r"[a-z][a-z0-9]{2,}", f)}
    cjk = re.findall(r"[\u3400-\u9fff]+", f)
    out |= {run[i:i + 2] for run in cjk for i in range(len(run) - 1)}
    return out


def pattern_giveaway(right: Sequence[str], wrong: Sequence[str]) -> bool:
    """Whether a word (or a two-character CJK run) is in every right choice and in no wrong
    one: "自主式Pod, 控制器控制的Pod" against "日志收集daemon" is answered without knowing."""
    if len(right) < 2 or not wrong:
        return False
    common = set.intersection(*(_words(r) for r in right))
    if not common:
        return False
    return not any(common & _words(w) for w in wrong)


def inspect(q: Any, answer_forms: Sequence[str] = ()) -> str:
    """The reason a finished question must not be asked ("" when it is fair). ``q`` is a
    ``Question``; ``answer_forms`` are the folded names of what it asks for (the term for a
    term question, the term described for a description question)."""
    variant, kind = q.variant, q.kind
    shown_answer = ""
    if kind in ("single",):
        shown_answer = q.choices[q.answer]
    elif kind == "typed":
        shown_answer = q.answer
    # blanks: never in choices, left items, a statement, or the answer shown
    if any(has_blank(c) for c in q.choices) or any(has_blank(x) for x in q.left):
        return BLANK
    if has_blank(shown_answer) or has_blank(q.explanation):
        return BLANK
    if variant not in PROMPT_BLANKS and has_blank(q.context):
        return BLANK
    if answer_forms:
        asked = f"{q.prompt}\n{q.context}"
        if variant in DESCRIPTION_CHOICES or kind == "true_false":
            # the term is in the prompt on purpose; its description must not repeat it
            texts = list(q.choices)
            if kind == "true_false":
                texts = [q.meta.get("statement", q.context)]
            if any(names_in(t, answer_forms) for t in texts):
                return NAMES_ANSWER
        elif kind in ("single", "typed") and names_in(asked, answer_forms):
            return NAMES_ANSWER
        if kind == "single" and variant not in DESCRIPTION_CHOICES:
            wrong = [c for i, c in enumerate(q.choices) if i != q.answer]
            if any(names_in(c, answer_forms) for c in wrong):
                return NAMES_ANSWER
    if variant in DESCRIPTION_CHOICES and len({script(c) for c in q.choices}) > 1:
        return MIXED_TYPES  # descriptions in one language (terms may mix scripts)
    if kind == "multiple":
        right = [q.choices[i] for i in q.answer]
        wrong = [c for i, c in enumerate(q.choices) if i not in q.answer]
        if pattern_giveaway(right, wrong):
            return PATTERN
    return ""


__all__ = [
    "ASK_PARENT", "BLANK", "DROPPED", "INITIALS", "MASKED", "MIXED_TYPES", "NAMES_ANSWER",
    "PLAN", "REASONS", "REWRITTEN", "TRIMMED", "Log", "Screening", "askable", "count",
    "fold", "has_blank", "initials_spell", "inspect", "is_kind", "is_name", "is_plan_text",
    "mask", "name_forms", "names_in", "pattern_giveaway", "plan_flags", "reason_not_askable",
    "script", "strip_names",
]
