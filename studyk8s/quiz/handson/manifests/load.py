"""Reading a manifest safely, keeping lines: libyaml's SafeLoader with a size limit, no anchors
or aliases (refused from the event stream before anything is built: no alias bombs), no custom
tags, no duplicate keys (the apiserver refuses them too), nesting and document count bounded.
Every value keeps the line it was written on, so a problem points at the learner's line."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .messages import MESSAGES, Path_, lang_of

MAX_BYTES = 256 * 1024
MAX_DOCUMENTS = 50
MAX_DEPTH = 40

class ManifestError(ValueError):
    """A manifest that cannot be read at all (bad YAML, aliases, too big)."""

    def __init__(self, code: str, line: int | None = None, **params):
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params

    def message(self, lang: str = "en") -> str:
        return MESSAGES[lang_of(lang)][self.code].format(**self.params)

    def __str__(self) -> str:
        return (f"line {self.line}: " if self.line else "") + self.message("en")


@dataclass
class Document:
    """One YAML document: its data, and the line (1-based) each path was written on."""

    data: dict
    lines: dict[Path_, int] = field(default_factory=dict)
    line: int = 1

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest written ancestor."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.line

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        meta = self.data.get("metadata")
        return str(meta.get("name", "")) if isinstance(meta, dict) else ""


class BaseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ~5x faster
    """Timestamps stay the text they were (Kubernetes reads YAML into JSON, where
    ``creationTimestamp: 2018-06-25T07:55:16Z`` is a string)."""


BaseLoader.add_constructor("tag:yaml.org,2002:timestamp",
                            lambda loader, node: loader.construct_scalar(node))


def _check_events(text: str) -> None:
    """Refuse anchors and aliases (no alias bombs) and deep nesting, from the event stream,
    before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=BaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ManifestError("alias", line=event.start_mark.line + 1)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ManifestError("too_deep", line=event.start_mark.line + 1, n=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load(text: str, *, max_bytes: int = MAX_BYTES) -> list[Document]:
    """The documents of a manifest text (empty documents skipped); raises ManifestError."""
    if len(text.encode("utf-8", "replace")) > max_bytes:
        raise ManifestError("too_big", n=max_bytes // 1024)
    docs: list[Document] = []
    loader = None
    try:
        _check_events(text)
        loader = BaseLoader(text)
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if len(docs) >= MAX_DOCUMENTS:
                raise ManifestError("too_many", line=node.start_mark.line + 1, n=MAX_DOCUMENTS)
            lines: dict[Path_, int] = {}
            _walk(loader, node, (), lines)
            value = loader.construct_document(node)
            if value is None:
                continue
            if not isinstance(value, dict):
                raise ManifestError("not_mapping", line=node.start_mark.line + 1,
                                    what=type(value).__name__)
            docs.append(Document(value, lines, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ManifestError("yaml", line=mark.line + 1 if mark else None,
                            problem=exc.problem or exc.context or "") from None
    except yaml.YAMLError as exc:
        raise ManifestError("yaml", problem=str(exc)) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not docs:
        raise ManifestError("empty")
    return docs


def _walk(loader, node, path: Path_, lines: dict) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            if key in seen:
                raise ManifestError("duplicate", line=key_node.start_mark.line + 1, key=key)
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(loader, value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(loader, item, (*path, i), lines)
