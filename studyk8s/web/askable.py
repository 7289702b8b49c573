"""Why facts make no question, in the UI language: the quality gate's reasons
(``quiz.gate.REASONS``, English, for logs and the CLI) as the quiz and stats pages say them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import ngettext

from ..i18n import fmt_num
from ..quiz import gate

_PHRASES: dict[str, Callable[[int], str]] = {
    gate.PLAN: lambda n: ngettext(
        "%(num)d learning-plan item", "%(num)d learning-plan items", n),
    gate.DIAGRAM_ONLY: lambda n: ngettext(
        "%(num)d diagram (studied on cards only)", "%(num)d diagrams (studied on cards only)",
        n),
    gate.NO_DEFINITION: lambda n: ngettext(
        "%(num)d label with nothing said about it", "%(num)d labels with nothing said about them",
        n),
    gate.NO_CLOZE: lambda n: ngettext(
        "%(num)d sentence with no term to blank out",
        "%(num)d sentences with no term to blank out", n),
    gate.TOO_SHORT: lambda n: ngettext(
        "%(num)d too short to recognise once its name is hidden",
        "%(num)d too short to recognise once their names are hidden", n),
    gate.NOT_A_NAME: lambda n: ngettext(
        "%(num)d remark or bare value, not a name", "%(num)d remarks or bare values, not names",
        n),
    gate.CODE: lambda n: ngettext(
        "%(num)d command or manifest line", "%(num)d command or manifest lines",
        n),
    gate.VALUE: lambda n: ngettext(
        "%(num)d setting's value, not a description", "%(num)d settings' values, not descriptions",
        n),
    gate.RESTATES: lambda n: ngettext(
        "%(num)d point that only restates its label",
        "%(num)d points that only restate their labels", n),
    gate.SUBJECT: lambda n: ngettext(
        "%(num)d sentence whose blank would be K8s itself",
        "%(num)d sentences whose blank would be K8s itself", n),
    gate.BLANK: lambda n: ngettext(
        "%(num)d with a blank in it", "%(num)d with blanks in them", n),
}


def reason_phrases(reasons: Mapping[str, int]) -> list[str]:
    """``{"plan": 3, "diagram": 1}`` → ["3 learning-plan items", "1 diagram (…)"], in order."""
    return [_PHRASES[k](n) if k in _PHRASES else f"{fmt_num(n)} {gate.REASONS.get(k, k)}"
            for k, n in reasons.items() if n]
