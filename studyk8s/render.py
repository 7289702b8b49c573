"""Markdown → safe HTML. Notes and instructor text are rendered, then sanitised with nh3, so a
note can never inject script into the review page."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown
import nh3

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "blockquote", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "span", "del", "sup", "sub", "mark",
}
_ATTRS = {"a": {"href", "title"}, "span": {"class"}, "code": {"class"}, "th": {"scope"}}


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset between texts: building one (loading its extensions)
    cost twice as much as converting a card."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code"])
    return md


@lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """Cached: card texts repeat across learners and requests."""
    html = _markdown().reset().convert(text or "")
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")
