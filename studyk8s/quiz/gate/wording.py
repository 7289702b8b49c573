"""What kind of text a string is: its script, a kind noun, a name worth typing, a remark,
a command or manifest line."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import cjk_ratio


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


_CODE = re.compile(
    r"^\s*(?:\$\s*|#\s*)?(?:kubectl|kubeadm|docker|podman|crictl|helm|yum|apt(?:-get)?|dnf|"
    r"systemctl|journalctl|curl|wget|sudo|cat\s*<<|echo|export|git|mkdir|chmod|vim?)\s"
    r"|^\s*(?:apiVersion|kind|metadata|spec|name|image|containers)\s*:"
    r"|\bapiVersion\s*:|\s--[a-z][a-z-]+[= ]|^\s*EOF\s*$", re.IGNORECASE)

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


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


_VALUE_CELLS = re.compile(
    r"(?:\s*;\s*(?:是|否|有|无|必需|必须|可选|非必需|默认|yes|no|y|n|true|false|required|"
    r"optional|default|[✓✔✗✘×√—–-]|\d+(?:\.\d+)?%?))+\s*$", re.IGNORECASE)


def without_value_cells(text: str) -> str:
    """A table row's description without its trailing yes/no or number cells: the reader
    joins a row's cells with "; ", and "为集群中的 Service 提供 DNS 解析; 是" shows a bare
    "是" that says nothing without its column's header."""
    out = _VALUE_CELLS.sub("", text or "")
    return out if out.strip() else text


_SHORT_FOR = re.compile(
    r"^\s*(?:short\s+for|abbreviation\s+(?:of|for)|stands\s+for|an?\s+abbreviation\s+of)\s+"
    r"|\s*(?:的)?(?:缩写|简称|简写)\s*[。.]?\s*$", re.IGNORECASE)


def expansion(definition: str) -> str:
    """What an abbreviation stands for, from its note's wording: "Service的缩写" → Service,
    "short for ServiceAccount" → ServiceAccount; the text itself otherwise."""
    out = _SHORT_FOR.sub("", definition or "").strip()
    return out or (definition or "").strip()


# Kind nouns of list labels and what they are called in names: a "控制器类型" list makes
# "Ingress Controller" a doubtful wrong choice, a "Plugins" list "Network Plugin" one.
_KIND_NAMES = {"控制器": ("controller",), "插件": ("plugin", "addon"), "组件": ("component",),
               "服务": ("service",), "卷": ("volume",), "调度器": ("scheduler",),
               "代理": ("proxy",), "策略": ("policy",)}
_LABEL_STOP = frozenset(("the", "and", "for", "with", "types", "type", "kinds", "kind", "main",
                         "list", "of"))


@lru_cache(maxsize=4096)
def label_names(label: str) -> tuple[str, ...]:
    """The names a list label uses (its Latin words, and the Latin names of its Chinese kind
    nouns): a thing called so is not a fair wrong answer to "which of these are <label>?" —
    IPVS is not one of "IPVS的调度算法", nor ControllerManager a wrong "控制器类型"."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", label)
             if w.lower() not in _LABEL_STOP]
    for zh, names in _KIND_NAMES.items():
        if zh in label:
            words += names
    words += [w[:-1] for w in list(words) if w.lower().endswith("s") and len(w) > 4]
    return tuple(dict.fromkeys(w.lower() for w in words))


# Kinds that contain other kinds: an add-on (插件) is a component (组件) too, so a plugin is no
# fair wrong answer to "which of these are components?".
_WIDER = {"组件": ("插件", "附加组件", "addon", "add-on", "plugin"),
          "component": ("插件", "附加组件", "addon", "add-on", "plugin")}


@lru_cache(maxsize=4096)
def kind_within(narrow: str, wide: str) -> bool:
    """Whether a list labelled ``narrow`` ("插件", "Add-ons") holds things of the kind
    ``wide`` names as a whole ("组件", "Components" — not "主要组件", "核心组件")."""
    w = wide.strip().rstrip(":：").strip().lower()
    w = w[:-1] if w.endswith("s") else w
    return w in _WIDER and any(k in narrow.lower() for k in _WIDER[w])
