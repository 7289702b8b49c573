"""Hands-on questions from the notes' command and manifest facts (notes/handson.py):

* ``handson_command`` (kind ``command``): a task → type the command; checked by meaning;
* ``handson_field`` (kind ``manifest_field``): a manifest with one value blanked → type it;
* ``handson_manifest`` (kind ``manifest``): a task → write the whole manifest.

They sit in the ``hands-on`` topic (``QFact.topic`` starts with it), so an exam weighs them as
the CKA and CKAD weigh their task domains: ``hands-on: 30`` in the topic weights.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from ...notes.handson import COMMAND, HANDSON_KINDS, MANIFEST
from .. import gate
from ..model import HANDS_ON_TOPIC, QFact, Question
from .commands import CommandError, parse
from .manifests import DEFAULT_K8S_VERSION, ManifestError, load, validate

HANDSON_MIX: dict[str, float] = {"command": 2, "manifest_field": 1, "manifest": 1}
BLANK = "▁▁▁▁"  # not the gate's ＿＿ blank: in a manifest the blank is the point
UNREADABLE = "unreadable"  # a command or manifest the checker cannot read
NO_TASK = "no_task"  # nothing says what the command is for

TEXTS = {
    "zh": {
        "command": "写出完成这个任务的命令：",
        "command_run": "写出空缺的那条命令：",
        "field": "填写清单中空缺的值：",
        "manifest": "写出完成这个任务的 YAML 清单：",
        "objects": "要写的对象：{objects}",
        "task": "任务：{task}",
        "in": "（{section}）",
    },
    "en": {
        "command": "Type the command for this task:",
        "command_run": "Type the missing command:",
        "field": "Type the value missing from this manifest:",
        "manifest": "Write the YAML manifest for this task:",
        "objects": "Objects to write: {objects}",
        "task": "Task: {task}",
        "in": " ({section})",
    },
}

# Fields worth blanking, best first: what a CKA task names (image, replicas, ports…).
FIELDS = ("image", "replicas", "apiVersion", "containerPort", "targetPort", "port", "schedule",
          "mountPath", "claimName", "storage", "storageClassName", "restartPolicy", "type",
          "nodePort", "serviceAccountName", "path", "key", "value", "name")


def text(lang: str, key: str, **kw: object) -> str:
    return (TEXTS.get(lang) or TEXTS["en"])[key].format(**kw)


def is_handson(f) -> bool:
    return f.kind in HANDSON_KINDS


@lru_cache(maxsize=4096)
def _command_reads(command: str) -> bool:
    try:
        parse(command)
    except CommandError:
        return False
    return True


@lru_cache(maxsize=1024)
def _manifest_reads(manifest: str) -> bool:
    try:
        load(manifest)
    except ManifestError:
        return False
    return True


@lru_cache(maxsize=256)
def manifest_valid(manifest: str, version: str = DEFAULT_K8S_VERSION) -> bool:
    """Whether the note's manifest passes the schema: a learner is only asked to write one
    that the checker would accept when copied exactly (``extensions/v1beta1`` would not)."""
    try:
        return not validate(load(manifest), version)
    except (ManifestError, KeyError, ValueError):
        return False


def reason(f) -> str:
    """Why a hands-on fact makes no question ("" when it can)."""
    if f.kind == COMMAND:
        if not _command_reads(f.definition):
            return UNREADABLE
        return "" if (f.term.strip() or len(f.items) > 1) else NO_TASK
    if f.kind == MANIFEST:
        return "" if _manifest_reads(f.definition) else UNREADABLE
    return gate.CODE


def screen(facts) -> gate.Screening:
    """``gate.askable`` for a mix of facts: hands-on ones by :func:`reason`, the rest by the
    gate (so the import, the quiz page and readiness count them the same way)."""
    rest = [f for f in facts if not is_handson(f)]
    screening = gate.askable(rest)
    ok, reasons = list(screening.ok), dict(screening.reasons)
    for i, f in enumerate(facts):
        if is_handson(f):
            why = reason(f)
            if why:
                reasons[getattr(f, "key", None) or getattr(f, "source", None) or str(i)] = why
            else:
                ok.append(f)
    return gate.Screening(ok, reasons)


def _where(f: QFact) -> str:
    section = " > ".join(p for p in f.section if p != HANDS_ON_TOPIC)
    return text(f.lang, "in", section=section) if section and section != f.term else ""


def _base(f: QFact, **kw) -> dict:
    # no ``explanation``: the task, the fact behind the question, is in its context already
    return {"lang": f.lang, "source": f.source, "topic": f.topic, "facts": (f.key,),
            "meta": {"answer_names": [], **kw.pop("meta", {})}, **kw}


def build_command(pool, f: QFact, rng: random.Random) -> Question | None:
    """A task (and the other steps of its run, this one blanked) → type the command."""
    if f.kind != COMMAND or reason(f):
        return None
    lines = []
    if f.term.strip():
        lines.append(text(f.lang, "task", task=f.term) + _where(f))
    run = len(f.items) > 1 and f.definition in f.items
    if run:
        lines += [BLANK if c == f.definition else c for c in f.items]
    return Question(kind="command", variant="handson_command",
                    prompt=text(f.lang, "command_run" if run else "command"),
                    context="\n".join(lines), answer=f.definition, accepted=(f.definition,),
                    **_base(f))


def _objects(manifest: str) -> str:
    docs = load(manifest)
    out = []
    for d in docs:
        meta = d.data.get("metadata") if isinstance(d.data.get("metadata"), dict) else {}
        ns = meta.get("namespace")
        out.append(f"{d.kind} {d.name}".strip() + (f" (namespace {ns})" if ns else ""))
    return ", ".join(out)


def build_manifest(pool, f: QFact, rng: random.Random) -> Question | None:
    """A task → write the whole manifest (named objects given, as a CKA task names them)."""
    if f.kind != MANIFEST or reason(f) or not manifest_valid(f.definition):
        return None
    lines = [text(f.lang, "task", task=f.term) + _where(f)] if f.term.strip() else []
    lines.append(text(f.lang, "objects", objects=_objects(f.definition)))
    return Question(kind="manifest", variant="handson_manifest",
                    prompt=text(f.lang, "manifest"), context="\n".join(lines),
                    answer=f.definition, accepted=(f.definition,),
                    **_base(f, meta={"k8s_version": DEFAULT_K8S_VERSION}))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    elif value is not None and path and isinstance(path[-1], str):
        yield path, value


def blank_field(manifest: str, rng: random.Random) -> tuple[str, int, tuple, str] | None:
    """(the manifest with one value blanked, its document, path, the value as written), the
    field picked among the most telling ones (:data:`FIELDS`); None if none can be blanked."""
    docs = load(manifest)
    lines = manifest.split("\n")
    for key in FIELDS:
        found = []
        for n, d in enumerate(docs):
            for path, _value in _leaves(d.data):
                labels = path[:2] == ("metadata", "labels")
                if path[-1] == key and not labels and (n, path) not in found:
                    found.append((n, path))
        rng.shuffle(found)
        for n, path in found:
            at = docs[n].lines.get(path)
            if not at or at > len(lines):
                continue
            m = re.match(rf"^(\s*(?:-\s+)?['\"]?{re.escape(key)}['\"]?\s*:\s*)(\S.*?)\s*(#.*)?$",
                         lines[at - 1])
            if not m:
                continue
            blanked = [*lines[: at - 1], m.group(1) + BLANK, *lines[at:]]
            return "\n".join(blanked), n, path, m.group(2)
    return None


def build_field(pool, f: QFact, rng: random.Random) -> Question | None:
    """A manifest with one value blanked (``image: ▁▁▁▁``) → type the value."""
    if f.kind != MANIFEST or reason(f):
        return None
    picked = blank_field(f.definition, rng)
    if picked is None:
        return None
    blanked, doc, path, written = picked
    head = text(f.lang, "task", task=f.term) + _where(f) + "\n" if f.term.strip() else ""
    return Question(kind="manifest_field", variant="handson_field", prompt=text(f.lang, "field"),
                    context=head + blanked, answer=written.strip("'\""),
                    accepted=(written.strip("'\""),),
                    **_base(f, meta={"manifest": f.definition, "doc": doc,
                                     "path": list(path), "k8s_version": DEFAULT_K8S_VERSION}))


VARIANTS = {"handson_command": ("command", build_command),
            "handson_field": ("manifest_field", build_field),
            "handson_manifest": ("manifest", build_manifest)}


def variants_for(f: QFact) -> list[str]:
    if f.kind == COMMAND:
        return ["handson_command"]
    if f.kind == MANIFEST:
        return ["handson_field", "handson_manifest"]
    return []


def card_question(f: QFact) -> Question | None:
    """The question a review card asks of a command or manifest fact (a command to type, or
    a manifest to write when the note's one passes the schema); None when it cannot."""
    rng = random.Random(0)
    if f.kind == COMMAND:
        return build_command(None, f, rng)
    if f.kind == MANIFEST:
        return build_manifest(None, f, rng)
    return None


def card_front(q: Question) -> str:
    """A hands-on question as a card's Markdown front: the prompt, the task, and the other
    steps of its run (or the objects to write) as code, so ``*/1 * * * *`` stays as typed."""
    lines = q.context.split("\n") if q.context else []
    task = [ln for ln in lines if ln.startswith(tuple(text(lg, "task", task="") for lg in TEXTS))]
    rest = [ln for ln in lines if ln not in task]
    out = [q.prompt, *(re.sub(r"([*_`\\])", r"\\\1", ln) for ln in task)]
    if rest and q.kind == "command":
        out.append("```sh\n" + "\n".join(rest) + "\n```")
    elif rest:
        out.extend(rest)
    return "\n\n".join(out)
