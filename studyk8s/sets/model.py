"""Quiz-set types, shared by the YAML schema, GIFT, the browser editor and the database.

An ``Item`` is a written-out question as an instructor thinks of it (Moodle's question bank is
the model): choices with percentage credit and feedback, true/false with feedback for each
answer, matching pairs (plus extra wrong answers), typed answers with credit. A ``Draw`` asks
for questions generated from the notes when an attempt starts (Moodle's random question).

``sets.engine`` turns an item into the quiz engine's ``Question`` and back.
Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

KINDS = ("single", "multiple", "true_false", "matching", "typed", "command", "manifest")
# Answered by typing: the accepted answers are ``choices`` (each its credit). A hands-on
# answer (a command, a manifest) is checked by meaning (quiz/handson), not as text.
TYPED_KINDS = ("typed", "command", "manifest")
HANDS_ON_KINDS = ("command", "manifest")
# Kinds a from_notes draw may ask for: these, and the generator's blanked manifest field.
DRAW_KINDS = (*KINDS, "manifest_field")
KIND_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple choice (several right)",
    "true_false": "True / false",
    "matching": "Matching",
    "typed": "Short answer (typed)",
    "command": "Hands-on: command",
    "manifest": "Hands-on: manifest",
    "manifest_field": "Hands-on: manifest field",
}
DRAW = "draw"
GRADING = ("highest", "last", "average", "first")
REVIEW = ("after_submit", "after_close", "never")
DEFAULT_PASS_MARK = 0.66
MAX_TEXT = 5000
MAX_CHOICE = 1000
MAX_CHOICES = 20
MAX_QUESTIONS = 200
MAX_DRAW = 50
MAX_POINTS = 100.0
MAX_TIME_LIMIT_MIN = 600
UID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
EPS = 0.01  # percent: 3 × 33.33333 is 100


def detect_lang(*texts: str) -> str:
    return "zh" if any(CJK.search(x or "") for x in texts) else "en"


def clean_text(text: Any) -> str:
    """One normal form for every text: str, newlines as \\n, no outer whitespace."""
    if text is None:
        return ""
    return str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class Choice:
    """A choice (single/multiple) or an accepted answer (typed). ``weight`` is Moodle's
    grade in percent: 100 = right, 0 = wrong, negative = a penalty (multiple choice)."""

    text: str
    weight: float = 0.0
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """A matching pair; an empty ``left`` is an extra wrong answer on the right side."""

    left: str
    right: str


@dataclass(frozen=True)
class Item:
    kind: str
    prompt: str
    title: str = ""
    choices: tuple[Choice, ...] = ()  # single, multiple; typed: the accepted answers
    answer: bool | None = None  # true_false
    feedback_true: str = ""  # true_false: shown to whoever answered "true"
    feedback_false: str = ""
    pairs: tuple[Pair, ...] = ()  # matching
    feedback: str = ""  # general feedback, shown with the results
    points: float = 1.0
    topic: str = ""
    lang: str = ""  # "" = detect from the text
    uid: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)  # where it was read (YAML, GIFT)

    @property
    def is_draw(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "prompt": self.prompt}
        for k in ("title", "feedback", "topic", "lang", "feedback_true", "feedback_false"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.points != 1.0:
            d["points"] = self.points
        if self.choices:
            d["choices"] = [{"text": c.text, "weight": c.weight, "feedback": c.feedback}
                            for c in self.choices]
        if self.answer is not None:
            d["answer"] = self.answer
        if self.pairs:
            d["pairs"] = [[p.left, p.right] for p in self.pairs]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], uid: str = "", line: int = 0) -> Item:
        return cls(
            kind=d["kind"], prompt=d.get("prompt", ""), title=d.get("title", ""),
            choices=tuple(Choice(c["text"], float(c.get("weight", 0)), c.get("feedback", ""))
                          for c in d.get("choices") or ()),
            answer=d.get("answer"), feedback_true=d.get("feedback_true", ""),
            feedback_false=d.get("feedback_false", ""),
            pairs=tuple(Pair(p[0], p[1]) for p in d.get("pairs") or ()),
            feedback=d.get("feedback", ""), points=float(d.get("points", 1.0)),
            topic=d.get("topic", ""), lang=d.get("lang", ""), uid=uid, line=line)

    def with_(self, **changes: Any) -> Item:
        return replace(self, **changes)


@dataclass(frozen=True)
class Draw:
    """``count`` questions generated from a deck's facts when an attempt starts, optionally
    from one list (``group``, e.g. 插件) or heading path (``section``), of one ``kind``."""

    deck: str
    group: str = ""
    section: str = ""
    kind: str = ""  # "" = the generator's usual mix
    count: int = 1
    points: float = 1.0
    uid: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def is_draw(self) -> bool:
        return True

    @property
    def topic(self) -> str:
        return self.section or self.group

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": DRAW, "deck": self.deck, "count": self.count}
        for k in ("group", "section"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.kind:
            d["question_kind"] = self.kind
        if self.points != 1.0:
            d["points"] = self.points
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], uid: str = "", line: int = 0) -> Draw:
        return cls(deck=d["deck"], group=d.get("group", ""), section=d.get("section", ""),
                   kind=d.get("question_kind", ""), count=int(d.get("count", 1)),
                   points=float(d.get("points", 1.0)), uid=uid, line=line)

    def describe(self) -> str:
        where = f" › {self.section or self.group}" if (self.section or self.group) else ""
        what = KIND_LABELS.get(self.kind, "mixed kinds").lower()
        n = f"{self.count} question{'s' if self.count != 1 else ''}"
        return f"{n} drawn from {self.deck}{where} ({what})"


Entry = Item | Draw


def entry_from_dict(d: dict[str, Any], uid: str = "", line: int = 0) -> Entry:
    return (Draw if d.get("kind") == DRAW else Item).from_dict(d, uid=uid, line=line)


@dataclass(frozen=True)
class Settings:
    time_limit_min: int | None = None
    pass_mark: float = DEFAULT_PASS_MARK  # 0..1
    shuffle_questions: bool = False
    shuffle_answers: bool = True
    attempts: int = 0  # 0 = unlimited
    grading: str = "highest"  # highest | last | average | first
    review: str = "after_submit"  # when learners see the right answers

    def to_dict(self) -> dict[str, Any]:
        return {"time_limit_min": self.time_limit_min, "pass_mark": self.pass_mark,
                "shuffle_questions": self.shuffle_questions,
                "shuffle_answers": self.shuffle_answers, "attempts": self.attempts,
                "grading": self.grading, "review": self.review}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Settings:
        d = d or {}
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class SetSpec:
    """A whole set as read from a file."""

    name: str
    title: str
    description: str = ""
    settings: Settings = Settings()
    entries: tuple[Entry, ...] = ()
    lang: str = ""
    published: bool = True


# --- identity ----------------------------------------------------------------------------------


def default_uid(entry: Entry) -> str:
    """A stable id for an entry that has none: its content's hash (give ``id:`` in YAML to
    keep a question's statistics across edits of its wording)."""
    if isinstance(entry, Draw):
        basis = f"draw|{entry.deck}|{entry.group}|{entry.section}|{entry.kind}"
        prefix = "d"
    else:
        basis = f"{entry.kind}|{entry.prompt}"
        prefix = "q"
    return prefix + hashlib.sha1(basis.encode()).hexdigest()[:10]


def assign_uids(entries: list[Entry]) -> list[Entry]:
    """Give every entry a uid, unique within the set (repeats get -2, -3…)."""
    out, seen = [], set()
    for e in entries:
        uid = e.uid or default_uid(e)
        base, n = uid, 1
        while uid in seen:
            n += 1
            uid = f"{base[:60]}-{n}"
        seen.add(uid)
        out.append(replace(e, uid=uid))
    return out


# --- validation --------------------------------------------------------------------------------


def _w(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class ItemProblem:
    """One thing wrong with an item. ``text`` says it in the set file's words (YAML keys);
    ``part`` (the field at fault), ``code``, ``params`` and ``row`` (which choice or pair,
    0-based) let a form say it in its own words, next to the field."""

    part: str
    code: str
    text: str
    row: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


def check_item(item: Item) -> list[str]:
    """What is wrong with ``item`` (empty: nothing). Messages name the field at fault."""
    return [p.text for p in item_problems(item)]


def item_problems(item: Item) -> list[ItemProblem]:
    P = ItemProblem
    if item.kind not in KINDS:
        return [P("kind", "unknown",
                  f"unknown question kind {item.kind!r} (use one of {', '.join(KINDS)})")]
    errs: list[ItemProblem] = []
    if not item.prompt:
        errs.append(P("prompt", "empty", "prompt: the question text is empty"))
    elif len(item.prompt) > MAX_TEXT:
        errs.append(P("prompt", "too_long", f"prompt: longer than {MAX_TEXT} characters",
                      params={"max": MAX_TEXT}))
    if not 0 < item.points <= MAX_POINTS:
        errs.append(P("points", "range",
                      f"points: must be more than 0 and at most {_w(MAX_POINTS)}",
                      params={"max": MAX_POINTS}))
    for name in ("feedback", "feedback_true", "feedback_false", "title", "topic"):
        if len(getattr(item, name)) > MAX_TEXT:
            errs.append(P(name, "too_long", f"{name}: longer than {MAX_TEXT} characters",
                          params={"max": MAX_TEXT}))
    if item.kind in ("single", "multiple", *TYPED_KINDS):
        errs += _check_choices(item)
        if item.kind in HANDS_ON_KINDS and not errs:
            errs += _check_handson(item)
    elif item.kind == "true_false":
        if not isinstance(item.answer, bool):
            errs.append(P("answer", "missing",
                          "answer: a true/false question needs answer: true or answer: false"))
    elif item.kind == "matching":
        errs += _check_pairs(item)
    return errs


def _first(xs: list[Any], test) -> int | None:
    return next((i for i, x in enumerate(xs) if test(x)), None)


def _repeat(xs: list[str]) -> int | None:
    """Where the first text listed twice comes again (the alphabetically first such text)."""
    dupes = sorted({x for x in xs if x and xs.count(x) > 1})
    return None if not dupes else [i for i, x in enumerate(xs) if x == dupes[0]][1]


def _check_choices(item: Item) -> list[ItemProblem]:
    P = ItemProblem
    typed = item.kind in TYPED_KINDS
    what = "answers" if typed else "choices"
    cs = item.choices
    need = 1 if typed else 2
    if len(cs) < need:
        return [P("choices", "too_few", f"{what}: a {KIND_LABELS[item.kind].lower()} question "
                  f"needs at least {need}", params={"n": need})]
    if len(cs) > MAX_CHOICES:
        return [P("choices", "too_many", f"{what}: at most {MAX_CHOICES}",
                  params={"n": MAX_CHOICES})]
    errs = []
    texts = [c.text for c in cs]
    if (i := _first(texts, lambda x: not x)) is not None:
        errs.append(P("choices", "entry_empty", f"{what}: an entry is empty", row=i))
    longest = MAX_TEXT if item.kind == "manifest" else MAX_CHOICE
    if (i := _first(texts, lambda x: len(x) > longest)) is not None:
        errs.append(P("choices", "entry_too_long",
                      f"{what}: an entry is longer than {longest} characters", row=i,
                      params={"max": longest}))
    if (i := _repeat(texts)) is not None:
        errs.append(P("choices", "duplicate", f"{what}: {texts[i]!r} is listed twice", row=i,
                      params={"text": texts[i]}))
    lo = 0 if typed else -100
    if (i := _first(list(cs), lambda c: not lo <= c.weight <= 100)) is not None:
        errs.append(P("choices", "grade_range", f"{what}: grade {_w(cs[i].weight)}% of "
                      f"{cs[i].text!r} is outside {lo}..100", row=i, params={"lo": lo}))
        return errs
    top = max(c.weight for c in cs)
    if (item.kind == "single" or typed) and abs(top - 100) > EPS:
        errs.append(P("choices", "no_full_answer",
                      f"{what}: one answer must be worth 100% (mark it correct: true)"))
    if item.kind == "multiple":
        positive = sum(c.weight for c in cs if c.weight > 0)
        if positive <= 0:
            errs.append(P("choices", "no_correct", "choices: mark at least one choice correct"))
        elif abs(positive - 100) > EPS:
            errs.append(P("choices", "sum", f"choices: the positive grades add up to "
                          f"{_w(round(positive, 5))}%, not 100%",
                          params={"sum": round(positive, 5)}))
    return errs


def _check_handson(item: Item) -> list[ItemProblem]:
    """An accepted command must be readable by the checker, a manifest must load: a learner
    could never match an answer the checker cannot read."""
    from ..quiz.handson.commands import CommandError, parse
    from ..quiz.handson.manifests import ManifestError, load

    for i, c in enumerate(item.choices):
        try:
            parse(c.text) if item.kind == "command" else load(c.text)
        except CommandError as exc:
            why = exc.message("en")
            return [ItemProblem("choices", "unreadable",
                                f"answers: {c.text!r} cannot be read: {why}", row=i,
                                params={"why": why})]
        except ManifestError as exc:
            why = (f"line {exc.line}: " if exc.line else "") + exc.message("en")
            return [ItemProblem("choices", "unreadable",
                                f"answers: the manifest cannot be read: {why}", row=i,
                                params={"why": why})]
    return []


def _check_pairs(item: Item) -> list[ItemProblem]:
    P = ItemProblem
    real = [p for p in item.pairs if p.left]
    if len(real) < 2:
        return [P("pairs", "too_few", "pairs: a matching question needs at least 2 pairs",
                  params={"n": 2})]
    if len(item.pairs) > MAX_CHOICES:
        return [P("pairs", "too_many", f"pairs: at most {MAX_CHOICES}",
                  params={"n": MAX_CHOICES})]
    errs = []
    pairs = list(item.pairs)
    if (i := _first(pairs, lambda p: not p.right)) is not None:
        errs.append(P("pairs", "right_empty", "pairs: an answer (right side) is empty", row=i))
    lefts = [p.left for p in pairs]
    if (i := _repeat(lefts)) is not None:
        errs.append(P("pairs", "duplicate", f"pairs: {lefts[i]!r} is listed twice", row=i,
                      params={"text": lefts[i]}))
    if (i := _first(pairs, lambda p: len(p.left) > MAX_CHOICE or len(p.right) > MAX_CHOICE)
            ) is not None:
        errs.append(P("pairs", "entry_too_long",
                      f"pairs: an entry is longer than {MAX_CHOICE} characters", row=i,
                      params={"max": MAX_CHOICE}))
    return errs


def check_draw(draw: Draw) -> list[str]:
    errs = []
    if not draw.deck:
        errs.append("from_notes: deck is required (a note's path, e.g. "
                    "content/notes/docker-k8s-1.md)")
    if draw.group and draw.section:
        errs.append("from_notes: give group or section, not both")
    if draw.kind and draw.kind not in DRAW_KINDS:
        errs.append(f"from_notes: unknown kind {draw.kind!r} (use one of "
                    f"{', '.join(DRAW_KINDS)})")
    if not 1 <= draw.count <= MAX_DRAW:
        errs.append(f"from_notes: count must be between 1 and {MAX_DRAW}")
    if not 0 < draw.points <= MAX_POINTS:
        errs.append(f"points: must be more than 0 and at most {_w(MAX_POINTS)}")
    return errs


def default_weights(kind: str, correct: list[bool]) -> list[float]:
    """Grades for choices marked only right/wrong: single → 100/0; multiple → each right one
    100/n and each wrong one −100/n (so ticking everything earns nothing, as the engine's own
    multiple-select scoring); typed → 100 each."""
    if kind in TYPED_KINDS:
        return [100.0] * len(correct)
    if kind == "single":
        return [100.0 if c else 0.0 for c in correct]
    n = sum(correct) or 1
    share = round(100.0 / n, 5)
    return [share if c else -share for c in correct]
