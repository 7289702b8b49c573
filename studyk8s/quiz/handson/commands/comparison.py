"""The two entry points: :func:`parse`, one command line into a :class:`.Command` (whichever
tool it runs), and :func:`compare`, two commands facet by facet into a :class:`.Verdict` that
names each difference."""

from __future__ import annotations

import re

from .command import Command, show_value
from .feedback import LABELS, CommandError, Difference, Verdict
from .flags import NOISE_FLAGS
from .kubectl import parse_kubectl
from .shell import ENV_WORD, split
from .tools import TOOL_ALIASES, TOOLS, parse_tool


def parse(text: str) -> Command:
    """Read one command line; raises :class:`CommandError` if it cannot be read."""
    words, tail = split(text)
    env = []
    while words:
        w = words[0]
        if w in ("sudo", "time", "command", "env"):
            words = words[1:]
            while w == "sudo" and words and words[0] in ("-E", "-i", "-s"):
                words = words[1:]
        elif ENV_WORD.match(w):
            env.append(w)
            words = words[1:]
        else:
            break
    if not words:
        raise CommandError("empty")
    tool = words[0].rsplit("/", 1)[-1]
    tool = TOOL_ALIASES.get(tool, tool)
    args = words[1:]
    env = [e for e in env if e != "ETCDCTL_API=3"]  # etcdctl's API v3 is the default since 3.4
    if tool in ("etcdctl", "etcdutl"):
        # etcdctl reads every flag from ETCDCTL_<FLAG> too: ETCDCTL_CACERT=ca.crt = --cacert
        flags = [f"--{e[8:].split('=', 1)[0].lower().replace('_', '-')}={e.split('=', 1)[1]}"
                 for e in env if e.startswith("ETCDCTL_")]
        env = [e for e in env if not e.startswith("ETCDCTL_")]
        args = flags + args
    if tool == "kubectl":
        cmd = parse_kubectl(args)
    elif tool in TOOLS:
        cmd = parse_tool(tool, args)
    else:
        raise CommandError("unknown_tool", tool=words[0])
    for name in NOISE_FLAGS.get(tool, ()):
        cmd.facets.pop(name, None)
    if env:
        cmd.facets["env"] = frozenset(env)
    if tail:
        cmd.facets["shell"] = re.sub(r"\s+", " ", tail)
    return cmd


def compare(expected: str | Command, given: str | Command) -> Verdict:
    """Are two commands the same, read as the tool reads them? ``expected`` must parse (it is
    the author's); a ``given`` that cannot be read is a Verdict with ``error`` set."""
    exp = parse(expected) if isinstance(expected, str) else expected
    try:
        got = parse(given) if isinstance(given, str) else given
    except CommandError as exc:
        return Verdict(False, error=exc)
    notes = tuple(got.notes)
    if (exp.tool, exp.path) != (got.tool, got.path):
        return Verdict(False, other_command=(got.name, exp.name), notes=notes)
    diffs = []
    order = ["target", "name", "verb", "namespace", "all-namespaces", "image", "replicas",
             "port", "target-port", "type", "dry-run", "output"]
    keys = sorted(set(exp.facets) | set(got.facets),
                  key=lambda k: (order.index(k) if k in order else len(order), k))
    for k in keys:
        e, g = exp.facets.get(k), got.facets.get(k)
        if e == g:
            continue
        if k == "namespace":
            e, g = e or "default", g or "default"
            diffs.append(Difference(k, "changed", expected=str(e), given=str(g)))
        elif isinstance(e, frozenset) or isinstance(g, frozenset):
            es = e if isinstance(e, frozenset) else frozenset([e] if e else [])
            gs = g if isinstance(g, frozenset) else frozenset([g] if g else [])
            diffs.append(Difference(k, "set", missing=tuple(sorted(show_value(v) for v in es - gs)),
                                    extra=tuple(sorted(show_value(v) for v in gs - es))))
        elif e is None:
            diffs.append(Difference(k, "extra", given=_flag_text(k, g, got)))
        elif g is None:
            diffs.append(Difference(k, "missing", expected=_flag_text(k, e, exp)))
        else:
            diffs.append(Difference(k, "changed", expected=exp.show(k), given=got.show(k)))
    return Verdict(not diffs, tuple(diffs), notes)


def _flag_text(facet: str, value: object, cmd: Command) -> str:
    if value == "true" and facet not in LABELS["en"]:
        return ""  # `--force is missing` reads better than `--force true is missing`
    if facet in cmd.shown:
        return cmd.shown[facet]
    return show_value(value)


def equivalent(a: str, b: str) -> bool:
    return compare(a, b).equivalent
