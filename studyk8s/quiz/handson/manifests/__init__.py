"""Checking a manifest by what it means: parsed safely, compared with the expected manifest as
data, and validated against the Kubernetes schema of a chosen version.

* Parsing (:mod:`.load`): ``yaml.SafeLoader`` with a size limit, no anchors or aliases (no alias
  bombs), no custom tags, no duplicate keys (the apiserver refuses them too); several documents
  per text. Every value keeps the line it was written on, so a problem points at the learner's
  line.
* Comparing (:mod:`.comparison`): key order, quoting and spelling of one value (``"80"`` vs
  ``80`` for an int-or-string, ``0.5`` vs ``500m`` for a quantity, ``nginx`` vs
  ``nginx:latest``) do not count, nor do fields left at the default the apiserver would fill in
  (:func:`apply_defaults`, :mod:`.defaults`), nor what the server owns (``status``,
  ``metadata.creationTimestamp``…). Lists that Kubernetes keys (containers and env by name,
  ports by number and protocol…: the schema's ``x-kubernetes-list-map-keys``) are matched by
  key, not by position. Differences are listed by path (``spec.template.spec.containers[0].image``).
* Validating (:mod:`.validation`, :mod:`.schemas`): the strict JSON schemas shipped by
  kubernetes-validate (unknown fields are errors), for :data:`DEFAULT_K8S_VERSION` unless
  another version is asked for; messages (:mod:`.messages`) in English or Chinese, with the
  field path and the line.
"""

from .comparison import Difference, Verdict, check_field, compare, normalise, quantity
from .defaults import LAST_APPLIED, SERVER_FIELDS, apply_defaults
from .load import MAX_BYTES, MAX_DEPTH, MAX_DOCUMENTS, Document, ManifestError, load
from .messages import MESSAGES, path_text
from .schemas import (
    COMMON_KINDS,
    DEFAULT_K8S_VERSION,
    Schemas,
    available_versions,
    resolve_version,
    schemas,
    warm,
)
from .validation import ENUMS, Problem, validate

__all__ = [
    "COMMON_KINDS",
    "DEFAULT_K8S_VERSION",
    "ENUMS",
    "LAST_APPLIED",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MESSAGES",
    "SERVER_FIELDS",
    "Difference",
    "Document",
    "ManifestError",
    "Problem",
    "Schemas",
    "Verdict",
    "apply_defaults",
    "available_versions",
    "check_field",
    "compare",
    "load",
    "normalise",
    "path_text",
    "quantity",
    "resolve_version",
    "schemas",
    "validate",
    "warm",
]
