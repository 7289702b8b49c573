"""The last check on a finished question: blanks, the answer named, one type of choice, a
shared word that gives the right choices away."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .names import fold, has_blank, names_in
from .reasons import BLANK, MIXED_TYPES, NAMES_ANSWER, PATTERN
from .wording import script

# Variants whose context is a prompt with the answer hidden (a blank there is the point).
PROMPT_BLANKS = frozenset({"definition_term", "typed_term", "typed_cloze", "property_parent",
                           "typed_parent"})
DESCRIPTION_CHOICES = frozenset({"term_definition", "matching"})


def _words(text: str) -> set[str]:
    f = fold(text)
    out = {w for w in re.findall(r"[a-z][a-z0-9]{2,}", f)}
    cjk = re.findall(r"[\u3400-\u9fff]+", f)
    out |= {run[i:i + 2] for run in cjk for i in range(len(run) - 1)}
    return out


def pattern_giveaway(right: Sequence[str], wrong: Sequence[str]) -> bool:
    """Whether a word (or a two-character CJK run), a name's first four letters or the script
    is shared by every right choice and by no wrong one: "自主式Pod, 控制器控制的Pod" against
    "日志收集daemon" is answered without knowing."""
    if len(right) < 2 or not wrong:
        return False
    scripts = {script(r) for r in right}  # 接口层, 生态系统 against kube-proxy, etcd
    if len(scripts) == 1 and not scripts & {script(w) for w in wrong}:
        return True
    prefixes = {_prefix(r) for r in right}  # kube-proxy, kubelet, kube-scheduler vs etcd
    if len(prefixes) == 1 and "" not in prefixes and not prefixes & {_prefix(w) for w in wrong}:
        return True
    common = set.intersection(*(_words(r) for r in right))
    if not common:
        return False
    return not any(common & _words(w) for w in wrong)


def _prefix(text: str) -> str:
    """The first four letters of a Latin name ("kube" of kubelet and kube-proxy)."""
    m = re.match(r"[a-z]{4}", fold(text))
    return m.group() if m else ""


def restates(label: str, text: str) -> bool:
    """Whether ``text`` says little but its ``label`` again: two in five or more of its words
    (or two-character Chinese runs) are the label's ("有序部署/删除：Pod按顺序部署"; a real
    description shares a tenth at most). Its truth is then plain in a true/false question."""
    mine = _words(text)
    return len(mine) >= 2 and 5 * len(mine & _words(label)) >= 2 * len(mine)


def inspect(q: Any, answer_forms: Sequence[str] = ()) -> str:
    """The reason a finished question must not be asked ("" when it is fair). ``q`` is a
    ``Question``; ``answer_forms`` are the folded names of what it asks for (the term for a
    term question, the term described for a description question)."""
    variant, kind = q.variant, q.kind
    shown_answer = ""
    if kind in ("single",):
        shown_answer = q.choices[q.answer]
    elif kind == "typed":
        shown_answer = q.answer
    # blanks: never in choices, left items, a statement, or the answer shown
    if any(has_blank(c) for c in q.choices) or any(has_blank(x) for x in q.left):
        return BLANK
    if has_blank(shown_answer) or has_blank(q.explanation):
        return BLANK
    if variant not in PROMPT_BLANKS and has_blank(q.context):
        return BLANK
    if answer_forms:
        asked = f"{q.prompt}\n{q.context}"
        if variant in DESCRIPTION_CHOICES or kind == "true_false":
            # the term is in the prompt on purpose; its description must not repeat it
            texts = list(q.choices)
            if kind == "true_false":
                texts = [q.meta.get("statement", q.context)]
            if any(names_in(t, answer_forms) for t in texts):
                return NAMES_ANSWER
        elif kind in ("single", "typed") and names_in(asked, answer_forms):
            return NAMES_ANSWER
        if kind == "single" and variant not in DESCRIPTION_CHOICES:
            wrong = [c for i, c in enumerate(q.choices) if i != q.answer]
            if any(names_in(c, answer_forms) for c in wrong):
                return NAMES_ANSWER
    if variant in DESCRIPTION_CHOICES and len({script(c) for c in q.choices}) > 1:
        return MIXED_TYPES  # descriptions in one language (terms may mix scripts)
    if kind == "multiple":
        right = [q.choices[i] for i in q.answer]
        wrong = [c for i, c in enumerate(q.choices) if i not in q.answer]
        if pattern_giveaway(right, wrong):
            return PATTERN
    return ""
