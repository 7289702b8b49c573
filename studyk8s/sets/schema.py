"""Quiz sets as YAML files: load (no aliases, no custom tags, no duplicate keys) and validate,
with every problem reported as ``path:line: error: message`` like ``flask notes check``.

The schema (docs/quiz-sets.md has the full description)::

    title: Kubernetes basics            # required
    description: Markdown shown before the start
    lang: zh                            # optional; detected from the text otherwise
    time_limit: 20                      # minutes; omit for no limit
    pass_mark: 66                       # percent (or 0.66)
    shuffle: true                       # or {questions: false, answers: true}
    attempts: 2                         # 0 or omitted: unlimited
    grading: highest                    # highest | last | average | first
    review: after_submit                # after_submit | after_close | never
    published: true                     # false: import as a draft
    questions:
      - id: cri                         # optional stable id (keeps statistics across edits)
        kind: single                    # single | multiple | true_false | matching | typed
                                        # | command | manifest (hands-on: answers checked
                                        #   by meaning, not as text)
        prompt: CRI 是什么的缩写？
        choices:
          - {text: container runtime interface, correct: true, feedback: 对}
          - container registry index    # a plain string is a wrong choice
        feedback: general feedback
        points: 1
      - from_notes: {deck: content/notes/docker-k8s-1.md, group: 插件, kind: single, count: 2}

Pure: the optional ``resolve`` callback (deck → its facts) lets a caller check draws against
the notes without this module knowing where facts come from.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..notes.model import Problem
from ..quiz.model import QFact
from .model import (
    DEFAULT_PASS_MARK,
    DRAW_KINDS,
    GRADING,
    KINDS,
    MAX_DRAW,
    MAX_QUESTIONS,
    MAX_TEXT,
    MAX_TIME_LIMIT_MIN,
    REVIEW,
    TYPED_KINDS,
    UID,
    Choice,
    Draw,
    Entry,
    Item,
    Pair,
    SetSpec,
    Settings,
    assign_uids,
    check_draw,
    check_item,
    clean_text,
    default_weights,
)
from .yaml_lines import Invalid, LList, LMap, decode, load_yaml

TOP_KEYS = ("title", "description", "lang", "time_limit", "pass_mark", "shuffle", "attempts",
            "grading", "review", "published", "questions")
COMMON_KEYS = ("id", "kind", "title", "prompt", "feedback", "points", "topic", "lang")
KIND_KEYS = {
    "single": ("choices",),
    "multiple": ("choices",),
    "true_false": ("answer", "feedback_true", "feedback_false"),
    "matching": ("pairs", "distractors"),
    "typed": ("answers",),
    "command": ("answers",),
    "manifest": ("answers",),
}
CHOICE_KEYS = ("text", "correct", "weight", "feedback")
DRAW_KEYS = ("deck", "group", "section", "kind", "count")

Resolver = Callable[[str], "Sequence[QFact] | None"]


@dataclass
class Report:
    spec: SetSpec | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.errors


# --- validation --------------------------------------------------------------------------------


def _suggest(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(m: LMap, known: Sequence[str], where: str) -> None:
    for key in m:
        if key not in known:
            raise Invalid(m.key_lines[key], f"unknown key {key!r} in {where}{_suggest(key, known)}")


def _line(m: LMap, key: str) -> int:
    """Where ``key`` is written (a block list's problems are reported at its key)."""
    return m.key_lines.get(key, m.line) if isinstance(m, LMap) else 0


def _text(m: LMap, key: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    if key not in m or m[key] is None:
        if required:
            raise Invalid(m.line, f"{key} is required")
        return ""
    value = m[key]
    if isinstance(value, dict | list):
        raise Invalid(_line(m, key), f"{key} must be text, not a {_kind(value)}")
    if isinstance(value, bool):
        raise Invalid(_line(m, key), f"{key} must be text (quote it: \"{str(value).lower()}\")")
    text = clean_text(value)
    if required and not text:
        raise Invalid(_line(m, key), f"{key} is empty")
    if len(text) > limit:
        raise Invalid(_line(m, key), f"{key} is longer than {limit} characters")
    return text


def _kind(value: Any) -> str:
    return {dict: "mapping", LMap: "mapping", list: "list", LList: "list"}.get(
        type(value), type(value).__name__)


def _number(m: LMap, key: str, lo: float, hi: float, *, whole: bool = False) -> float | None:
    if key not in m or m[key] is None:
        return None
    value = m[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(_line(m, key), f"{key} must be a number")
    if whole and value != int(value):
        raise Invalid(_line(m, key), f"{key} must be a whole number")
    if not lo <= value <= hi:
        raise Invalid(_line(m, key), f"{key} must be between {lo:g} and {hi:g}")
    return value


def _bool(m: LMap, key: str, default: bool) -> bool:
    if key not in m or m[key] is None:
        return default
    if not isinstance(m[key], bool):
        raise Invalid(_line(m, key), f"{key} must be true or false")
    return m[key]


def _choice(m: LMap, key: str, options: Sequence[str], default: str) -> str:
    if key not in m or m[key] is None:
        return default
    value = m[key]
    if value not in options:
        raise Invalid(_line(m, key), f"{key} must be one of {', '.join(options)} "
                                     f"(not {value!r}){_suggest(str(value), options)}")
    return value


def _settings(doc: LMap) -> Settings:
    limit = _number(doc, "time_limit", 1, MAX_TIME_LIMIT_MIN, whole=True)
    mark = _number(doc, "pass_mark", 0.0001, 100)
    if mark is not None and mark > 1:
        mark = mark / 100
    shuffle_q, shuffle_a = False, True
    if "shuffle" in doc and doc["shuffle"] is not None:
        s = doc["shuffle"]
        if isinstance(s, bool):
            shuffle_q = shuffle_a = s
        elif isinstance(s, LMap):
            _unknown(s, ("questions", "answers"), "shuffle")
            shuffle_q = _bool(s, "questions", False)
            shuffle_a = _bool(s, "answers", True)
        else:
            raise Invalid(_line(doc, "shuffle"),
                          "shuffle must be true, false or {questions: …, answers: …}")
    attempts = _number(doc, "attempts", 0, 100, whole=True)
    return Settings(
        time_limit_min=int(limit) if limit is not None else None,
        pass_mark=round(mark, 4) if mark is not None else DEFAULT_PASS_MARK,
        shuffle_questions=shuffle_q, shuffle_answers=shuffle_a,
        attempts=int(attempts or 0), grading=_choice(doc, "grading", GRADING, "highest"),
        review=_choice(doc, "review", REVIEW, "after_submit"))


def _choices(m: LMap, key: str, kind: str) -> tuple[Choice, ...]:
    raw = m.get(key)
    if not isinstance(raw, list) or not raw:
        raise Invalid(_line(m, key), f"{key} must be a list" + (
            "" if key in m else f" (a {kind} question needs {key})"))
    texts, corrects, weights, feedbacks = [], [], [], []
    for i, c in enumerate(raw):
        line = raw.item_lines[i]
        if isinstance(c, LMap):
            _unknown(c, CHOICE_KEYS, key)
            texts.append(_text(c, "text", required=True,
                               limit=MAX_TEXT if kind == "manifest" else 1000))
            corrects.append(_bool(c, "correct", kind in TYPED_KINDS))
            weights.append(_number(c, "weight", -100, 100))
            feedbacks.append(_text(c, "feedback"))
            if "correct" in c and weights[-1] is not None:
                raise Invalid(c.key_lines["weight"], "give correct or weight, not both")
        elif isinstance(c, str | int | float) and not isinstance(c, bool):
            texts.append(clean_text(c))
            corrects.append(kind in TYPED_KINDS)
            weights.append(None)
            feedbacks.append("")
            if not texts[-1]:
                raise Invalid(line, f"an entry of {key} is empty")
        else:
            raise Invalid(line, f"each entry of {key} is text or {{text: …, correct: true}}")
    if all(w is None for w in weights):
        final = default_weights(kind, corrects)
    elif kind == "multiple" and any(c and w is None for c, w in zip(corrects, weights,
                                                                     strict=True)):
        raise Invalid(raw.line, f"{key}: when any choice has a weight, give every correct "
                                "choice a weight too (they must add up to 100)")
    else:
        final = [w if w is not None else (100.0 if c and kind != "multiple" else 0.0)
                 for w, c in zip(weights, corrects, strict=True)]
    return tuple(Choice(x, float(w), f) for x, w, f in zip(texts, final, feedbacks, strict=True))


def _pairs(m: LMap) -> tuple[Pair, ...]:
    raw = m.get("pairs")
    if not isinstance(raw, list) or not raw:
        raise Invalid(_line(m, "pairs"), "pairs must be a list of [left, right] pairs")
    out = []
    for i, p in enumerate(raw):
        line = raw.item_lines[i]
        if isinstance(p, LMap):
            _unknown(p, ("left", "right"), "pairs")
            out.append(Pair(_text(p, "left", required=True), _text(p, "right", required=True)))
        elif isinstance(p, list) and len(p) == 2 and all(
                isinstance(x, str | int | float) and not isinstance(x, bool) for x in p):
            out.append(Pair(clean_text(p[0]), clean_text(p[1])))
        else:
            raise Invalid(line, "each pair is [left, right] or {left: …, right: …}")
    extra = m.get("distractors") or []
    if not isinstance(extra, list):
        raise Invalid(_line(m, "distractors"), "distractors must be a list of texts")
    for i, d in enumerate(extra):
        if not isinstance(d, str | int | float) or isinstance(d, bool) or not clean_text(d):
            raise Invalid(extra.item_lines[i], "each distractor is a text")
        out.append(Pair("", clean_text(d)))
    return tuple(out)


def _uid(m: LMap) -> str:
    if "id" not in m or m["id"] is None:
        return ""
    uid = str(m["id"])
    if isinstance(m["id"], bool) or not UID.fullmatch(uid):
        raise Invalid(_line(m, "id"), "id must be 1–64 letters, digits, '.', '_' or '-'")
    return uid


def _entry(m: Any, line: int) -> Entry:
    if not isinstance(m, LMap):
        raise Invalid(line, "each question is a mapping (kind: …, prompt: …) or from_notes: …")
    if "from_notes" in m:
        _unknown(m, ("from_notes", "id", "points"), "a from_notes question")
        spec = m["from_notes"]
        if not isinstance(spec, LMap):
            raise Invalid(_line(m, "from_notes"),
                          "from_notes is a mapping: {deck: …, group: …, kind: …, count: …}")
        _unknown(spec, DRAW_KEYS, "from_notes")
        count = _number(spec, "count", 1, MAX_DRAW, whole=True)
        draw = Draw(deck=_text(spec, "deck", required=True, limit=500),
                    group=_text(spec, "group", limit=300),
                    section=" > ".join(p.strip() for p in _text(spec, "section", limit=500)
                                       .split(">")) if spec.get("section") else "",
                    kind=_choice(spec, "kind", DRAW_KINDS, ""), count=int(count or 1),
                    points=float(_number(m, "points", 0.01, 100) or 1.0), uid=_uid(m),
                    line=m.line)
        if errs := check_draw(draw):
            raise Invalid(spec.line, errs[0])
        return draw
    if "kind" not in m:
        raise Invalid(m.line, "kind is required (single, multiple, true_false, matching, "
                              "typed, command, manifest), or use from_notes")
    kind = _choice(m, "kind", KINDS, "")
    _unknown(m, (*COMMON_KEYS, *KIND_KEYS[kind]), f"a {kind} question")
    common = {
        "kind": kind, "prompt": _text(m, "prompt", required=True), "title": _text(m, "title"),
        "feedback": _text(m, "feedback"), "topic": _text(m, "topic", limit=800),
        "points": float(_number(m, "points", 0.01, 100) or 1.0),
        "lang": _choice(m, "lang", ("zh", "en"), ""), "uid": _uid(m), "line": m.line,
    }
    if kind in ("single", "multiple"):
        item = Item(choices=_choices(m, "choices", kind), **common)
    elif kind in TYPED_KINDS:
        item = Item(choices=_choices(m, "answers", kind), **common)
    elif kind == "true_false":
        if not isinstance(m.get("answer"), bool):
            raise Invalid(_line(m, "answer"), "answer must be true or false")
        item = Item(answer=m["answer"], feedback_true=_text(m, "feedback_true"),
                    feedback_false=_text(m, "feedback_false"), **common)
    else:
        item = Item(pairs=_pairs(m), **common)
    if errs := check_item(item):
        field_name = errs[0].split(":", 1)[0]
        raise Invalid(_line(m, {"answers": "answers"}.get(field_name, field_name)), errs[0])
    return item


def _resolve_draws(entries: Sequence[Entry], resolve: Resolver, path: str,
                   report: Report) -> None:
    from ..quiz.generate import generate  # only when checking against the notes

    for e in entries:
        if not isinstance(e, Draw):
            continue
        facts = resolve(e.deck)
        if facts is None:
            report.errors.append(Problem(path, e.line, f"from_notes: no deck {e.deck!r} (a "
                                         "note's path, as `flask notes import` names it)",
                                         "error"))
            continue
        topics = [e.section or e.group] if (e.section or e.group) else None
        made = generate(facts, e.count, seed=0, kinds=[e.kind] if e.kind else None,
                        topics=topics)
        if topics and not made:
            what = "section" if e.section else "group"
            report.errors.append(Problem(path, e.line, f"from_notes: no questions can be made "
                                         f"from {what} {topics[0]!r} of {e.deck}", "error"))
        elif len(made) < e.count:
            report.warnings.append(Problem(path, e.line, f"from_notes: only {len(made)} of "
                                           f"{e.count} questions can be made from this "
                                           "selection"))


def validate(data: bytes | str, path: str, *, name: str = "",
             resolve: Resolver | None = None) -> Report:
    """Read one set file. Errors stop at the first problem of each question, so one typo
    does not hide the next question's problems."""
    report = Report()

    def err(line: int, message: str) -> Report:
        report.errors.append(Problem(path, line, message, "error"))
        return report

    try:
        text = decode(data) if isinstance(data, bytes) else data
        doc = load_yaml(text)
    except Invalid as e:
        return err(e.line, e.message)
    if not isinstance(doc, LMap):
        return err(1, "a quiz set is a mapping with title: and questions:")
    try:
        _unknown(doc, TOP_KEYS, "the set")
        title = _text(doc, "title", required=True, limit=300)
        description = _text(doc, "description", limit=20_000)
        lang = _choice(doc, "lang", ("zh", "en"), "")
        settings = _settings(doc)
        published = _bool(doc, "published", True)
    except Invalid as e:
        return err(e.line, e.message)
    raw = doc.get("questions")
    if not isinstance(raw, list) or not raw:
        return err(_line(doc, "questions") if "questions" in doc else doc.line,
                   "questions must be a non-empty list")
    if len(raw) > MAX_QUESTIONS:
        return err(raw.line, f"at most {MAX_QUESTIONS} questions")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for i, m in enumerate(raw):
        try:
            entry = _entry(m, raw.item_lines[i])
        except Invalid as e:
            err(e.line, e.message)
            continue
        if entry.uid:
            if entry.uid in seen:
                err(_line(m, "id"), f"id {entry.uid!r} is used twice (first on line "
                                    f"{seen[entry.uid]})")
                continue
            seen[entry.uid] = _line(m, "id")
        entries.append(entry)
    if resolve is not None and not report.errors:
        _resolve_draws(entries, resolve, path, report)
    if not report.errors:
        report.spec = SetSpec(name=name, title=title, description=description,
                              settings=settings, entries=tuple(assign_uids(entries)),
                              lang=lang, published=published)
    return report


# --- writing -------------------------------------------------------------------------------------


def to_yaml(spec: SetSpec) -> str:
    """A set as a YAML file that ``validate`` reads back to the same set."""
    s = spec.settings
    doc: dict[str, Any] = {"title": spec.title}
    if spec.description:
        doc["description"] = spec.description
    if spec.lang:
        doc["lang"] = spec.lang
    if s.time_limit_min:
        doc["time_limit"] = s.time_limit_min
    doc["pass_mark"] = round(s.pass_mark * 100, 2)
    doc["shuffle"] = {"questions": s.shuffle_questions, "answers": s.shuffle_answers}
    doc["attempts"] = s.attempts
    doc["grading"] = s.grading
    doc["review"] = s.review
    doc["published"] = spec.published
    doc["questions"] = [_entry_doc(e) for e in spec.entries]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def _entry_doc(e: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"id": e.uid} if e.uid else {}
    if isinstance(e, Draw):
        spec: dict[str, Any] = {"deck": e.deck}
        for k in ("group", "section", "kind"):
            if getattr(e, k):
                spec[k] = getattr(e, k)
        spec["count"] = e.count
        out["from_notes"] = spec
        if e.points != 1:
            out["points"] = e.points
        return out
    out["kind"] = e.kind
    for k in ("title", "lang"):
        if getattr(e, k):
            out[k] = getattr(e, k)
    out["prompt"] = e.prompt
    if e.kind in ("single", "multiple", *TYPED_KINDS):
        key = "answers" if e.kind in TYPED_KINDS else "choices"
        out[key] = [{"text": c.text, "weight": c.weight,
                     **({"feedback": c.feedback} if c.feedback else {})} for c in e.choices]
    elif e.kind == "true_false":
        out["answer"] = bool(e.answer)
        for k in ("feedback_true", "feedback_false"):
            if getattr(e, k):
                out[k] = getattr(e, k)
    else:
        out["pairs"] = [[p.left, p.right] for p in e.pairs if p.left]
        if extra := [p.right for p in e.pairs if not p.left]:
            out["distractors"] = extra
    for k in ("feedback", "topic"):
        if getattr(e, k):
            out[k] = getattr(e, k)
    if e.points != 1:
        out["points"] = e.points
    return out
