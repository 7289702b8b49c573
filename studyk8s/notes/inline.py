"""Inline text rules: where a `Term: definition` splits, what counts as a term, cloze targets.

Kept apart from the block parser so the card generator can reuse the same notion of
"a Latin term inside a Chinese sentence" and the same masking of links and code spans.
All regexes here are linear (no nested quantifiers) because notes are user input.
"""

from __future__ import annotations

import re
from collections import Counter
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
_EMPH_RE = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,200}?)(?<=\S)\1")
_CODE_RE = re.compile(r"`([^`\n]{1,300})`")
_EXPLICIT_CLOZE_RE = re.compile(r"\{\{(?![<%])([^{}\n]{1,80})\}\}")

# Words that look like a term before a colon but introduce a remark, not a definition.
_STOPWORDS_TEXT = """
例如 比如 例 注 注意 备注 提示 说明 总结 参考 来源 链接 地址 原因 结论 问题 答案 举例 补充
ps p.s note notes nb n.b tip tips remember reminder 记住 提醒 记得 待办 fixme eg e.g e.g. ie
i.e i.e. example examples warning caution careful 问 答 updated 更新 更新于 最后更新 docs
文档 视频 参考链接 相关链接 延伸阅读
todo see also source ref link url http https ftp answer question result output input error usage
"""
STOPWORDS = frozenset([*_STOPWORDS_TEXT.split(), "rule of thumb", "exam tip", "last edited",
                       "see also", "pro tip", "side note", "fun fact"])

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


def _words(text: str) -> list[str]:
    return text.split()


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


_TIME_RE = re.compile(r"\d:\d\d")  # "Study group at 18:30" is an appointment, not a term
_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9._\-/]*")
# Words that make a Chinese candidate a clause ("但是不能相互替换", "客户端通过Service的IP").
_CLAUSE_ZH_RE = re.compile(
    r"^(?:但是|但|而且|并且|所以|因此|因为|如果|虽然|然后|于是|就是|也是|还是|可以|不能|"
    r"不会|这|那|它|他|我|你|我们|当|把|被|让|对于|只有|只要|一般|通常|其中|比如)"
    r"|通过|可以|能够|不能|不会|就是|是一个|是一种|会被|的时候|分为|几类|几种|哪些|什么|怎么|"
    r"如何|为什么|吗$|呢$|会(?!话)")
_CLAUSE_EN_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|can|cannot|can't|will|won't|should|must|does|do|did|"
    r"don't|doesn't|has|have|had)\b", re.I)


@lru_cache(maxsize=16384)  # pure, and called on the same text several times per note
def is_term(term: str) -> bool:
    """A short noun-like phrase, not a sentence, clause, URL, number or remark (例如, Note)."""
    if not term or term[0] in _OPENERS or term[-1] in ",.，、-" or _TIME_RE.search(term):
        return False
    if len(term) > 40 and not (len(term) <= 80 and _IDENT_RE.fullmatch(term)):
        return False
    if _TERM_BAD_RE.search(term) or not _LETTER_RE.search(term) or "://" in term:
        return False
    folded = term.casefold()
    if folded in STOPWORDS or folded.rstrip(".") in STOPWORDS or term in ("Q", "A"):
        return False
    if (len(term) > 16 and cjk_count(term) > 16) or term.count(" ") > 5:
        return False
    if is_cjk_text(term) and _CLAUSE_ZH_RE.search(term):
        return False
    if " " in term and _CLAUSE_EN_RE.search(term):
        return False
    return not _BRACKET_RE.search(term) or _balanced(term)


_NOTE_WORDS_RE = re.compile(
    r"可以理解为|理解为|也就是|就是|即|比如|例如|如|第三方|可选|推荐|官方|必须|必需|重要|废弃|弃用|"
    r"默认|常用|了解|不推荐|非必须|插件|组件|版本|以上|以下|之前|之后|新增|已|的|是|用|可")
_ALIAS_PREFIX_RE = re.compile(r"^(?:也叫|也称|又称|又叫|简称|全称|aka|a\.k\.a\.|also)\s*[:：]?\s*",
                              re.I)
_NOTE_LATIN = frozenset(
    _words(
        "golang go java python rust c c++ yaml json toml optional deprecated beta alpha stable "
        "experimental recommended default required e.g eg i.e ie etc see note old new legacy "))


def _initials_of(text: str) -> str:
    words = re.findall(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])|\d+", text.replace("-", " "))
    return "".join(w[0] for w in words).casefold()


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def alias_kind(name: str, alias: str) -> str:
    """"alias" when the parenthesis names the same thing (an expansion, abbreviation,
    translation or short name), "note" when it explains (可以理解为…, 第三方, golang)."""
    alias = _ALIAS_PREFIX_RE.sub("", alias).strip()
    if not alias or len(alias) > 40 or re.search(r"[。；;！？!?]|，.*，|, .*, ", alias):
        return "note"
    if not _LETTER_RE.search(alias):
        return "note"  # (1), (v1.18)
    a_cjk, n_cjk = is_cjk_text(alias), is_cjk_text(name)
    if a_cjk:
        if n_cjk or len(alias) > 8 or " " in alias or _NOTE_WORDS_RE.search(alias):
            return "note"
        return "alias"  # Kube-proxy(kube代理)
    if alias.casefold() in _NOTE_LATIN or alias.count(" ") > 4 or _CLAUSE_EN_RE.search(alias):
        return "note"
    if n_cjk:
        return "alias"  # 节点亲和性(nodeAffinity)
    a, n = re.sub(r"[^a-z0-9]", "", alias.casefold()), re.sub(r"[^a-z0-9]", "", name.casefold())
    short, long = sorted((a, n), key=len)
    if short and short[0] == long[0] and _subsequence(short, long):
        # RC of ReplicationController, IPVS of IP Virtual Server, svc of Service
        return "alias"
    if any(c.isupper() for c in alias) and " " not in alias:
        return "alias"  # another proper name
    return "note"


_PAREN_RE = re.compile(r"^(?P<name>.*?[^\s(（])\s*[(（]\s*(?P<alias>[^()（）]{1,80}?)\s*[)）]$")


@lru_cache(maxsize=16384)  # pure, and called on the same text several times per note
def split_aliases(term: str) -> tuple[str, tuple[str, ...]]:
    """``ReplicationController(RC)`` → ("ReplicationController", ("RC",)); an explanatory
    parenthesis (``(可以理解为…)``, ``（第三方）``) is dropped from the term and kept nowhere."""
    m = _PAREN_RE.match(term) if term[-1:] in ")）" else None
    if not m:
        return term, ()
    name = m.group("name").strip()
    parts = [p.strip() for p in re.split(r"[,，/、|]", m.group("alias")) if p.strip()]
    if len(parts) > 1 and not all(alias_kind(name, p) == "alias" for p in parts):
        parts = [m.group("alias").strip()]
    aliases = tuple(_ALIAS_PREFIX_RE.sub("", p).strip() for p in parts
                    if alias_kind(name, p) == "alias")
    return name, aliases


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
_WORD = r"[A-Za-z0-9]*(?:[._+\-/][A-Za-z0-9]+)*"
_PHRASE_RE = re.compile(rf"[A-Za-z]{_WORD}(?: [A-Z]{_WORD})*")
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
        if counts[f] != 1 or f in _STOP_EN:
            return False
        return not any(f == a or f in a for a in avoid_f)

    if is_cjk_text(text):
        # "API Server是…": the whole multi-word name, never "API" alone
        folded = text.casefold()
        for tok in _PHRASE_RE.findall(mask_opaque(sentence)):
            f = tok.casefold()
            if len(tok) < 2 or f in _STOP_EN or folded.count(f) != 1:
                continue
            if not any(f == a or f in a for a in avoid_f) and is_whole_token(tok, text):
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
        if is_whole_token(tok, text):
            ranked.append((rank, tok))
    return min(ranked, key=lambda rt: rt[0])[1] if ranked else ""


# -- cleaning, siblings, plans ---------------------------------------------------------------

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


_SIBLING_SPLIT_RE = re.compile(r"\s*[,，、]\s*")


def sibling_terms(term: str) -> list[str]:
    """``nfs, glusterfs, cephfs`` → the three names; a single term → [term]."""
    if not any(c in term for c in ",，、"):
        return [term]
    parts = [p for p in _SIBLING_SPLIT_RE.split(term) if p]
    if len(parts) >= 2 and all(is_term(p) for p in parts):
        return parts
    return [term]


_NUMERONYM_RE = re.compile(r"([A-Za-z])(\d{1,2})([A-Za-z])")
_ABBR_NOTE_RE = re.compile(r"^(?P<exp>[A-Za-z][A-Za-z0-9 .\-]{1,60}?)\s*的?(?:缩写|简称|简写)$")


@lru_cache(maxsize=16384)
def abbreviation_of(term: str, definition: str, *, strict: bool) -> str | None:
    """The expansion when ``term: definition`` is an abbreviation (``CRI:container runtime
    interface``, ``SVC:Service的缩写``), else None."""
    if len(term) > 10 or not (ABBR_RE.fullmatch(term) or _NUMERONYM_RE.fullmatch(term)):
        return None
    d = plain(definition).strip()
    num = _NUMERONYM_RE.fullmatch(term)
    if num and d.isalpha() and d.isascii() and len(d) == int(num.group(2)) + 2 and \
            d[0].casefold() == term[0].casefold() and d[-1].casefold() == term[-1].casefold():
        return d  # K8s:Kubernetes, i18n
    m = _ABBR_NOTE_RE.match(d)
    if m and term.isupper():
        return d
    caps = "".join(c for c in d if c.isupper())
    if term.isupper() and len(term) >= 2 and d.isalpha() and d.isascii() and caps == term \
            and d[0].isupper() and " " not in d:
        return d  # SA: ServiceAccount
    return d if is_abbreviation(term, definition, strict=strict) else None


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
