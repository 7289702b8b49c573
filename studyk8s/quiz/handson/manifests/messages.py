"""How the manifest checker speaks to the learner, in English or Chinese: the words of every
message (MESSAGES), a field's path as the learner reads it (``spec.containers[0].image``), a
JSON type named in words, and a value shortened to fit a line. Shared by loading, validation
and comparison so the three say things the same way."""

from __future__ import annotations

import json
import re

MESSAGES = {
    "en": {
        "too_big": "the manifest is larger than {n} KiB",
        "too_many": "more than {n} YAML documents",
        "too_deep": "nested more than {n} levels deep",
        "alias": "YAML anchors and aliases (& and *) are not accepted in a manifest",
        "duplicate": "the key {key} appears twice",
        "yaml": "not valid YAML: {problem}",
        "not_mapping": "a manifest document must be a mapping (key: value), not {what}",
        "empty": "no manifest given",
        "version": "Kubernetes {version} is not available (available: {available})",
        "no_api_version": "apiVersion is missing",
        "no_kind": "kind is missing",
        "unknown_kind": "Kubernetes {version} has no kind {kind}",
        "wrong_api_version": "kind {kind} has no apiVersion {api_version} in Kubernetes "
                             "{version}; use {expected}",
        "unknown_field": "unknown field {field}",
        "did_you_mean": " (did you mean {suggestion}?)",
        "wrong_type": "expected {expected}, got {given} {value}",
        "required": "required field {field} is missing",
        "enum": "{value} is not allowed; one of: {allowed}",
        "invalid": "{detail}",
        # comparison
        "equivalent": "equivalent",
        "changed": "{path} is {given}, expected {expected}",
        "missing": "{path} is missing (expected {expected})",
        "extra": "{path} is not asked for ({given})",
        "doc_missing": "a {kind} named {name} is missing",
        "doc_extra": "the {kind} named {name} is not asked for",
        "types": {"integer": "an integer", "number": "a number", "string": "a string",
                  "boolean": "true or false", "object": "a mapping", "array": "a list",
                  "null": "nothing"},
    },
    "zh": {
        "too_big": "清单超过 {n} KiB",
        "too_many": "YAML 文档多于 {n} 个",
        "too_deep": "嵌套超过 {n} 层",
        "alias": "清单中不接受 YAML 锚点和别名（& 和 *）",
        "duplicate": "键 {key} 出现了两次",
        "yaml": "不是合法的 YAML：{problem}",
        "not_mapping": "清单文档必须是映射（key: value），而不是{what}",
        "empty": "没有输入清单",
        "version": "没有 Kubernetes {version} 的模式（可用：{available}）",
        "no_api_version": "缺少 apiVersion",
        "no_kind": "缺少 kind",
        "unknown_kind": "Kubernetes {version} 没有 {kind} 这种 kind",
        "wrong_api_version": "Kubernetes {version} 中 {kind} 没有 apiVersion {api_version}，"
                             "应使用 {expected}",
        "unknown_field": "未知字段 {field}",
        "did_you_mean": "（是不是 {suggestion}？）",
        "wrong_type": "应为{expected}，实际是{given} {value}",
        "required": "缺少必填字段 {field}",
        "enum": "不允许 {value}；可选：{allowed}",
        "invalid": "{detail}",
        "equivalent": "等价",
        "changed": "{path} 是 {given}，应为 {expected}",
        "missing": "缺少 {path}（应为 {expected}）",
        "extra": "多了 {path}（{given}），题目没有要求",
        "doc_missing": "缺少名为 {name} 的 {kind}",
        "doc_extra": "多了名为 {name} 的 {kind}，题目没有要求",
        "types": {"integer": "整数", "number": "数字", "string": "字符串",
                  "boolean": "true 或 false", "object": "映射", "array": "列表",
                  "null": "空值"},
    },
}


def lang_of(lang: str) -> str:
    return lang if lang in MESSAGES else "en"


def type_word(t: str, lang: str) -> str:
    return MESSAGES[lang_of(lang)]["types"].get(t, t)


def type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


Path_ = tuple  # of str keys and int indexes


def path_text(path: Path_) -> str:
    """``("spec", "containers", 0, "image")`` → ``spec.containers[0].image``."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            p = str(p)
            needs_quote = not re.fullmatch(r"[A-Za-z0-9_-]+", p)
            out += (f"[{json.dumps(p)}]" if needs_quote else ("." if out else "") + p)
    return out


def or_words(types: list[str], lang: str) -> str:
    words = [type_word(t, lang) for t in types if t != "null"]
    return (" 或 " if lang_of(lang) == "zh" else " or ").join(words)


def short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"
