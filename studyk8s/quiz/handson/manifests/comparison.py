"""Comparing manifests as data: each document normalised (defaults filled in, server fields and
empties dropped, scalars spelled one way by their schema: int-or-string, quantities, images),
documents matched by kind and name, lists Kubernetes keys matched by key rather than position,
and every difference reported by path with the learner's line. Also one blanked field checked
the same way (:func:`check_field`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml

from ..commands.values import image as canonical_image
from .defaults import SERVER_FIELDS, apply_defaults
from .load import BaseLoader, Document, ManifestError, load
from .messages import MESSAGES, Path_, lang_of, path_text, short
from .schemas import Schemas, list_keys, schemas
from .validation import Problem, validate

_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|"
                       r"[eE]([+-]?\d+))?$")
_SUFFIX = {"": 1, "m": Decimal("0.001"), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
           "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
           "Pi": 2**50, "Ei": 2**60}


def quantity(value: object) -> object:
    """``500m`` and ``0.5`` are one CPU quantity, ``1Gi`` and ``1024Mi`` one memory size."""
    text = str(value).strip()
    m = _QUANTITY.match(text)
    if not m:
        return value
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return value
    if m.group(3):
        number = number.scaleb(int(m.group(3)))
    else:
        number *= _SUFFIX[m.group(2) or ""]
    return f"{number.normalize():f}"


def _canonical(value: object, schema: dict | None, sch: Schemas, path: Path_) -> object:
    """The value as compared: defaults applied by the caller, empties dropped, scalars spelled
    one way according to their schema, keyed lists turned into dicts."""
    resolved, ref = sch.deref(schema)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if (*path, k) in SERVER_FIELDS:
                continue
            c = _canonical(v, sch.child(resolved, k), sch, (*path, k))
            if c is None or c == {} or c == []:
                continue
            out[k] = c
        return out
    if isinstance(value, list):
        return [_canonical(v, sch.child(resolved, 0), sch, (*path, i))
                for i, v in enumerate(value)]
    if value is None:
        return None
    if ref.endswith("intstr.IntOrString"):
        if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
            return int(value)
        return value
    if ref.endswith("resource.Quantity"):
        return quantity(value)
    types = (resolved or {}).get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types or "number" in types:
        if isinstance(value, str):
            try:
                return int(value) if re.fullmatch(r"[+-]?\d+", value.strip()) else float(value)
            except ValueError:
                return value
        return value
    if "string" in types and not isinstance(value, str):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if "boolean" in types and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if path and path[-1] == "image" and isinstance(value, str):
        return canonical_image(value)
    return value


@dataclass(frozen=True)
class Difference:
    """What differs at a path: changed, missing (expected has it) or extra (the learner's)."""

    kind: str
    path: Path_
    expected: object = None
    given: object = None
    line: int | None = None
    doc_kind: str = ""
    doc_name: str = ""

    def message(self, lang: str = "en") -> str:
        m = MESSAGES[lang_of(lang)]
        if self.kind in ("doc_missing", "doc_extra"):
            return m[self.kind].format(kind=self.doc_kind, name=self.doc_name or "?")
        return m[self.kind].format(path=path_text(self.path), expected=short(self.expected),
                                   given=short(self.given))


@dataclass(frozen=True)
class Verdict:
    """The whole check: equivalent only when nothing differs and the schema finds nothing."""

    differences: tuple[Difference, ...]
    problems: tuple[Problem, ...]
    version: str

    @property
    def equivalent(self) -> bool:
        return not self.differences and not self.problems

    def messages(self, lang: str = "en") -> list[str]:
        out = []
        for p in self.problems:
            out.append((f"{p.line}: " if p.line else "") + p.message(lang))
        for d in self.differences:
            out.append((f"{d.line}: " if d.line else "") + d.message(lang))
        return out or [MESSAGES[lang_of(lang)]["equivalent"]]


def normalise(doc: Document, sch: Schemas) -> object:
    data = json.loads(json.dumps(doc.data, default=str))  # a deep copy of plain data
    apply_defaults(data)
    root = sch.root(str(data.get("kind", "")), str(data.get("apiVersion", ""))) \
        if data.get("kind") and data.get("apiVersion") else None
    return _canonical(data, root, sch, ())


def compare(expected: str | list[Document], given: str | list[Document],
            version: str | None = None) -> Verdict:
    """Compare the learner's manifest with the expected one, and validate the learner's.
    ``expected`` must load (ManifestError otherwise: it is the author's); a ``given`` that
    cannot load is a Verdict whose one problem says why, with its line."""
    exp_docs = load(expected) if isinstance(expected, str) else expected
    sch = schemas(version)
    try:
        got_docs = load(given) if isinstance(given, str) else given
    except ManifestError as exc:  # the learner's text: a verdict, not an exception
        return Verdict((), (Problem(exc.code, (), exc.line,
                                    tuple((k, str(v)) for k, v in exc.params.items())),),
                       sch.version)
    problems = tuple(validate(got_docs, sch.version))
    diffs: list[Difference] = []
    remaining = list(range(len(got_docs)))
    for e in exp_docs:
        match = next((i for i in remaining if (got_docs[i].kind, got_docs[i].name)
                      == (e.kind, e.name)), None)
        if match is None:
            match = next((i for i in remaining if got_docs[i].kind == e.kind), None)
        if match is None:
            diffs.append(Difference("doc_missing", (), doc_kind=e.kind, doc_name=e.name))
            continue
        remaining.remove(match)
        g = got_docs[match]
        root = sch.root(e.kind, str(e.data.get("apiVersion", "")))
        _diff(normalise(e, sch), normalise(g, sch), (), (), (), root, _Walk(e, g, sch, diffs))
    for i in remaining:
        diffs.append(Difference("doc_extra", (), line=got_docs[i].line,
                                doc_kind=got_docs[i].kind, doc_name=got_docs[i].name))
    return Verdict(tuple(diffs), problems, sch.version)


class _Walk:
    """Where the comparison stands: the shown path, and the path in each original text (the
    learner's locates the line; both give the values as they were typed)."""

    def __init__(self, exp: Document, got: Document, sch: Schemas, out: list):
        self.exp, self.got, self.sch, self.out = exp, got, sch, out

    def raw(self, doc: Document, path: Path_, fallback):
        value = doc.data
        for p in path:
            try:
                value = value[p]
            except (KeyError, IndexError, TypeError):
                return fallback
        return value if not isinstance(value, dict | list) else fallback

    def add(self, kind: str, path: Path_, epath: Path_, gpath: Path_, e=None, g=None,
            line_path: Path_ | None = None) -> None:
        self.out.append(Difference(
            kind, path,
            expected=self.raw(self.exp, epath, e) if kind != "extra" else None,
            given=self.raw(self.got, gpath, g) if kind != "missing" else None,
            line=self.got.line_of(gpath if line_path is None else line_path)))


def _diff(e, g, path: Path_, epath: Path_, gpath: Path_, schema, w: _Walk) -> None:
    """Walk both canonical values; ``path`` is shown (the learner's list indexes where the
    learner has the item)."""
    sch = w.sch
    if isinstance(e, dict) and isinstance(g, dict):
        for k in list(e) + [k for k in g if k not in e]:
            if k not in g:
                w.add("missing", (*path, k), (*epath, k), (*gpath, k), e=e[k], line_path=gpath)
            elif k not in e:
                w.add("extra", (*path, k), (*epath, k), (*gpath, k), g=g[k])
            else:
                _diff(e[k], g[k], (*path, k), (*epath, k), (*gpath, k), sch.child(schema, k), w)
        return
    if isinstance(e, list) and isinstance(g, list):
        mode, keys = list_keys(schema, sch)
        item_schema = sch.child(schema, 0)
        if mode == "map" and all(isinstance(x, dict) for x in e + g):
            def key(x):
                return tuple(json.dumps(x.get(k), sort_keys=True) for k in keys)
            gi = {key(x): i for i, x in enumerate(g)}
            used = set()
            for j, x in enumerate(e):
                i = gi.get(key(x))
                if i is None and len(e) == len(g) == 1:
                    i = 0  # one item each: compare them field by field (a renamed container)
                if i is None or i in used:
                    w.add("missing", (*path, j), (*epath, j), (*gpath, j), e=x, line_path=gpath)
                    continue
                used.add(i)
                _diff(x, g[i], (*path, i), (*epath, j), (*gpath, i), item_schema, w)
            for i, x in enumerate(g):
                if i not in used:
                    w.add("extra", (*path, i), epath, (*gpath, i), g=x)
            return
        if mode == "set":
            if {json.dumps(x, sort_keys=True) for x in e} != \
                    {json.dumps(x, sort_keys=True) for x in g}:
                w.add("changed", path, epath, gpath, e=e, g=g)
            return
        for i in range(max(len(e), len(g))):
            if i >= len(g):
                w.add("missing", (*path, i), (*epath, i), (*gpath, i), e=e[i], line_path=gpath)
            elif i >= len(e):
                w.add("extra", (*path, i), epath, (*gpath, i), g=g[i])
            else:
                _diff(e[i], g[i], (*path, i), (*epath, i), (*gpath, i), item_schema, w)
        return
    if e != g or (type(e) is not type(g) and not (_num(e) and _num(g))):
        w.add("changed", path, epath, gpath, e=e, g=g)


def _num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


# --- one blanked field -------------------------------------------------------------------------


def check_field(manifest_text: str, path: Path_, typed: str, version: str | None = None,
                doc: int = 0) -> tuple[bool, object]:
    """A fill-in question: is ``typed`` (one YAML value, as a learner types it into the blank)
    the value the manifest has at ``path``? Compared the way whole manifests are (``"80"`` =
    ``80`` for an int-or-string, ``500m`` = ``0.5``, ``nginx`` = ``nginx:latest``). Returns
    (right, the expected value as written)."""
    docs = load(manifest_text)
    sch = schemas(version)
    d = docs[doc]
    expected = d.data
    for p in path:
        expected = expected[p]
    schema = sch.root(d.kind, str(d.data.get("apiVersion", "")))
    for p in path:
        schema = sch.child(schema, p)
    try:
        value = yaml.load(typed.strip() or "null", Loader=BaseLoader)
    except yaml.YAMLError:
        value = typed.strip()
    if isinstance(value, dict | list) and not isinstance(expected, dict | list):
        value = typed.strip()
    same = _canonical(value, schema, sch, tuple(path)) == \
        _canonical(expected, schema, sch, tuple(path))
    return same, expected
