"""The hands-on question kinds, registered with the question registry (quiz/kinds.py):

* ``command``: a typed command line, right when it means the same as an accepted one
  (:func:`.commands.compare`); else the feedback names what differs ("same command, except:
  namespace is default, expected kube-system");
* ``manifest_field``: one YAML value, compared as the manifest would be (``"80"`` = ``80``);
* ``manifest``: a whole manifest (several documents allowed), compared as data and validated
  against the Kubernetes schema; the feedback lists each difference and problem by path.
"""

from __future__ import annotations

from ..i18n import t
from ..kinds import QuestionKind, _with_context, register
from ..model import CheckResult, Question, ResponseError
from .commands import MAX_COMMAND_CHARS, CommandError
from .commands import compare as compare_commands
from .manifests import MAX_BYTES, ManifestError, check_field
from .manifests import compare as compare_manifests


def _text(response, limit: int, what: str):
    if response is None:
        return None
    if not isinstance(response, str):
        raise ResponseError(f"{what} is text")
    if len(response) > limit:
        raise ResponseError(f"{what} has at most {limit} characters")
    return response if response.strip() else None


class _HandsOn(QuestionKind):
    def answer_text(self, q: Question) -> str:
        return q.answer

    def response_text(self, q: Question, response) -> str:
        return response


def judge_command(q: Question, response: str) -> tuple[bool, str]:
    """(right?, what the learner is told) for a typed command: the first accepted command it
    means the same as, else what differs from the answer."""
    lang = q.lang
    for form in q.accepted or (q.answer,):
        try:
            verdict = compare_commands(form, response)
        except CommandError:  # an accepted form the checker cannot read: compared as text
            if " ".join(form.split()) == " ".join(response.split()):
                return True, t(lang, "right")
            continue
        if verdict.equivalent:
            notes = verdict.note_messages(lang)
            return True, " ".join([t(lang, "right"), *notes])
    try:
        verdict = compare_commands(q.answer, response)
        why = verdict.message(lang)
    except CommandError as exc:
        why = exc.message(lang)
    return False, f"{t(lang, 'wrong')} {why[:1].upper()}{why[1:]}"


@register
class Command(_HandsOn):
    name = "command"

    def clean(self, q, response):
        return _text(response, MAX_COMMAND_CHARS, "a command")

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        right, why = judge_command(q, response)
        if right:
            return CheckResult(True, 1.0, _with_context(q, why))
        return CheckResult(False, 0.0, _with_context(
            q, why, t(q.lang, "answer_is", answer=q.answer)))


@register
class ManifestField(_HandsOn):
    name = "manifest_field"

    def clean(self, q, response):
        return _text(response, 1000, "a value")

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        meta = q.meta
        try:
            right, _ = check_field(meta["manifest"], tuple(meta["path"]), response,
                                   meta.get("k8s_version"), int(meta.get("doc", 0)))
        except (ManifestError, KeyError, IndexError, TypeError):
            right = response.strip().strip("'\"") == q.answer
        if right:
            return CheckResult(True, 1.0, _with_context(q, t(q.lang, "exact", answer=q.answer)))
        return CheckResult(False, 0.0, _with_context(
            q, t(q.lang, "you_wrote", given=response.strip(), answer=q.answer)))


@register
class Manifest(_HandsOn):
    name = "manifest"

    def clean(self, q, response):
        return _text(response, MAX_BYTES, "a manifest")

    def check(self, q, response):
        if response is None:
            return self._unanswered(q)
        verdict = compare_manifests(q.answer, response, q.meta.get("k8s_version"))
        if verdict.equivalent:
            return CheckResult(True, 1.0, _with_context(q, t(q.lang, "right")))
        said = "\n".join(f"• {m}" for m in verdict.messages(q.lang))
        return CheckResult(False, 0.0, _with_context(
            q, t(q.lang, "wrong"), said, t(q.lang, "answer_is", answer="\n" + q.answer)))
