"""Lines that are plainly code though nobody fenced them: commands (``kubectl …``,
``yum install …``), host entries, manifest and config lines, heredoc contents. No Markdown
parser knows them; the reader keeps them as code blocks (with a warning), never as facts."""

from __future__ import annotations

import re
from functools import lru_cache

from . import inline
from .blocktypes import Code


def _words(text: str) -> list[str]:
    return text.split()


_COMMANDS = frozenset(_words(
    "kubectl kubeadm kubelet minikube kind helm docker podman crictl ctr nerdctl etcdctl "
    "istioctl yum dnf apt apt-get apk rpm dpkg pip pip3 npm brew snap systemctl service "
    "journalctl curl wget git ssh scp rsync tar unzip gzip cat echo printf vi vim nano sed "
    "awk grep mkdir rmdir cd ls ll cp mv rm ln chmod chown chgrp touch sudo su export source "
    "modprobe sysctl swapoff swapon setenforce hostnamectl iptables ipvsadm ip ifconfig ping "
    "nslookup dig openssl cfssl mount umount useradd passwd reboot shutdown firewall-cmd "
    "ntpdate timedatectl tee watch make go python python3 bash sh nohup kill ps top free df "
    "du lsmod firewalld "))
_PROMPT_RE = re.compile(r"^(?:\$|#|\[[^\]\n]{1,60}\][#$])\s+\S")
_HOST_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?:/\d+)?\s+[A-Za-z][\w.-]*(?:\s+[\w.-]+)*$")
_HEREDOC_RE = re.compile(r"<<-?\s*['\"]?([A-Z][A-Z_]*)['\"]?")
_CODE_COMMENT_RE = re.compile(r"\s+(?:#|//).*$")
_ART_RE = re.compile(r"^[+|].*[-=]{3,}.*[+|]$|^[\s+\-|/\\<>^v=_*.]{3,}$")
_TOOL_FLAG_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,30} -{1,2}[A-Za-z][\w-]*(?:[ =]\S+)*$")
_JSON_RE = re.compile(r'^(?:"[\w.-]+"\s*:\s*\S.*|[{}\[\]],?)$')
_ASSIGN_RE = re.compile(r"^[A-Za-z_][\w.\-/]*\s*=\s*\S*$")
_MANIFEST_KEYS = frozenset(_words(
    "apiVersion kind metadata spec status data stringData template selector matchLabels "
    "labels annotations containers initContainers image imagePullPolicy ports containerPort "
    "hostPort targetPort nodePort protocol replicas volumes volumeMounts mountPath command "
    "args env resources limits requests restartPolicy nodeSelector nodeName hostNetwork "
    "serviceAccountName namespace livenessProbe readinessProbe httpGet tcpSocket exec "
    "initialDelaySeconds periodSeconds clusterIP schedule jobTemplate backoffLimit "
    "storageClassName accessModes persistentVolumeClaim claimName hostPath emptyDir configMap "
    "secretName rules http paths backend serviceName servicePort pathType ingressClassName "
    "strategy rollingUpdate maxSurge maxUnavailable minReadySeconds revisionHistoryLimit "
    "tolerations affinity "))
_YAML_KEY_RE = re.compile(r"^-?\s*([A-Za-z][\w.-]*):(?:\s+(.*))?$")


@lru_cache(maxsize=16384)
def code_kind(text: str) -> str:
    """"shell", "hosts", "yaml", "config" when a line is plainly code, else ""."""
    s = inline.plain(text).strip() if "`" in text or "**" in text else text.strip()
    s = _CODE_COMMENT_RE.sub("", s) or s  # "kind: Pod   //类型", "yum install x  # 安装"
    if not s or inline.is_cjk_text(s.split(" #", 1)[0]):
        return ""
    if s == "EOF" or _HEREDOC_RE.search(s) or _PROMPT_RE.match(s):
        return "shell"
    first = s.split(None, 1)[0]
    if first in _COMMANDS and s[-1:] not in ".:：" and _looks_like_args(first, s[len(first):]):
        return "shell"
    if _ART_RE.match(s) or (s[0] == "|" and s[-1] == "|" and s.count("|") >= 3):
        return "text"  # ASCII art, or table rows without their "---" line
    if _TOOL_FLAG_RE.match(s):
        return "shell"  # "htpasswd -c auth foo": a lower-case tool and a flag
    if _JSON_RE.match(s):
        return "config"
    if _HOST_RE.match(s):
        return "hosts"
    m = _YAML_KEY_RE.match(s)
    if m and m.group(1) in _MANIFEST_KEYS and (not m.group(2) or " " not in m.group(2).strip()
                                               or m.group(2)[0] in "\"'[{"):
        return "yaml"  # a manifest line: "kind: Pod", "image: nginx:1.21", "spec:"
    if _ASSIGN_RE.match(s) and "." in s.split("=", 1)[0] or s.startswith("[") and s.endswith("]") \
            and s[1:-1].replace(".", "").replace("-", "").isalnum():
        return "config"
    return ""


_PROSE_WORDS = frozenset(
    _words(
        "is are was were be can will should must does do has have and or the a an to of in on for "
        "with that this it which as by from not also only "))
# Tools whose name is also an everyday word: they need argument-looking text after them.
_WORDY = frozenset(_words(
    "service make watch free top kill source export ip su go kind cat echo tee mount ping dig "
    "ls cd cp mv rm ln touch python bash sh ps df du git tar shutdown reboot "))
_SUBCOMMANDS = {("go", w) for w in ("version", "build", "run", "install", "env", "get", "mod",
                                    "test")} | {("git", w) for w in ("clone", "pull", "status")}
_ARGISH_RE = re.compile(r"(?:^|\s)(?:-{1,2}[A-Za-z]|[./~$]|\S*[=/|<>]|\d)")


# CLIs whose first argument is a subcommand: "kubectl reach `kube-apiserver` …" is prose.
_SUBCOMMAND_OF = {
    "kubectl": frozenset(_words(
        "get describe create apply delete edit run expose logs exec cp port-forward proxy label "
        "annotate scale rollout set top drain cordon uncordon taint config cluster-info "
        "api-resources api-versions explain patch replace attach auth certificate wait diff "
        "kustomize version autoscale debug events plugin completion")),
    "docker": frozenset(_words(
        "run ps images pull push build exec logs stop start restart rm rmi inspect network volume "
        "compose commit tag login logout save load info version system stats port cp attach kill "
        "pause unpause top history search create container image buildx export import rename "
        "update wait diff events context swarm service node stack secret config plugin")),
    "helm": frozenset(_words(
        "install upgrade uninstall delete list ls repo search pull fetch create package template "
        "lint status history rollback show dependency version get env plugin test verify")),
    "kubeadm": frozenset(_words("init join reset token upgrade config certs version kubeconfig "
                                "alpha completion")),
}
_FLAG_RE = re.compile(r"(?:^|\s)-{1,2}[A-Za-z]")


def _looks_like_args(tool: str, rest: str) -> bool:
    rest = rest.strip()
    if not rest:
        return tool in ("reboot", "ll", "ls")
    words = rest.split()
    if words[0].casefold() in _PROSE_WORDS:
        return False
    subs = _SUBCOMMAND_OF.get(tool)
    if subs is not None and not words[0].startswith(("-", "$")) and \
            words[0].strip("`").casefold() not in subs and not _FLAG_RE.search(rest):
        return False
    if tool in _WORDY:
        return bool(_ARGISH_RE.search(rest)) or (tool, words[0]) in _SUBCOMMANDS
    return True


def _yaml_line(text: str) -> bool:
    s = _CODE_COMMENT_RE.sub("", text.strip())
    if inline.is_cjk_text(s):
        return False
    m = _YAML_KEY_RE.match(s)
    if m:
        return not m.group(2) or " " not in m.group(2).strip() or m.group(2)[0] in "\"'[{"
    return s.startswith("- ") and " " not in s[2:].strip()


def split_code(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Code]]:
    """Lines → (prose lines, runs of code-looking lines). After a heredoc opener
    (``cat > f <<EOF``) every line up to ``EOF`` is file content, whatever it looks like."""
    kept: list[tuple[int, str]] = []
    codes: list[Code] = []
    heredoc = ""
    prev = ""
    for ln, tx in lines:
        kind = "text" if heredoc else code_kind(tx)
        if not kind and prev in ("yaml", "config") and _yaml_line(tx):
            kind = "yaml"  # "  name: frontend" inside an unfenced manifest
        prev = kind
        if heredoc and inline.plain(tx).strip() == heredoc:
            heredoc, kind = "", "shell"
        elif kind == "shell":
            m = _HEREDOC_RE.search(tx)
            heredoc = m.group(1) if m else ""
        if kind:
            raw = inline.plain(tx) if "`" in tx else tx
            if codes and codes[-1].line + codes[-1].text.count("\n") == ln - 1:
                codes[-1].text += "\n" + raw
            else:
                codes.append(Code(ln, "shell" if kind == "text" else kind, raw))
        else:
            kept.append((ln, tx))
    return kept, codes
