"""The blocks pass 1 hands to the fact grammar: headings, text lines, list trees, tables,
diagrams, code and separators, each with its file line. Kept apart so the token reader
(blocks.py), the code-line detector and the grammar share one vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    line: int
    level: int
    text: str


@dataclass
class Text:
    line: int
    text: str
    indent: int = 0
    end: int = 0  # last line when soft-wrapped lines were joined
    joins: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, line)

    def line_at(self, offset: int) -> int:
        """File line of the character at ``offset`` of the (joined) text."""
        line = self.line
        for start, ln in self.joins:
            if start > offset:
                break
            line = ln
        return line


@dataclass
class Blank:
    line: int


@dataclass
class Other:
    """HTML, other shortcodes, rules: separators that yield no facts."""

    line: int


@dataclass
class Comment:
    """An HTML comment block; a translated page keeps its original there."""

    line: int
    text: str


@dataclass
class Code:
    line: int
    lang: str
    text: str


@dataclass
class Diagram:
    line: int
    source: str
    end_line: int


@dataclass
class Table:
    line: int
    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class Item:
    line: int
    text: str
    indent: int
    ordered: bool
    cont: list[tuple[int, str]] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)


@dataclass
class ListBlock:
    line: int
    items: list[Item] = field(default_factory=list)


Block = Heading | Text | Blank | Other | Comment | Code | Diagram | Table | ListBlock
