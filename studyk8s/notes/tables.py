"""The table rule of pass 2, mixed into the walker (walker.py) like the list rules: a table
whose first column names things gives one definition per row; any other table is skipped
with a warning on its first line, so nothing vanishes silently."""

from __future__ import annotations

import re

from . import inline, terms
from .blocks import Table, code_kind

# A first header cell that only says "this column holds names" is no group: the section's
# heading names what the rows have in common.
_GENERIC_HEADER_RE = re.compile(
    r"^(?:名称|名字|名词|术语|词条|条目|项目?|选项|概念|name|names|term|terms|item|items|"
    r"option|options|keyword|关键词|关键字)$", re.I)
# Check marks and crosses that say yes/no in a cell: part neither of a name nor a definition.
_STATUS_MARK_RE = re.compile("[\u2705\u274c\u274e\u2714\u2716\u2713\u2717\u2611\u2b55"
                             "\U0001f6ab\ufe0f]")
_VERSION_RE = re.compile(
    r"^[vV]?\d+(?:\.\d+)*(?:\.x|[+x*])?(?:\s*[-~]\s*[vV]?\d+(?:\.\d+)*)?\+?$")
_LETTER_RE = re.compile(r"[^\W\d_]")


def names_thing(cell: str) -> bool:
    """A table cell that names something: a term, not a version or a command."""
    return terms.is_term(cell) and not _VERSION_RE.match(cell) and not code_kind(cell)


def explains(cells: list[str]) -> bool:
    """The other cells of a row say something in words: not only marks, not commands."""
    said = [c for c in cells if c]
    return bool(said) and any(_LETTER_RE.search(c) for c in said) and \
        not all(code_kind(c) for c in said)


class TableRules:
    """Table blocks → definitions, or a warning."""

    def table(self, block: Table) -> None:
        """One definition per row, the first header cell as the group (the section's
        heading when that cell only says "name"). A version matrix, a table of commands or
        a checklist whose other cells are only marks (✅) is skipped with a warning."""
        if self.label is not None:
            self.label.followed = True
        self.label_run = False
        rows = [(ln, [_STATUS_MARK_RE.sub("", inline.clean(c)).strip() or inline.clean(c)
                      for c in cells]) for ln, cells in block.rows]
        rows = [(ln, cells) for ln, cells in rows if any(cells)]
        named = [r for r in rows if r[1] and names_thing(r[1][0]) and explains(r[1][1:])]
        if not rows or len(block.header) < 2 or len(named) * 2 < len(rows):
            names = sum(bool(cells) and names_thing(cells[0]) for _, cells in rows)
            why = ("its other columns hold no words (only marks or commands)"
                   if rows and names * 2 >= len(rows) and len(block.header) >= 2
                   else "its first column does not name things")
            self.warn(block.line, f"table skipped: {why}")
            return
        group = inline.clean(block.header[0]) if block.header else ""
        if not group or not terms.is_term(group) or _GENERIC_HEADER_RE.match(group):
            group = self.heading_label
        for ln, cells in rows:
            if (ln, cells) not in named:
                self.warn(ln, "table row skipped: its first cell is not a name")
                continue
            term, aliases = terms.split_aliases(cells[0])
            definition = "; ".join(c for c in cells[1:] if c)
            self.definition((term, aliases, definition), ln, group, strict_abbr=True)
