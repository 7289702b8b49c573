"""A note of hands-on drills (commands and manifests), written for the tests: the shared note
holds none. English, so the feedback the tests read is the English one."""

DRILLS = """\
---
title: Hands-on drills
lang: en
---

# Workloads

## Pods

```bash
# List the pods of kube-system with the node each runs on
kubectl get pods -n kube-system -o wide
```

```bash
# Create a deployment web in namespace dev running nginx
kubectl create deployment web --image=nginx -n dev
```

## Manifests

Run a single nginx Pod named web:

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:1.25
```
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:1.25
"""
