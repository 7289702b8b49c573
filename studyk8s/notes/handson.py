"""Hands-on facts: the commands and manifests a note's code blocks hold, each with its task.

The reader keeps code blocks (``ParsedNote.code``: fenced, indented, or command lines found in
prose); this module reads them again, with the note's lines for what comes before a block:

* a **command** fact is one ``kubectl``/``kubeadm``/``helm``/``etcdctl``/``crictl``/``docker``
  line (``k`` for kubectl; ``$ ``, ``[root@m ~]# ``… prompts stripped; ``\\`` continuations
  joined) of a shell block (``sh``, ``bash``, ``shell``, ``console`` or no language);
* a **manifest** fact is a YAML block whose every document has ``apiVersion`` and ``kind``.

A fact's ``term`` is its task: the comment right above the command (``# 查看 pod 详细信息``) or
at its end, else the last sentence of the paragraph before the block, else the heading it sits
under. ``definition`` is the command line or the manifest text; ``source`` its ``path:line``.
Pure: no Flask, no database; the quiz package checks what a learner types against them.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from .frontmatter import StrictLoader, decode
from .model import Fact, ParsedNote, Problem

COMMAND = "command"
MANIFEST = "manifest"
HANDSON_KINDS = (COMMAND, MANIFEST)

SHELL_LANGS = frozenset({"", "sh", "bash", "shell", "console", "text", "zsh", "shell-session",
                         "shellsession", "terminal", "cmd", "plain", "plaintext", "none"})
YAML_LANGS = frozenset({"yaml", "yml", "", "text", "plain", "plaintext", "none"})
TOOLS = ("kubectl", "kubeadm", "helm", "etcdctl", "crictl", "docker")
MAX_TASK = 160
MAX_MANIFEST = 20_000  # characters: a longer block is not one task a learner types

# [root@master ~]#   root@node1:~#   controlplane $   master:~$   $   >   PS>
_PROMPT = re.compile(r"^(?:\[[^\]\n]{1,60}\]\s?[#$]|[\w.-]+@[\w.-]+(?::[^\s#$]*)?\s?[#$]"
                     r"|[\w.-]+(?::~?[\w/.-]*)?\s?\$|\$|%|>|PS>)\s+")
_TOOL = re.compile(r"^(?:sudo\s+(?:-E\s+)?)?(?:[A-Z][A-Z0-9_]*=\S*\s+)*"
                   r"(?:/usr/(?:local/)?bin/)?(?:kubectl|kubeadm|helm|etcdctl|crictl|docker|k)"
                   r"(?:\s|$)")
_TRAILING_COMMENT = re.compile(r"\s+#\s*(\S.*)$")
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,}|\{\{[<%]\s*/?\s*highlight)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*+]|\d+[.)、])\s+|^\s*>\s?")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s")
_PLACEHOLDER = re.compile(r"<[^<>\n]+>|\.\.\.|…")


def attach(note: ParsedNote, data: bytes | str) -> ParsedNote:
    """``note`` with its hands-on facts (and warnings about YAML blocks that look like a
    manifest but cannot be read). ``data`` is the note's bytes, as given to ``parse_note``."""
    text = data if isinstance(data, str) else decode(bytes(data), note.path)
    facts, problems = extract(note, text)
    if not facts and not problems:
        return note
    warnings = tuple(sorted((*note.warnings, *problems), key=lambda w: w.line))
    return replace(note, handson=tuple(facts), warnings=warnings)


def extract(note: ParsedNote, text: str) -> tuple[list[Fact], list[Problem]]:
    """The hands-on facts of ``note`` (whose source is ``text``), in note order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    spans = [_span(lines, c) for c in note.code]
    context = _Context(lines, spans)
    facts: list[Fact] = []
    problems: list[Problem] = []
    for block, (start, end) in zip(note.code, spans, strict=True):
        lang = block.lang.lower().strip()
        before = context.before(start)
        section = context.section(start)
        found = []
        if lang in YAML_LANGS or lang == "yaml":
            manifest, problem, at = _manifest(block.text)
            if problem:
                problems.append(Problem(note.path, _first_line(lines, start, end) + at, problem))
            if manifest:
                first = next((i for i, ln in enumerate(block.text.split("\n"))
                              if ln.strip() and not ln.lstrip().startswith("#")), 0)
                task = _comment_task(block.text) or before
                line = _first_line(lines, start, end) + first
                found.append(Fact(MANIFEST, task, f"{note.path}:{line}", definition=manifest,
                                  section=section))
        if not found and lang in SHELL_LANGS:
            base = _first_line(lines, start, end)
            for offset, command, comment in _commands(block.text, console=lang == "console"):
                found.append(Fact(COMMAND, comment or before, f"{note.path}:{base + offset}",
                                  definition=command, section=section))
            found = _with_runs(found)
        facts.extend(found)
    return _number(facts), problems


def _with_runs(commands: list[Fact]) -> list[Fact]:
    """Commands of one block sharing a task keep the whole run in ``items``, so a question
    can show the others around the one it blanks (one task, several steps)."""
    out: list[Fact] = []
    i = 0
    while i < len(commands):
        j = i
        while j + 1 < len(commands) and commands[j + 1].term == commands[i].term:
            j += 1
        run = tuple(c.definition for c in commands[i: j + 1])
        out.extend(c if len(run) == 1 else replace(c, items=run) for c in commands[i: j + 1])
        i = j + 1
    return out


def _span(lines: list[str], block) -> tuple[int, int]:
    """(first, last) 1-based lines a block takes in the note, its fences included."""
    start = int(block.source.rsplit(":", 1)[1])
    n = block.text.count("\n") + 1
    fenced = 0 < start <= len(lines) and bool(_FENCE.match(lines[start - 1]))
    return start, start + n + 1 if fenced else start + n - 1


def _first_line(lines: list[str], start: int, end: int) -> int:
    """The line of a block's first text line (after an opening fence)."""
    fenced = 0 < start <= len(lines) and bool(_FENCE.match(lines[start - 1]))
    return start + 1 if fenced else start


class _Context:
    """What surrounds a block: the sentence before it and the headings above it."""

    def __init__(self, lines: list[str], spans: list[tuple[int, int]]):
        self.lines = lines
        self.code = set()
        for a, b in spans:
            self.code.update(range(a, b + 1))
        self.headings: list[tuple[int, int, str]] = []  # (line, level, text)
        fence = False
        for i, ln in enumerate(lines, 1):
            if _FENCE.match(ln) and i not in self.code:
                fence = not fence
            if fence or i in self.code:
                continue
            m = _HEADING.match(ln)
            if m:
                self.headings.append((i, len(m.group(1)), _clean(m.group(2))))

    def section(self, line: int) -> tuple[str, ...]:
        path: list[tuple[int, str]] = []
        for at, level, text in self.headings:
            if at >= line:
                break
            path = [p for p in path if p[0] < level] + [(level, text)]
        return tuple(text for _, text in path if text)

    def before(self, line: int) -> str:
        """The last sentence of the paragraph right above ``line`` (a heading counts), or the
        heading the block sits under; "" when another block comes first and no heading."""
        i = line - 1
        while i >= 1 and not self.lines[i - 1].strip():
            i -= 1
        if i >= 1 and i not in self.code and not self.lines[i - 1].lstrip().startswith(
                ("<!--", "{{", "|", "---")):
            para = []
            while i >= 1 and self.lines[i - 1].strip() and i not in self.code:
                m = _HEADING.match(self.lines[i - 1])
                if m:
                    if not para:
                        para.append(m.group(2))
                    break
                if _LIST_ITEM.match(self.lines[i - 1]) or self.lines[i - 1].startswith(" "):
                    para = []  # a list says many things: the heading says what the block does
                    break
                para.insert(0, self.lines[i - 1].strip())
                i -= 1
            task = _last_sentence(" ".join(para))
            if task:
                return task
        section = self.section(line)
        return section[-1] if section else ""


def _clean(text: str) -> str:
    text = re.sub(r"<[^<>\n]*>", " ", text)  # HTML tags (<details><summary>…)
    text = _MARKUP.sub("", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links as their text
    text = re.sub(r"\{#[^}]*\}\s*$", "", text)  # heading anchors
    return " ".join(text.split())


def _last_sentence(text: str) -> str:
    text = _clean(text).rstrip(":：").strip()
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    task = parts[-1] if parts else ""
    if len(parts) > 1 and len(task) < 8:  # "如下。" or "e.g.": the sentence before it
        task = parts[-2] + " " + task
    task = task.rstrip(":：,，。.").strip()
    return task if len(task) <= MAX_TASK else task[: MAX_TASK - 1].rstrip() + "…"


def _comment_task(text: str) -> str:
    """A comment on the first lines of a block (``# 创建一个 nginx 的 Deployment``)."""
    for ln in text.split("\n"):
        s = ln.strip()
        if not s or s == "---":
            continue
        if s.startswith("#") and not s.startswith("#!"):
            return _comment(s)
        return ""
    return ""


def _comment(line: str) -> str:
    task = _clean(line.lstrip("#").strip())
    return task if len(task) <= MAX_TASK else task[: MAX_TASK - 1].rstrip() + "…"


def _strip_prompt(line: str, console: bool) -> tuple[str, bool]:
    """(the line without its shell prompt, whether it had one)."""
    m = _PROMPT.match(line)
    if m:
        return line[m.end():], True
    if console and line.startswith("# "):
        return line[2:], True
    return line, False


def _commands(text: str, console: bool) -> list[tuple[int, str, str]]:
    """(line offset, command, task from a comment) for each tool command in a shell block."""
    out = []
    comment = ""
    raw = text.split("\n")
    i = 0
    while i < len(raw):
        offset = i
        line = raw[i].strip()
        i += 1
        if not line:
            comment = ""  # a comment tells about the commands right under it
            continue
        cmd, prompted = _strip_prompt(line, console)
        if not prompted and line.startswith("#"):
            stripped = line.lstrip("#").strip()
            if _TOOL.match(stripped):  # a commented-out command is no task
                continue
            comment = _comment(line)
            continue
        while cmd.endswith("\\") and i < len(raw):  # continuation lines
            cmd = cmd[:-1].rstrip() + " " + raw[i].strip()
            i += 1
        cmd = cmd.strip()
        if not _TOOL.match(cmd) or _PLACEHOLDER.search(cmd) or len(cmd) > 500:
            continue
        task = comment
        m = _TRAILING_COMMENT.search(cmd)
        if m and _outside_quotes(cmd, m.start()):
            task = _comment(m.group(1)) or task
            cmd = cmd[: m.start()].rstrip()
        out.append((offset, cmd, task))
    return out


def _outside_quotes(text: str, pos: int) -> bool:
    head = text[:pos]
    return head.count("'") % 2 == 0 and head.count('"') % 2 == 0


def _manifest(text: str) -> tuple[str, str, int]:
    """(the manifest text, "", 0) when every document has apiVersion and kind; ("", why, line
    offset) when it looks like one but cannot be read; ("", "", 0) when it is other YAML."""
    if "apiVersion" not in text or "kind" not in text or len(text) > MAX_MANIFEST:
        return "", "", 0
    try:
        docs = [d for d in yaml.load_all(text, Loader=StrictLoader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        why = getattr(exc, "problem", None) or "not valid YAML"
        at = min(mark.line, text.count("\n")) if mark is not None else 0
        return "", f"YAML block with apiVersion and kind is not a manifest: {why}", at
    if docs and all(isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
                    for d in docs):
        if _PLACEHOLDER.search(text.replace("---", "")):
            return "", "", 0  # `name: <your-name>`, `...`: a template, not one to type
        return text.strip("\n"), "", 0
    return "", "", 0


def _number(facts: list[Fact]) -> list[Fact]:
    """``occurrence`` for facts sharing kind and task, so their keys stay unique."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for f in facts:
        ident = (f.kind, f.term)
        seen[ident] = seen.get(ident, 0) + 1
        out.append(f if seen[ident] == 1 else replace(f, occurrence=seen[ident]))
    return out
