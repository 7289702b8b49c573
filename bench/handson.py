"""Hands-on checking speed (issue 19): the median time to check a typed command against the
expected one (parse both, compare; target under 20 ms), and a typed manifest against the
expected one with schema validation (load both, compare, validate; target under 100 ms).
Medians over many runs in a warm process (schemas loaded once, as a web worker keeps them);
the first check of a fresh process, which loads the Kubernetes schema, is a row of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from studyk8s.quiz.handson import commands, manifests

from .common import median, time_ms

ROWS = ("handson_command_check_ms", "handson_manifest_check_ms",
        "handson_manifest_first_check_ms", "handson_manifest_warm_s")
RUNS = 300

COMMANDS = [
    ("kubectl get pods -n kube-system -o wide", "k get po -owide --namespace=kube-system"),
    ("kubectl create deployment web --image=nginx:1.25 --replicas=3 --dry-run=client -o yaml",
     "kubectl create deploy web -r 3 --image nginx:1.25 -oyaml --dry-run"),
    ("kubectl run busybox --image=busybox --rm -it --restart=Never -- sh",
     "kubectl run busybox --restart=Never -ti --rm --image=busybox -- /bin/sh"),
    ("kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort",
     "kubectl expose deploy/web --type NodePort --port 80 --target-port 8081"),
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2",
     "kubectl create cm cfg --from-literal b=2 --from-literal=a=1"),
    ("kubectl set image deployment/web nginx=nginx:1.25",
     "kubectl set image deploy web nginx=nginx"),
    ("kubectl drain node01 --ignore-daemonsets --delete-emptydir-data",
     "kubectl drain --delete-local-data --ignore-daemonsets node01"),
    ("ETCDCTL_API=3 etcdctl snapshot save /opt/snap.db --endpoints=https://127.0.0.1:2379 "
     "--cacert=ca.crt --cert=server.crt --key=server.key",
     "etcdctl --cacert ca.crt --cert server.crt --key server.key snapshot save /opt/snap.db "
     "--endpoints https://127.0.0.1:2379"),
    ("helm install web bitnami/nginx -n web --create-namespace --set a=1,b=2",
     "helm install web bitnami/nginx --set b=2 --set a=1 --namespace web --create-namespace"),
    ("kubectl auth can-i create deployments --as=system:serviceaccount:dev:robot -n dev",
     "kubectl auth can-i create deploy.apps -n dev --as system:serviceaccount:dev:robot"),
]

EXPECTED = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 3
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: nginx
            image: nginx:1.25
            ports:
            - containerPort: 80
            env:
            - {name: MODE, value: prod}
            resources:
              limits: {cpu: 500m, memory: 256Mi}
            readinessProbe:
              httpGet: {path: /, port: 80}
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      type: NodePort
      selector: {app: web}
      ports:
      - port: 80
        targetPort: 80
        nodePort: 30080
    """)
GIVEN = (EXPECTED.replace("replicas: 3", "replicas: 2")
         .replace("cpu: 500m", 'cpu: "0.5"')
         .replace("            ports:\n", "            imagePullPolicy: IfNotPresent\n"
                  "            ports:\n")
         .replace("nodePort: 30080", "nodePort: 30080\n    protocol: TCP\n    nodPort: 1"))

# The first check in a process that has imported the app's code: the schema of the Kubernetes
# version (1.5 MB of JSON), jsonschema and the validators are loaded on first use.
COLD = """
import json, time
from studyk8s.quiz.handson import manifests
from bench.handson import EXPECTED, GIVEN
t0 = time.perf_counter()
v = manifests.compare(EXPECTED, GIVEN)
print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "n": len(v.messages())}))
"""

WARM = """
import json, time
from studyk8s.quiz.handson import manifests
t0 = time.perf_counter()
manifests.warm()
print(json.dumps({"s": time.perf_counter() - t0}))
"""


def _command_check() -> None:
    for expected, given in COMMANDS:
        commands.compare(expected, given)


def _manifest_check() -> manifests.Verdict:
    return manifests.compare(EXPECTED, GIVEN)


def run() -> list[dict]:
    from .__main__ import row

    verdict = _manifest_check()
    assert not verdict.equivalent and len(verdict.messages()) == 3, verdict.messages()
    per_pair = [t / len(COMMANDS) for t in time_ms(_command_check, RUNS // 3)]
    command = median(per_pair)
    manifest_ms = median(time_ms(_manifest_check, RUNS))
    cold, warm = [], []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True,
                             check=True)
        cold.append(json.loads(out.stdout)["ms"])
        out = subprocess.run([sys.executable, "-c", WARM], capture_output=True, text=True,
                             check=True)
        warm.append(json.loads(out.stdout)["s"])
    target = "issue 19 target"
    return [
        row("handson_command_check_ms", command, "ms", target, 20.0),
        row("handson_manifest_check_ms", manifest_ms, "ms", target, 100.0),
        row("handson_manifest_first_check_ms", median(cold), "ms",
            "issue 19 target (first check of a process)", 100.0),
        row("handson_manifest_warm_s", median(warm), "s",
            "manifests.warm() at worker start (no target)", median(warm)),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
