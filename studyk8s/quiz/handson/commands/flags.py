"""Flags read by pflag's rules (the library kubectl and the other Go tools use): long and short
forms, ``=`` or a separate value, bundled short flags, ``--`` ending them; then each raw value
turned into a canonical facet by the kind of flag it is (a set, an ordered list, a duration,
an image…), with values equal to the default dropped and noted."""

from __future__ import annotations

import re

from .command import Command, show_value
from .feedback import CommandError
from .tables import Flag
from .values import data_value, duration, image, port_pair, resource_ref, selector

# kubectl flags whose repeated or comma-joined values are a set (kubectl builds a map or an
# unordered list from them); every other list flag keeps its order.
SET_FLAGS = {"from-literal", "from-file", "from-env-file", "env", "labels", "label-columns",
             "filename", "verb", "verbs", "resource", "resource-name", "user", "group",
             "serviceaccount", "tcp", "rule", "annotation", "hard", "as-group",
             "non-resource-url", "aggregation-rule", "selector", "field-selector",
             "discovery-token-ca-cert-hash", "set", "set-string", "set-file", "publish",
             "volume", "env-file", "add-host", "cap-add", "label", "build-arg", "tag",
             "ignore-preflight-errors", "values-set"}
# Flags whose comma-separated value is itself a list (kubectl splits it: stringSlice).
COMMA_FLAGS = {"verb", "verbs", "resource", "resource-name", "label-columns", "hard", "labels",
               "ignore-preflight-errors", "set", "set-string"}
# String flags whose value is a comma-separated set all the same (kubectl parses it).
SPLIT_STRING_FLAGS = {"selector", "field-selector", "labels", "hard"}
DURATION_FLAGS = {"since", "duration", "timeout", "request-timeout", "ttl",
                  "token-ttl", "grace-period-duration"}
DATA_FLAGS = {"patch", "overrides"}
IMAGE_FLAGS = {"image"}
RESOURCE_FLAGS = {"resource", "from"}  # values that name resource types

# Flags that change what the tool logs or asks, never what it does (verbosity, a confirmation
# prompt skipped): they do not count, whichever side has them.
NOISE_FLAGS = {"kubectl": {"v", "vmodule", "log-flush-frequency"},
               "kubeadm": {"v", "yes"}, "helm": {"debug"}, "crictl": {"debug"},
               "docker": {"debug", "log-level"}, "etcdctl": set(), "etcdutl": set()}

# kubectl flags renamed over the years: the old name, as the learner may still type it.
RENAMED = {"delete-local-data": "delete-emptydir-data"}

# Defaults not visible as a flag default in kubectl's --help, by command (value canonical).
IGNORED_DEFAULTS: dict[str, dict[str, object]] = {
    "expose": {"type": "ClusterIP", "protocol": "TCP"},
    "delete": {"cascade": "background", "wait": "true"},
    "run": {"restart": "Always"},
    "logs": {"tail": "-1"},
}


def take_flags(tool: str, cmdname: str, args: list[str], flags: dict[str, Flag],
                strict: bool, stop_after: int | None = None
                ) -> tuple[dict[str, list], list[str], list[str] | None]:
    """pflag's rules: returns {long name: [raw values]}, positionals, and what follows `--`
    (or, for a command that stops reading flags after ``stop_after`` positionals, such as
    `docker run IMAGE CMD…`, what follows them)."""
    shorts = {f.short: f for f in flags.values() if f.short}
    got: dict[str, list] = {}
    pos: list[str] = []
    after: list[str] | None = None
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            after = args[i:]
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            name = RENAMED.get(name, name)
            f = flags.get(name)
            if f is None:
                if strict:
                    raise CommandError("unknown_flag", tool=tool, command=cmdname, flag=f"--{name}")
                f = Flag(name, "string" if (eq or (i < len(args) and not args[i].startswith("-")))
                         else "bool")
            if f.type == "bool":
                got.setdefault(name, []).append(value if eq else "true")
            elif eq:
                got.setdefault(name, []).append(value)
            elif name == "dry-run":  # the old bare --dry-run (kubectl: NoOptDefVal)
                if i < len(args) and args[i] in ("client", "server", "none", "true", "false"):
                    got.setdefault(name, []).append(args[i])
                    i += 1
                else:
                    got.setdefault(name, []).append("")
            elif i < len(args):
                got.setdefault(name, []).append(args[i])
                i += 1
            else:
                raise CommandError("needs_value", flag=f"--{name}")
        elif a.startswith("-") and len(a) > 1 and not re.fullmatch(r"-\d+", a):
            j = 1
            while j < len(a):
                c = a[j]
                f = shorts.get(c)
                if f is None:
                    if strict:
                        raise CommandError("unknown_flag", tool=tool, command=cmdname,
                                           flag=f"-{c}")
                    f = Flag(c, "bool" if j + 1 < len(a) or i >= len(args)
                             or args[i].startswith("-") else "string")
                if f.type == "bool":
                    rest = a[j + 1:]
                    if rest.startswith("="):
                        got.setdefault(f.name, []).append(rest[1:])
                        break
                    got.setdefault(f.name, []).append("true")
                    j += 1
                    continue
                rest = a[j + 1:]
                if rest:
                    got.setdefault(f.name, []).append(rest[1:] if rest.startswith("=") else rest)
                elif i < len(args):
                    got.setdefault(f.name, []).append(args[i])
                    i += 1
                else:
                    raise CommandError("needs_value", flag=f"-{c}")
                break
        else:
            pos.append(a)
            if stop_after is not None and len(pos) >= stop_after:
                after = args[i:]
                break
    return got, pos, after


def flag_values(got: dict[str, list], flags: dict[str, Flag], defaults: dict[str, object],
                 cmd: Command) -> None:
    """Raw flag values → canonical facets; values equal to the default are dropped."""
    for name, raws in got.items():
        f = flags.get(name) or Flag(name, "string")
        if name == "dry-run":
            vals = []
            for r in raws:
                if r in ("", "true"):
                    cmd.notes.append(("note_dry_run_bare", {}))
                    r = "client"
                vals.append("none" if r == "false" else r)
            value: object = vals[-1]
        elif f.type == "bool":
            r = raws[-1].lower()
            if r not in ("true", "false", "1", "0", "t", "f"):
                raise CommandError("bad_bool", flag=f"--{name}", value=raws[-1])
            value = "true" if r in ("true", "1", "t") else "false"
        elif f.type == "int":
            try:
                value = str(int(raws[-1]))
            except ValueError:
                raise CommandError("bad_int", flag=f"--{name}", value=raws[-1]) from None
        elif f.type == "list" or name in SPLIT_STRING_FLAGS:
            items: list[str] = []
            for r in raws:
                if name in ("selector", "field-selector"):
                    items.extend(selector(r))
                elif name in COMMA_FLAGS:
                    items.extend(x.strip() for x in r.split(",") if x.strip())
                else:
                    items.append(r)
            if name in IMAGE_FLAGS:
                cmd.shown[name] = ", ".join(items)
                items = [image(x) for x in items]
            if name in RESOURCE_FLAGS:
                items = [resource_ref(x) for x in items]
            if name in ("filename",):
                items = [x.removeprefix("./") for x in items]
            if name == "tcp":  # `create service --tcp=6379` = `--tcp=6379:6379` (target = port)
                items = [port_pair(x) for x in items]
            value = frozenset(items) if name in SET_FLAGS else tuple(items)
        else:
            value = raws[-1]
            if name in IMAGE_FLAGS:
                cmd.shown[name] = value
                value = image(value)
            elif name in DURATION_FLAGS:
                value = duration(value)
            elif name in DATA_FLAGS:
                value = data_value(value)
            elif name in RESOURCE_FLAGS:
                value = resource_ref(value)
            elif name == "sort-by":
                value = value.strip().removeprefix("{").removesuffix("}")
        default = defaults.get(name, f.default)
        if _is_default(value, default):
            if name in got and not (f.type == "bool" and value == "false"):
                cmd.notes.append(("note_default", {"flag": f"--{name}={show_value(value)}"}))
            continue
        cmd.facets[name] = value


def _is_default(value: object, default: object) -> bool:
    if isinstance(value, frozenset | tuple):
        return not value and not default
    if isinstance(default, bool):
        return value == ("true" if default else "false")
    if default is None:
        return False
    return str(value) == str(default)


def short_flag(flags: dict[str, Flag], letter: str) -> Flag | None:
    return next((f for f in flags.values() if f.short == letter), None)


def leading_positionals(args: list[str], flags: dict[str, Flag], limit: int) -> list[int]:
    """The indexes of the first ``limit`` positional words, where a command path is named
    (``create -n dev deployment``): a known flag's separate value is skipped, ``--`` ends."""
    idx: list[int] = []
    j = 0
    while j < len(args) and len(idx) < limit:
        w = args[j]
        if w == "--":
            break
        if w.startswith("-"):
            f = flags.get(w[2:]) if w.startswith("--") else short_flag(flags, w[1:])
            if f and f.type != "bool" and "=" not in w:
                j += 1
        else:
            idx.append(j)
        j += 1
    return idx
