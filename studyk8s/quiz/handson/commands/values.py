"""Values spelled one way, so that two spellings of the same thing compare equal: image
references, Go durations, label selectors, JSON/YAML flag values, ``TYPE/NAME`` references and
the command a container runs. Each function takes the text as typed and returns its canonical
form; none of them raises."""

from __future__ import annotations

import json
import re
import shlex

import yaml

from .tables import resource


def image(ref: str) -> str:
    """``nginx`` → ``docker.io/library/nginx:latest``: the reference a container runtime pulls."""
    ref = ref.strip()
    if not ref or ref == "*":
        return ref
    name, digest = (ref.split("@", 1) + [""])[:2]
    tag = ""
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) == 1 or not ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if len(parts) == 1:
            parts = ["library", *parts]
        parts = ["docker.io", *parts]
    out = "/".join(parts)
    if digest:
        return f"{out}@{digest}"
    return f"{out}:{tag or 'latest'}"


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def duration(text: str) -> str:
    """A Go duration (``1h``, ``60m``, ``3600s``) as seconds; anything else unchanged."""
    t = text.strip()
    if re.fullmatch(r"\d+", t):  # a bare number: kept as typed (its unit depends on the flag)
        return t
    parts = _DURATION.findall(t)
    if parts and "".join(a + b for a, b in parts) == t:
        secs = sum(float(a) * _UNITS[b] for a, b in parts)
        return f"{secs:g}s"
    return t


def selector(text: str) -> frozenset[str]:
    """``-l a=1,b=2`` (any order, ``==`` for ``=``, spaces) as a set of requirements; a set-based
    requirement (``env in (a,b)``) keeps its own commas."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    norm = set()
    for req in out:
        req = re.sub(r"\s+", " ", req.strip()).replace("==", "=")
        req = re.sub(r"\s*(!=|=)\s*", r"\1", req)
        m = re.match(r"^(\S+) ?(in|notin) ?\((.*)\)$", req)
        if m:
            vals = sorted({v.strip() for v in m.group(3).split(",") if v.strip()})
            if len(vals) == 1:  # `app in (v2)` selects what `app=v2` selects
                req = f"{m.group(1)}{'=' if m.group(2) == 'in' else '!='}{vals[0]}"
            else:
                req = f"{m.group(1)} {m.group(2)} ({','.join(vals)})"
        if req:
            norm.add(req)
    return frozenset(norm)


def data_value(text: str) -> str:
    """A JSON/YAML flag value (``-p``, ``--overrides``) as canonical JSON, so key order and
    spacing do not count."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if not isinstance(value, dict | list):
        return text
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def resource_ref(text: str) -> str:
    """``cronjob/x`` → ``cronjobs/x``; ``deploy`` → ``deployments``."""
    t, sep, rest = text.partition("/")
    return resource(t) + sep + rest


_SHELLS = ("sh", "bash", "ash", "zsh", "dash")


def container_command(words: list[str]) -> tuple[str, ...]:
    """The command a container runs, spelled one way: ``/bin/sh`` is ``sh`` (found on the
    container's PATH), ``sh -c 'echo hi'`` is ``echo hi`` when the script is one plain
    command (no pipes, lists, redirects, variables or globs for the shell to act on), and
    echo's arguments are the one line it prints."""
    words = list(words)
    if words and words[0].rsplit("/", 1)[-1] in _SHELLS and words[0].startswith("/"):
        words[0] = words[0].rsplit("/", 1)[-1]
    if len(words) == 3 and words[0] in _SHELLS and words[1] == "-c" \
            and not re.search(r"[;&|<>$`*?(){}\\\n~]", words[2]):
        try:
            inner = shlex.split(words[2])
        except ValueError:
            return tuple(words)
        if inner:
            return container_command(inner)
    if words and words[0] == "echo" and not any(w.startswith("-") for w in words[1:2]):
        # echo prints its arguments joined by one space: `echo 'a b'` = `echo a b`
        return ("echo", " ".join(words[1:]))
    return tuple(words)


def port_pair(p: str) -> str:
    local, _, remote = p.partition(":")
    return f"{local or remote}:{remote or local}"
