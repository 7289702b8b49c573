"""Answer normalisation and typo distance."""

from __future__ import annotations

import pytest

from studyk8s.quiz.normalize import allowed_typos, normalize, osa_distance


@pytest.mark.parametrize(("a", "b"), [
    ("ＡＰＩＳｅｒｖｅｒ", "APIServer"),  # full-width letters (NFKC)
    ("apiserver", "APIServer"),  # case
    ("Kube-proxy", "kube proxy"),  # punctuation and spaces
    ("kube_proxy", "KUBEPROXY"),
    ("Ingress  Controller", "ingress-controller"),
    ("弹性伸缩。", "弹性伸缩"),  # Chinese full stop
    ("负载均衡 IPVS", "负载均衡ＩＰＶＳ"),  # mixed script, full-width Latin
    ("（RC）", "rc"),  # full-width brackets
    ("Ｋ８ｓ", "k8s"),  # full-width digits
])
def test_normalize_folds_what_does_not_matter(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(("a", "b"), [
    ("ETCD", "ETC"),
    ("调度器", "调度"),
    ("Job", "CronJob"),
])
def test_normalize_keeps_what_matters(a, b):
    assert normalize(a) != normalize(b)


@pytest.mark.parametrize(("a", "b", "d"), [
    ("kubelet", "kubelet", 0),
    ("kubelet", "kubelte", 1),  # swapped neighbours: one typo
    ("kubelet", "kubelett", 1),  # insertion
    ("kubelet", "kublet", 1),  # deletion
    ("kubelet", "kubelot", 1),  # substitution
    ("scheduler", "shceduelr", 2),
    ("abc", "", 3),
    ("", "", 0),
])
def test_osa_distance(a, b, d):
    assert osa_distance(a, b) == d
    assert osa_distance(b, a) == d


def test_osa_distance_stops_early_past_the_limit():
    assert osa_distance("kubelet", "deployment", 2) == 3
    assert osa_distance("a" * 50, "b" * 50, 1) == 2


@pytest.mark.parametrize(("term", "n"), [
    ("etcd", 0),  # short: a typo makes another word
    ("helm", 0),
    ("kubelet", 1),  # 6+ letters: one typo
    ("daemonset", 2),  # 9+ letters: two
    ("replicationcontroller", 2),
    ("调度器", 0),  # no typo tolerance in Chinese
    ("pod控制器", 0),
])
def test_allowed_typos(term, n):
    assert allowed_typos(normalize(term)) == n
