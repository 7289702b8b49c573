"""Moodle GIFT: parse and format, following Moodle's own importer (qformat_gift).

What is understood::

    // a comment line                       (ignored; "// id: x" and "// points: 2" just
    // id: cri                               before a question keep its id and mark)
    $CATEGORY: $course$/top/Set title/Topic (sets the topic of the questions that follow)

    ::Title::[markdown]Question text {       (title and format marker are optional)
        =right answer#feedback               single choice: one "=" answer
        ~wrong answer#feedback
        ~%50%half right#feedback             partial credit in percent (negative: penalty)
        ####general feedback
    }
    Several right? {~%50%a ~%50%b ~%-100%c}   multiple choice: no "=", weights add to 100
    Grant is buried in Grant's tomb.{FALSE#feedback if wrong#feedback if right}
    Who? {=no one =nobody =%50%Grant}         short answer (typed)
    Match. {=Canada -> Ottawa =Italy -> Rome = -> Paris}   matching (= -> x: extra answer)
    Grant is {~buried =entombed} in the tomb.                missing word: text after }

Questions are separated by blank lines. ``~ = # { } :`` are escaped with a backslash,
``\\n`` is a newline and ``\\\\`` a backslash. Numerical, essay and description items have
no counterpart here and are refused with their line number. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ..notes.model import Problem
from .model import EPS, MAX_QUESTIONS, TYPED_KINDS, Choice, Item, Pair, check_item, clean_text

MAX_FILE_BYTES = 1_048_576
_ESCAPABLE = "\\~=#{}:n"
_PH = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_UNPH = {v: ("\n" if k == "n" else k) for k, v in _PH.items()}
_PH_RANGE = re.compile("[\ue000-\ue00f]")
_WEIGHT = re.compile(r"^\s*%(-?\d{1,3}(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_META = re.compile(r"^//\s*(id|points):\s*(\S+)\s*$")
TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class GiftError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class GiftResult:
    items: list[Item] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    title: str = ""  # the first category's set name, if any


# --- escaping -----------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text as GIFT writes it (Moodle's repchar): specials escaped, newlines as \\n."""
    out = text.replace("\\", "\\\\")
    for c in "~=#{}:":
        out = out.replace(c, "\\" + c)
    return out.replace("\r", "").replace("\n", "\\n")


def _protect(text: str) -> str:
    """Escaped characters → placeholders, so the parser never mistakes them for syntax."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in _PH:
            out.append(_PH[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _plain(text: str, formats: bool = True) -> str:
    """Placeholders back to characters; an optional format marker ([html], [markdown]…)
    dropped where Moodle reads one; trimmed."""
    text = text.strip()
    if formats and (m := _FORMAT.match(text)):
        text = text[m.end():]
    return "".join(_UNPH.get(c, c) for c in text).strip()


# --- parsing --------------------------------------------------------------------------------


def _blocks(text: str) -> Iterable[tuple[int, list[str], dict[str, str]]]:
    """(first line, lines, metadata from "// id:" comments) of each question: lines between
    blank lines, with comment lines blanked (they keep their place for line numbers)."""
    lines = text.split("\n")
    start, cur, meta, pending = 0, [], {}, {}
    for n, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            if any(x.strip() for x in cur):
                yield start, cur, meta
            cur, meta = [], {}
            continue
        if s.startswith("//"):
            if m := _META.match(s):
                (meta if any(x.strip() for x in cur) else pending)[m.group(1)] = m.group(2)
            if cur:
                cur.append("")
            continue
        if not any(x.strip() for x in cur):
            start, cur, meta, pending = n, [], {**pending}, {}
        cur.append(raw)
    if any(x.strip() for x in cur):
        yield start, cur, meta


def _split(s: str, markers: str, line_of) -> list[tuple[str, str, int]]:
    """``s`` cut before each marker character: (marker, text after it, line)."""
    parts: list[tuple[str, str, int]] = []
    head_end = len(s)
    idx = [i for i, c in enumerate(s) if c in markers]
    if idx:
        head_end = idx[0]
    if s[:head_end].strip():
        raise GiftError(line_of(0), f"text {_plain(s[:head_end])!r} before the first "
                                    f"{' or '.join(markers)} of the answers")
    for k, i in enumerate(idx):
        end = idx[k + 1] if k + 1 < len(idx) else len(s)
        parts.append((s[i], s[i + 1:end], line_of(i)))
    return parts


def _weight(text: str, default: float, line: int) -> tuple[float, str]:
    if m := _WEIGHT.match(text):
        w = float(m.group(1))
        if not -100 <= w <= 100:
            raise GiftError(line, f"grade {m.group(1)}% is outside -100..100")
        return w, text[m.end():]
    return default, text


def _feedback(text: str) -> tuple[str, str]:
    body, _, fb = text.partition("#")
    return _plain(body), _plain(fb)


def _question(start: int, lines: list[str], category: str) -> Item | str:
    s = _protect("\n".join(lines))
    base = len(s) - len(s.lstrip())

    def line_of(offset: int) -> int:
        return start + s.count("\n", 0, base + offset) - s.count("\n", 0, base)

    s = s.strip()
    if s.startswith("$CATEGORY:"):
        return _plain(s[len("$CATEGORY:"):])
    title = ""
    rest_at = 0
    if s.startswith("::"):
        end = s.find("::", 2)
        if end < 0:
            raise GiftError(start, "question title opened with :: is never closed")
        title = _plain(s[2:end], formats=False)
        rest_at = end + 2
    rest = s[rest_at:]

    def at(offset: int) -> int:
        return line_of(rest_at + offset)

    opening, closing = rest.find("{"), rest.find("}")
    if opening < 0 and closing < 0:
        raise GiftError(start, "no answer block {…}: descriptions (text without a question) "
                               "are not supported")
    if opening < 0 or closing < 0 or closing < opening:
        where = at(closing if opening < 0 or closing < opening else opening)
        raise GiftError(where, "unbalanced braces: write a literal { or } as \\{ or \\}")
    after = rest[closing + 1:]
    if "{" in after:
        raise GiftError(at(closing + 1 + after.index("{")),
                        "a second answer block: separate questions with a blank line")
    # missing word format: the blank goes where the answers were
    prompt = _plain(rest[:opening] + "_____" + after) if after.strip() else _plain(rest[:opening])
    answers = rest[opening + 1:closing]
    general = ""
    if (g := answers.rfind("####")) >= 0:
        general = _plain(answers[g + 4:])
        answers = answers[:g]
    body = answers.strip()
    body_at = opening + 1 + (len(answers) - len(answers.lstrip()))

    def line_in(offset: int) -> int:
        return at(body_at + offset)

    common = {"title": title, "prompt": prompt, "feedback": general,
              "topic": category, "line": start}
    if not body:
        raise GiftError(start, "essay questions ({}) are not supported")
    if body.startswith("#"):
        raise GiftError(start, "numerical questions ({#…}) are not supported")
    if "~" in body:
        parts = _split(body, "~=", line_in)
        choices = []
        for marker, text, ln in parts:
            if marker == "=":
                w = 100.0
            else:
                w, text = _weight(text, 0.0, ln)
            t_, fb = _feedback(text)
            choices.append(Choice(t_, w, fb))
        kind = "single" if any(m == "=" for m, _, _ in parts) else "multiple"
        return Item(kind=kind, choices=tuple(choices), **common)
    if "=" in body and "->" in body:
        pairs = []
        for _, text, ln in _split(body, "=", line_in):
            if "->" not in text:
                raise GiftError(ln, "each matching answer is written =left -> right")
            left, _, right = text.partition("->")
            pairs.append(Pair(_plain(left), _plain(right, formats=False)))
        return Item(kind="matching", pairs=tuple(pairs), **common)
    head = body.split("#", 1)[0].strip()
    if head in TF:
        bits = body.split("#", 2) + ["", ""]
        wrong, right = _plain(bits[1]), _plain(bits[2])
        answer = TF[head]
        return Item(kind="true_false", answer=answer,
                    feedback_true=right if answer else wrong,
                    feedback_false=wrong if answer else right, **common)
    choices = []
    for _, text, ln in _split(body, "=", line_in):
        w, text = _weight(text, 100.0, ln)
        t_, fb = _feedback(text)
        choices.append(Choice(t_, w, fb))
    return Item(kind="typed", choices=tuple(choices), **common)


def _topic(category: str) -> tuple[str, str]:
    """($course$/top/Set title/A/B) → ("Set title", "A > B"); "//" is a literal slash."""
    parts = [p.replace("\0", "/").strip() for p in category.replace("//", "\0").split("/")]
    while parts and parts[0] in ("$course$", "$cat1$", "$cat2$", "$cat3$", "$module$", "top"):
        parts.pop(0)
    parts = [p for p in parts if p]
    if not parts:
        return "", ""
    return parts[0], " > ".join(parts[1:])


def decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise GiftError(1, f"file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES}")
    if (nul := data.find(b"\x00")) >= 0:
        raise GiftError(data.count(b"\n", 0, nul) + 1, "binary file (NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GiftError(data.count(b"\n", 0, e.start) + 1,
                        f"not UTF-8 text (byte 0x{data[e.start]:02x}); save the file as "
                        "UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse(data: bytes | str, path: str) -> GiftResult:
    """Every question of a GIFT file, or every problem as ``path:line: error: message``."""
    result = GiftResult()
    try:
        text = decode(data) if isinstance(data, bytes) else data
    except GiftError as e:
        result.errors.append(Problem(path, e.line, e.message, "error"))
        return result
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if m := _PH_RANGE.search(text):
        line = text.count("\n", 0, m.start()) + 1
        result.errors.append(Problem(path, line, "private-use characters (U+E000–U+E00F) "
                                     "are not allowed", "error"))
        return result
    topic = ""
    first_title: str | None = None
    for start, lines, meta in _blocks(text):
        try:
            got = _question(start, lines, topic)
        except GiftError as e:
            result.errors.append(Problem(path, e.line, e.message, "error"))
            continue
        if isinstance(got, str):
            name, topic = _topic(got)
            if first_title is None:
                first_title = name
            continue
        item = got
        if "id" in meta:
            item = replace(item, uid=meta["id"][:64])
        if "points" in meta:
            try:
                item = replace(item, points=float(meta["points"]))
            except ValueError:
                result.errors.append(Problem(path, start, "// points: must be a number",
                                             "error"))
                continue
        if errs := check_item(item):
            result.errors.append(Problem(path, start, errs[0], "error"))
            continue
        result.items.append(item)
    if not result.items and not result.errors:
        result.errors.append(Problem(path, 1, "no questions found", "error"))
    if len(result.items) > MAX_QUESTIONS:
        result.errors.append(Problem(path, result.items[MAX_QUESTIONS].line,
                                     f"at most {MAX_QUESTIONS} questions in one set", "error"))
    result.title = first_title or ""
    return result


# --- formatting -----------------------------------------------------------------------------


def _num(w: float) -> str:
    return f"{w:.5f}".rstrip("0").rstrip(".")


def _answer_text(text: str) -> str:
    """A text Moodle reads a format marker from (answers, feedback), escaped so that a text
    that itself starts with "[html]" keeps it."""
    out = escape(text)
    if _FORMAT.match(out):
        out = "[markdown]" + out
    return out


def _category(title: str, topic: str) -> str:
    parts = [title or "studyk8s"] + ([p.strip() for p in topic.split(">")] if topic else [])
    return "$course$/top/" + "/".join(escape(p).replace("/", "//") for p in parts)


def format_item(item: Item) -> str:
    out = [f"// id: {item.uid}"] if item.uid else []
    if item.points != 1:
        out.append(f"// points: {_num(item.points)}")
    head = (f"::{escape(item.title)}::" if item.title else "") + "[markdown]" + escape(item.prompt)
    general = f"\t####{_answer_text(item.feedback)}\n" if item.feedback else ""
    if item.kind == "true_false":
        right = item.feedback_true if item.answer else item.feedback_false
        wrong = item.feedback_false if item.answer else item.feedback_true
        fb = ""
        if wrong or right:
            fb = "#" + _answer_text(wrong)
        if right:
            fb += "#" + _answer_text(right)
        tail = f"####{_answer_text(item.feedback)}" if item.feedback else ""
        out.append(f"{head}{{{'TRUE' if item.answer else 'FALSE'}{fb}{tail}}}")
        return "\n".join(out)
    lines = [head + "{"]
    if item.kind in ("single", "multiple"):
        for c in item.choices:
            if item.kind == "single" and abs(c.weight - 100) <= EPS:
                mark = "="
            elif c.weight == 0 and not c.text.startswith("%"):
                mark = "~"
            else:
                mark = f"~%{_num(c.weight)}%"
            fb = f"#{_answer_text(c.feedback)}" if c.feedback else ""
            lines.append(f"\t{mark}{_answer_text(c.text)}{fb}")
    elif item.kind in TYPED_KINDS:  # "=" and "->" together would read as matching: arrows
        # (a hands-on command or manifest goes to Moodle as a short answer: Moodle has no
        # checker that reads a command by its meaning)
        for c in item.choices:
            text, feedback = c.text.replace("->", "→"), c.feedback.replace("->", "→")
            mark = "=" if abs(c.weight - 100) <= EPS and not text.startswith("%") \
                else f"=%{_num(c.weight)}%"
            fb = f"#{_answer_text(feedback)}" if feedback else ""
            lines.append(f"\t{mark}{_answer_text(text)}{fb}")
    else:  # matching: "->" cannot be escaped on the left, so it is written as an arrow
        for p in item.pairs:
            left = _answer_text(p.left.replace("->", "→")) if p.left else ""
            lines.append(f"\t={left} -> {escape(p.right)}")
    out.append("\n".join(lines) + "\n" + general + "}")
    return "\n".join(out)


def format_gift(items: Sequence[Item], *, title: str = "", header: Sequence[str] = ()) -> str:
    """Items as a GIFT file Moodle imports; ``parse`` reads it back to the same items. A
    ``$CATEGORY`` line (set title, then topic) is written whenever the topic changes."""
    chunks = ["\n".join(f"// {h}".rstrip() for line in header for h in line.split("\n"))]
    category = None
    for item in items:
        cat = _category(title, item.topic)
        if cat != category:
            chunks.append(f"$CATEGORY: {cat}")
            category = cat
        chunks.append(format_item(item))
    return "\n\n".join(c for c in chunks if c) + "\n"


def normalized(item: Item) -> Item:
    """``item`` as GIFT can carry it: texts in one normal form, "->" on a matching left
    side as an arrow, general and per-answer feedback kept, language left to detection."""
    def ct(x: str) -> str:
        return clean_text(x)

    def arrow(x: str) -> str:
        return ct(x).replace("->", "→") if item.kind in TYPED_KINDS else ct(x)

    return replace(
        item, prompt=ct(item.prompt), title=ct(item.title), feedback=ct(item.feedback),
        topic=" > ".join(p.strip() for p in item.topic.split(">")) if item.topic else "",
        choices=tuple(Choice(arrow(c.text), c.weight, arrow(c.feedback))
                      for c in item.choices),
        pairs=tuple(Pair(ct(p.left).replace("->", "→"), ct(p.right)) for p in item.pairs),
        feedback_true=ct(item.feedback_true), feedback_false=ct(item.feedback_false), lang="")
