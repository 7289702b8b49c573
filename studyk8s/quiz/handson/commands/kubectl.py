"""kubectl's command lines read as kubectl reads them: flags before the verb (cobra's rule),
the longest command path among the first positionals, then the positionals by what the
command takes (``TYPE NAME…``, ``TYPE/NAME``, a pod, nodes, changes such as ``a=b``), and last
what kubectl itself implies (no namespace for cluster-scoped objects, what ``expose``
computes)."""

from __future__ import annotations

from .command import Command
from .feedback import CommandError
from .flags import IGNORED_DEFAULTS, flag_values, leading_positionals, short_flag, take_flags
from .tables import kubectl_flags, kubectl_paths, namespaced, resource
from .tools import EXAMPLES
from .values import container_command, image, port_pair, resource_ref

# Positional arguments, by how kubectl reads them.
RESOURCE_CMDS = {"get", "describe", "delete", "edit", "label", "annotate", "scale", "expose",
                 "autoscale", "patch", "wait", "taint", "rollout history", "rollout pause",
                 "rollout restart", "rollout resume", "rollout status", "rollout undo",
                 "set env", "set image", "set resources", "set selector", "set serviceaccount",
                 "set subject", "replace", "apply", "create", "diff", "events"}
POD_CMDS = {"logs", "exec", "attach", "port-forward", "debug", "cp"}
NODE_CMDS = {"cordon", "uncordon", "drain"}
# Arguments after the objects that are changes, not names (label a=b, taint k=v:NoSchedule…).
CHANGE_CMDS = {"label", "annotate", "taint", "set image", "set env", "set selector",
               "set serviceaccount"}


def parse_kubectl(args: list[str]) -> Command:
    global_flags = kubectl_flags("")
    # Flags may come before the verb (`kubectl -n ns get po`): skip them with the global table.
    pre: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        a = args[i]
        pre.append(a)
        i += 1
        name = a[2:] if a.startswith("--") else None
        f = global_flags.get(name) if name else short_flag(global_flags, a[1:2])
        # cobra, finding the verb, assumes a flag it does not know at the top takes a value
        takes_value = f.type != "bool" if f else (name is not None or len(a) == 2)
        if takes_value and "=" not in a and (name or len(a) == 2) and i < len(args):
            pre.append(args[i])
            i += 1
    rest = args[i:]
    if not rest:
        raise CommandError("no_command", tool="kubectl", example=EXAMPLES["kubectl"])
    paths = kubectl_paths()
    path = None
    # The longest command path made of the first positionals; flags may sit between them
    # (`kubectl create -n dev deployment …`), so skip a global flag's separate value.
    positional_idx = leading_positionals(rest, global_flags, 3)
    words = [rest[j] for j in positional_idx]
    for n in (3, 2, 1):
        cand = " ".join(words[:n])
        if len(words) >= n and cand in paths:
            path = paths[cand]
            rest = [w for j, w in enumerate(rest) if j not in positional_idx[:n]]
            break
    if path is None:
        raise CommandError("unknown_command", tool="kubectl",
                           command=words[0] if words else rest[0])
    cmd = Command("kubectl", tuple(path.split()))
    flags = kubectl_flags(path)
    got, pos, after = take_flags("kubectl", path, pre + rest, flags, strict=True)
    defaults = dict(IGNORED_DEFAULTS.get(path, {}))
    defaults["namespace"] = "default"  # -n default = no -n (see the package docstring)
    if "namespace" in got and got["namespace"][-1] == "":
        got.pop("namespace")
    flag_values(got, flags, defaults, cmd)
    _kubectl_positionals(cmd, pos, after)
    _kubectl_implied(cmd)
    targets = cmd.facets.get("target")
    if isinstance(targets, frozenset):  # (type, name) → "type/name", as kubectl prints them
        cmd.facets["target"] = frozenset(
            (f"{t[0]}/{t[1]}" if t[1] else t[0]) if isinstance(t, tuple) else t
            for t in targets)
    return cmd


def _split_targets(tokens: list[str], default_type: str | None) -> tuple[set, list[str]]:
    """``TYPE NAME…`` or ``TYPE/NAME…`` (or ``NAME`` with a default type) → the set of
    (type, name) targets, and the arguments left after them."""
    targets: set[tuple[str, str]] = set()
    if not tokens:
        return targets, []
    first = tokens[0]
    if "/" in first and not first.startswith("/") and "=" not in first:
        k = 0
        while k < len(tokens) and "/" in tokens[k] and "=" not in tokens[k]:
            t, _, n = tokens[k].partition("/")
            targets.add((resource(t), n))
            k += 1
        return targets, tokens[k:]
    if default_type:
        return {(default_type, first)}, tokens[1:]
    types = [resource(t) for t in first.split(",") if t]
    names = []
    k = 1
    while k < len(tokens) and not _is_change(tokens[k]):
        names.append(tokens[k])
        k += 1
    for t in types:
        if names:
            targets.update((t, n) for n in names)
        else:
            targets.add((t, ""))
    return targets, tokens[k:]


def _is_change(tok: str) -> bool:
    return "=" in tok or tok.endswith("-") or ":" in tok


def _kubectl_positionals(cmd: Command, pos: list[str], after: list[str] | None) -> None:
    path = " ".join(cmd.path)
    args: list[str] = []
    if path in RESOURCE_CMDS or path.startswith(("rollout ", "set ")):
        if path in ("create", "apply", "replace", "diff"):
            args = pos
        elif path == "taint" and pos:
            targets, args = _split_targets(pos, None)
            if pos and "/" not in pos[0]:
                targets = {(t if t != "" else "nodes", n) for t, n in targets}
            cmd.facets["target"] = frozenset(targets)
        elif path == "events":
            args = pos
        else:
            targets, args = _split_targets(pos, None)
            if targets:
                cmd.facets["target"] = frozenset(targets)
        if path in CHANGE_CMDS or path == "taint":
            changes = []
            for a in args:
                if path == "set image":
                    c, _, img = a.partition("=")
                    changes.append(f"{c}={image(img)}")
                else:
                    changes.append(a)
            if changes:
                cmd.facets["args"] = frozenset(changes)
            args = []
    elif path in POD_CMDS and pos:
        if path == "cp":
            args = pos
        else:
            targets, args = _split_targets(pos, "pods")
            if "/" not in pos[0]:
                targets = {("pods", pos[0])}
            cmd.facets["target"] = frozenset(targets)
            if path == "logs" and args and "container" not in cmd.facets:
                cmd.facets["container"] = args[0]  # `logs POD CONTAINER`, the old form
                args = args[1:]
            elif path == "exec" and args and after is None:
                after, args = args, []  # `exec POD CMD`, the old form without `--`
            elif path == "port-forward":
                cmd.facets["ports"] = frozenset(port_pair(p) for p in args)
                args = []
    elif path in NODE_CMDS:
        cmd.facets["target"] = frozenset(("nodes", n.split("/", 1)[-1]) for n in pos)
    elif path in ("top pod", "top node"):
        if pos:
            cmd.facets["target"] = frozenset(pos)
    elif path == "explain" and pos:
        head, _, tail = pos[0].partition(".")
        cmd.facets["target"] = resource(head) + ("." + tail if tail else "")
        args = pos[1:]
    elif path == "auth can-i" and pos:
        verb = pos[0]
        cmd.facets["verb"] = verb
        if len(pos) > 1:
            cmd.facets["target"] = resource_ref(pos[1]) if not pos[1].startswith("/") else pos[1]
        args = pos[2:]
    elif cmd.path[0] == "create" and pos or path == "run" and pos:
        cmd.facets["name"] = pos[0]
        args = pos[1:]
    else:
        args = pos
    if args:
        cmd.facets["args"] = tuple(args)
    if after is not None:
        cmd.facets["exec"] = container_command(after)


def _kubectl_implied(cmd: Command) -> None:
    """Drop what cannot change the result: namespaces on cluster-scoped objects, and what
    `expose` computes by itself."""
    f = cmd.facets
    path = " ".join(cmd.path)
    cluster = {"create namespace", "create clusterrole", "create clusterrolebinding",
               "create priorityclass", "cordon", "uncordon", "drain", "top node", "taint"}
    targets = f.get("target")
    if path in cluster or (isinstance(targets, frozenset) and targets and all(
            isinstance(t, tuple) and namespaced(t[0]) is False for t in targets)):
        f.pop("namespace", None)
    if path == "expose" and isinstance(targets, frozenset) and len(targets) == 1:
        (_, name), = targets
        if f.get("name") == name:
            f.pop("name")
        if "target-port" in f and f.get("target-port") == f.get("port"):
            f.pop("target-port")
    if "all-namespaces" in f:
        f.pop("namespace", None)
    if path == "delete" and f.get("now") == "true":  # kubectl: "same as --grace-period=1"
        f.pop("now")
        f.setdefault("grace-period", "1")
