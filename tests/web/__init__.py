"""Web tests: real HTTP through Flask's test client. Shared page checks live here."""

from __future__ import annotations

import re
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self._label_depth = 0
        self._wrapped: set[int] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.handlers += [f"{tag} {k}" for k in a if k.startswith("on")]
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        elif tag in CONTROLS and (a.get("type") or "text") not in UNLABELLED_TYPES:
            if self._label_depth:
                self._wrapped.add(len(self.controls))
            self.controls.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1


def page_problems(html: str) -> list[str]:
    """Controls without a <label>, inline <script>s and on* handlers (the CSP forbids them)."""
    page = _Page()
    page.feed(html)
    problems = [
        f"no label for {c.get('name')!r}"
        for i, c in enumerate(page.controls)
        if i not in page._wrapped and c.get("id") not in page.label_for
    ]
    problems += ["inline <script>"] * page.inline_scripts
    problems += [f"inline handler {h}" for h in page.handlers]
    return problems


def csrf_from(html: str) -> str:
    """The CSRF token of a page's form (or of its <meta name="csrf-token">)."""
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    assert m, "no CSRF token on the page"
    return m.group(1)
