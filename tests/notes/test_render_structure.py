"""Cards are rendered with the reader's block rules: a list the reader nests is shown nested.

Every corpus note and the shared note are rendered with ``studyk8s.render.to_html`` and the
nesting of list items in the HTML is compared with the reader's list tree."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studyk8s.notes.blocks import Item, ListBlock, build_blocks, code_kind
from studyk8s.notes.frontmatter import decode, split_front_matter
from studyk8s.notes.md import clean_source
from studyk8s.render import to_html

ROOT = Path(__file__).resolve().parents[2]
NOTES = sorted((ROOT / "tests" / "notes" / "corpus").glob("*.md")) + [
    ROOT / "content" / "notes" / "docker-k8s-1.md"]


def _key(text: str) -> str:
    """First letters of an item, up to its colon (a <dt> holds only the term)."""
    return re.sub(r"\W", "", re.split(r"[:：]", text)[0]).casefold()[:8]


class _Lists(HTMLParser):
    """(depth, first words) of every <li>, in document order."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.items: list[list] = []
        self.open: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol", "dl"):  # a definition list is read as a list of terms
            self.depth += 1
            self.items.append([self.depth, "<list>"])
        elif tag in ("li", "dt"):
            entry = [self.depth, ""]
            self.items.append(entry)
            self.open.append(entry)
        elif tag in ("ul", "ol", "pre") and self.open:
            self.open[-1].append("stop")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol", "dl"):
            self.depth -= 1
        elif tag in ("li", "dt") and self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.open and len(self.open[-1]) == 2 and len(self.open[-1][1]) < 40:
            self.open[-1][1] += data


def _reader_items(items: list[Item], depth: int, out: list) -> None:
    if items:
        out.append((depth, "<list>"))
    for it in items:
        out.append((depth, _key(it.text)))
        _reader_items(it.children, depth + 1, out)


def _body(path: Path) -> tuple[str, list]:
    text, _ = clean_source(decode(path.read_bytes(), str(path)))
    lines = text.split("\n")
    _, start = split_front_matter(lines, str(path))
    blocks, _, _ = build_blocks(text, start, lines)
    tree: list = []
    for b in blocks:
        if isinstance(b, ListBlock):
            _reader_items(b.items, 1, tree)
    return "\n" * start + "\n".join(lines[start:]), tree


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_rendered_lists_nest_like_the_reader(path):
    body, tree = _body(path)
    parser = _Lists()
    parser.feed(to_html(body))
    rendered = [(d, t if t == "<list>" else _key(t)) for d, t, *_ in parser.items
                if not code_kind(t.strip().splitlines()[0] if t.strip() else "")]
    rendered = [r for r in rendered if r[1]]
    assert [r for r in tree if r[1]] == rendered


def test_two_space_nesting_renders_nested():
    """Python-Markdown flattened this; the reader and the renderer both nest it."""
    html = to_html("- Deployment\n  - 滚动更新\n  - 回滚\n- StatefulSet\n")
    assert re.search(r"<li>Deployment\s*<ul>\s*<li>滚动更新</li>", html)
    assert html.count("<ul>") == 2


def test_label_after_a_list_starts_a_new_list_when_rendered():
    html = to_html("主要组件:\n- a: x\n- b: y\n插件:\n- c: z\n")
    assert html.count("<ul>") == 2 and "<p>插件:</p>" in html


def test_shortcode_blocks_render_as_code_and_vanish():
    html = to_html("{{< highlight yaml >}}\nkind: Pod\n{{< /highlight >}}\n\n{{< note >}}\n")
    assert '<pre><code class="language-yaml">kind: Pod' in html
    assert "note" not in html and "{{" not in html
