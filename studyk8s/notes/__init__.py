"""Notes → facts: the pure parser behind ``flask notes import`` (no Flask, no database).

``parse_note(bytes, path)`` reads one note; ``read_notes(paths)`` reads files and folders.
"""

from .model import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    ENUMERATION,
    FACT_KINDS,
    PROPERTY,
    STATEMENT,
    CodeBlock,
    Edge,
    Fact,
    NoteError,
    NoteSet,
    ParsedNote,
    PlanItem,
    Problem,
)
from .parser import parse_note
from .reader import read_notes

__all__ = [
    "ABBREVIATION",
    "DEFINITION",
    "DIAGRAM",
    "ENUMERATION",
    "FACT_KINDS",
    "PROPERTY",
    "STATEMENT",
    "CodeBlock",
    "Edge",
    "Fact",
    "NoteError",
    "NoteSet",
    "ParsedNote",
    "PlanItem",
    "Problem",
    "parse_note",
    "read_notes",
]
