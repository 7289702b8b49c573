"""Bytes → text and front matter, refusing anything that is not a plain UTF-8 note.

YAML is loaded with a SafeLoader subclass that also refuses anchors, aliases and any
non-core tag: notes come from uploads, and aliases are the "billion laughs" vector.
When the front matter contains none of ``& * !`` it cannot hold any of those, so the
fast C loader is used (a note import parses hundreds of files).
"""

from __future__ import annotations

import datetime as _dt
import re

import yaml

from .model import NoteError

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_DEPTH = 64  # no note or quiz set nests deeper; PyYAML would recurse until RecursionError


class StrictLoader(yaml.SafeLoader):
    """safe_load minus anchors, aliases and custom tags (``!!python/object``, ``!foo``), and
    minus nesting deeper than ``MAX_DEPTH`` (refused at once, not after thousands of frames)."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        problem = None
        if self._depth >= MAX_DEPTH:
            problem = f"nested deeper than {MAX_DEPTH} levels"
        elif isinstance(event, yaml.AliasEvent):
            problem = f"alias *{event.anchor} is not allowed"
        elif getattr(event, "anchor", None) is not None:
            problem = f"anchor &{event.anchor} is not allowed"
        elif getattr(event, "tag", None) not in (None, "!", *_CORE_TAGS):
            problem = f"tag {event.tag} is not allowed"
        if problem:
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def decode(data: bytes, path: str) -> str:
    """UTF-8 text without BOM; a NUL byte or invalid UTF-8 is an error at its line."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise NoteError(path, 1, "file is UTF-16 text; save the note as UTF-8")
    bad, why = -1, ""
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad, why = e.start, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
        text = ""
    if nul >= 0 and (bad < 0 or nul <= bad):
        bad, why = nul, f"binary file (NUL byte at offset {nul})"
    if bad >= 0:
        raise NoteError(path, data.count(b"\n", 0, bad) + 1, why)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise NoteError(path, 1, "note is empty")
    return text


def _one_line(msg: str) -> str:
    return " ".join(str(msg).split())


def split_front_matter(lines: list[str], path: str) -> tuple[dict, int]:
    """Parse the front matter at the top of ``lines``.

    Returns (mapping, index of the first body line). Hugo's ``---`` YAML and ``+++`` TOML
    are understood; a note without front matter returns ({}, 0).
    """
    first = lines[0].rstrip() if lines else ""
    if first not in ("---", "+++"):
        return {}, 0
    closers = ("---", "...") if first == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), -1)
    if end < 0:
        raise NoteError(path, 1, f"front matter opened on line 1 is never closed by {first}")
    raw = "\n".join(lines[1:end])
    meta = _load_toml(raw, path) if first == "+++" else _load_yaml(raw, path, end + 1)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise NoteError(path, 2, f"front matter must be a mapping of keys, not a {_kind(meta)}")
    return meta, end + 1


def _kind(value: object) -> str:
    return {list: "list", str: "string"}.get(type(value), type(value).__name__)


def _load_yaml(raw: str, path: str, last_line: int) -> object:
    # The C loader recurses natively on nesting, so deep flow collections take the
    # Python path, which turns excessive depth into a RecursionError.
    simple = not re.search(r"[&*!]", raw) and raw.count("[") + raw.count("{") < 500
    loader = _FAST_LOADER if simple else StrictLoader
    try:
        return yaml.load(raw, Loader=loader)  # both loaders are SafeLoader variants
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        end = len(raw.rstrip())
        if mark is not None and mark.index >= end:  # "found end of stream"
            ctx = e.context_mark
            # point at the unclosed [ or " if known, else at the last front matter line
            known = ctx is not None and ctx.index < end
            line = ctx.line + 2 if known else raw[:end].count("\n") + 2
        else:
            line = (mark.line + 2) if mark is not None else 2
        what = e.problem or e.context or "invalid YAML"
        if e.context and e.problem:
            what = f"{e.problem} ({e.context})"
        line = max(2, min(line, last_line))
        raise NoteError(path, line, f"front matter: {_one_line(what)}") from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise NoteError(path, 2, f"front matter: {_one_line(e) or 'invalid YAML'}") from None


def _load_toml(raw: str, path: str) -> object:
    import tomllib

    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        line = int(m.group(1)) + 1 if m else 2
        raise NoteError(path, line, f"front matter: {_one_line(e)}") from None


def meta_str(value: object) -> str:
    """A front matter scalar as text (dates as ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return ""
    return _one_line(str(value))


def meta_tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(t for t in (s.strip() for s in re.split(r"[,，]", value)) if t)
    if isinstance(value, (list, tuple)):
        return tuple(s for s in (meta_str(v) for v in value) if s)
    return ()


def meta_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("true", "yes", "on", "1")
    return bool(value) if isinstance(value, (bool, int)) else False
