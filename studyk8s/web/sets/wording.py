"""What is wrong with a question, in the instructor's words and language: ``sets.model``
says it in the set file's (``correct: true``), a form says "mark one choice as correct"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ...sets.model import MAX_POINTS, MAX_TEXT, TYPED_KINDS, ItemProblem


def problem_text(p: ItemProblem, kind: str) -> str:
    """``p`` said for a form of ``kind`` (typed answers are "accepted answers")."""
    typed = kind in TYPED_KINDS
    n = p.params.get("n", 0)
    total, most = (f"{p.params.get(k, d):g}" for k, d in (("sum", 0),
                                                                  ("max", MAX_POINTS)))
    words = {
        ("choices", "too_few"): (ngettext("Give at least %(num)d accepted answer.",
                                          "Give at least %(num)d accepted answers.", n)
                                 if typed else
                                 ngettext("Give at least %(num)d choice.",
                                          "Give at least %(num)d choices.", n)),
        ("choices", "too_many"): ngettext("At most %(num)d row.", "At most %(num)d rows.", n),
        ("choices", "entry_empty"): _("Write this row's text, or clear the row."),
        ("choices", "duplicate"): _("“%(text)s” is listed twice.", text=p.params.get("text")),
        ("choices", "grade_range"): _("Choose a grade from the list."),
        ("choices", "no_full_answer"): (
            _("Give one accepted answer 100 %: that is the right answer.") if typed else
            _("Mark one choice as correct: give it a grade of 100 %.")),
        ("choices", "no_correct"): _("Mark at least one choice as correct: give the right "
                                     "choices grades above 0 %."),
        ("choices", "sum"): _("The grades of the right choices add up to %(sum)s%%, not "
                              "100%%: split 100 %% between them (e.g. 50 %% + 50 %%).",
                              sum=total),
        ("pairs", "too_few"): ngettext("Give at least %(num)d pair.",
                                       "Give at least %(num)d pairs.", n),
        ("pairs", "too_many"): ngettext("At most %(num)d row.", "At most %(num)d rows.", n),
        ("pairs", "right_empty"): _("Give this row an answer on the right."),
        ("pairs", "duplicate"): _("“%(text)s” is listed twice.", text=p.params.get("text")),
        ("choices", "unreadable"): _("The checker cannot read this answer: %(why)s",
                                     why=p.params.get("why", "")),
        ("answer", "missing"): _("Choose whether the statement is true or false."),
        ("prompt", "empty"): _("Write the question."),
        ("points", "range"): _("Give more than 0 and at most %(max)s points.", max=most),
    }
    if p.code in ("too_long", "entry_too_long"):
        return _("At most %(max)d characters.", max=p.params.get("max", MAX_TEXT))
    return words.get((p.part, p.code)) or _("This question cannot be saved: %(reason)s",
                                            reason=p.text)
