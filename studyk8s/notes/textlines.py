"""Inline tokens → the light text the grammar reads, one string per source line, and
soft-wrapped lines joined back into the sentence they belong to.

Links become their text, emphasis and code spans stay as ``**x**`` and `` `x` `` so a cloze
can prefer them, HTML and comments go. Whether a next line continues the previous one is
a note-writing habit, not Markdown (CommonMark joins every line of a paragraph), hence
``continues``.
"""

from __future__ import annotations

import re

from . import definitions, inline, terms

_BR_RE = re.compile(r"^<br\s*/?>$", re.I)


def inline_lines(token, first_line: int) -> list[tuple[int, str]]:
    """An ``inline`` token as (file line, light text) per source line."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    line = first_line
    skip = 0  # inside an image: its alt text is not prose
    for child in token.children or ():
        t = child.type
        if t == "text" or t == "text_special":  # escapes and entities (no text_join rule)
            if not skip:
                buf.append(child.content)
        elif t in ("softbreak", "hardbreak"):
            out.append((line, "".join(buf).strip()))
            buf, line = [], line + 1
        elif t == "code_inline":
            c = child.content
            buf.append(f"`{c}`" if "`" not in c else c)
        elif t in ("strong_open", "strong_close"):
            buf.append("**")
        elif t == "image":
            pass
        elif t == "html_inline":
            if _BR_RE.match(child.content.strip()):
                out.append((line, "".join(buf).strip()))
                buf = []
            line += child.content.count("\n")
        # em, links (their text children carry the words) and the rest: markers dropped
    out.append((line, "".join(buf).strip()))
    return [(ln, _tidy(tx)) for ln, tx in out if tx.strip()]


_ZW_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _tidy(text: str) -> str:
    text = " ".join(text.replace("****", "").split())  # **a****b** after dropping markup
    if _ZW_RE.search(text):
        clean = _ZW_RE.sub("", text).strip()
        # zero-width characters go, unless they are all there is after a colon
        if not (clean[-1:] in inline.COLONS and text[-1:] not in inline.COLONS):
            text = clean
    return text


def joiner(left: str, right: str) -> str:
    """Space between wrapped lines, none between two CJK characters."""
    if left and right and inline.is_cjk_text(left[-1]) and inline.is_cjk_text(right[0]):
        return ""
    if left[-1:] in "，。；、：！？（）《》“”" or right[:1] in "，。；、：！？（）《》“”":
        return ""
    return " "


END_MARKS = ".。!！?？;；"


def continues(prev: str, line: str, sentences: bool = False) -> bool:
    """Is ``line`` (next line of the same paragraph) the rest of ``prev``, wrapped by the
    author's editor? CommonMark joins every line of a paragraph; notes also use lines as
    separate thoughts, so a line joins only when ``prev`` stops mid-sentence: after a comma,
    before a lower-case word, or at the end of a long (hard-wrapped) line. A line that is a
    ``Term: definition`` or a label, or that follows a label, starts anew."""
    last = prev[-1:]
    if not last or last in inline.COLONS or last in ".。!！?？;；":
        return False
    parsed = definitions.split_definition(line)
    hard_wrap = len(prev) >= 40 and (last.isascii() and last.isalnum() or last in ",`*") \
        and definitions.split_definition(prev) is None  # "…an app may read\n`X` from the env: …"
    if parsed is not None and terms.is_term(parsed[0]) and not hard_wrap and not (
            line[:1].islower() and " " in parsed[0]):
        return False
    if last in ",，、" or (line[:1].islower() and line[:1].isascii()):
        return True
    if inline.is_cjk_text(last) or inline.is_cjk_text(line[:1]):
        return sentences  # Chinese notes use lines as thoughts, unless written in sentences
    return len(prev) >= 60 and (last.isalnum() or last in "`*")
