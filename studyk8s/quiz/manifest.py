"""Checking a manifest by what it means: parsed safely, compared with the expected manifest as
data, and validated against the Kubernetes schema of a chosen version.

* Parsing: ``yaml.SafeLoader`` with a size limit, no anchors or aliases (no alias bombs), no
  custom tags, no duplicate keys (the apiserver refuses them too); several documents per text.
  Every value keeps the line it was written on, so a problem points at the learner's line.
* Comparing: key order, quoting and spelling of one value (``"80"`` vs ``80`` for an
  int-or-string, ``0.5`` vs ``500m`` for a quantity, ``nginx`` vs ``nginx:latest``) do not count,
  nor do fields left at the default the apiserver would fill in (:func:`apply_defaults`), nor
  what the server owns (``status``, ``metadata.creationTimestamp``…). Lists that Kubernetes keys
  (containers and env by name, ports by number and protocol…: the schema's
  ``x-kubernetes-list-map-keys``) are matched by key, not by position. Differences are listed by
  path (``spec.template.spec.containers[0].image``).
* Validating: the strict JSON schemas shipped by kubernetes-validate (unknown fields are errors),
  for :data:`DEFAULT_K8S_VERSION` unless another version is asked for; messages in English or
  Chinese, with the field path and the line.
"""

from __future__ import annotations

import base64
import difflib
import importlib.util
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource

from .kubectl import image as canonical_image

# The version the CKA currently uses: the cncf/curriculum repository's CKA_Curriculum_v1.35.pdf
# (the Linux Foundation aligns the exam with a new minor release 4–8 weeks after it ships).
DEFAULT_K8S_VERSION = "1.35"
MAX_BYTES = 256 * 1024
MAX_DOCUMENTS = 50
MAX_DEPTH = 40

MESSAGES = {
    "en": {
        "too_big": "the manifest is larger than {n} KiB",
        "too_many": "more than {n} YAML documents",
        "too_deep": "nested more than {n} levels deep",
        "alias": "YAML anchors and aliases (& and *) are not accepted in a manifest",
        "duplicate": "the key {key} appears twice",
        "yaml": "not valid YAML: {problem}",
        "not_mapping": "a manifest document must be a mapping (key: value), not {what}",
        "empty": "no manifest given",
        "version": "Kubernetes {version} is not available (available: {available})",
        "no_api_version": "apiVersion is missing",
        "no_kind": "kind is missing",
        "unknown_kind": "Kubernetes {version} has no kind {kind}",
        "wrong_api_version": "kind {kind} has no apiVersion {api_version} in Kubernetes "
                             "{version}; use {expected}",
        "unknown_field": "unknown field {field}",
        "did_you_mean": " (did you mean {suggestion}?)",
        "wrong_type": "expected {expected}, got {given} {value}",
        "required": "required field {field} is missing",
        "enum": "{value} is not allowed; one of: {allowed}",
        "invalid": "{detail}",
        # comparison
        "equivalent": "equivalent",
        "changed": "{path} is {given}, expected {expected}",
        "missing": "{path} is missing (expected {expected})",
        "extra": "{path} is not asked for ({given})",
        "doc_missing": "a {kind} named {name} is missing",
        "doc_extra": "the {kind} named {name} is not asked for",
        "types": {"integer": "an integer", "number": "a number", "string": "a string",
                  "boolean": "true or false", "object": "a mapping", "array": "a list",
                  "null": "nothing"},
    },
    "zh": {
        "too_big": "清单超过 {n} KiB",
        "too_many": "YAML 文档多于 {n} 个",
        "too_deep": "嵌套超过 {n} 层",
        "alias": "清单中不接受 YAML 锚点和别名（& 和 *）",
        "duplicate": "键 {key} 出现了两次",
        "yaml": "不是合法的 YAML：{problem}",
        "not_mapping": "清单文档必须是映射（key: value），而不是{what}",
        "empty": "没有输入清单",
        "version": "没有 Kubernetes {version} 的模式（可用：{available}）",
        "no_api_version": "缺少 apiVersion",
        "no_kind": "缺少 kind",
        "unknown_kind": "Kubernetes {version} 没有 {kind} 这种 kind",
        "wrong_api_version": "Kubernetes {version} 中 {kind} 没有 apiVersion {api_version}，"
                             "应使用 {expected}",
        "unknown_field": "未知字段 {field}",
        "did_you_mean": "（是不是 {suggestion}？）",
        "wrong_type": "应为{expected}，实际是{given} {value}",
        "required": "缺少必填字段 {field}",
        "enum": "不允许 {value}；可选：{allowed}",
        "invalid": "{detail}",
        "equivalent": "等价",
        "changed": "{path} 是 {given}，应为 {expected}",
        "missing": "缺少 {path}（应为 {expected}）",
        "extra": "多了 {path}（{given}），题目没有要求",
        "doc_missing": "缺少名为 {name} 的 {kind}",
        "doc_extra": "多了名为 {name} 的 {kind}，题目没有要求",
        "types": {"integer": "整数", "number": "数字", "string": "字符串",
                  "boolean": "true 或 false", "object": "映射", "array": "列表",
                  "null": "空值"},
    },
}


def _lang(lang: str) -> str:
    return lang if lang in MESSAGES else "en"


def _type_word(t: str, lang: str) -> str:
    return MESSAGES[_lang(lang)]["types"].get(t, t)


def _type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# --- paths -------------------------------------------------------------------------------------

Path_ = tuple  # of str keys and int indexes


def path_text(path: Path_) -> str:
    """``("spec", "containers", 0, "image")`` → ``spec.containers[0].image``."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            p = str(p)
            needs_quote = not re.fullmatch(r"[A-Za-z0-9_-]+", p)
            out += (f"[{json.dumps(p)}]" if needs_quote else ("." if out else "") + p)
    return out


# --- parsing -----------------------------------------------------------------------------------


class ManifestError(ValueError):
    """A manifest that cannot be read at all (bad YAML, aliases, too big)."""

    def __init__(self, code: str, line: int | None = None, **params):
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params

    def message(self, lang: str = "en") -> str:
        return MESSAGES[_lang(lang)][self.code].format(**self.params)

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


class _BaseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ~5x faster
    """Timestamps stay the text they were (Kubernetes reads YAML into JSON, where
    ``creationTimestamp: 2018-06-25T07:55:16Z`` is a string)."""


_BaseLoader.add_constructor("tag:yaml.org,2002:timestamp",
                            lambda loader, node: loader.construct_scalar(node))


def _check_events(text: str) -> None:
    """Refuse anchors and aliases (no alias bombs) and deep nesting, from the event stream,
    before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
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
        loader = _BaseLoader(text)
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


# --- schemas -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schemas_root() -> Path:
    """kubernetes-validate's schema folder, found without importing the package (its own
    validator is not used: it reloads 1.5 MB of JSON on every call)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise ManifestError("version", version=DEFAULT_K8S_VERSION,
                            available="none (kubernetes-validate is not installed)")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@lru_cache(maxsize=1)
def available_versions() -> tuple[str, ...]:
    out = set()
    for d in _schemas_root().iterdir():
        m = re.fullmatch(r"v(\d+\.\d+)\.\d+-local-strict", d.name)
        if m:
            out.add(m.group(1))
    return tuple(sorted(out, key=lambda v: tuple(int(x) for x in v.split("."))))


def resolve_version(version: str | None) -> str:
    """``v1.35.2`` → ``1.35``; refuses a version kubernetes-validate has no schemas for."""
    want = (version or DEFAULT_K8S_VERSION).strip().lstrip("v")
    m = re.match(r"^(\d+)\.(\d+)", want)
    mm = f"{m.group(1)}.{m.group(2)}" if m else want
    if mm not in available_versions():
        raise ManifestError("version", version=want, available=", ".join(available_versions()))
    return mm


class Schemas:
    """The strict schemas of one Kubernetes version, loaded once and kept (validators too)."""

    def __init__(self, version: str):
        self.version = version
        self.dir = _schemas_root() / f"v{version}.0-local-strict"
        defs_doc = json.loads((self.dir / "_definitions.json").read_text())
        self.defs_doc = defs_doc
        self.defs: dict = defs_doc["$defs"]
        self._validators: dict[str, object] = {}
        self._kinds: dict[str, list[str]] | None = None
        self._registry = None
        self._roots: dict[str, dict | None] = {}

    @staticmethod
    def file_name(kind: str, api_version: str) -> str:
        # kubernetes-validate's naming: rbac.authorization.k8s.io/v1 → rbac-v1
        av = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        return f"{kind.lower()}-{av}.json"

    def kinds(self) -> dict[str, list[str]]:
        """kind (lower case) → the apiVersions the version's schemas know it under."""
        if self._kinds is None:
            kinds: dict[str, list[str]] = {}
            for name, d in self.defs.items():
                if ".pkg.apis.meta." in name:
                    continue
                for gvk in d.get("x-kubernetes-group-version-kind", []):
                    av = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                    kinds.setdefault(gvk["kind"].lower(), []).append(av)
            self._kinds = kinds
        return self._kinds

    def root(self, kind: str, api_version: str) -> dict | None:
        """The top-level schema of a kind at an apiVersion (None if the version has none)."""
        key = self.file_name(kind, api_version)
        if key not in self._roots:
            path = self.dir / key
            self._roots[key] = json.loads(path.read_text()) if path.is_file() else None
        return self._roots[key]

    def validator(self, kind: str, api_version: str):
        key = self.file_name(kind, api_version)
        if key not in self._validators:
            schema = self.root(kind, api_version)
            if schema is None:
                return None
            if self._registry is None:  # the definitions under their own $id: no crawling
                defs_id = self.defs_doc.get("$id", "/api/_definitions.json")
                self._registry = Registry().with_resources(
                    [(defs_id, Resource.from_contents(self.defs_doc))])
            registry = self._registry
            self._validators[key] = jsonschema.Draft202012Validator(schema, registry=registry)
        return self._validators[key]

    # walking the schema by path (for comparison: list keys, int-or-string, quantities)

    def deref(self, schema: dict | None) -> tuple[dict | None, str]:
        """Follow ``$ref`` → (schema, definition name or "")."""
        name = ""
        for _ in range(20):
            if not schema or "$ref" not in schema:
                break
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.defs.get(name)
        return schema, name

    def child(self, schema: dict | None, key) -> dict | None:
        schema, _ = self.deref(schema)
        if not schema:
            return None
        if isinstance(key, int):
            return schema.get("items")
        props = schema.get("properties") or {}
        if key in props:
            return props[key]
        add = schema.get("additionalProperties")
        return add if isinstance(add, dict) else None


def schemas(version: str | None = None) -> Schemas:
    """The schemas of a version (``None``: the default), loaded once per process."""
    return _schemas(resolve_version(version))


@lru_cache(maxsize=8)
def _schemas(version: str) -> Schemas:
    return Schemas(version)


# The kinds of CKA/CKAD tasks: their validators are built by warm().
COMMON_KINDS = (("Pod", "v1"), ("Deployment", "apps/v1"), ("Service", "v1"),
                ("ConfigMap", "v1"), ("Secret", "v1"), ("Job", "batch/v1"),
                ("CronJob", "batch/v1"), ("PersistentVolumeClaim", "v1"),
                ("NetworkPolicy", "networking.k8s.io/v1"), ("Ingress", "networking.k8s.io/v1"))


def warm(version: str | None = None) -> Schemas:
    """Load a version's schema and build the common validators now (e.g. when a worker
    starts), so a learner's first manifest check does not pay for it."""
    sch = schemas(version)
    for kind, api_version in COMMON_KINDS:
        sch.validator(kind, api_version)
    return sch


# --- validation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One schema problem, at a path and line of the learner's text."""

    code: str
    path: Path_
    line: int | None
    params: tuple[tuple[str, str], ...] = ()
    doc: int = 0

    def message(self, lang: str = "en") -> str:
        m = MESSAGES[_lang(lang)]
        params = dict(self.params)
        if self.code == "wrong_type":
            params["expected"] = _or(params["expected"].split("|"), lang)
            params["given"] = _type_word(params["given"], lang)
        text = m[self.code].format(**params)
        if self.code == "unknown_field" and params.get("suggestion"):
            text += m["did_you_mean"].format(suggestion=params["suggestion"])
        where = path_text(self.path)
        return f"{where}: {text}" if where else text


def _or(types: list[str], lang: str) -> str:
    words = [_type_word(t, lang) for t in types if t != "null"]
    return (" 或 " if _lang(lang) == "zh" else " or ").join(words)


def validate(docs: list[Document] | str, version: str | None = None) -> list[Problem]:
    """Every schema problem of every document, in text order; [] when all are valid."""
    if isinstance(docs, str):
        docs = load(docs)
    sch = schemas(version)
    out: list[Problem] = []
    for n, doc in enumerate(docs):
        out.extend(_validate_one(doc, sch, n))
    return sorted(out, key=lambda p: (p.doc, p.line or 0, path_text(p.path)))


def _validate_one(doc: Document, sch: Schemas, n: int) -> list[Problem]:
    data = doc.data
    api_version, kind = data.get("apiVersion"), data.get("kind")
    problems = []
    if not api_version:
        problems.append(Problem("no_api_version", (), doc.line, doc=n))
    if not kind:
        problems.append(Problem("no_kind", (), doc.line, doc=n))
    if problems:
        return problems
    kind, api_version = str(kind), str(api_version)
    validator = sch.validator(kind, api_version)
    if validator is None:
        known = sch.kinds().get(kind.lower())
        if not known:
            return [Problem("unknown_kind", ("kind",), doc.line_of(("kind",)),
                            (("kind", kind), ("version", sch.version)), doc=n)]
        return [Problem("wrong_api_version", ("apiVersion",), doc.line_of(("apiVersion",)),
                        (("kind", kind), ("api_version", api_version),
                         ("version", sch.version), ("expected", " / ".join(_ga_first(known)))),
                        doc=n)]
    for err in validator.iter_errors(data):
        problems.extend(_translate(err, doc, n, sch))
    _enum_problems(data, sch.root(kind, api_version), sch, doc, n, (), problems)
    # one message per (path, code)
    seen, unique = set(), []
    for p in problems:
        key = (p.path, p.code, p.params)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


# Fields whose values the apiserver's validation limits to a few words. The JSON schemas carry
# no `enum` for them, only the list in each field's description (a test checks every value
# below appears there), so they are listed here: (definition, field) → allowed values.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("io.k8s.api.core.v1.Container", "imagePullPolicy"): ("Always", "Never", "IfNotPresent"),
    ("io.k8s.api.core.v1.PodSpec", "restartPolicy"): ("Always", "OnFailure", "Never"),
    ("io.k8s.api.core.v1.PodSpec", "dnsPolicy"): ("ClusterFirstWithHostNet", "ClusterFirst",
                                                  "Default", "None"),
    ("io.k8s.api.core.v1.ServiceSpec", "type"): ("ExternalName", "ClusterIP", "NodePort",
                                                 "LoadBalancer"),
    ("io.k8s.api.core.v1.ServicePort", "protocol"): ("TCP", "UDP", "SCTP"),
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): ("UDP", "TCP", "SCTP"),
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ("Recreate", "RollingUpdate"),
    ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ("Allow", "Forbid", "Replace"),
    ("io.k8s.api.core.v1.Taint", "effect"): ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    ("io.k8s.api.core.v1.Toleration", "operator"): ("Exists", "Equal", "Lt", "Gt"),
    ("io.k8s.api.core.v1.Toleration", "effect"): ("NoSchedule", "PreferNoSchedule",
                                                  "NoExecute"),
    ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): ("Exact", "Prefix",
                                                               "ImplementationSpecific"),
    ("io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): (
        "Retain", "Delete", "Recycle"),
}


def _enum_problems(value, schema, sch: Schemas, doc: Document, n: int, path: Path_,
                   out: list) -> None:
    resolved, name = sch.deref(schema)
    if isinstance(value, dict):
        for k, v in value.items():
            allowed = ENUMS.get((name, k))
            if allowed and isinstance(v, str) and v not in allowed:
                out.append(Problem("enum", (*path, k), doc.line_of((*path, k)),
                                   (("value", _short(v)), ("allowed", ", ".join(allowed))),
                                   doc=n))
            else:
                _enum_problems(v, sch.child(resolved, k), sch, doc, n, (*path, k), out)
    elif isinstance(value, list):
        item = sch.child(resolved, 0)
        for i, v in enumerate(value):
            _enum_problems(v, item, sch, doc, n, (*path, i), out)


def _ga_first(versions: list[str]) -> list[str]:
    def key(av: str):
        v = av.rsplit("/", 1)[-1]
        m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
        if not m:
            return (0, 0, 0)
        return ({"alpha": 0, "beta": 1, None: 2}[m.group(2)], int(m.group(1)),
                int(m.group(3) or 0))
    return sorted(set(versions), key=key, reverse=True)


def _translate(err, doc: Document, n: int, sch: Schemas) -> list[Problem]:
    path = tuple(err.absolute_path)
    v = err.validator
    if v == "additionalProperties" and isinstance(err.instance, dict):
        schema, _ = sch.deref(err.schema)
        allowed = list((schema or {}).get("properties", {}))
        out = []
        for key in err.instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if not close:  # a different case or a missing letter: compare folded
                folded = {a.lower(): a for a in allowed}
                close = [folded[str(key).lower()]] if str(key).lower() in folded else []
            out.append(Problem("unknown_field", (*path, key), doc.line_of((*path, key)),
                               (("field", str(key)), ("suggestion", close[0] if close else "")),
                               doc=n))
        return out
    if v == "type":
        want = err.validator_value if isinstance(err.validator_value, list) else \
            [err.validator_value]
        return [Problem("wrong_type", path, doc.line_of(path),
                        (("expected", "|".join(want)), ("given", _type_of(err.instance)),
                         ("value", _short(err.instance))), doc=n)]
    if v == "required":
        missing = [f for f in err.validator_value if f not in (err.instance or {})]
        return [Problem("required", (*path, f), doc.line_of(path), (("field", f),), doc=n)
                for f in missing]
    if v == "enum":
        return [Problem("enum", path, doc.line_of(path),
                        (("value", _short(err.instance)),
                         ("allowed", ", ".join(str(x) for x in err.validator_value))), doc=n)]
    if v in ("oneOf", "anyOf"):
        types = []
        for sub in err.context or []:
            if sub.validator == "type":
                vv = sub.validator_value
                types.extend(vv if isinstance(vv, list) else [vv])
        if types:
            types = list(dict.fromkeys(t for t in types if t != "null"))
            return [Problem("wrong_type", path, doc.line_of(path),
                            (("expected", "|".join(types)), ("given", _type_of(err.instance)),
                             ("value", _short(err.instance))), doc=n)]
    return [Problem("invalid", path, doc.line_of(path), (("detail", err.message[:200]),), doc=n)]


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


# --- defaults the apiserver fills in ------------------------------------------------------------


def _pod_spec(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("enableServiceLinks", True)
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                _container(c)
    for vol in spec.get("volumes") or []:
        if not isinstance(vol, dict):
            continue
        for src in ("configMap", "secret"):
            if isinstance(vol.get(src), dict):
                vol[src].setdefault("defaultMode", 420)


def _container(c: dict) -> None:
    img = c.get("image")
    if isinstance(img, str):
        tag = img.split("@")[0].rsplit("/", 1)[-1]
        latest = "@" not in img and (":" not in tag or tag.endswith(":latest"))
        c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        pr = c.get(probe)
        if isinstance(pr, dict):
            pr.setdefault("timeoutSeconds", 1)
            pr.setdefault("periodSeconds", 10)
            pr.setdefault("successThreshold", 1)
            pr.setdefault("failureThreshold", 3)
            if isinstance(pr.get("httpGet"), dict):
                pr["httpGet"].setdefault("scheme", "HTTP")


def _template(spec: dict) -> None:
    t = spec.get("template")
    if isinstance(t, dict) and isinstance(t.get("spec"), dict):
        _pod_spec(t["spec"])


def _job_spec(spec: dict) -> None:
    spec.setdefault("backoffLimit", 6)
    if "completions" not in spec and "parallelism" not in spec:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    _template(spec)


def apply_defaults(data: dict) -> None:
    """Fill in, in place, the defaults the apiserver sets for the kinds a CKA/CKAD task uses
    (the SetDefaults_* functions of each API group), so writing them or not does not count."""
    kind = data.get("kind")
    meta = data.get("metadata")
    if isinstance(meta, dict) and meta.get("namespace") == "default":
        del meta["namespace"]  # `default` is the namespace of a fresh kubeconfig
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        meta["annotations"].pop(LAST_APPLIED, None)  # kubectl apply's own bookkeeping
    if kind == "Secret" and isinstance(data.get("stringData"), dict):
        # stringData is write-only sugar: the apiserver stores it base64-encoded in data
        merged = dict(data.get("data") or {})
        for k, v in data.pop("stringData").items():
            merged[k] = base64.b64encode(str(v).encode()).decode()
        data["data"] = merged
    if kind == "Secret":
        data.setdefault("type", "Opaque")
    spec = data.get("spec")
    if not isinstance(spec, dict):
        spec = None
    if kind == "Pod" and spec is not None:
        _pod_spec(spec)
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet") and spec is not None:
        if kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            spec.setdefault("progressDeadlineSeconds", 600)
            strategy = spec.setdefault("strategy", {})
            if isinstance(strategy, dict):
                strategy.setdefault("type", "RollingUpdate")
                if strategy["type"] == "RollingUpdate":
                    ru = strategy.setdefault("rollingUpdate", {})
                    if isinstance(ru, dict):
                        ru.setdefault("maxSurge", "25%")
                        ru.setdefault("maxUnavailable", "25%")
        elif kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            us = spec.setdefault("updateStrategy", {})
            if isinstance(us, dict):
                us.setdefault("type", "RollingUpdate")
                if us["type"] == "RollingUpdate" and isinstance(us.setdefault("rollingUpdate",
                                                                              {}), dict):
                    us["rollingUpdate"].setdefault("partition", 0)
        elif kind == "DaemonSet":
            us = spec.setdefault("updateStrategy", {})
            if isinstance(us, dict):
                us.setdefault("type", "RollingUpdate")
                if us["type"] == "RollingUpdate" and isinstance(us.setdefault("rollingUpdate",
                                                                              {}), dict):
                    us["rollingUpdate"].setdefault("maxUnavailable", 1)
                    us["rollingUpdate"].setdefault("maxSurge", 0)
        _template(spec)
    elif kind == "Job" and spec is not None:
        _job_spec(spec)
    elif kind == "CronJob" and spec is not None:
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        jt = spec.get("jobTemplate")
        if isinstance(jt, dict) and isinstance(jt.get("spec"), dict):
            _job_spec(jt["spec"])
    elif kind == "Service" and spec is not None:
        # addresses the apiserver allocates (a headless service's `None` is the learner's)
        if spec.get("clusterIP") != "None":
            for key in ("clusterIP", "clusterIPs"):
                spec.pop(key, None)
        for key in ("ipFamilies", "ipFamilyPolicy"):
            spec.pop(key, None)
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        if spec["type"] in ("NodePort", "LoadBalancer"):
            spec.setdefault("externalTrafficPolicy", "Cluster")
        for p in spec.get("ports") or []:
            if isinstance(p, dict):
                p.setdefault("protocol", "TCP")
                if "port" in p:
                    p.setdefault("targetPort", p["port"])
    elif kind == "PersistentVolumeClaim" and spec is not None:
        spec.setdefault("volumeMode", "Filesystem")
    elif kind == "PersistentVolume" and spec is not None:
        spec.setdefault("volumeMode", "Filesystem")
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
    elif kind == "NetworkPolicy" and spec is not None and "policyTypes" not in spec:
        spec["policyTypes"] = ["Ingress", *(["Egress"] if spec.get("egress") else [])]


# What the server owns: never part of what a learner writes (so a manifest copied from
# `kubectl get -o yaml` compares with a hand-written one).
SERVER_FIELDS = {("status",), ("metadata", "creationTimestamp"), ("metadata", "resourceVersion"),
                 ("metadata", "uid"), ("metadata", "generation"), ("metadata", "managedFields"),
                 ("metadata", "selfLink")}
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


# --- canonical values --------------------------------------------------------------------------

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


def _list_keys(schema: dict | None, sch: Schemas) -> tuple[str, list[str]]:
    """How Kubernetes identifies the items of a list: ("map", keys), ("set", []) or
    ("atomic", []) (position), from the schema's x-kubernetes-list-* extensions."""
    resolved, _ = sch.deref(schema)
    if not resolved:
        return "atomic", []
    keys = resolved.get("x-kubernetes-list-map-keys")
    if keys:
        return "map", list(keys)
    if resolved.get("x-kubernetes-patch-merge-key"):
        return "map", [resolved["x-kubernetes-patch-merge-key"]]
    if resolved.get("x-kubernetes-list-type") == "set":
        return "set", []
    return "atomic", []


# --- comparison --------------------------------------------------------------------------------


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
        m = MESSAGES[_lang(lang)]
        if self.kind in ("doc_missing", "doc_extra"):
            return m[self.kind].format(kind=self.doc_kind, name=self.doc_name or "?")
        return m[self.kind].format(path=path_text(self.path), expected=_short(self.expected),
                                   given=_short(self.given))


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
        return out or [MESSAGES[_lang(lang)]["equivalent"]]


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
        mode, keys = _list_keys(schema, sch)
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
        value = yaml.load(typed.strip() or "null", Loader=_BaseLoader)
    except yaml.YAMLError:
        value = typed.strip()
    if isinstance(value, dict | list) and not isinstance(expected, dict | list):
        value = typed.strip()
    same = _canonical(value, schema, sch, tuple(path)) == \
        _canonical(expected, schema, sch, tuple(path))
    return same, expected
