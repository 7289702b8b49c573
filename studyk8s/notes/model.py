"""The parser's output types: plain frozen dataclasses, so cards, quizzes and the
import service can depend on them without knowing how a note was read."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field

# Fact kinds the parser emits.
DEFINITION = "definition"  # Term: definition (in a list item or on its own line)
PROPERTY = "property"  # nested item under a term (StatefulSet's guarantees)
ENUMERATION = "enumeration"  # a plain list under a heading/label (K8s优点)
ABBREVIATION = "abbreviation"  # ABBR:expansion on its own line (CRI)
DIAGRAM = "diagram"  # a {{<mermaid>}} block: nodes and edges
STATEMENT = "statement"  # a free sentence (前身是Borg系统)
FACT_KINDS = (DEFINITION, PROPERTY, ENUMERATION, ABBREVIATION, DIAGRAM, STATEMENT)


def key_segment(text: str) -> str:
    """``text`` as one readable segment of a stable key: NFKC, one line, no ``::``; long
    text is shortened with a hash. Fact identity and card keys both go through this."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    if not text.isprintable():  # drop control/format characters (U+0000, U+200B…)
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.replace("::", ":")
    if len(text) > 60:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        text = f"{text[:50].rstrip()}~{digest}"
    return text or "_"


@dataclass(frozen=True)
class Edge:
    """One arrow of a diagram, with node labels resolved (A[HTTP Server] -> "HTTP Server")."""

    source: str
    target: str
    label: str = ""
    bidirectional: bool = False


@dataclass(frozen=True)
class Fact:
    kind: str
    term: str  # the thing the fact is about; for statements, a short title
    source: str  # "path:line" of the line the fact starts on
    definition: str = ""
    aliases: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # enumeration items / property list
    edges: tuple[Edge, ...] = ()  # diagram edges
    group: str = ""  # the label or heading that makes siblings ("主要组件")
    section: tuple[str, ...] = ()  # heading path ("Pod", "Pod类型")
    parent: str = ""  # for properties: the term they belong to
    cloze: str = ""  # for statements: the span to blank out ("Borg"), if any
    diagram: str = ""  # for diagrams: the mermaid source, to render on the card
    # n-th fact of the note with this kind/term/parent (a term defined twice): keeps
    # cards.fact_key(path, fact) unique without putting anything editable into the key
    occurrence: int = 1

    @property
    def line(self) -> int:
        return int(self.source.rsplit(":", 1)[1])

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        d["aliases"] = list(self.aliases)
        d["items"] = list(self.items)
        d["edges"] = [asdict(e) for e in self.edges]
        return d


@dataclass(frozen=True)
class Problem:
    """A warning or error about a note, printed as ``path:line: message``."""

    path: str
    line: int
    message: str
    severity: str = "warning"  # or "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class PlanItem:
    """One learning-plan item (``服务发现: 掌握SVC原理``): what the author means to study.
    Kept with the note, never a fact: a plan is not knowledge to recall."""

    label: str
    text: str
    source: str  # "path:line"


@dataclass(frozen=True)
class CodeBlock:
    """Code the note holds (fenced, indented, ``{{< highlight >}}``, or unfenced command and
    file-content lines). Never a fact; kept so hands-on practice can be built from it."""

    lang: str
    text: str
    source: str  # "path:line" of the first line


@dataclass(frozen=True)
class ParsedNote:
    path: str  # as given (relative to the project when possible)
    title: str
    lang: str  # "zh" or "en"
    facts: tuple[Fact, ...]
    warnings: tuple[Problem, ...] = ()
    date: str = ""
    tags: tuple[str, ...] = ()
    draft: bool = False
    content_hash: str = ""  # sha256 of the raw bytes: re-import skips unchanged notes
    plan: tuple[PlanItem, ...] = ()
    code: tuple[CodeBlock, ...] = ()
    # commands and manifests of ``code`` with their tasks (notes/handson.py; filled by
    # read_notes and the import, which have the note's text for the sentence before a block)
    handson: tuple[Fact, ...] = ()

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "title": self.title,
            "lang": self.lang,
            "date": self.date,
            "tags": list(self.tags),
            "draft": self.draft,
            "facts": [f.to_dict() for f in self.facts],
            "warnings": [str(w) for w in self.warnings],
            "plan": [asdict(p) for p in self.plan],
            "code": [asdict(c) for c in self.code],
            "handson": [f.to_dict() for f in self.handson],
        }


class NoteError(Exception):
    """A note that cannot be read at all. ``str()`` is the one-line ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: error: {message}")
        self.path, self.line, self.message = path, line, message

    def __reduce__(self):  # pickled whole (a forked import process sends it back)
        return type(self), (self.path, self.line, self.message)

    @property
    def problem(self) -> Problem:
        return Problem(self.path, self.line, self.message, "error")


@dataclass
class NoteSet:
    """Result of reading several notes: parsed ones and the errors of the rest."""

    notes: list[ParsedNote] = field(default_factory=list)
    errors: list[NoteError] = field(default_factory=list)
