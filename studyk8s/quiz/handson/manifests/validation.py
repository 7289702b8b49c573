"""Validating manifests against the strict schema of a Kubernetes version, and saying each
problem the way a learner can act on it: an unknown field with its likely spelling, a wrong
type named in words, a missing required field, a value outside the few the apiserver allows
(:data:`ENUMS`), a kind or apiVersion the version does not have, each with its path and line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .load import Document, load
from .messages import MESSAGES, Path_, lang_of, or_words, path_text, short, type_of, type_word
from .schemas import Schemas, schemas


@dataclass(frozen=True)
class Problem:
    """One schema problem, at a path and line of the learner's text."""

    code: str
    path: Path_
    line: int | None
    params: tuple[tuple[str, str], ...] = ()
    doc: int = 0

    def message(self, lang: str = "en") -> str:
        m = MESSAGES[lang_of(lang)]
        params = dict(self.params)
        if self.code == "wrong_type":
            params["expected"] = or_words(params["expected"].split("|"), lang)
            params["given"] = type_word(params["given"], lang)
        text = m[self.code].format(**params)
        if self.code == "unknown_field" and params.get("suggestion"):
            text += m["did_you_mean"].format(suggestion=params["suggestion"])
        where = path_text(self.path)
        return f"{where}: {text}" if where else text


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
                                   (("value", short(v)), ("allowed", ", ".join(allowed))),
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
        return [_wrong_type(err, want, doc, n)]
    if v == "required":
        missing = [f for f in err.validator_value if f not in (err.instance or {})]
        return [Problem("required", (*path, f), doc.line_of(path), (("field", f),), doc=n)
                for f in missing]
    if v == "enum":
        return [Problem("enum", path, doc.line_of(path),
                        (("value", short(err.instance)),
                         ("allowed", ", ".join(str(x) for x in err.validator_value))), doc=n)]
    if v in ("oneOf", "anyOf"):
        types = []
        for sub in err.context or []:
            if sub.validator == "type":
                vv = sub.validator_value
                types.extend(vv if isinstance(vv, list) else [vv])
        if types:
            types = list(dict.fromkeys(t for t in types if t != "null"))
            return [_wrong_type(err, types, doc, n)]
    return [Problem("invalid", path, doc.line_of(path), (("detail", err.message[:200]),), doc=n)]


def _wrong_type(err, types: list[str], doc: Document, n: int) -> Problem:
    path = tuple(err.absolute_path)
    return Problem("wrong_type", path, doc.line_of(path),
                   (("expected", "|".join(types)), ("given", type_of(err.instance)),
                    ("value", short(err.instance))), doc=n)
