"""kubeadm, helm, etcdctl, etcdutl, crictl and docker: their commands, aliases and flags,
described by hand at the level a CKA/CKAD task needs (kubectl's come from the data file, see
:mod:`.tables`), and how one of their command lines is read into a :class:`.Command`."""

from __future__ import annotations

import re

from .command import Command
from .feedback import CommandError
from .flags import flag_values, leading_positionals, take_flags
from .tables import Flag
from .values import image


def _spec(text: str) -> dict[str, Flag]:
    """Flags of a hand-described tool: ``"-f --force"`` (bool), ``"--token="`` (a value),
    ``"--values= -f"`` (short after), ``"--set=*"`` (repeated, a set)."""
    out = {}
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        words = item.split()
        long = next(w for w in words if w.startswith("--"))
        short = next((w[1:] for w in words if re.fullmatch(r"-\w", w)), None)
        name = long[2:].rstrip("=*")
        kind = "list" if long.endswith("=*") else "string" if long.endswith("=") else "bool"
        out[name] = Flag(name, kind, short, [] if kind == "list" else False
                         if kind == "bool" else "")
    return out


# The other tools, at the level of a CKA/CKAD task: their verbs (with aliases) and flags.
_HELM_GLOBAL = ("-n --namespace=; --kube-context=; --kubeconfig=; --debug; -A --all-namespaces; "
                "--repo=; --version=; --dry-run; --wait; --atomic; --create-namespace; "
                "--set=*; --set-string=*; --set-file=*; -f --values=*; --timeout=; -o --output=; "
                "-i --install; --devel; --untar; --untardir=; --reuse-values; --reset-values; "
                "--force; --generate-name; --description=; --max=; --revision=; --all; "
                "--keep-history; --username=; --password=; --force-update; -l --selector=; "
                "--skip-crds; --include-crds; --wait-for-jobs; -a --all; --cleanup-on-fail")
_ETCD_GLOBAL = ("--endpoints=; --cacert=; --cert=; --key=; -w --write-out=; --data-dir=; "
                "--name=; --initial-cluster=; --initial-advertise-peer-urls=; "
                "--initial-cluster-token=; --skip-hash-check; --user=; --password=; "
                "--insecure-skip-tls-verify; --dial-timeout=; --command-timeout=; --keys-only; "
                "--prefix; --print-value-only; --limit=; --hex; --wal-dir=; --revision=")
_CRICTL_GLOBAL = ("-r --runtime-endpoint=; --image-endpoint=; --timeout=; -D --debug; "
                  "-c --config=")
_CRICTL = {
    "ps": "-a --all; -q --quiet; -o --output=; --name=; --pod=; -s --state=; --label=*; "
          "-v --verbose; --no-trunc; -n --last=; -l --latest; --image=",
    "pods": "--name=; --namespace=; -s --state=; --label=*; -q --quiet; -o --output=; "
            "-v --verbose; --no-trunc; -l --latest; -n --last=",
    "images": "-q --quiet; -o --output=; -v --verbose; --digests; --no-trunc",
    "logs": "-f --follow; -t --timestamps; --tail=; --since=; -p --previous",
    "exec": "-i --interactive; -t --tty; -s --sync; --timeout=",
    "inspect": "-o --output=", "inspectp": "-o --output=", "inspecti": "-o --output=",
    "rmi": "-a --all; -q --prune", "rm": "-f --force; -a --all", "rmp": "-f --force; -a --all",
    "stop": "-t --timeout=", "stopp": "", "pull": "--creds=; --auth=; --pod-config=",
    "stats": "-a --all; -o --output=; --id=; --label=*", "info": "-o --output=",
}
_DOCKER_GLOBAL = "-H --host=; --context=; -D --debug; --config=; -l --log-level="
_DOCKER_RUN = ("-d --detach; -i --interactive; -t --tty; --rm; --name=; -p --publish=*; "
               "-P --publish-all; -e --env=*; --env-file=*; -v --volume=*; --mount=*; "
               "-w --workdir=; -u --user=; --network=; --net=; --restart=; --entrypoint=; "
               "-l --label=*; -h --hostname=; --privileged; -m --memory=; --cpus=; "
               "--add-host=*; --cap-add=*; --cap-drop=*; --read-only; --init; --platform=; "
               "--expose=*; --link=*; --pull=")
_DOCKER = {
    "run": _DOCKER_RUN, "create": _DOCKER_RUN,
    "ps": "-a --all; -q --quiet; -s --size; --no-trunc; --format=; -f --filter=*; "
          "-n --last=; -l --latest",
    "images": "-a --all; -q --quiet; --digests; --no-trunc; --format=; -f --filter=*",
    "build": "-t --tag=*; -f --file=; --build-arg=*; --no-cache; --pull; --platform=; "
             "--target=; -q --quiet; --progress=; --network=",
    "logs": "-f --follow; --tail=; -n --tail=; --since=; --until=; -t --timestamps; --details",
    "exec": "-i --interactive; -t --tty; -d --detach; -e --env=*; -u --user=; -w --workdir=; "
            "--privileged",
    "rm": "-f --force; -v --volumes; -l --link", "rmi": "-f --force; --no-prune",
    "stop": "-t --time=; -s --signal=", "restart": "-t --time=", "kill": "-s --signal=",
    "login": "-u --username=; -p --password=; --password-stdin",
    "pull": "-a --all-tags; -q --quiet; --platform=", "push": "-a --all-tags; -q --quiet",
    "inspect": "-f --format=; -s --size; --type=", "save": "-o --output=",
    "load": "-i --input=; -q --quiet", "commit": "-m --message=; -a --author=; -c --change=*",
    "start": "-a --attach; -i --interactive", "stats": "-a --all; --no-stream; --format=",
    "network create": "-d --driver=; --subnet=*", "volume create": "-d --driver=",
    "system prune": "-a --all; -f --force; --volumes", "image prune": "-a --all; -f --force",
    "container prune": "-f --force", "network ls": "-q --quiet", "volume ls": "-q --quiet",
}
# Commands that stop reading their own flags at their first positional (docker run IMAGE CMD…).
_STOP_AFTER = {("docker", "run"): 1, ("docker", "create"): 1, ("docker", "exec"): 1,
               ("crictl", "exec"): 1}
_KUBEADM_GLOBAL = ("--config=; --v=; -v --v=; --pod-network-cidr=; --service-cidr=; "
                   "--apiserver-advertise-address=; --apiserver-bind-port=; "
                   "--control-plane-endpoint=; --upload-certs; --kubernetes-version=; "
                   "--cri-socket=; --node-name=; --token=; --token-ttl=; "
                   "--discovery-token-ca-cert-hash=*; "
                   "--discovery-token-unsafe-skip-ca-verification; "
                   "--control-plane; --certificate-key=; --ignore-preflight-errors=*; "
                   "-f --force; --dry-run; --print-join-command; --ttl=; --description=; "
                   "--usages=*; --groups=*; --skip-phases=*; --image-repository=; "
                   "--service-dns-domain=; --apiserver-cert-extra-sans=*; --cert-dir=; "
                   "--etcd-upgrade; --yes; -y --yes; --allow-experimental-upgrades; "
                   "--certificate-renewal; --skip-token-print; -o --output=; "
                   "--cleanup-tmp-dir; --discovery-file=; --discovery-token=; "
                   "--tls-bootstrap-token=; "
                   "--apiserver-advertise-address=")

TOOLS: dict[str, dict] = {
    "kubeadm": {
        "flags": _spec(_KUBEADM_GLOBAL),
        "commands": ["init", "join", "reset", "version", "token create", "token list",
                     "token delete", "token generate", "upgrade plan", "upgrade apply",
                     "upgrade node", "upgrade diff", "certs check-expiration", "certs renew",
                     "certs certificate-key", "config print", "config images list",
                     "config images pull", "config migrate", "kubeconfig user", "init phase"],
        "aliases": {},
        "defaults": {"ttl": "86400s", "token-ttl": "86400s"},
        "versions": True,
    },
    "helm": {
        "flags": _spec(_HELM_GLOBAL),
        "commands": ["install", "upgrade", "uninstall", "list", "repo add", "repo update",
                     "repo list", "repo remove", "search repo", "search hub", "template",
                     "rollback", "status", "history", "show values", "show chart", "show all",
                     "show readme", "pull", "get values", "get manifest", "get all", "create",
                     "lint", "package", "dependency update", "dependency build", "version",
                     "env", "test", "plugin list"],
        "aliases": {"un": "uninstall", "delete": "uninstall", "del": "uninstall",
                    "ls": "list", "fetch": "pull", "inspect": "show", "hist": "history",
                    "search repository": "search repo", "dep": "dependency",
                    "repo ls": "repo list", "repo rm": "repo remove"},
        "defaults": {},
    },
    "etcdctl": {
        "flags": _spec(_ETCD_GLOBAL),
        "commands": ["snapshot save", "snapshot restore", "snapshot status", "member list",
                     "member add", "member remove", "endpoint health", "endpoint status",
                     "get", "put", "del", "version", "defrag", "alarm list", "compaction"],
        "aliases": {},
        "defaults": {"endpoints": "127.0.0.1:2379"},
    },
    "etcdutl": {
        "flags": _spec(_ETCD_GLOBAL),
        "commands": ["snapshot restore", "snapshot status", "defrag", "backup", "version"],
        "aliases": {},
        "defaults": {},
    },
    "crictl": {
        "flags": _spec(_CRICTL_GLOBAL),
        "command_flags": {k: _spec(v) for k, v in _CRICTL.items()},
        "commands": ["ps", "pods", "images", "logs", "inspect", "inspectp", "inspecti", "exec",
                     "pull", "rmi", "rm", "rmp", "stop", "stopp", "start", "stats", "statsp",
                     "info", "version", "create", "run", "runp", "port-forward", "config",
                     "attach", "imagefsinfo", "img", "update", "checkpoint"],
        "aliases": {"img": "images", "image": "images"},
        "defaults": {},
    },
    "docker": {
        "flags": _spec(_DOCKER_GLOBAL),
        "command_flags": {k: _spec(v) for k, v in _DOCKER.items()},
        "commands": ["run", "ps", "images", "build", "pull", "push", "tag", "exec", "logs",
                     "stop", "start", "restart", "rm", "rmi", "inspect", "login", "logout",
                     "create", "kill", "cp", "save", "load", "commit", "network ls",
                     "network create", "network rm", "network inspect", "volume ls",
                     "volume create", "volume rm", "volume inspect", "info", "version",
                     "system prune", "image prune", "container prune", "stats", "top", "port",
                     "history", "compose", "search", "diff", "pause", "unpause", "attach"],
        "aliases": {"container ls": "ps", "container list": "ps", "container ps": "ps",
                    "container run": "run", "container exec": "exec", "container logs": "logs",
                    "container stop": "stop", "container start": "start", "container rm": "rm",
                    "container inspect": "inspect", "container create": "create",
                    "container kill": "kill", "container restart": "restart",
                    "container cp": "cp", "container commit": "commit",
                    "container attach": "attach",
                    "image ls": "images", "image list": "images", "image build": "build",
                    "image pull": "pull", "image push": "push", "image tag": "tag",
                    "image rm": "rmi", "image inspect": "inspect", "image save": "save",
                    "image load": "load", "image history": "history", "builder build": "build",
                    "buildx build": "build"},
        "defaults": {},
    },
}
TOOL_ALIASES = {"k": "kubectl", "kubectl.exe": "kubectl", "helm3": "helm", "podman": "docker",
                "nerdctl": "docker"}
EXAMPLES = {"kubectl": "kubectl get pods", "kubeadm": "kubeadm token create",
            "helm": "helm list", "etcdctl": "etcdctl snapshot save", "etcdutl":
            "etcdutl snapshot restore", "crictl": "crictl ps", "docker": "docker ps"}


def parse_tool(tool: str, args: list[str]) -> Command:
    spec = TOOLS[tool]
    global_flags = spec["flags"]
    # The command: the first positional words (a global flag's separate value skipped).
    idx = leading_positionals(args, global_flags, 2)
    words = [args[k] for k in idx]
    if not words:
        raise CommandError("no_command", tool=tool, example=EXAMPLES[tool])
    known = set(spec["commands"])
    path = None
    for n in (2, 1):
        if len(words) < n:
            continue
        cand = " ".join(words[:n])
        cand = spec["aliases"].get(cand, cand)
        head = spec["aliases"].get(words[0], words[0])
        if cand in known:
            path = cand
        elif n == 2 and f"{head} {words[1]}" in known:
            path = f"{head} {words[1]}"
        if path:
            args = [w for k, w in enumerate(args) if k not in idx[:n]]
            break
    if path is None:
        raise CommandError("unknown_command", tool=tool, command=words[0])
    flags = {**global_flags, **spec.get("command_flags", {}).get(path, {})}
    got, pos, after = take_flags(tool, path, args, flags, strict=False,
                                  stop_after=_STOP_AFTER.get((tool, path)))
    if after is not None and (tool, path) in _STOP_AFTER and after[:1] == ["--"]:
        after = after[1:]
    cmd = Command(tool, tuple(path.split()))
    defaults = dict(spec["defaults"])
    if tool == "helm":
        defaults["namespace"] = "default"
    flag_values(got, flags, defaults, cmd)
    if tool == "helm":
        _helm_sets(cmd)
    if tool == "kubeadm" and "kubernetes-version" in cmd.facets:
        cmd.facets["kubernetes-version"] = str(cmd.facets["kubernetes-version"]).lstrip("v")
    if tool == "kubeadm" and path == "upgrade apply" and pos:
        pos = [pos[0].lstrip("v"), *pos[1:]]
    if tool == "docker" and path in ("run", "create") and pos:
        cmd.facets["image"] = image(pos[0])
        pos = []
    if tool in ("docker",) and path in ("pull", "push") and pos:
        pos = [image(pos[0]), *pos[1:]]
    if tool == "crictl" and path in ("pull", "rmi") and pos:
        pos = [image(p) for p in pos]
    if pos:
        cmd.facets["args"] = tuple(pos)
    if after:
        cmd.facets["exec"] = tuple(after)
    return cmd


def _helm_sets(cmd: Command) -> None:
    """``--set a=1,b=2`` = ``--set a=1 --set b=2``: helm merges them into one map."""
    for name in ("set", "set-string"):
        if name in cmd.facets:
            cmd.facets[name] = frozenset(cmd.facets[name])
