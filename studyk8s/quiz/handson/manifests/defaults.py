"""What the apiserver fills in or owns, so that writing it or not does not count: the defaults
of the kinds a CKA/CKAD task uses (the SetDefaults_* functions of each API group), a Secret's
stringData as the data it is stored as, and the fields only the server writes
(:data:`SERVER_FIELDS`, kubectl's last-applied annotation)."""

from __future__ import annotations

import base64


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


def _rolling_update(spec: dict, key: str, **defaults) -> None:
    """A workload's update strategy: RollingUpdate unless said otherwise, with its defaults."""
    strategy = spec.setdefault(key, {})
    if isinstance(strategy, dict):
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = strategy.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                for name, value in defaults.items():
                    ru.setdefault(name, value)


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
            _rolling_update(spec, "strategy", maxSurge="25%", maxUnavailable="25%")
        elif kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            _rolling_update(spec, "updateStrategy", partition=0)
        elif kind == "DaemonSet":
            _rolling_update(spec, "updateStrategy", maxUnavailable=1, maxSurge=0)
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
