"""YAML with line numbers: the set-file loader keeps the line of every key and item, so each
problem ``validate`` finds names its line; and the text decoding that names the first bad
byte's line."""

from __future__ import annotations

from typing import Any

import yaml

from ..notes.frontmatter import StrictLoader

MAX_FILE_BYTES = 1_048_576


class Invalid(Exception):
    """One problem at one line (raised inside the walk, collected by ``validate``)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class LMap(dict):
    """A mapping that remembers where it and each of its keys and values were."""

    line = 0
    key_lines: dict[str, int]
    value_lines: dict[str, int]


class LList(list):
    line = 0
    item_lines: list[int]


class _LineLoader(StrictLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> LMap:
    out = LMap()
    out.line = node.start_mark.line + 1
    out.key_lines, out.value_lines = {}, {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) or key is None:
            raise Invalid(line, "keys must be plain words")
        key = str(key)
        if key in out:
            raise Invalid(line, f"duplicate key {key!r} (first on line {out.key_lines[key]})")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
        out.value_lines[key] = value_node.start_mark.line + 1
    return out


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str) -> Any:
    """YAML → plain values with line numbers; raises Invalid (with its line) when unreadable."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass  # noqa: S506
    except Invalid:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "invalid YAML"
        if e.context and e.problem:
            what = f"{e.problem} ({e.context})"
        raise Invalid((mark.line + 1) if mark else 1, " ".join(str(what).split())) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise Invalid(1, " ".join(str(e).split()) or "invalid YAML") from None


def decode(data: bytes) -> str:
    """UTF-8 text (BOM allowed); raises Invalid naming the line of the first bad byte."""
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(1, f"file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES}")
    if b"\x00" in data:
        return _bad(data, data.index(b"\x00"), "binary file (NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return _bad(data, e.start, f"not UTF-8 text (byte 0x{data[e.start]:02x})")
    return text[1:] if text.startswith("\ufeff") else text


def _bad(data: bytes, offset: int, why: str):
    raise Invalid(data.count(b"\n", 0, offset) + 1, why)
