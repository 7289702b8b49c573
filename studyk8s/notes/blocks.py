"""Pass 1: markdown-it tokens → the blocks the fact grammar walks (headings, text lines,
list trees, tables, diagrams, code), every block with its file line from the token maps.

markdown-it decides the structure (what is a list, how deep an item is nested, where a
paragraph ends, what is code). This module walks its tokens; the light text of inline
tokens and the joining of wrapped lines are in textlines.py, the unfenced code lines no
Markdown parser knows in codelines.py, the block types in blocktypes.py.
"""

from __future__ import annotations

import re

from . import inline
from .blocktypes import (
    Blank,
    Block,
    Code,
    Comment,
    Diagram,
    Heading,
    Item,
    ListBlock,
    Other,
    Table,
    Text,
)
from .codelines import code_kind, split_code
from .md import parser
from .textlines import END_MARKS, continues, inline_lines, joiner

__all__ = ["Blank", "Block", "Code", "Comment", "Diagram", "Heading", "Item", "ListBlock",
           "Other", "Table", "Text", "build_blocks", "code_kind"]

MAX_LINE = 4000  # longer lines are data, not notes: skipped with a warning
MAX_DEPTH = 16  # deeper list nesting is flattened (keeps the fact walk shallow)
# "二、控制器类型", and "1)Kubernetes优势:" (a number and a bracket, no space: no list marker)
_ZH_SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]\s*|\d{1,2}[)）](?=\S))"
                            r"([^。！？!?:：，,；;]{1,30}?)[:：]?$")
_SETEXT_RE = re.compile(r"^=+$")
_ANCHOR_RE = re.compile(r"\s*\{#[\w.-]+\}\s*$")  # "## 检查机制 {#probe-check-methods}"
_CHECKBOX_RE = re.compile(r"^\[[ xX]\][ \t]+")


class _Builder:
    def __init__(self, tokens, body_start: int):
        self.tokens = tokens
        self.body_start = body_start  # 0-based index of the first body line
        self.blocks: list[Block] = []
        self.warnings: list[tuple[int, str]] = []
        self.code: list[Code] = []
        self.last_end = body_start  # 0-based line after the last block

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def emit(self, block, start0: int, end0: int) -> None:
        if self.blocks and start0 > self.last_end:
            self.blocks.append(Blank(self.last_end + 1))
        self.blocks.append(block)
        self.last_end = max(self.last_end, end0)

    def raw(self, code: Code) -> Code:
        """Unfenced code as the author typed it (indentation kept), not as prose text."""
        n = code.text.count("\n") + 1
        raw = self.src_lines[code.line - 1: code.line - 1 + n]
        if len(raw) == n:
            code.text = "\n".join(ln.rstrip() for ln in raw)
        return code

    def code_block(self, line: int, lang: str, text: str, start0: int, end0: int) -> None:
        block = Code(line, lang, text)
        self.code.append(block)
        self.emit(block, start0, end0)

    def run(self) -> None:
        toks, i, n = self.tokens, 0, len(self.tokens)
        while i < n:
            tok = toks[i]
            if tok.map is not None and tok.map[0] < self.body_start:
                i = _skip(toks, i)  # front matter (TOML, or YAML the plugin did not take)
                continue
            i = self.block(toks, i)

    def block(self, toks, i: int) -> int:
        tok = toks[i]
        t = tok.type
        start0, end0 = tok.map if tok.map else (self.last_end, self.last_end)
        line = start0 + 1
        if t == "heading_open":
            text = " ".join(tx for _, tx in inline_lines(toks[i + 1], line))
            text = _ANCHOR_RE.sub("", text)
            self.emit(Heading(line, int(tok.tag[1]), text), start0, end0)
            return i + 3
        if t == "paragraph_open":
            self.paragraph(toks[i + 1], start0, end0)
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            block = ListBlock(line)
            extra: list = []
            j = self.list_items(toks, i, block.items, extra, 1)
            self.emit(block, start0, end0)
            for b in extra:
                self.emit(b, b.line - 1, b.line)
            return j
        if t in ("fence", "code_block"):
            lang = (tok.info or "").strip().split(None, 1)[0].lower() if tok.info else ""
            if t == "fence" and lang == "mermaid":
                self.emit(Diagram(line, tok.content.rstrip("\n"), end0), start0, end0)
            else:
                if t == "fence" and not _fence_closed(tok, self.src_lines):
                    self.warn(line, "code block is never closed")
                self.code_block(line, lang or ("" if t == "fence" else "text"),
                                tok.content.rstrip("\n"), start0, end0)
            return i + 1
        if t == "hugo_block":
            return self.hugo_block(tok, i, start0, end0)
        if t == "hugo_line":
            name = tok.info
            if name not in _KNOWN_LINE:
                self.warn(line, f"shortcode '{name}' skipped (its output is not known)")
            self.emit(Other(line), start0, end0)
            return i + 1
        if t == "html_block":
            self.html_block(tok, start0, end0)
            return i + 1
        if t == "table_open":
            return self.table(toks, i, start0, end0)
        if t == "blockquote_open":
            j = i + 1
            while toks[j].type != "blockquote_close" or toks[j].level != tok.level:
                j = self.block(toks, j)
            return j + 1
        if t == "hr":
            prev = self.blocks[-1] if self.blocks else None
            if tok.markup[:1] == "-" and isinstance(prev, Text) and prev.end == line - 1 \
                    and start0 == self.last_end:  # setext: "Title" over "-----"
                self.blocks[-1] = Heading(prev.line, 2, prev.text)
                self.last_end = end0
                return i + 1
            self.emit(Other(line), start0, end0)
            return i + 1
        if t == "dl_open":
            return self.deflist(toks, i, start0, end0)
        return _skip(toks, i)

    def deflist(self, toks, i: int, start0: int, end0: int) -> int:
        """``term`` / ``: definition`` pairs → a list of ``term: definition`` items."""
        block = ListBlock(start0 + 1)
        j, item = i + 1, None
        while not (toks[j].type == "dl_close" and toks[j].level == toks[i].level):
            tok = toks[j]
            if tok.type == "dt_open":
                term = " ".join(tx for _, tx in inline_lines(toks[j + 1], tok.map[0] + 1))
                item = Item(tok.map[0] + 1, inline.clean(term) + ":", 1, False)
                block.items.append(item)
            elif tok.type == "inline" and item is not None and toks[j - 1].type == "paragraph_open":
                text = ""
                for _, tx in inline_lines(tok, tok.map[0] + 1):
                    text = text + joiner(text, tx) + tx if text else tx
                if item.text.endswith(":") and not item.cont:
                    item.text = f"{item.text} {text}"
                else:
                    item.cont.append((tok.map[0] + 1, text))
            j += 1
        self.emit(block, start0, end0)
        return j + 1

    def hugo_block(self, tok, i: int, start0: int, end0: int) -> int:
        line = start0 + 1
        name = tok.info
        if not tok.meta.get("closed", True):
            self.warn(line, f"{name} block is never closed")
        if name == "mermaid":
            self.emit(Diagram(line, tok.content.rstrip("\n"), end0), start0, end0)
        else:
            from .md import shortcode_args

            pos, named = shortcode_args(tok.meta.get("args", ""))
            lang = (named.get("lang") or (pos[0] if pos else "")).lower()
            self.code_block(line, lang, tok.content.rstrip("\n"), start0, end0)
        return i + 1

    def html_block(self, tok, start0: int, end0: int) -> None:
        line = start0 + 1
        content = tok.content.strip()
        if content.startswith("<!--"):
            self.emit(Comment(line, content), start0, end0)
            return
        text = re.sub(r"<[^>]*>", " ", content)
        if text.strip():
            self.warn(line, "HTML block skipped")
        self.emit(Other(line), start0, end0)

    def paragraph(self, tok, start0: int, end0: int) -> None:
        lines = inline_lines(tok, start0 + 1)
        long = [ln for ln, tx in lines if len(tx) > MAX_LINE]
        for ln in long:
            self.warn(ln, f"line is over {MAX_LINE} characters; skipped")
        lines = [(ln, tx) for ln, tx in lines if len(tx) <= MAX_LINE]
        if len(lines) >= 2 and _SETEXT_RE.match(lines[-1][1]) and start0 + len(lines) == end0:
            title = " ".join(tx for _, tx in lines[:-1])  # setext: "Title" over "====="
            self.emit(Heading(lines[0][0], 1, title), start0, end0)
            return
        lines, codes = split_code(lines)
        for c in codes:
            self.code.append(self.raw(c))
            self.warn(c.line, "command or file content outside a code block: kept as code")
        if len(lines) == 1 and _ZH_SECTION_RE.match(lines[0][1]):
            text = _ZH_SECTION_RE.match(lines[0][1]).group(1)
            self.emit(Heading(lines[0][0], 2, text), start0, end0)  # "二、控制器类型"
            return
        blocks: list[Block] = []
        # An author who ends the paragraph with 。/./! writes sentences: a line without an
        # end mark is wrapped. Notes without end marks use each line as a thought.
        sentences = bool(lines) and lines[-1][1][-1:] in END_MARKS
        for ln, tx in lines:
            if tx.startswith(">"):
                tx = tx.lstrip("> ").strip()
                if not tx:
                    continue
            prev = blocks[-1] if blocks else None
            if isinstance(prev, Text) and prev.end == ln - 1 and continues(prev.text, tx,
                                                                           sentences):
                glue = joiner(prev.text, tx)
                prev.joins.append((len(prev.text) + len(glue), ln))
                prev.text = prev.text + glue + tx
                prev.end = ln
            else:
                blocks.append(Text(ln, tx, 0, ln))
        items: list = sorted([*blocks, *codes], key=lambda b: b.line)
        for b in items:
            self.emit(b, start0 if b is items[0] else b.line - 1, end0)
        if not items:
            self.emit(Other(start0 + 1), start0, end0)

    def table(self, toks, i: int, start0: int, end0: int) -> int:
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        j = i + 1
        row: list[str] | None = None
        row_line = start0 + 1
        in_head = False
        while toks[j].type != "table_close":
            t = toks[j].type
            if t == "thead_open":
                in_head = True
            elif t == "thead_close":
                in_head = False
            elif t == "tr_open":
                row, row_line = [], (toks[j].map[0] + 1 if toks[j].map else row_line)
            elif t == "tr_close":
                if in_head:
                    header = row or []
                else:
                    rows.append((row_line, row or []))
            elif t == "inline" and row is not None:
                row.append(" ".join(tx for _, tx in inline_lines(toks[j], row_line)))
            j += 1
        self.emit(Table(start0 + 1, header, rows), start0, end0)
        return j + 1

    def list_items(self, toks, i: int, items: list[Item], extra: list, depth: int) -> int:
        """Read the list opened at ``toks[i]`` into ``items``; returns the index after it."""
        open_tok = toks[i]
        ordered = open_tok.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        j = i + 1
        while not (toks[j].type == close and toks[j].level == open_tok.level):
            if toks[j].type == "list_item_open":
                j = self.list_item(toks, j, items, extra, depth, ordered)
            else:
                j += 1
        return j + 1

    def list_item(self, toks, i: int, items: list[Item], extra: list, depth: int,
                  ordered: bool) -> int:
        open_tok = toks[i]
        line = open_tok.map[0] + 1 if open_tok.map else 0
        item = Item(line, "", depth, ordered)
        lines: list[tuple[int, str]] = []
        children: list[Item] = []
        j = i + 1
        while not (toks[j].type == "list_item_close" and toks[j].level == open_tok.level):
            tok = toks[j]
            t = tok.type
            if t == "paragraph_open":
                lines.extend(inline_lines(toks[j + 1], tok.map[0] + 1))
                j += 3
            elif t in ("bullet_list_open", "ordered_list_open"):
                target = children if depth < MAX_DEPTH else items
                j = self.list_items(toks, j, target, extra, depth + 1)
            elif t in ("fence", "code_block"):
                lang = (tok.info or "").strip().split(None, 1)[0].lower() if tok.info else ""
                if lang == "mermaid":
                    extra.append(Diagram(tok.map[0] + 1, tok.content.rstrip("\n"), tok.map[1]))
                else:
                    self.code.append(Code(tok.map[0] + 1, lang or "text",
                                          tok.content.rstrip("\n")))
                j += 1
            elif t == "hugo_block":
                if tok.info == "mermaid":
                    extra.append(Diagram(tok.map[0] + 1, tok.content.rstrip("\n"), tok.map[1]))
                else:
                    from .md import shortcode_args

                    pos, named = shortcode_args(tok.meta.get("args", ""))
                    self.code.append(Code(tok.map[0] + 1, (pos[0] if pos else "").lower(),
                                          tok.content.rstrip("\n")))
                j += 1
            elif t == "table_open":
                sub = _Builder(toks, 0)
                sub.src_lines = self.src_lines
                k = sub.table(toks, j, tok.map[0], tok.map[1])
                extra.extend(sub.blocks)
                j = k
            elif t == "heading_open":
                lines.extend(inline_lines(toks[j + 1], tok.map[0] + 1))
                j += 3
            elif t == "html_block":
                if not tok.content.lstrip().startswith("<!--") and \
                        re.sub(r"<[^>]*>", "", tok.content).strip():
                    self.warn(tok.map[0] + 1, "HTML block skipped")
                j += 1
            elif t == "hugo_line":
                if tok.info not in _KNOWN_LINE:
                    self.warn(tok.map[0] + 1,
                              f"shortcode '{tok.info}' skipped (its output is not known)")
                j += 1
            else:
                j += 1  # blockquote markers and the like: their paragraphs are read above
        for ln in [ln for ln, tx in lines if len(tx) > MAX_LINE]:
            self.warn(ln, f"line is over {MAX_LINE} characters; skipped")
        lines = [(ln, tx) for ln, tx in lines if len(tx) <= MAX_LINE]
        lines, codes = split_code(lines)
        for c in codes:
            self.code.append(self.raw(c))
            self.warn(c.line, "command or file content outside a code block: kept as code")
        if lines:
            item.line = lines[0][0] if not item.line else item.line
            item.text = _CHECKBOX_RE.sub("", lines[0][1])
            item.cont = lines[1:]
        if not lines and not children:
            return j + 1  # an empty item or one that held only code
        item.children = children
        items.append(item)
        return j + 1


_KNOWN_LINE = {"note", "caution", "warning", "tip", "info", "alert", "callout", "notice",
               "admonition", "hint", "details", "tabs", "tab", "table",
               "comment", "expand", "collapse", "toc", "columns", "column", "center",
               "mermaid", "highlight", "code", "codeblock", "tab-code"}


def _fence_closed(tok, lines: list[str]) -> bool:
    start0, end0 = tok.map
    if end0 - start0 < 2 or end0 > len(lines):
        return False
    last = lines[end0 - 1].strip()
    return last.startswith(tok.markup) and set(last) == {tok.markup[0]}


def _skip(toks, i: int) -> int:
    """Index after the block that starts at ``toks[i]`` (its closing token at the same level)."""
    tok = toks[i]
    if tok.nesting != 1:
        return i + 1
    j = i + 1
    while j < len(toks) and not (toks[j].nesting == -1 and toks[j].level == tok.level):
        j += 1
    return j + 1


def build_blocks(text: str, body_start: int, lines: list[str]
                 ) -> tuple[list[Block], list[tuple[int, str]], list[Code]]:
    """Tokenise ``text`` (already cleaned; the body starts at 0-based line ``body_start``)
    and group it into blocks. Returns blocks, (line, message) warnings and the code blocks."""
    tokens = parser().parse(text)
    b = _Builder(tokens, body_start)
    b.src_lines = lines
    b.run()
    _uncovered(tokens, lines, body_start, b.warnings)
    return b.blocks, b.warnings, b.code


_LEAVES = frozenset({"inline", "fence", "code_block", "html_block", "hugo_block", "hugo_line",
                     "hr", "table_open", "front_matter"})
_NOT_TEXT_RE = re.compile(r"^\s*(?:[>\s]*|(?:[-*+]|\d{1,9}[.)])\s*|\[[^\]]+\]:\s*\S+.*)$")


def _uncovered(tokens, lines: list[str], body_start: int, warnings: list) -> None:
    """Safety net: a non-blank line no token holds (markdown-it stops at its nesting limit)
    gets a warning, so nothing vanishes silently."""
    covered = bytearray(len(lines) + 1)
    for tok in tokens:
        if tok.map and tok.type in _LEAVES:
            covered[tok.map[0]: tok.map[1]] = b"\x01" * (tok.map[1] - tok.map[0])
    first = None
    for i in range(body_start, len(lines)):
        if covered[i] or _NOT_TEXT_RE.match(lines[i]):
            continue
        if len(lines[i]) > MAX_LINE:
            warnings.append((i + 1, f"line is over {MAX_LINE} characters; skipped"))
        elif first is None:
            first = i + 1
    if first is not None:
        warnings.append((first, "lines from here are nested too deeply to read; skipped"))
