"""What the learner is told about a command, in English or Chinese: the words (MESSAGES, LABELS),
a command that cannot be read (CommandError) and the verdict of a comparison with each facet
that differs (Verdict, Difference). Kept apart from the reading so the wording can change, or a
language be added, without touching how commands are read."""

from __future__ import annotations

from dataclasses import dataclass

MESSAGES = {
    "en": {
        "equivalent": "equivalent",
        "same_except": "same command, except: {items}",
        "different": "a different command: {given}, expected {expected}",
        "changed": "{label} is {given}, expected {expected}",
        "missing": "{what} is missing",
        "extra": "{what} is not asked for",
        "set": "{label}: {parts}",
        "set_missing": "missing {items}",
        "set_extra": "{items} not asked for",
        "hint_dry_run": " (without it kubectl creates the object instead of printing it)",
        "none": "(none)",
        "empty": "no command given",
        "too_long": "the command is longer than {n} characters",
        "quotes": "unbalanced quotes: {error}",
        "unknown_tool": "{tool} is not a command this checker knows "
                        "(kubectl, kubeadm, helm, etcdctl, crictl, docker)",
        "unknown_command": "{tool} has no command {command}",
        "no_command": "{tool} needs a command (e.g. {example})",
        "unknown_flag": "{tool} {command} has no flag {flag}",
        "needs_value": "{flag} needs a value",
        "bad_int": "{flag} needs a number, got {value}",
        "bad_bool": "{flag} is true or false, got {value}",
        # notes: accepted, but worth knowing
        "note_dry_run_bare": "--dry-run without a value is deprecated; write --dry-run=client",
        "note_default": "{flag} is the default here and can be left out",
    },
    "zh": {
        "equivalent": "等价",
        "same_except": "命令相同，只是：{items}",
        "different": "命令不同：你写的是 {given}，应为 {expected}",
        "changed": "{label}是 {given}，应为 {expected}",
        "missing": "缺少 {what}",
        "extra": "多了 {what}（题目没有要求）",
        "set": "{label}：{parts}",
        "set_missing": "缺少 {items}",
        "set_extra": "多了 {items}",
        "hint_dry_run": "（没有它 kubectl 会真的创建对象，而不是打印出来）",
        "none": "（无）",
        "empty": "没有输入命令",
        "too_long": "命令超过 {n} 个字符",
        "quotes": "引号不配对：{error}",
        "unknown_tool": "不认识的命令 {tool}"
                        "（支持 kubectl、kubeadm、helm、etcdctl、crictl、docker）",
        "unknown_command": "{tool} 没有 {command} 这个命令",
        "no_command": "{tool} 后面需要一个命令（例如 {example}）",
        "unknown_flag": "{tool} {command} 没有 {flag} 这个参数",
        "needs_value": "{flag} 需要一个值",
        "bad_int": "{flag} 需要一个数字，你写的是 {value}",
        "bad_bool": "{flag} 只能是 true 或 false，你写的是 {value}",
        "note_dry_run_bare": "不带值的 --dry-run 已弃用，请写 --dry-run=client",
        "note_default": "{flag} 在这里是默认值，可以省略",
    },
}

# What a difference is about, in words a learner knows (flags not listed show as `--flag`).
LABELS = {
    "en": {"target": "the object",
           "namespace": "namespace", "image": "image", "replicas": "replicas", "port": "port",
           "output": "output format", "dry-run": "--dry-run", "name": "name",
           "container": "container", "exec": "the command to run", "args": "arguments",
           "shell": "the shell part", "env": "environment variable", "field": "field"},
    "zh": {"target": "操作对象", "namespace": "命名空间",
           "image": "镜像", "replicas": "副本数", "port": "端口", "output": "输出格式",
           "dry-run": "--dry-run", "name": "名称", "container": "容器", "exec": "要执行的命令",
           "args": "参数", "shell": "管道/重定向部分", "env": "环境变量", "field": "字段"},
}


# Facets that are not flags (a flag's facet is its long name).
FACETS = {"target", "name", "verb", "exec", "args", "shell", "env", "ports"}


def _lang(lang: str) -> str:
    return lang if lang in MESSAGES else "en"


class CommandError(ValueError):
    """A command that cannot be read; ``message(lang)`` says why in the learner's language."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "en") -> str:
        return MESSAGES[_lang(lang)][self.code].format(**self.params)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Difference:
    """One facet that differs: ``kind`` is changed, missing, extra, or set (``missing``/``extra``
    hold the items of a set-valued facet)."""

    facet: str
    kind: str
    expected: str = ""
    given: str = ""
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return LABELS[_lang(lang)].get(self.facet, f"--{self.facet}"
                                       if not self.facet.startswith("-") else self.facet)

    def message(self, lang: str = "en") -> str:
        m = MESSAGES[_lang(lang)]
        label = self.label(lang)
        sep = "、" if _lang(lang) == "zh" else ", "
        if self.kind == "set":
            parts = []
            if self.missing:
                parts.append(m["set_missing"].format(items=sep.join(self.missing)))
            if self.extra:
                parts.append(m["set_extra"].format(items=sep.join(self.extra)))
            return m["set"].format(label=label, parts=("，" if _lang(lang) == "zh" else ", ")
                                   .join(parts))
        if self.kind in ("missing", "extra"):
            value = self.expected if self.kind == "missing" else self.given
            if self.facet in FACETS:
                what = f"{label} {value}".strip()
            else:  # a flag: show it as typed
                what = f"--{self.facet}" + (f"={value}" if value else "")
            hint = m["hint_dry_run"] if self.facet == "dry-run" and self.kind == "missing" else ""
            return m[self.kind].format(what=what) + hint
        return m[self.kind].format(label=label, expected=self.expected or m["none"],
                                   given=self.given or m["none"])


@dataclass(frozen=True)
class Verdict:
    equivalent: bool
    differences: tuple[Difference, ...] = ()
    notes: tuple[tuple[str, dict], ...] = ()
    # Set when the commands are not even the same verb: (given, expected) command names.
    other_command: tuple[str, str] | None = None
    error: CommandError | None = None

    def message(self, lang: str = "en") -> str:
        m = MESSAGES[_lang(lang)]
        if self.error is not None:
            return self.error.message(lang)
        if self.equivalent:
            return m["equivalent"]
        if self.other_command:
            given, expected = self.other_command
            return m["different"].format(given=given, expected=expected)
        sep = "；" if _lang(lang) == "zh" else "; "
        return m["same_except"].format(items=sep.join(d.message(lang) for d in self.differences))

    def note_messages(self, lang: str = "en") -> list[str]:
        return [MESSAGES[_lang(lang)][code].format(**params) for code, params in self.notes]
