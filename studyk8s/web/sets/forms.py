"""The instructor's forms (quiz sets and classes), with WTForms through Flask-WTF.

Each form checks what it can say in the instructor's words, next to the field at fault, in the
UI language; a question is then checked by the same rules as a set file
(``sets.model.item_problems``), worded here for a form ("mark one choice as correct", not the
file's "correct: true"). A refused form is shown again with what was typed, and nothing is
written. The services check everything again (the command line and the files use them too).

Choice and pair rows keep their flat names (``choice_text`` × n…): ``RowsField`` reads every
value of one name, so rows added by sets.js need no renumbering.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...services.errors import ImportFailed, NotFound, ServiceError
from ...services.sets.drafts import MAX_DESCRIPTION, MAX_TITLE
from ...sets.model import (
    DRAW,
    DRAW_KINDS,
    GRADING,
    KINDS,
    MAX_CHOICE,
    MAX_DRAW,
    MAX_POINTS,
    MAX_TEXT,
    MAX_TIME_LIMIT_MIN,
    REVIEW,
    TYPED_KINDS,
    Choice,
    Draw,
    Item,
    ItemProblem,
    Pair,
    Settings,
    clean_text,
    item_problems,
)
from .wording import problem_text

MAX_CLASS_NAME = 200


class Form(FlaskForm):
    """A form of these pages. CSRF is checked for every POST by ``CSRFProtect`` (web/auth),
    so not again here."""

    class Meta:
        csrf = False

    def fail(self, part: str, message: str) -> None:
        """A refusal shown next to ``part``'s field, or at the top when there is none."""
        field = getattr(self, part, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, str(message)]
        else:
            self.form_errors.append(str(message))


class Number(FloatField):
    """A number, refused in the instructor's words (WTForms says "Not a valid float value")."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Write a number, like 1 or 2.5.")) from None


class Whole(IntegerField):
    """A whole number, refused in the instructor's words."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Write a whole number, like 3.")) from None


class RowsField(Field):
    """Every value sent under one name, in order (the rows of a choice or pair table)."""

    def process_formdata(self, valuelist):
        self.data = [str(v) for v in valuelist]


def _strip(text: str | None) -> str | None:
    return text.strip() if isinstance(text, str) else text


def _range(lo: float, hi: float) -> NumberRange:
    return NumberRange(lo, hi, message=_l("Give a number from %(min)s to %(max)s."))


def _length(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters."))


# --- a set's settings --------------------------------------------------------------------------


class SettingsForm(Form):
    title = StringField(filters=[_strip], validators=[
        DataRequired(message=_l("Give the set a title.")), _length(MAX_TITLE)])
    description = TextAreaField(validators=[_length(MAX_DESCRIPTION)])
    time_limit_min = Whole(validators=[Optional(), _range(1, MAX_TIME_LIMIT_MIN)])
    pass_mark = Number(validators=[
        InputRequired(message=_l("Give the pass mark, from 1 to 100.")), _range(1, 100)])
    attempts = Whole(validators=[InputRequired(message=_l("Give a number; 0 means no limit.")),
                                 _range(0, 100)])
    grading = SelectField(choices=list(GRADING), validate_choice=False)
    review = SelectField(choices=list(REVIEW), validate_choice=False)
    shuffle_questions = BooleanField()
    shuffle_answers = BooleanField()

    def validate_grading(self, field) -> None:
        if field.data not in GRADING:
            raise ValidationError(_l("Choose a grading method from the list."))

    def validate_review(self, field) -> None:
        if field.data not in REVIEW:
            raise ValidationError(_l("Choose from the list."))

    @classmethod
    def of(cls, title: str, description: str, settings: Settings) -> SettingsForm:
        return cls(formdata=None, data={
            "title": title, "description": description,
            "time_limit_min": settings.time_limit_min,
            "pass_mark": float(f"{settings.pass_mark * 100:g}"), "attempts": settings.attempts,
            "grading": settings.grading, "review": settings.review,
            "shuffle_questions": settings.shuffle_questions,
            "shuffle_answers": settings.shuffle_answers})

    def settings(self) -> Settings:
        return Settings(time_limit_min=self.time_limit_min.data,
                        pass_mark=round(self.pass_mark.data / 100, 4),
                        shuffle_questions=bool(self.shuffle_questions.data),
                        shuffle_answers=bool(self.shuffle_answers.data),
                        attempts=self.attempts.data, grading=self.grading.data,
                        review=self.review.data)


# --- questions -----------------------------------------------------------------------------------


class QuestionForm(Form):
    """A written question: what every kind has. ``entry()`` is the item once valid."""

    kind = HiddenField()
    title = StringField(validators=[_length(MAX_TITLE)])
    prompt = TextAreaField(filters=[_strip], validators=[
        DataRequired(message=_l("Write the question.")), _length(MAX_TEXT)])
    feedback = TextAreaField(validators=[_length(MAX_TEXT)])
    topic = StringField(validators=[_length(800)])
    points = Number(default=1.0, validators=[Optional(), _range(0.01, MAX_POINTS)])

    rows_part = ""  # the field whose errors stand for the whole table of choices or pairs

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.row_errors: dict[int, list[str]] = {}
        self.kept: list[int] = []  # the form row of each of the item's rows (blank rows drop)

    def common(self) -> dict[str, Any]:
        return {"kind": self.kind.data, "prompt": clean_text(self.prompt.data),
                "title": clean_text(self.title.data), "feedback": clean_text(self.feedback.data),
                "topic": clean_text(self.topic.data),
                "points": 1.0 if self.points.data is None else self.points.data}

    def entry(self) -> Item:
        return Item(**self.common())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.row_errors:
            for problem in item_problems(self.entry()):
                self.refuse(problem)
        return not (self.errors or self.row_errors or self.form_errors)

    def row_error(self, row: int, message: str) -> None:
        self.row_errors.setdefault(row, []).append(str(message))

    def refuse(self, p: ItemProblem) -> None:
        """A problem of the item, worded for this form and put where it belongs."""
        message = problem_text(p, self.kind.data)
        if p.row is not None and p.row < len(self.kept):
            self.row_error(self.kept[p.row], message)
        else:
            self.fail(self.rows_part if p.part in ("choices", "pairs") else p.part, message)


class ChoicesForm(QuestionForm):
    """Single and multiple choice, and typed answers (the accepted answers: words, commands
    or a manifest)."""

    choice_text = RowsField()
    choice_grade = RowsField()
    choice_feedback = RowsField()
    rows_part = "choice_text"

    def rows(self) -> list[dict[str, Any]]:
        texts, grades, fbs = (f.data or [] for f in (self.choice_text, self.choice_grade,
                                                     self.choice_feedback))
        n = max(len(texts), len(grades), len(fbs))
        at = lambda xs, i: xs[i] if i < len(xs) else ""  # noqa: E731
        return [{"text": at(texts, i), "grade": at(grades, i), "feedback": at(fbs, i),
                 "errors": self.row_errors.get(i, [])} for i in range(n)]

    def entry(self) -> Item:
        choices, self.kept = [], []
        for i, row in enumerate(self.rows()):
            text, fb = clean_text(row["text"]), clean_text(row["feedback"])
            if not text:
                continue
            self.kept.append(i)
            choices.append(Choice(text, float(row["grade"] or 0), fb))  # checked: a number
        return Item(choices=tuple(choices), **self.common())

    def validate_choice_text(self, _field) -> None:
        for i, row in enumerate(self.rows()):
            if not clean_text(row["text"]) and clean_text(row["feedback"]):
                self.row_error(i, _l("This row has feedback but no text."))
            elif len(clean_text(row["text"])) > (longest := MAX_TEXT if self.kind.data == "manifest"
                                                else MAX_CHOICE):
                self.row_error(i, _l("At most %(max)d characters.", max=longest))
            try:
                float(row["grade"] or 0)
            except ValueError:
                self.row_error(i, _l("Choose a grade."))


class TrueFalseForm(QuestionForm):
    answer = RadioField(choices=["true", "false"], validate_choice=False, validators=[
        AnyOf(["true", "false"], message=_l("Choose whether the statement is true or false."))])
    feedback_true = StringField(validators=[_length(MAX_TEXT)])
    feedback_false = StringField(validators=[_length(MAX_TEXT)])

    def entry(self) -> Item:
        return Item(answer=self.answer.data == "true" if self.answer.data else None,
                    feedback_true=clean_text(self.feedback_true.data),
                    feedback_false=clean_text(self.feedback_false.data), **self.common())


class MatchingForm(QuestionForm):
    left = RowsField()
    right = RowsField()
    rows_part = "left"

    def rows(self) -> list[dict[str, Any]]:
        lefts, rights = self.left.data or [], self.right.data or []
        return [{"left": lefts[i] if i < len(lefts) else "",
                 "right": rights[i] if i < len(rights) else "",
                 "errors": self.row_errors.get(i, [])}
                for i in range(max(len(lefts), len(rights)))]

    def entry(self) -> Item:
        pairs, self.kept = [], []
        for i, row in enumerate(self.rows()):
            left, right = clean_text(row["left"]), clean_text(row["right"])
            if right:
                self.kept.append(i)
                pairs.append(Pair(left, right))
        return Item(pairs=tuple(pairs), **self.common())

    def validate_left(self, _field) -> None:
        for i, row in enumerate(self.rows()):
            if clean_text(row["left"]) and not clean_text(row["right"]):
                self.row_error(i, _l("Give “%(left)s” its answer on the right.",
                                     left=clean_text(row["left"])))


class DrawForm(Form):
    """Questions drawn from the notes when an attempt starts. The view offers the decks and
    sections as ``source`` choices (value ``note_id|section``)."""

    kind = HiddenField()
    source = SelectField(validate_choice=False, validators=[
        InputRequired(message=_l("Choose a deck (and optionally a section) to draw from."))])
    question_kind = SelectField(choices=["", *DRAW_KINDS], validate_choice=False)
    count = Whole(default=1, validators=[
        InputRequired(message=_l("Give how many questions to draw.")), _range(1, MAX_DRAW)])
    points = Number(default=1.0, validators=[Optional(), _range(0.01, MAX_POINTS)])

    def validate_source(self, field) -> None:
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choose a deck (and optionally a section) to draw from."))

    def validate_question_kind(self, field) -> None:
        if field.data and field.data not in DRAW_KINDS:
            raise ValidationError(_l("Choose a kind of question from the list."))

    def entry(self, deck_of: Callable[[int], str]) -> Draw:
        """The draw; ``deck_of`` gives a note's path from its id."""
        note_id, _sep, section = (self.source.data or "").partition("|")
        return Draw(deck=deck_of(int(note_id)), section=section, kind=self.question_kind.data,
                    count=self.count.data,
                    points=1.0 if self.points.data is None else self.points.data)


FORMS: dict[str, type[Form]] = {"single": ChoicesForm, "multiple": ChoicesForm,
                                "typed": ChoicesForm, "command": ChoicesForm,
                                "manifest": ChoicesForm, "true_false": TrueFalseForm,
                                "matching": MatchingForm, DRAW: DrawForm}


def question_form(kind: str, entry: Item | Draw | None = None) -> Form:
    """The form for a ``kind`` of question, as posted, or filled from ``entry`` (or blank)
    when ``entry`` is given or nothing was posted."""
    cls = FORMS[kind]
    if entry is not None or request.method != "POST":
        data = entry_data(kind, entry) if entry is not None else {"kind": kind}
        return cls(formdata=None, data=data)
    return cls()


def entry_data(kind: str, e: Item | Draw) -> dict[str, Any]:
    if isinstance(e, Draw):
        return {"kind": DRAW, "question_kind": e.kind, "count": e.count, "points": e.points}
    data: dict[str, Any] = {"kind": kind, "title": e.title, "prompt": e.prompt,
                            "feedback": e.feedback, "topic": e.topic, "points": e.points}
    if kind in ("single", "multiple", *TYPED_KINDS):
        data.update(choice_text=[c.text for c in e.choices],
                    choice_grade=[f"{c.weight:g}" for c in e.choices],
                    choice_feedback=[c.feedback for c in e.choices])
    elif kind == "true_false":
        data.update(answer=None if e.answer is None else ("true" if e.answer else "false"),
                    feedback_true=e.feedback_true, feedback_false=e.feedback_false)
    elif kind == "matching":
        data.update(left=[p.left for p in e.pairs], right=[p.right for p in e.pairs])
    return data


def saved(form: Form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, ``action()``) when ``form`` is valid and the service accepts it; else (False,
    None) with the refusal on the form, next to the field it names. "Not found" and a bad
    file are not the form's to show: the app's handler answers them (404, the file's
    lines)."""
    from ..auth import show_error

    if not form.validate():
        return False, None
    try:
        return True, action()
    except (NotFound, ImportFailed):
        raise
    except ServiceError as exc:
        show_error(form, exc)
        return False, None


# --- classes and the smaller forms ------------------------------------------------------------


class TitleForm(Form):
    title = StringField(filters=[_strip], validators=[
        DataRequired(message=_l("Give the set a title.")), _length(MAX_TITLE)])


class ClassNameForm(Form):
    name = StringField(filters=[_strip], validators=[DataRequired(
        message=_l("Give the class a name.")),
                                   _length(MAX_CLASS_NAME)])


class JoinForm(Form):
    code = StringField(filters=[_strip], validators=[
        DataRequired(message=_l("Type the code your instructor gave you.")), _length(40)])


class UploadForm(Form):
    """A file to import (read later, size-limited, by ``common.upload_file``)."""

    file = FileField(validators=[FileRequired(message=_l("Choose a file to upload."))])


class ImportForm(UploadForm):
    mode = RadioField(choices=["append", "replace"], default="append", validate_choice=False)


class DeckImportForm(UploadForm):
    deck = StringField(validators=[_length(200)])


class FactsForm(Form):
    deck = HiddenField()  # the deck shown, to show it again when refused
    fact = RowsField()
    kind = SelectField(choices=list(KINDS), default="single", validate_choice=False)

    def validate_fact(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Pick at least one fact."))

    def validate_kind(self, field) -> None:
        if field.data not in KINDS:
            raise ValidationError(_l("Choose a kind of question from the list."))


class MoveForm(Form):
    direction = RadioField(choices=["up", "down"], validate_choice=False,
                           validators=[AnyOf(["up", "down"])])


class OrderForm(Form):
    """The whole order of a set's questions: their ids, top first."""

    question = RowsField()


class JoiningForm(Form):
    on = RadioField(choices=["1", "0"], validate_choice=False, validators=[AnyOf(["1", "0"])])


class TimesForm(Form):
    """When an assignment opens and closes (datetime-local, in the instructor's zone);
    ``parse`` turns a field's text into an aware datetime (None when empty)."""

    opens_at = StringField()
    closes_at = StringField()

    def __init__(self, *args: Any, parse=None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._parse = parse
        self.opens = self.closes = None

    def validate_opens_at(self, field) -> None:
        self.opens = self._when(field)

    def validate_closes_at(self, field) -> None:
        self.closes = self._when(field)

    def _when(self, field):
        try:
            return self._parse(field.data)
        except ValueError:
            raise ValidationError(_l("Write a date and time like 2026-03-01T09:00.")) from None


class AssignForm(TimesForm):
    set_id = SelectField(validate_choice=False, validators=[
        InputRequired(message=_l("Choose a set to assign."))])

    def validate_set_id(self, field) -> None:
        if field.data not in {str(value) for value, _label in field.choices or []}:
            raise ValidationError(_l("Choose a set to assign."))
