"""How often the command checker judges as a Kubernetes user would, on commands this repository
did not write: for each command (kubectl, kubeadm, helm, etcdctl, crictl, docker) of a file (one
per line, e.g. taken from a cheat sheet or a learner's notes; `#` comments and blank lines
skipped), make variants whose verdict is known by construction, and count the verdicts that
agree.

Variants that must be *equivalent* (kubectl reads them the same): flags shuffled, `--flag=value`
split into `--flag value` and back, a flag's long form for its shorthand and back (both from
kubectl's own --help, in the data file), a resource type by another of its names (short name,
singular, plural, kind, `plural.group`), `TYPE/NAME` for `TYPE NAME`, `k` for `kubectl`, a
`$ ` prompt. Variants that must *differ*: a flag's value changed, a name changed, the verb
changed, a flag dropped (unless it was at its default).

    python tools/handson_agreement.py COMMANDS.txt [--seed N] [--variants K] [-v]
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studyk8s.quiz.handson import commands as K  # noqa: E402
from studyk8s.quiz.handson.commands.shell import ENV_WORD  # noqa: E402
from studyk8s.quiz.handson.commands.tables import kubectl_flags, resource_index  # noqa: E402

OTHER_VERB = {"get": "describe", "describe": "get", "delete": "get", "logs": "describe",
              "apply": "create", "create": "apply", "edit": "get", "label": "annotate",
              "annotate": "label", "cordon": "uncordon", "uncordon": "cordon", "drain": "cordon"}


def _tokens(cmd: str) -> tuple[list[str], str, str] | None:
    try:
        words, tail = K.split(cmd)
        K.parse(cmd)
    except K.CommandError:
        return None
    env = []
    while words and ENV_WORD.match(words[0]):  # VAR=value before the tool: kept in front
        env.append(words.pop(0))
    while words and words[0] == "sudo":
        words = words[1:]
    if not words or K.TOOL_ALIASES.get(words[0], words[0]) not in ("kubectl", *K.TOOLS):
        return None
    return words, tail, " ".join(shlex.quote(e) for e in env)


def _groups(words: list[str], flags: dict) -> tuple[list[str], list[list[str]], list[str]]:
    """Positionals, flag groups ([flag] or [flag, value]) and the words after `--`."""
    shorts = {f.short: f for f in flags.values() if f.short}
    pos, groups, after = [], [], []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w == "--":
            after = words[i - 1:]
            break
        if w.startswith("-") and len(w) > 1:
            name = w[2:].split("=")[0] if w.startswith("--") else None
            f = flags.get(name) if name else shorts.get(w[1:2])
            group = [w]
            if f and f.type != "bool" and "=" not in w and (name or len(w) == 2) \
                    and i < len(words) and name != "dry-run":
                group.append(words[i])
                i += 1
            groups.append(group)
        else:
            pos.append(w)
    return pos, groups, after


def _join(pos, groups, after, tail, n_cmd) -> str:
    words = pos[:n_cmd] + [w for g in groups for w in g] + pos[n_cmd:] + after
    text = " ".join(shlex.quote(w) for w in words)
    if "{}" in tail:  # the command sits inside a pipeline
        return tail.replace("{}", text)
    return text + (f" {tail}" if tail else "")


def variants(cmd: str, rnd: random.Random) -> list[tuple[str, bool, str]]:
    """(variant, should be equivalent, what was done)."""
    got = _tokens(cmd)
    if got is None:
        return []
    words, tail, env = got
    parsed = K.parse(cmd)
    path = " ".join(parsed.path)
    if parsed.tool == "kubectl":
        flags = kubectl_flags(path)
    else:
        spec = K.TOOLS[parsed.tool]
        flags = {**spec["flags"], **spec.get("command_flags", {}).get(path, {})}
    pos, groups, after = _groups(words[1:], flags)
    pos = [words[0], *pos]
    n_cmd = 1 + len(parsed.path)
    out = []

    def add(text, same, what):
        if env and not text.startswith("$ "):
            text = f"{env} {text}"
        elif env:
            text = f"$ {env} {text[2:]}"
        out.append((text, same, what))

    shuffled = groups[:]
    rnd.shuffle(shuffled)
    add(_join(pos, shuffled, after, tail, n_cmd), True, "flags shuffled")
    split = []
    for g in groups:
        if len(g) == 1 and g[0].startswith("--") and "=" in g[0]:
            name, _, value = g[0].partition("=")
            f = flags.get(name[2:])
            split.append([name, value] if f and f.type != "bool" and name != "--dry-run"
                         else g)
        elif len(g) == 2 and g[0].startswith("--"):
            split.append([f"{g[0]}={g[1]}"])
        else:
            split.append(g)
    add(_join(pos, split, after, tail, n_cmd), True, "= forms swapped")
    swapped = []
    for g in groups:
        w = g[0]
        if w.startswith("--"):
            name, eq, value = w[2:].partition("=")
            f = flags.get(name)
            swapped.append([f"-{f.short}" + (f"={value}" if eq else ""), *g[1:]]
                           if f and f.short else g)
        elif len(w) == 2:
            f = next((f for f in flags.values() if f.short == w[1]), None)
            swapped.append([f"--{f.name}", *g[1:]] if f else g)
        else:
            swapped.append(g)
    add(_join(pos, swapped, after, tail, n_cmd), True, "long/short forms swapped")
    if parsed.tool == "kubectl":
        add(_join(["k", *pos[1:]], groups, after, tail, n_cmd), True, "k for kubectl")
    add("$ " + _join(pos, groups, after, tail, n_cmd), True, "prompt")
    # another name for the resource type
    rest = pos[n_cmd:]
    if parsed.tool == "kubectl" and rest and parsed.path[0] in (
            "get", "describe", "delete", "edit", "label", "annotate", "scale", "rollout",
            "expose", "set", "autoscale"):
        t, slash, name = rest[0].partition("/")
        canon = K.resource(t)
        row = resource_index()[1].get(canon)
        if row and "," not in t:
            names = [row["name"], row["singular"], row["kind"], *row["short_names"]]
            if row["group"]:
                names.append(f"{row['name']}.{row['group']}")
            other = rnd.choice([n for n in names if n != t] or names)
            add(_join(pos[:n_cmd] + [other + slash + name] + rest[1:], groups, after, tail,
                      n_cmd), True, f"type {t} → {other}")
            if slash and name and len(rest) == 1:
                add(_join(pos[:n_cmd] + [t, name], groups, after, tail, n_cmd), True,
                    "TYPE/NAME → TYPE NAME")
        if not slash and len(rest) >= 2 and "=" not in rest[1] and not rest[1].endswith("-"):
            add(_join(pos[:n_cmd] + [rest[0], rest[1] + "x"] + rest[2:], groups, after, tail,
                      n_cmd), False, "name changed")
    # changes that must be noticed
    valued = [k for k, g in enumerate(groups) if len(g) == 2 or "=" in g[0]]
    if valued:
        k = rnd.choice(valued)
        changed = [g[:] for g in groups]
        if len(changed[k]) == 2:
            changed[k][1] += "x"
        else:
            changed[k][0] += "x"
        if not changed[k][0].startswith(("--dry-run",)):
            add(_join(pos, changed, after, tail, n_cmd), False, f"value of {groups[k][0]} changed")
    droppable = []
    for k, g in enumerate(groups):
        single = K.parse(_join(pos, [g], after, "", n_cmd))
        bare = K.parse(_join(pos, [], after, "", n_cmd))
        if single.facets != bare.facets:  # not a flag at its default
            droppable.append(k)
    if droppable:
        k = rnd.choice(droppable)
        add(_join(pos, groups[:k] + groups[k + 1:], after, tail, n_cmd), False,
            f"{groups[k][0]} dropped")
    other_verb = OTHER_VERB.get(parsed.path[0]) if parsed.tool == "kubectl" else None
    if other_verb and len(parsed.path) == 1:
        add(_join([pos[0], other_verb, *pos[2:]], groups, after, tail, n_cmd), False,
            f"{parsed.path[0]} → {other_verb}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--variants", type=int, default=3, help="random draws per command")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    commands = [ln.strip() for ln in Path(args.file).read_text().splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
    total = agree = refused_form = skipped = 0
    for cmd in commands:
        if _tokens(cmd) is None:
            skipped += 1
            if args.verbose:
                print(f"skipped (not a readable kubectl command): {cmd}")
            continue
        seen = set()
        for _ in range(args.variants):
            for text, same, what in variants(cmd, rnd):
                if text in seen:
                    continue
                seen.add(text)
                verdict = K.compare(cmd, text)
                total += 1
                if verdict.equivalent == same:
                    agree += 1
                else:
                    refused_form += same
                    print(f"DISAGREE ({what}): {cmd!r} vs {text!r}: {verdict.message()}")
    print(f"{len(commands)} commands ({skipped} skipped), {total} variants, "
          f"{agree} judged as expected = {100 * agree / max(total, 1):.1f} %; "
          f"equivalent variants refused: {refused_form}")
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main())
