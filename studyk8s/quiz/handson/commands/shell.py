"""Reading the text a learner typed into shell words, as bash would before the tool sees them:
typography from input methods and blogs undone, a prompt and line continuations removed,
quoting, comments, brace expansion, and the pipeline segment that runs a known tool picked out
(the rest kept as the shell part). Nothing here knows what the words mean to the tool."""

from __future__ import annotations

import re
import shlex
import unicodedata

from .feedback import CommandError
from .tools import TOOL_ALIASES, TOOLS

MAX_COMMAND_CHARS = 4000

_PROMPT = re.compile(r"^\s*(?:[\w.@-]*(?::[~\w/.-]*)?\s*[$#%>]\s+|\$)")
ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_OPS = {"|", "||", "&&", ";", ">", ">>", "<", "&", "2>", "2>&1", "|&"}


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _typography(text: str) -> str:
    """What a Chinese input method or a blog's typesetting did to a command: full-width
    letters, spaces and punctuation (NFKC), curly quotes, and `--` turned into a dash (— or –)
    at the start of a word."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"(^|\s)[\u2013\u2014](?=\w)", r"\1--", text)


def split(text: str) -> tuple[list[str], str]:
    """Shell words of the first simple command, and the shell part after it (pipes, redirects)
    kept as text. A prompt (``$ ``, ``root@cp:~# ``) and line continuations are removed."""
    if not text or not text.strip():
        raise CommandError("empty")
    if len(text) > MAX_COMMAND_CHARS:
        raise CommandError("too_long", n=MAX_COMMAND_CHARS)
    text = _typography(text)
    text = re.sub(r"\\\r?\n", " ", text.strip())
    if "\n" in text:  # a block: the first non-comment line is the command
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        text = lines[0] if lines else ""
    m = _PROMPT.match(text)
    if m and not text.lstrip().startswith(("kubectl", "k ")):
        text = text[m.end():]
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise CommandError("quotes", error=str(exc)) from None
    # A trailing comment ends the line; `#` words are comments only outside quotes, which
    # shlex no longer shows, so only a word that starts with `#` after a space counts.
    for i, tok in enumerate(tokens):
        if tok.startswith("#") and (i == 0 or re.search(r"\s#", text)):
            tokens = tokens[:i]
            break
    # Pipelines and lists: the command is the first segment run by a tool this checker
    # knows (`cat pod.json | kubectl replace -f -`); the rest is kept as the shell part.
    segments: list[list[str]] = [[]]
    ops: list[str] = []
    for tok in tokens:
        if tok in _SHELL_OPS or (tok and set(tok) <= set("|&;<>")):
            segments.append([])
            ops.append(tok)
        else:
            segments[-1].append(tok)
    chosen = next((k for k, seg in enumerate(segments) if _tool_word(seg)), 0)
    words = [x for w in segments[chosen] for x in _braces(w)]
    if not words:
        raise CommandError("empty")
    shell: list[str] = []
    for k, seg in enumerate(segments):
        if k:
            shell.append(ops[k - 1])
        shell.extend(["{}"] if k == chosen else seg)
    tail = " ".join(shell)
    return words, "" if tail == "{}" else tail.removeprefix("{} ")


_BRACE = re.compile(r"^(.*?)\{([^{}]*)\}(.*)$")


def _braces(word: str) -> list[str]:
    """bash's brace expansion, which runs before kubectl sees its arguments:
    ``nginx{1..3}`` → nginx1 nginx2 nginx3, ``{a,b}.yaml`` → a.yaml b.yaml. Only on words that
    cannot be a JSON or jsonpath value (no quotes, `$`, `:` or `=` in them)."""
    m = _BRACE.match(word)
    if not m or any(c in word for c in "\"'$:=") or word.startswith("-"):
        return [word]
    head, body, rest = m.groups()
    r = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", body)
    if r:
        a, b = int(r.group(1)), int(r.group(2))
        if abs(b - a) > 100:
            return [word]
        items = [str(i) for i in (range(a, b + 1) if a <= b else range(a, b - 1, -1))]
    elif "," in body:
        items = body.split(",")
    else:
        return [word]
    return [x for item in items for x in _braces(head + item + rest)]


def _tool_word(words: list[str]) -> bool:
    """Does this simple command run one of the tools (after sudo and VAR=value words)?"""
    for w in words:
        if w in ("sudo", "time", "command", "env", "-E") or ENV_WORD.match(w):
            continue
        name = w.rsplit("/", 1)[-1]
        return TOOL_ALIASES.get(name, name) in ("kubectl", *TOOLS)
    return False
