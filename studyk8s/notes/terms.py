"""What counts as a term (a short name, not a sentence, clause or remark), which
parentheses after it are aliases and which are explanations, sibling names sharing one
definition, and abbreviations with their expansion."""

from __future__ import annotations

import re
from functools import lru_cache

from .inline import cjk_count, is_cjk_text, plain

# Words that look like a term before a colon but introduce a remark, not a definition.
_STOPWORDS_TEXT = """
例如 比如 例 注 注意 备注 提示 说明 总结 参考 来源 链接 地址 原因 结论 问题 答案 举例 补充
ps p.s note notes nb n.b tip tips remember reminder 记住 提醒 记得 待办 fixme eg e.g e.g. ie
i.e i.e. example examples warning caution careful 问 答 updated 更新 更新于 最后更新 docs
文档 视频 参考链接 相关链接 延伸阅读 重要提示 温馨提示 小贴士 翻译 译者 原文 原文地址
原文链接 作者 出处 转载 版权声明 又叫 也叫 又称 也称 important hint
todo see also source ref link url http https ftp answer question result output input error usage
"""
STOPWORDS = frozenset([*_STOPWORDS_TEXT.split(), "rule of thumb", "exam tip", "last edited",
                       "see also", "pro tip", "side note", "fun fact"])

_TERM_BAD_RE = re.compile(r"[。，；！？、=<>{}$|\"“”「」《》;!?\x00]|, |\. ")
_OPENERS = "([{（【「《\"'“‘<>#|-+*"
_LETTER_RE = re.compile(r"[^\W\d_]")
ABBR_RE = re.compile(r"[A-Z][A-Za-z0-9]{1,9}")  # CRI, RC, K8S: fullmatch
_EXPANSION_RE = re.compile(r"[A-Za-z][A-Za-z\- ]*[A-Za-z]")
_BRACKET_RE = re.compile(r"[()（）\[\]【】]")


def _words(text: str) -> list[str]:
    return text.split()


def _balanced(text: str) -> bool:
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        depth += 1 if m.group(0) in "(（[【" else -1
        if depth < 0:
            return False
    return depth == 0


_PROTOCOLS = frozenset({"HTTP", "HTTPS", "FTP"})  # names, though "http:" opens a URL
_TIME_RE = re.compile(r"\d:\d\d")  # "Study group at 18:30" is an appointment, not a term
_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9._\-/]*")
# Words that make a Chinese candidate a clause ("但是不能相互替换", "客户端通过Service的IP").
_CLAUSE_ZH_RE = re.compile(
    r"^(?:但是|但|而且|并且|所以|因此|因为|如果|虽然|然后|于是|就是|也是|还是|可以|不能|"
    r"不会|这|那|它|他|我|你|我们|当|把|被|让|对于|只有|只要|一般|通常|其中|比如|目前)"
    r"|通过|可以|能够|不能|不会|就是|是一个|是一种|会被|的时候|分为|几类|几种|哪些|什么|怎么|"
    r"如何|为什么|吗$|呢$|会(?!话)|都有|都是|又叫|也叫|又称|也称|目前")
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
    if (folded in STOPWORDS or folded.rstrip(".") in STOPWORDS or term in ("Q", "A")) \
            and term not in _PROTOCOLS:
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
    r"默认|常用|了解|不推荐|非必须|插件|组件|版本|以上|以下|之前|之后|新增|已|的|是|用(?!户)|可")
_ALIAS_PREFIX_RE = re.compile(r"^(?:也叫|也称|又称|又叫|简称|全称|aka|a\.k\.a\.|also)\s*[:：]?\s*",
                              re.I)
_NOTE_LATIN = frozenset(
    _words(
        "golang go java python rust c c++ yaml json toml optional deprecated beta alpha stable "
        "experimental recommended default required e.g eg i.e ie etc see note old new legacy "))


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


STOP_EN = frozenset(
    {"a", "an", "and", "of", "for", "the", "to", "in", "on", "with", "by", "or", "at", "as"}
)


def _initials(words: list[str], skip_small: bool) -> str:
    out = []
    for w in words:
        if skip_small and w.casefold() in STOP_EN:
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
