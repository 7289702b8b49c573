"""Markdown → safe HTML. Notes and instructor text are rendered, then sanitised with nh3, so a
note can never inject script into the review page.

Rendering uses markdown-it-py with the notes reader's own block rules (studyk8s/notes/md.py),
not Python-Markdown: one parser for reading and rendering means a card shows a list nested
exactly where the reader nested it (``- a`` / ``  - b``, items under ``2.`` at 3 or 4
spaces, ``插件:`` right after a list starting a new list), which Python-Markdown, even with
sane-lists extensions, does not reproduce (it needs 4-space nesting and has no lazy-label
rule)."""

from __future__ import annotations

import threading
from functools import lru_cache

import nh3

from .notes.md import new_renderer

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "blockquote", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "span", "del", "sup", "sub", "mark", "dl", "dt", "dd",
}
_ATTRS = {"a": {"href", "title"}, "span": {"class"}, "code": {"class"}, "th": {"scope"},
          "ol": {"start"}}


_local = threading.local()


def _markdown():
    """One renderer per thread (building one loads its rules)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = new_renderer()
    return md


@lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """Cached: card texts repeat across learners and requests."""
    html = _markdown().render(text or "")
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")
