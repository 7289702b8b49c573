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
