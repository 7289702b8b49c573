"""The question-kind registry (CTFd's challenge types are the model): each kind knows how to
validate a response's shape, check it without side effects, and say what the answer was.

    check(question, response) -> CheckResult(correct, score, explanation)

Responses: single → a choice index; multiple → a list of choice indices; true_false → a bool;
matching → for each left item, the index of the chosen right item (or None); typed → text.
``None`` is "no answer" for every kind.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .i18n import join, t
from .model import CheckResult, Question, ResponseError
from .normalize import allowed_typos, normalize, osa_distance

MAX_TYPED = 500

KINDS: dict[str, QuestionKind] = {}


def register(kind: type[QuestionKind]) -> type[QuestionKind]:
    KINDS[kind.name] = kind()
    return kind


def kind_of(question: Question) -> QuestionKind:
    try:
        return KINDS[question.kind]
    except KeyError:
        raise ResponseError(f"unknown question kind {question.kind!r}") from None


def check(question: Question, response: Any) -> CheckResult:
    """Pure: the verdict on ``response``; raises ResponseError for a malformed one."""
    kind = kind_of(question)
    return kind.check(question, kind.clean(question, response))


def clean(question: Question, response: Any) -> Any:
    """``response`` in its canonical JSON form (validated), or ResponseError."""
    return kind_of(question).clean(question, response)


def answer_text(question: Question) -> str:
    return kind_of(question).answer_text(question)


def response_text(question: Question, response: Any) -> str:
    if response is None:
        return ""
    kind = kind_of(question)
    try:
        return kind.response_text(question, kind.clean(question, response))
    except ResponseError:
        return str(response)


def reshuffle(question: Question, rng: random.Random) -> Question:
    """The same question with its choices in another order (for a retry)."""
    return kind_of(question).reshuffle(question, rng)


def _with_context(q: Question, *parts: str) -> str:
    text = " ".join(p for p in parts if p)
    if q.explanation:
        text = f"{text}\n{q.explanation}" if text else q.explanation
    return text


def _fraction(value: float) -> float:
    """A summed credit within 0..1; sums of thirds (0.9999999) count as full credit."""
    value = max(0.0, min(1.0, float(value)))
    return 1.0 if value > 1 - 1e-4 else round(value, 4)


def _verdict(q: Question, correct: bool, score: float) -> str:
    """Right, partly right (some credit) or wrong, in plain words."""
    if correct:
        return t(q.lang, "right")
    return t(q.lang, "partly_right") if score > 0 else t(q.lang, "wrong")


def _choice_feedback(q: Question, picked: list[int]) -> list[str]:
    """The instructor's feedback on the picked choices (empty for generated questions)."""
    return [q.feedback[i] for i in picked if i < len(q.feedback) and q.feedback[i]]


def _permuted(q: Question, order: list[int]) -> dict[str, Any]:
    """Per-choice weights and feedback reordered along with the choices."""
    out: dict[str, Any] = {}
    if len(q.weights) == len(order):
        out["weights"] = tuple(q.weights[i] for i in order)
    if len(q.feedback) == len(order):
        out["feedback"] = tuple(q.feedback[i] for i in order)
    return out


def _index(value: Any, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            raise ResponseError("a choice must be given by its number")
    if not 0 <= value < n:
        raise ResponseError(f"choice {value} does not exist")
    return value


class QuestionKind:
    name: ClassVar[str]

    def clean(self, q: Question, response: Any) -> Any:
        raise NotImplementedError

    def check(self, q: Question, response: Any) -> CheckResult:
        raise NotImplementedError

    def answer_text(self, q: Question) -> str:
        raise NotImplementedError

    def response_text(self, q: Question, response: Any) -> str:
        return str(response)

    def reshuffle(self, q: Question, rng: random.Random) -> Question:
        return q

    def _unanswered(self, q: Question) -> CheckResult:
        return CheckResult(False, 0.0, _with_context(
            q, t(q.lang, "no_answer"), t(q.lang, "answer_is", answer=self.answer_text(q))))


@register
class SingleChoice(QuestionKind):
    """One choice. With ``weights`` (instructor-written questions), a choice may earn partial
    credit, as in Moodle's multiple choice: the score is the picked choice's fraction."""

    name = "single"

    def clean(self, q, response):
        return None if response is None else _index(response, len(q.choices))

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        said = _choice_feedback(q, [response])
        if q.weights:
            score = _fraction(q.weights[response])
            correct = score >= 1.0
        else:
            correct = response == q.answer
            score = 1.0 if correct else 0.0
        if correct:
            return CheckResult(True, 1.0, _with_context(q, t(q.lang, "right"), *said))
        verdict = t(q.lang, "partly_right") if score > 0 else t(q.lang, "wrong")
        return CheckResult(False, score, _with_context(
            q, verdict, *said, t(q.lang, "answer_is", answer=self.answer_text(q))))

    def answer_text(self, q):
        return q.choices[q.answer]

    def response_text(self, q, response):
        return q.choices[response]

    def reshuffle(self, q, rng):
        order = list(range(len(q.choices)))
        rng.shuffle(order)
        return q.with_(choices=tuple(q.choices[i] for i in order), answer=order.index(q.answer),
                       **_permuted(q, order))


@register
class MultipleSelect(QuestionKind):
    """Partial credit as in Moodle's multiple response: (right picks − wrong picks) / right
    answers, never below 0; correct only when the picks are exactly the right answers."""

    name = "multiple"

    def clean(self, q, response):
        if response is None:
            return None
        if not isinstance(response, list | tuple):
            raise ResponseError("a multiple-select answer is a list of choice numbers")
        picks = sorted({_index(v, len(q.choices)) for v in response})
        return picks

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        right = set(q.answer)
        picked = set(response)
        hits, wrong = len(picked & right), len(picked - right)
        if q.weights:  # Moodle's multiple response: the picked fractions added, within 0..1
            score = _fraction(sum(q.weights[i] for i in picked))
            correct = score >= 1.0
        else:
            score = max(0.0, (hits - wrong) / len(right)) if right else 0.0
            correct = picked == right
        parts = [_verdict(q, correct, score)]
        parts += _choice_feedback(q, sorted(picked))
        if not correct:
            parts.append(t(q.lang, "multi_partial", hits=hits, total=len(right), wrong=wrong))
            if missed := [q.choices[i] for i in q.answer if i not in picked]:
                parts.append(t(q.lang, "missed", items=join(q.lang, missed)))
            if extra := [q.choices[i] for i in sorted(picked - right)]:
                parts.append(t(q.lang, "extra", items=join(q.lang, extra)))
            parts.append(t(q.lang, "answer_is", answer=self.answer_text(q)))
        return CheckResult(correct, 1.0 if correct else round(score, 4),
                           _with_context(q, *parts))

    def answer_text(self, q):
        return join(q.lang, [q.choices[i] for i in q.answer])

    def response_text(self, q, response):
        return join(q.lang, [q.choices[i] for i in response])

    def reshuffle(self, q, rng):
        order = list(range(len(q.choices)))
        rng.shuffle(order)
        return q.with_(choices=tuple(q.choices[i] for i in order),
                       answer=sorted(order.index(i) for i in q.answer), **_permuted(q, order))


@register
class TrueFalse(QuestionKind):
    name = "true_false"

    def clean(self, q, response):
        if response is None or isinstance(response, bool):
            return response
        if isinstance(response, str) and response.lower() in ("true", "false"):
            return response.lower() == "true"
        if response in (0, 1):
            return bool(response)
        raise ResponseError("a true/false answer is true or false")

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        said = _choice_feedback(q, [0 if response else 1])  # feedback for "true", for "false"
        if response == q.answer:
            return CheckResult(True, 1.0, _with_context(q, t(q.lang, "right"), *said))
        return CheckResult(False, 0.0, _with_context(
            q, t(q.lang, "wrong"), *said, t(q.lang, "answer_is", answer=self.answer_text(q))))

    def answer_text(self, q):
        return t(q.lang, "true" if q.answer else "false")

    def response_text(self, q, response):
        return t(q.lang, "true" if response else "false")


@register
class Matching(QuestionKind):
    """Each left item (a term) gets one right item (a description); the score is the share of
    right pairs, correct only when all are."""

    name = "matching"

    def clean(self, q, response):
        if response is None:
            return None
        if isinstance(response, dict):
            try:
                response = [response.get(str(i), response.get(i)) for i in range(len(q.left))]
            except TypeError:
                raise ResponseError("a matching answer maps each term to a description") from None
        if not isinstance(response, list | tuple) or len(response) != len(q.left):
            raise ResponseError(f"a matching answer has one entry per term ({len(q.left)})")
        cleaned = [None if v is None else _index(v, len(q.choices)) for v in response]
        if all(v is None for v in cleaned):
            return None
        return cleaned

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        hits = sum(1 for given, right in zip(response, q.answer, strict=True) if given == right)
        total = len(q.answer)
        correct = hits == total
        parts = [_verdict(q, correct, hits / total if total else 0.0),
                 t(q.lang, "pairs", hits=hits, total=total)]
        if not correct:
            parts.append(t(q.lang, "answer_is", answer=self.answer_text(q)))
        return CheckResult(correct, round(hits / total, 4) if total else 0.0,
                           _with_context(q, *parts))

    def _pairs(self, q, mapping) -> str:
        sep = t(q.lang, "sep")
        return "; ".join(f"{term}{sep}{q.choices[i] if i is not None else '—'}"
                         for term, i in zip(q.left, mapping, strict=True))

    def answer_text(self, q):
        return self._pairs(q, q.answer)

    def response_text(self, q, response):
        return self._pairs(q, response)

    def reshuffle(self, q, rng):
        left = list(range(len(q.left)))
        right = list(range(len(q.choices)))
        rng.shuffle(left)
        rng.shuffle(right)
        return q.with_(left=tuple(q.left[i] for i in left),
                       choices=tuple(q.choices[j] for j in right),
                       answer=[right.index(q.answer[i]) for i in left])


@register
class Typed(QuestionKind):
    """A typed term, cloze or expansion. Case, width, spaces and punctuation never count;
    aliases are accepted; Latin answers of 6+ letters forgive a typo (9+ letters: two) unless
    the response is closer to another known term."""

    name = "typed"

    def clean(self, q, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise ResponseError("a typed answer is text")
        if len(response) > MAX_TYPED:
            raise ResponseError(f"a typed answer has at most {MAX_TYPED} characters")
        return response if response.strip() else None

    def check(self, q, response):
        if response is None or not normalize(response):
            return self._unanswered(q)
        if q.weights:
            return self._check_weighted(q, response)
        correct, why = judge_typed(response, q.answer, q.accepted, q.confusables, q.lang)
        return CheckResult(correct, 1.0 if correct else 0.0, _with_context(q, why))

    def _check_weighted(self, q, response):
        """Moodle's short answer: each accepted form has its own credit (and feedback); the
        best-credited form the response matches counts."""
        forms = sorted(range(len(q.accepted)), key=lambda i: -q.weights[i])
        for i in forms:
            ok, why = judge_typed(response, q.accepted[i], (q.accepted[i],), q.confusables,
                                  q.lang)
            if ok:
                score = _fraction(q.weights[i])
                said = _choice_feedback(q, [i])
                if score >= 1.0:
                    return CheckResult(True, 1.0, _with_context(q, why, *said))
                verdict = t(q.lang, "partly_right") if score > 0 else t(q.lang, "wrong")
                return CheckResult(False, score, _with_context(
                    q, verdict, *said, t(q.lang, "answer_is", answer=q.answer)))
        _, why = judge_typed(response, q.answer, (q.answer,), q.confusables, q.lang)
        return CheckResult(False, 0.0, _with_context(q, why))

    def answer_text(self, q):
        return q.answer

    def response_text(self, q, response):
        return response


def judge_typed(given: str, answer: str, accepted: tuple[str, ...] | list[str],
                confusables: tuple[str, ...] | list[str] = (), lang: str = "en",
                ) -> tuple[bool, str]:
    """(accepted?, why) for a typed response. Pure; the reason is in ``lang``."""
    g = normalize(given)
    given_shown = given.strip()
    forms = [answer, *(a for a in accepted if a != answer)]
    for form in forms:
        if normalize(form) == g:
            if form != answer:
                return True, t(lang, "alias", given=given_shown, answer=answer)
            if given_shown == answer:
                return True, t(lang, "exact", answer=answer)
            return True, t(lang, "folded", answer=answer)
    for other in confusables:
        if normalize(other) == g:
            return False, t(lang, "confusable", given=given_shown, other=other, answer=answer)
    best: tuple[int, str] | None = None
    for form in forms:
        f = normalize(form)
        allowed = allowed_typos(f)
        if not allowed:
            continue
        d = osa_distance(g, f, allowed)
        if d <= allowed and (best is None or d < best[0]):
            best = (d, form)
    if best is not None:
        d, form = best
        for other in confusables:
            o = normalize(other)
            if o and osa_distance(g, o, d) <= d:
                return False, t(lang, "confusable", given=given_shown, other=other, answer=answer)
        return True, t(lang, "typo", n=d, answer=form, given=given_shown)
    return False, t(lang, "you_wrote", given=given_shown, answer=answer)
