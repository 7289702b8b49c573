"""Authoring, for instructors: sets (list, create, upload), one set (settings, publish,
preview, export, import into it), its questions (forms, order), and questions from facts."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ... import clock
from ...db import get_session
from ...i18n import translate
from ...persistence.models import Assignment, Note, StudyClass
from ...services import classes, interop, sets
from ...services import quiz as quiz_service
from ...services.errors import NotFound, ServiceError
from ...sets.model import (
    DRAW,
    DRAW_KINDS,
    GRADING,
    KINDS,
    MAX_DRAW,
    REVIEW,
    TYPED_KINDS,
    Choice,
    Draw,
    Item,
    Pair,
    Settings,
    clean_text,
)
from ..responses import download
from .common import (
    BLANK_ROWS,
    GRADE_OPTIONS,
    KIND_LABELS,
    bp,
    instructors,
    render,
    upload_file,
)

# --- sets: list, create, upload ----------------------------------------------------------------


@bp.get("/sets")
@instructors
def index():
    session = get_session()
    return render("sets/index.html", sets=sets.list_sets(session, current_user),
                  classes=classes.list_classes(session, current_user))


@bp.post("/sets")
@instructors
def create():
    qset = sets.create_set(get_session(), current_user, request.form.get("title", ""),
                           now=clock.now())
    flash(_("Set created as a draft: add questions, then publish it."), "success")
    return redirect(url_for("sets.edit", set_id=qset.id), 303)


@bp.post("/sets/upload")
@instructors
def upload():
    """A GIFT or YAML file becomes a new set."""
    data, name = upload_file()
    session = get_session()
    if name.lower().endswith((".yaml", ".yml")):
        qset = interop.import_yaml(session, current_user, data, name, now=clock.now())
        flash(_("Imported the set “%(title)s”.", title=qset.title), "success")
    else:
        qset, n = interop.import_gift(session, current_user, data, name, now=clock.now())
        flash(ngettext("Imported %(num)d question into a new draft set.",
                       "Imported %(num)d questions into a new draft set.", n), "success")
    return redirect(url_for("sets.edit", set_id=qset.id), 303)


# --- one set -------------------------------------------------------------------------------------


def _edit_page(set_id: int, status: int = 200, **kw: Any):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    rows = sets.draft_rows(session, qset)
    entries = [(r, sets.entry_of(r)) for r in rows]
    assigned = session.execute(
        select(Assignment.id, StudyClass.name, StudyClass.id)
        .join(StudyClass, StudyClass.id == Assignment.class_id)
        .where(Assignment.set_id == qset.id)).all()
    settings = Settings.from_dict(qset.settings)
    return render("sets/edit.html", status, qset=qset, entries=entries, settings=settings,
                  state=sets.status(qset, rows), grading=GRADING, review=REVIEW,
                  assigned=assigned, kinds=KINDS, **kw)


@bp.get("/sets/<int:set_id>")
@instructors
def edit(set_id: int):
    return _edit_page(set_id)


@bp.post("/sets/<int:set_id>/settings")
@instructors
def save_settings(set_id: int):
    form = request.form
    try:
        settings = sets.parse_settings({
            "time_limit_min": form.get("time_limit_min"), "pass_mark": form.get("pass_mark"),
            "shuffle_questions": "shuffle_questions" in form,
            "shuffle_answers": "shuffle_answers" in form, "attempts": form.get("attempts"),
            "grading": form.get("grading"), "review": form.get("review")})
        sets.update_settings(get_session(), current_user, set_id, title=form.get("title", ""),
                             description=form.get("description", ""), settings=settings,
                             now=clock.now())
    except NotFound:
        raise
    except ServiceError as exc:
        return _edit_page(set_id, 400, error=translate(str(exc)))
    flash(_("Settings saved (in the draft)."), "success")
    return redirect(url_for("sets.edit", set_id=set_id), 303)


@bp.post("/sets/<int:set_id>/publish")
@instructors
def publish(set_id: int):
    qset = sets.publish(get_session(), current_user, set_id, now=clock.now())
    flash(_("Published version %(version)s. Attempts already made keep their questions.",
            version=qset.version), "success")
    return redirect(url_for("sets.edit", set_id=set_id), 303)


@bp.post("/sets/<int:set_id>/discard")
@instructors
def discard(set_id: int):
    sets.discard_changes(get_session(), current_user, set_id, now=clock.now())
    flash(_("Unpublished changes discarded."), "success")
    return redirect(url_for("sets.edit", set_id=set_id), 303)


@bp.post("/sets/<int:set_id>/delete")
@instructors
def delete(set_id: int):
    sets.delete_set(get_session(), current_user, set_id, now=clock.now())
    flash(_("Set deleted. Results of attempts already made are kept."), "success")
    return redirect(url_for("sets.index"), 303)


@bp.get("/sets/<int:set_id>/preview")
@instructors
def preview(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    return render("sets/preview.html", qset=qset,
                  questions=sets.preview_questions(session, current_user, set_id))


@bp.post("/sets/<int:set_id>/try")
@instructors
def try_it(set_id: int):
    attempt = sets.try_set(get_session(), current_user, set_id, now=clock.now())
    return redirect(url_for("quiz.take", attempt_id=attempt.id), 303)


@bp.get("/sets/<int:set_id>/export.gift")
@instructors
def export_gift(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    text = interop.export_gift(session, qset, now=clock.now())
    return download(text, f"{qset.name}.gift.txt", "text/plain; charset=utf-8")


@bp.get("/sets/<int:set_id>/export.yaml")
@instructors
def export_yaml(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    return download(interop.export_yaml(session, qset), f"{qset.name}.yaml",
                     "application/yaml; charset=utf-8")


@bp.post("/sets/<int:set_id>/import")
@instructors
def import_into(set_id: int):
    sets.get_set(get_session(), current_user, set_id)
    data, name = upload_file()
    _set, n = interop.import_gift(get_session(), current_user, data, name, now=clock.now(),
                               set_id=set_id, replace=request.form.get("mode") == "replace")
    flash(ngettext("Imported %(num)d question from %(name)s.",
                   "Imported %(num)d questions from %(name)s.", n, name=name), "success")
    return redirect(url_for("sets.edit", set_id=set_id), 303)


# --- questions ---------------------------------------------------------------------------------


def _rows(form, *names: str) -> list[tuple[str, ...]]:
    lists = [form.getlist(n) for n in names]
    n = max((len(x) for x in lists), default=0)
    return [tuple((x[i] if i < len(x) else "") for x in lists) for i in range(n)]


def _float(value: str, label: str, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        return float(value)
    except ValueError:
        raise ServiceError("form.invalid", _("%(label)s must be a number", label=label)) from None


def item_from_form(kind: str, form) -> Item | Draw:
    if kind == DRAW:
        source = form.get("source", "")
        note_id, _sep, topic = source.partition("|")
        note = get_session().get(Note, int(note_id)) if note_id.isdigit() else None
        if note is None:
            raise ServiceError("form.invalid",
                               _("Choose a deck (and optionally a section) to draw from"))
        qkind = form.get("question_kind", "")
        if qkind and qkind not in DRAW_KINDS:
            raise ServiceError("form.invalid", _("Unknown question kind"))
        try:
            count = int(form.get("count") or 1)
        except ValueError:
            raise ServiceError("form.invalid",
                               _("The number of questions must be a whole number")) from None
        return Draw(deck=note.path, section=topic, kind=qkind, count=count,
                    points=_float(form.get("points"), _("Points"), 1.0))
    if kind not in KINDS:
        raise ServiceError("form.invalid", _("Unknown question kind"))
    common = {"prompt": clean_text(form.get("prompt")), "title": clean_text(form.get("title")),
              "feedback": clean_text(form.get("feedback")),
              "topic": clean_text(form.get("topic")),
              "points": _float(form.get("points"), _("Points"), 1.0)}
    if kind in ("single", "multiple", *TYPED_KINDS):
        choices = []
        for text, grade, fb in _rows(form, "choice_text", "choice_grade", "choice_feedback"):
            if not clean_text(text):
                if clean_text(fb):
                    raise ServiceError("form.invalid", _("A choice has feedback but no text"))
                continue
            choices.append(Choice(clean_text(text), _float(grade, _("A grade"), 0.0),
                                  clean_text(fb)))
        return Item(kind=kind, choices=tuple(choices), **common)
    if kind == "true_false":
        if form.get("answer") not in ("true", "false"):
            raise ServiceError("form.invalid",
                               _("Choose whether the statement is true or false"))
        return Item(kind=kind, answer=form.get("answer") == "true",
                    feedback_true=clean_text(form.get("feedback_true")),
                    feedback_false=clean_text(form.get("feedback_false")), **common)
    pairs = []
    for left, right in _rows(form, "left", "right"):
        left, right = clean_text(left), clean_text(right)
        if left and not right:
            raise ServiceError("form.invalid",
                               _("“%(left)s” has no answer on the right", left=left))
        if right:
            pairs.append(Pair(left, right))
    return Item(kind=kind, pairs=tuple(pairs), **common)


def _draw_sources() -> list[dict[str, Any]]:
    out = []
    for deck in quiz_service.scope_options(get_session()):
        out.append({"value": f"{deck['id']}|",
                    "label": _("%(deck)s (whole deck)", deck=deck["title"]),
                    "path": deck["path"], "topic": ""})
        for t in deck["topics"]:
            out.append({"value": f"{deck['id']}|{t['name']}",
                        "label": f"{deck['title']} › {t['name']} ({t['facts']})",
                        "path": deck["path"], "topic": t["name"]})
    return out


def _question_page(qset, kind: str, entry: Item | Draw | None, row=None, status: int = 200,
                   error: str | None = None):
    sources = _draw_sources() if kind == DRAW else []
    selected = ""
    if isinstance(entry, Draw):
        note = sets.resolve_deck(get_session(), entry.deck)
        if note is not None:
            selected = f"{note.id}|{entry.section or entry.group}"
    blank = Item(kind=kind, prompt="") if kind != DRAW else None
    return render("sets/question.html", status, qset=qset, kind=kind, entry=entry or blank,
                  row=row, error=error, grades=GRADE_OPTIONS, blank_rows=BLANK_ROWS,
                  sources=sources, selected=selected, max_draw=MAX_DRAW,
                  kinds=DRAW_KINDS if kind == DRAW else KINDS)


@bp.get("/sets/<int:set_id>/questions/new")
@instructors
def new_question(set_id: int):
    qset = sets.get_set(get_session(), current_user, set_id)
    kind = request.args.get("kind", "single")
    if kind not in (*KINDS, DRAW):
        abort(404)
    return _question_page(qset, kind, None)


@bp.post("/sets/<int:set_id>/questions")
@instructors
def add_question(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    kind = request.form.get("kind", "")
    try:
        entry = item_from_form(kind, request.form)
        sets.add_entry(session, current_user, set_id, entry, now=clock.now())
    except NotFound:
        raise
    except ServiceError as exc:
        entry = _safe_entry(kind)
        return _question_page(qset, kind if kind in (*KINDS, DRAW) else "single", entry,
                              status=400, error=translate(str(exc)))
    flash(_("Question added to the draft."), "success")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


def _safe_entry(kind: str):
    """What was typed, to show again with the error (even if it does not validate)."""
    try:
        return item_from_form(kind, request.form)
    except ServiceError:
        return None


@bp.get("/sets/<int:set_id>/questions/<int:question_id>")
@instructors
def edit_question(set_id: int, question_id: int):
    qset, row = sets.get_entry(get_session(), current_user, set_id, question_id)
    entry = sets.entry_of(row)
    return _question_page(qset, DRAW if isinstance(entry, Draw) else entry.kind, entry, row)


@bp.post("/sets/<int:set_id>/questions/<int:question_id>")
@instructors
def save_question(set_id: int, question_id: int):
    session = get_session()
    qset, row = sets.get_entry(session, current_user, set_id, question_id)
    kind = row.kind
    try:
        entry = item_from_form(kind, request.form)
        sets.update_entry(session, current_user, set_id, question_id, entry, now=clock.now())
    except NotFound:
        raise
    except ServiceError as exc:
        return _question_page(qset, kind, _safe_entry(kind), row, status=400,
                              error=translate(str(exc)))
    flash(_("Question saved (in the draft)."), "success")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


@bp.post("/sets/<int:set_id>/questions/<int:question_id>/delete")
@instructors
def delete_question(set_id: int, question_id: int):
    sets.delete_entry(get_session(), current_user, set_id, question_id, now=clock.now())
    flash(_("Question removed from the draft."), "success")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


@bp.post("/sets/<int:set_id>/questions/<int:question_id>/move")
@instructors
def move_question(set_id: int, question_id: int):
    delta = -1 if request.form.get("direction") == "up" else 1
    sets.move_entry(get_session(), current_user, set_id, question_id, delta, now=clock.now())
    return redirect(url_for("sets.edit", set_id=set_id) + f"#q{question_id}", 303)


@bp.post("/sets/<int:set_id>/order")
@instructors
def reorder(set_id: int):
    """The whole order at once (sets.js drag and drop, or a form listing ids)."""
    ids = request.form.getlist("question") or (request.get_json(silent=True) or {}).get("order")
    sets.reorder(get_session(), current_user, set_id, ids or [], now=clock.now())
    if request.is_json:
        return {"ok": True}
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


@bp.get("/sets/<int:set_id>/facts")
@instructors
def facts(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    note_id = request.args.get("deck", type=int)
    choices = sets.fact_choices(session, note_id)
    if note_id is None and choices["decks"]:
        note_id = choices["decks"][0].id
        choices = sets.fact_choices(session, note_id)
    return render("sets/facts.html", qset=qset, decks=choices["decks"], facts=choices["facts"],
                  deck_id=note_id, kinds=KINDS)


@bp.post("/sets/<int:set_id>/facts")
@instructors
def add_facts(set_id: int):
    added, failed = sets.add_from_facts(get_session(), current_user, set_id,
                                        request.form.getlist("fact"),
                                        request.form.get("kind", "single"), now=clock.now())
    if added:
        flash(ngettext("Added %(num)d question written from the notes: edit it as you like.",
                       "Added %(num)d questions written from the notes: edit them as you like.",
                       added), "success")
    if failed:
        flash(_("No question of the kind “%(kind)s” can be made from: %(facts)s",
                kind=KIND_LABELS.get(request.form.get("kind", ""), ""),
                facts=", ".join(failed)), "error")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)
