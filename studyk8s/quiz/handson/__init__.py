"""Hands-on checking (issue 19): a learner's typed command or manifest judged by what it means,
as a CKA/CKAD examiner would, without a cluster and without running anything. Two pure
checkers: :mod:`.commands` (kubectl, kubeadm, helm, etcdctl, crictl, docker command lines) and
:mod:`.manifests` (YAML manifests compared as data and validated against the Kubernetes
schema). Each re-exports its public API; import from them, not from their inner modules."""
