"""The strict Kubernetes JSON schemas shipped by kubernetes-validate, one version at a time:
which versions exist, each version's definitions loaded once per process with its validators
(built lazily, or up front by :func:`warm`), and the schema walked by path, which the
comparison needs to know list keys, int-or-string fields and quantities."""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from .load import ManifestError

# The version the CKA currently uses: the cncf/curriculum repository's CKA_Curriculum_v1.35.pdf
# (the Linux Foundation aligns the exam with a new minor release 4–8 weeks after it ships).
DEFAULT_K8S_VERSION = "1.35"


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
            # jsonschema and referencing load here, not at import: a web worker that never
            # checks a manifest does not carry them (about 8 MB each).
            import jsonschema
            from referencing import Registry, Resource

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


def list_keys(schema: dict | None, sch: Schemas) -> tuple[str, list[str]]:
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
