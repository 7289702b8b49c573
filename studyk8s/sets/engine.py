"""Quiz-set items to and from the quiz engine: ``to_question`` turns an item into the engine's
``Question`` (what an attempt snapshots); ``from_question`` turns a generated question back
into an editable item. Pure: no Flask, no SQLAlchemy."""

from __future__ import annotations

from typing import Any

from ..quiz.i18n import t
from ..quiz.model import Question
from .model import EPS, HANDS_ON_KINDS, Choice, Item, Pair, clean_text, default_weights, detect_lang


def item_lang(item: Item, default: str = "") -> str:
    if item.lang:
        return item.lang
    if default:
        return default
    texts = [item.prompt, *(c.text for c in item.choices), *(p.left for p in item.pairs)]
    return detect_lang(*texts)


def to_question(item: Item, *, lang: str = "", source: str = "", topic: str = "",
                meta: dict[str, Any] | None = None) -> Question:
    """The engine's question for ``item``, in the author's order (shuffle later)."""
    lang = item_lang(item, lang)
    meta = {"markdown": True, "uid": item.uid, "title": item.title, **(meta or {})}
    base = {"lang": lang, "prompt": item.prompt, "explanation": item.feedback,
            "source": source, "topic": item.topic or topic, "points": item.points,
            "meta": meta, "variant": "written"}
    if item.kind in ("single", "multiple"):
        weights = tuple(round(c.weight / 100, 7) for c in item.choices)
        if item.kind == "single":
            answer: Any = max(range(len(weights)), key=lambda i: weights[i])
        else:
            answer = [i for i, w in enumerate(weights) if w > 0]
        return Question(kind=item.kind, choices=tuple(c.text for c in item.choices),
                        answer=answer, weights=weights,
                        feedback=tuple(c.feedback for c in item.choices), **base)
    if item.kind == "true_false":
        return Question(kind="true_false", choices=(t(lang, "true"), t(lang, "false")),
                        answer=bool(item.answer),
                        feedback=(item.feedback_true, item.feedback_false), **base)
    if item.kind == "matching":
        real = [p for p in item.pairs if p.left]
        rights = list(dict.fromkeys(p.right for p in item.pairs))
        return Question(kind="matching", left=tuple(p.left for p in real),
                        choices=tuple(rights), answer=[rights.index(p.right) for p in real],
                        **base)
    # typed: the best answer first; every form with credit is accepted
    forms = sorted(item.choices, key=lambda c: -c.weight)
    if item.kind in HANDS_ON_KINDS:  # checked by meaning: every accepted form is worth 100 %
        from ..quiz.handson.manifests import DEFAULT_K8S_VERSION

        return Question(kind=item.kind, answer=forms[0].text,
                        accepted=tuple(c.text for c in forms if c.weight > 0),
                        **{**base, "meta": {**meta, "k8s_version": DEFAULT_K8S_VERSION}})
    plain = all(abs(c.weight - 100) <= EPS and not c.feedback for c in forms)
    return Question(kind="typed", answer=forms[0].text,
                    accepted=tuple(c.text for c in forms),
                    weights=() if plain else tuple(round(c.weight / 100, 7) for c in forms),
                    feedback=() if plain else tuple(c.feedback for c in forms), **base)


def from_question(q: Question, *, uid: str = "", points: float = 1.0) -> Item:
    """An editable item from a question (generated from the notes, or a snapshot): the
    quoted context becomes part of the prompt, the explanation its general feedback."""
    prompt = q.prompt if not q.context else f"{q.prompt}\n\n{q.context}"
    common = {"prompt": clean_text(prompt), "feedback": clean_text(q.explanation),
              "topic": q.topic, "lang": q.lang, "uid": uid, "points": points,
              "title": clean_text(q.meta.get("title", "")) if q.meta else ""}
    if q.kind in ("single", "multiple"):
        if q.weights:
            weights = [round(w * 100, 5) for w in q.weights]
        elif q.kind == "single":
            weights = default_weights("single", [i == q.answer for i in range(len(q.choices))])
        else:
            weights = default_weights("multiple", [i in q.answer for i in range(len(q.choices))])
        fb = list(q.feedback) + [""] * (len(q.choices) - len(q.feedback))
        return Item(kind=q.kind, choices=tuple(Choice(c, w, f) for c, w, f in
                                                zip(q.choices, weights, fb, strict=False)),
                    **common)
    if q.kind == "true_false":
        fb = list(q.feedback) + ["", ""]
        return Item(kind="true_false", answer=bool(q.answer), feedback_true=fb[0],
                    feedback_false=fb[1], **common)
    if q.kind == "matching":
        pairs = [Pair(left, q.choices[a]) for left, a in zip(q.left, q.answer, strict=True)]
        used = set(q.answer)
        pairs += [Pair("", c) for i, c in enumerate(q.choices) if i not in used]
        return Item(kind="matching", pairs=tuple(pairs), **common)
    forms = list(dict.fromkeys([q.answer, *q.accepted]))
    if q.kind in HANDS_ON_KINDS:
        return Item(kind=q.kind, choices=tuple(Choice(f, 100.0) for f in forms), **common)
    if q.weights and len(q.weights) == len(q.accepted):
        by_form = {a: round(w * 100, 5) for a, w in zip(q.accepted, q.weights, strict=True)}
        fb = dict(zip(q.accepted, q.feedback, strict=False))
        choices = tuple(Choice(f, by_form.get(f, 100.0), fb.get(f, "")) for f in forms)
    else:
        choices = tuple(Choice(f, 100.0) for f in forms)
    return Item(kind="typed", choices=choices, **common)
