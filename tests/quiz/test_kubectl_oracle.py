"""The command checker against a real kubectl: for every `kubectl create …` / `kubectl run …`
pair of the table, kubectl itself prints both objects (client-side dry run, no cluster needed);
the checker must call the pair equivalent exactly when kubectl prints the same object (up to
the equivalences the command checker declares).

Skipped when no kubectl binary is found ($KUBECTL, or kubectl on the PATH).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess

import pytest

from studyk8s.quiz.handson import manifests
from studyk8s.quiz.handson.commands import compare, image

from .test_kubectl import PAIRS

KUBECTL = os.environ.get("KUBECTL") or shutil.which("kubectl")
pytestmark = pytest.mark.skipif(not KUBECTL, reason="no kubectl binary ($KUBECTL or PATH)")


def _printable(cmd: str) -> bool:
    words = shlex.split(cmd)
    return (words[:1] in (["kubectl"], ["k"]) and len(words) > 2
            and (words[1] == "run" or (words[1] == "create" and not words[2].startswith("-")))
            and not any(w in ("|", ">", "--from", "token") or w.startswith("--from=cronjob")
                        for w in words))


def _object(cmd: str) -> dict | None:
    """What kubectl would send for ``cmd``: its client-side dry run, as JSON (None if kubectl
    refuses the command offline)."""
    words = shlex.split(cmd)
    words[0] = KUBECTL
    extra = ["--dry-run=client", "-o", "json"]
    if "--" in words:
        k = words.index("--")
        words = words[:k] + extra + words[k:]
    else:
        words += extra
    env = {**os.environ, "KUBECONFIG": os.devnull, "HOME": "/nonexistent"}
    done = subprocess.run(words, capture_output=True, text=True, env=env, timeout=30)
    if done.returncode != 0:
        return None
    obj = json.loads(done.stdout)
    # Up to the equivalences kubectl.py declares in its docstring: the default namespace, one
    # image reference however spelled, a binding's subjects (a set for RBAC), and a service
    # port's name when kubectl made it from the --tcp text.
    meta = obj.get("metadata", {})
    if meta.get("namespace") == "default":
        del meta["namespace"]
    _images(obj)
    if isinstance(obj.get("subjects"), list):
        obj["subjects"] = sorted(obj["subjects"], key=lambda s: json.dumps(s, sort_keys=True))
    if obj.get("kind") == "Service":  # the port names kubectl derives from how --tcp was spelt
        for port in obj.get("spec", {}).get("ports", []):
            if port.get("name") in (str(port.get("port")),
                                    f"{port.get('port')}-{port.get('targetPort')}"):
                del port["name"]
    return obj


def _images(node) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "image" and isinstance(v, str):
                node[k] = image(v)
            else:
                _images(v)
    elif isinstance(node, list):
        for v in node:
            _images(v)


ORACLE = [(e, g) for e, g, _ in PAIRS if _printable(e) and _printable(g)
          and "--dry-run" not in e + g and " -o" not in e + g]


def test_enough_pairs_are_checked_by_kubectl():
    assert len(ORACLE) >= 40


@pytest.mark.parametrize(("expected", "given"), ORACLE, ids=[str(i) for i in range(len(ORACLE))])
def test_the_checker_agrees_with_kubectl(expected, given):
    a, b = _object(expected), _object(given)
    if a is None or b is None:
        pytest.skip("kubectl refuses one of the commands without a cluster")
    assert compare(expected, given).equivalent == (a == b), (a, b)


@pytest.mark.parametrize(("expected", "given"), ORACLE, ids=[str(i) for i in range(len(ORACLE))])
def test_the_manifest_checker_agrees_with_kubectl_too(expected, given):
    """What kubectl prints for each command is a valid manifest for the schema, and the
    manifest checker calls two printed objects equivalent exactly when they are equal."""
    a, b = _object(expected), _object(given)
    if a is None or b is None:
        pytest.skip("kubectl refuses one of the commands without a cluster")
    ya, yb = json.dumps(a), json.dumps(b)  # JSON is YAML
    assert manifests.validate(ya) == []
    verdict = manifests.compare(ya, yb)
    assert verdict.equivalent == (a == b), verdict.messages()
