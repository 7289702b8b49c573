"""Mermaid source → edges between labelled nodes.

Only what relation cards need: flowchart/graph and stateDiagram arrows (with chains,
``&`` groups, ``|labels|`` and ``-- text -->``), and sequenceDiagram messages. Node ids
resolve to their labels (``A[HTTP Server]`` → "HTTP Server") across the whole diagram.
Unknown syntax is skipped line by line rather than failing the note.
"""

from __future__ import annotations

import re

from .model import Edge

_SKIP_RE = re.compile(
    r"^(?:%%|subgraph\b|end\b|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b"
    r"|title\b|accTitle\b|accDescr\b|note\b|Note\b|loop\b|alt\b|else\b|opt\b|par\b|and\b"
    r"|rect\b|critical\b|break\b|activate\b|deactivate\b|autonumber\b|state\b)"
)
# Node id: anything up to a bracket, space, '&', ';', '|', or the start of an arrow.
_ID_RE = re.compile(r"\[\*\]|(?:(?!--|==|-\.|<-|<=|~~~)[^\s\[\](){}<>|&;:\"])+")
_AMP_RE = re.compile(r"[ \t]*&[ \t]*")
_CLASS_RE = re.compile(r":::[\w-]*")
_LINK_TEXT_RE = re.compile(
    r"(?P<start><)?(?P<open>--|==|-\.)(?![-=.>])[ \t]*(?P<text>[^|\n]*?)[ \t]*"
    r"(?P<close>-{2,}>|-{3,}|={2,}>|={3,}|\.+->|\.+-)(?![-=>])"
)
_LINK_RE = re.compile(
    r"(?P<start><)?(?P<line>-{2,}|={2,}|-\.+-|~{3,})(?P<end>>|[ox](?=\s))?"
)
_PIPE_RE = re.compile(r"[ \t]*\|(?P<text>[^|\n]*)\|")
_SHAPES = (
    ("(((", ")))"), ("[[", "]]"), ("[(", ")]"), ("[/", "/]"), ("[\\", "\\]"),
    ("((", "))"), ("([", "])"), ("{{", "}}"), ("[", "]"), ("(", ")"), ("{", "}"), (">", "]"),
)
_SEQ_ARROW_RE = re.compile(r"<<-{1,2}>>|-{1,2}>>|-{1,2}>|-{1,2}[x)]")
_PARTICIPANT_RE = re.compile(r"^(?:participant|actor)\s+(\S+)(?:\s+as\s+(.+))?$")


_BR_RE = re.compile(r"<br\s*/?>", re.I)
_SHAPE_STARTS = frozenset(opener[0] for opener, _ in _SHAPES)


def _clean_label(text: str) -> str:
    text = text.strip()
    if "<" in text:
        text = _BR_RE.sub(" ", text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1]
    return " ".join(text.split())


class _Flow:
    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.raw_edges: list[tuple[str, str, str, bool]] = []

    def node(self, s: str, pos: int) -> tuple[str | None, int]:
        while pos < len(s) and s[pos] in " \t":
            pos += 1
        m = _ID_RE.match(s, pos)
        if not m:
            return None, pos
        node_id, pos = m.group(0), m.end()
        if s[pos:pos + 1] in _SHAPE_STARTS:  # most ids have no shape: skip the twelve tests
            for opener, closer in _SHAPES:
                if s.startswith(opener, pos):
                    end = s.find(closer, pos + len(opener))
                    end = len(s) if end < 0 else end
                    label = _clean_label(s[pos + len(opener) : end])
                    if label:
                        self.labels.setdefault(node_id, label)
                    pos = min(len(s), end + len(closer))
                    break
        if s.startswith(":::", pos):
            m2 = _CLASS_RE.match(s, pos)
            pos = m2.end() if m2 else pos + 3
        return node_id, pos

    def group(self, s: str, pos: int) -> tuple[list[str], int]:
        ids: list[str] = []
        node_id, pos = self.node(s, pos)
        if node_id is None:
            return ids, pos
        ids.append(node_id)
        while True:
            m = _AMP_RE.match(s, pos)
            if not m:
                return ids, pos
            node_id, nxt = self.node(s, m.end())
            if node_id is None:
                return ids, pos
            ids.append(node_id)
            pos = nxt

    def link(self, s: str, pos: int) -> tuple[tuple[str, bool] | None, int]:
        while pos < len(s) and s[pos] in " \t":
            pos += 1
        m = _LINK_TEXT_RE.match(s, pos)
        if m and m.group("text"):
            bidi = bool(m.group("start")) and m.group("close").endswith(">")
            return (_clean_label(m.group("text")), bidi), m.end()
        m = _LINK_RE.match(s, pos)
        if not m:
            return None, pos
        bidi = bool(m.group("start")) and m.group("end") == ">"
        pos = m.end()
        label = ""
        p = _PIPE_RE.match(s, pos)
        if p:
            label, pos = _clean_label(p.group("text")), p.end()
        return (label, bidi), pos

    def statement(self, s: str) -> None:
        pos = 0
        while pos < len(s):
            left, pos = self.group(s, pos)
            if not left:
                return
            while True:
                link, nxt = self.link(s, pos)
                if link is None:
                    break
                right, nxt = self.group(s, nxt)
                if not right:
                    return
                label, bidi = link
                for a in left:
                    for b in right:
                        self.raw_edges.append((a, b, label, bidi))
                left, pos = right, nxt
            rest = s[pos:].lstrip(" \t")
            if rest.startswith(":"):  # stateDiagram "A --> B : label"
                if self.raw_edges and rest[1:].strip():
                    a, b, _, bidi = self.raw_edges[-1]
                    self.raw_edges[-1] = (a, b, _clean_label(rest[1:]), bidi)
                return
            if not rest.startswith(";"):
                return
            pos = len(s) - len(rest) + 1


def parse_mermaid(source: str) -> tuple[str, tuple[Edge, ...]]:
    """Return (diagram type, edges). The type is the first keyword ("graph", "flowchart",
    "sequenceDiagram", …) or "" for an empty block."""
    lines = [ln.strip() for ln in source.split("\n")]
    lines = [ln for ln in lines if ln and not ln.startswith("%%") and len(ln) <= 4000]
    if lines and lines[0] == "---" and "---" in lines[1:]:  # mermaid's own front matter
        lines = lines[lines.index("---", 1) + 1 :]
    if not lines:
        return "", ()
    kind = lines[0].split()[0].rstrip(";") if lines[0].split() else ""
    edges: list[Edge] = []
    if kind == "sequenceDiagram":
        names: dict[str, str] = {}
        for ln in lines[1:]:
            p = _PARTICIPANT_RE.match(ln)
            if p:
                names[p.group(1)] = _clean_label(p.group(2) or p.group(1))
                continue
            m = _SEQ_ARROW_RE.search(ln)
            if m and ":" in ln[m.end() :]:
                a = ln[: m.start()].strip()
                b, msg = ln[m.end() :].split(":", 1)
                b = b.strip().lstrip("+-").strip()
                if a and b and not _SKIP_RE.match(ln):
                    edges.append(
                        Edge(
                            names.get(a, a),
                            names.get(b, b),
                            _clean_label(msg),
                            m.group(0).startswith("<<"),
                        )
                    )
    elif kind in ("graph", "flowchart", "stateDiagram", "stateDiagram-v2"):
        flow = _Flow()
        for ln in lines[1:]:
            if _SKIP_RE.match(ln):
                continue
            flow.statement(ln)
        for a, b, label, bidi in flow.raw_edges:
            edges.append(Edge(flow.labels.get(a, a), flow.labels.get(b, b), label, bidi))
    seen: set[Edge] = set()
    unique = []
    for e in edges:
        if e not in seen and e.source and e.target:
            seen.add(e)
            unique.append(e)
    return kind, tuple(unique)
