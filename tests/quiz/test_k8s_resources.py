"""The resource and flag table (studyk8s/quiz/handson/commands/k8s_resources.json) is what its
sources say: regenerated from kubernetes-validate's schemas and lightkube-models it comes out
the same, and where a kubectl binary is at hand, its --help gives the same commands and
flags."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from studyk8s.config import ROOT
from studyk8s.quiz.handson.commands import DATA_FILE

sys.path.insert(0, str(ROOT / "tools"))
import gen_k8s_resources as gen  # noqa: E402

DATA = json.loads(DATA_FILE.read_text())


def test_resources_regenerate_identically_from_their_sources():
    assert DATA["kubernetes_version"] == gen.K8S_VERSION
    assert DATA["resources"] == gen.resources(gen.K8S_VERSION)


def test_every_resource_is_a_kind_of_the_schema_version():
    kinds = gen.schema_kinds(gen.K8S_VERSION)
    for r in DATA["resources"]:
        assert r["version"] in kinds[(r["group"], r["kind"])], r


@pytest.mark.parametrize(("name", "group", "version", "namespaced", "short"), [
    ("pods", "", "v1", True, ["po"]),
    ("deployments", "apps", "v1", True, ["deploy"]),
    ("nodes", "", "v1", False, ["no"]),
    ("persistentvolumes", "", "v1", False, ["pv"]),
    ("horizontalpodautoscalers", "autoscaling", "v2", True, ["hpa"]),
    ("cronjobs", "batch", "v1", True, ["cj"]),
    ("clusterroles", "rbac.authorization.k8s.io", "v1", False, []),
    ("ingresses", "networking.k8s.io", "v1", True, ["ing"]),
])
def test_rows_a_cka_candidate_relies_on(name, group, version, namespaced, short):
    row = next(r for r in DATA["resources"] if r["name"] == name and r["group"] == group)
    assert (row["version"], row["namespaced"], row["short_names"]) == (version, namespaced, short)


def test_kubectl_table_has_the_flags_the_checker_needs():
    cmds = DATA["kubectl"]["commands"]
    assert cmds["create deployment"]["flags"]["replicas"] == {"short": "r", "type": "int",
                                                             "default": 1}
    assert cmds["get"]["flags"]["all-namespaces"]["short"] == "A"
    assert cmds["create configmap"]["flags"]["from-literal"]["type"] == "list"
    assert "deploy" in cmds["create deployment"]["aliases"]
    assert DATA["kubectl"]["global_flags"]["namespace"]["short"] == "n"


KUBECTL = os.environ.get("KUBECTL") or shutil.which("kubectl")


@pytest.mark.skipif(not KUBECTL, reason="no kubectl binary ($KUBECTL or PATH)")
def test_kubectl_flags_match_a_real_kubectl_help():
    """Flags a kubectl of another minor version may add or drop are few; the ones the checker
    reads must agree in shorthand and kind."""
    for path in ("create deployment", "get", "run", "expose", "logs", "exec", "drain"):
        real = gen.parse_help(gen._help(KUBECTL, path.split()))["flags"]
        ours = DATA["kubectl"]["commands"][path]["flags"]
        common = set(real) & set(ours)
        assert len(common) >= 0.9 * len(ours), path
        for name in common:
            assert (real[name]["short"], real[name]["type"]) == \
                (ours[name]["short"], ours[name]["type"]), (path, name)
