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
from ...persistence.models import Assignment, Note, StudyClass
from ...services import classes, interop, sets
from ...services import quiz as quiz_service
from ...sets.model import DRAW, DRAW_KINDS, GRADING, KINDS, MAX_DRAW, REVIEW, Draw, Settings
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
from .forms import (
    FORMS,
    FactsForm,
    ImportForm,
    MoveForm,
    OrderForm,
    SettingsForm,
    TitleForm,
    UploadForm,
    question_form,
    saved,
)

# --- sets: list, create, upload ----------------------------------------------------------------


def _index_page(status: int = 200, **forms: Any):
    session = get_session()
    forms.setdefault("create_form", TitleForm(formdata=None))
    forms.setdefault("upload_form", UploadForm(formdata=None))
    return render("sets/index.html", status, sets=sets.list_sets(session, current_user),
                  classes=classes.list_classes(session, current_user), **forms)


@bp.get("/sets")
@instructors
def index():
    return _index_page()


@bp.post("/sets")
@instructors
def create():
    form = TitleForm()
    ok, qset = saved(form, lambda: sets.create_set(get_session(), current_user, form.title.data,
                                                   now=clock.now()))
    if not ok:
        return _index_page(400, create_form=form)
    flash(_("Set created as a draft: add questions, then publish it."), "success")
    return redirect(url_for("sets.edit", set_id=qset.id), 303)


@bp.post("/sets/upload")
@instructors
def upload():
    """A GIFT or YAML file becomes a new set."""
    form = UploadForm()
    if not form.validate():
        return _index_page(400, upload_form=form)
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


def _edit_page(set_id: int, status: int = 200, **forms: Any):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    rows = sets.draft_rows(session, qset)
    entries = [(r, sets.entry_of(r)) for r in rows]
    assigned = session.execute(
        select(Assignment.id, StudyClass.name, StudyClass.id)
        .join(StudyClass, StudyClass.id == Assignment.class_id)
        .where(Assignment.set_id == qset.id)).all()
    forms.setdefault("form", SettingsForm.of(qset.title, qset.description,
                                             Settings.from_dict(qset.settings)))
    forms.setdefault("import_form", ImportForm(formdata=None))
    return render("sets/edit.html", status, qset=qset, entries=entries,
                  state=sets.status(qset, rows), grading=GRADING, review=REVIEW,
                  assigned=assigned, kinds=KINDS, **forms)


@bp.get("/sets/<int:set_id>")
@instructors
def edit(set_id: int):
    return _edit_page(set_id)


@bp.post("/sets/<int:set_id>/settings")
@instructors
def save_settings(set_id: int):
    sets.get_set(get_session(), current_user, set_id)
    form = SettingsForm()
    ok, _set = saved(form, lambda: sets.update_settings(
        get_session(), current_user, set_id, title=form.title.data,
        description=form.description.data or "", settings=form.settings(), now=clock.now()))
    if not ok:
        return _edit_page(set_id, 400, form=form)
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
    form = ImportForm()
    if not form.validate():
        return _edit_page(set_id, 400, import_form=form)
    data, name = upload_file()
    _set, n = interop.import_gift(get_session(), current_user, data, name, now=clock.now(),
                                  set_id=set_id, replace=form.mode.data == "replace")
    flash(ngettext("Imported %(num)d question from %(name)s.",
                   "Imported %(num)d questions from %(name)s.", n, name=name), "success")
    return redirect(url_for("sets.edit", set_id=set_id), 303)


# --- questions ---------------------------------------------------------------------------------


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


def _question_page(qset, kind: str, form, row=None, status: int = 200):
    if kind == DRAW:
        form.source.choices = [(s["value"], s["label"]) for s in _draw_sources()]
    return render("sets/question.html", status, qset=qset, kind=kind, form=form, row=row,
                  grades=GRADE_OPTIONS, blank_rows=BLANK_ROWS, max_draw=MAX_DRAW,
                  kinds=DRAW_KINDS if kind == DRAW else KINDS)


def _draw_form(entry: Draw | None = None):
    """The draw form, its deck and section chosen as ``entry`` (a saved draw) says."""
    form = question_form(DRAW, entry)
    form.source.choices = [(s["value"], s["label"]) for s in _draw_sources()]
    if entry is not None:
        note = sets.resolve_deck(get_session(), entry.deck)
        form.source.data = f"{note.id}|{entry.section or entry.group}" if note else ""
    return form


def _posted(kind: str):
    """The posted question form, checked, and its entry (None when it was refused)."""
    form = FORMS[kind]()
    form.kind.data = kind  # the server's word for it, not the page's
    if kind == DRAW:
        form.source.choices = [(s["value"], s["label"]) for s in _draw_sources()]
    if not form.validate():
        return form, None
    if kind == DRAW:
        return form, form.entry(lambda note_id: get_session().get(Note, note_id).path)
    return form, form.entry()


def _save(qset, kind: str, save, row=None):
    """Check the posted question, save it with ``save(entry)``; the form again (400) with
    what was typed and the refusal next to its field when either refuses."""
    form, entry = _posted(kind)
    if entry is not None:
        ok, _saved = saved(form, lambda: save(entry))
        if ok:
            return None
    return _question_page(qset, kind, form, row, status=400)


@bp.get("/sets/<int:set_id>/questions/new")
@instructors
def new_question(set_id: int):
    qset = sets.get_set(get_session(), current_user, set_id)
    kind = request.args.get("kind", "single")
    if kind not in (*KINDS, DRAW):
        abort(404)
    return _question_page(qset, kind, _draw_form() if kind == DRAW else question_form(kind))


@bp.post("/sets/<int:set_id>/questions")
@instructors
def add_question(set_id: int):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    kind = request.form.get("kind", "")
    if kind not in FORMS:
        abort(400)
    refused = _save(qset, kind, lambda entry: sets.add_entry(session, current_user, set_id,
                                                            entry, now=clock.now()))
    if refused:
        return refused
    flash(_("Question added to the draft."), "success")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


@bp.get("/sets/<int:set_id>/questions/<int:question_id>")
@instructors
def edit_question(set_id: int, question_id: int):
    qset, row = sets.get_entry(get_session(), current_user, set_id, question_id)
    entry = sets.entry_of(row)
    if isinstance(entry, Draw):
        return _question_page(qset, DRAW, _draw_form(entry), row)
    return _question_page(qset, entry.kind, question_form(entry.kind, entry), row)


@bp.post("/sets/<int:set_id>/questions/<int:question_id>")
@instructors
def save_question(set_id: int, question_id: int):
    session = get_session()
    qset, row = sets.get_entry(session, current_user, set_id, question_id)
    refused = _save(qset, row.kind, lambda entry: sets.update_entry(
        session, current_user, set_id, question_id, entry, now=clock.now()), row)
    if refused:
        return refused
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
    sets.get_entry(get_session(), current_user, set_id, question_id)
    form = MoveForm()
    if not form.validate():
        abort(400)
    delta = -1 if form.direction.data == "up" else 1
    sets.move_entry(get_session(), current_user, set_id, question_id, delta, now=clock.now())
    return redirect(url_for("sets.edit", set_id=set_id) + f"#q{question_id}", 303)


@bp.post("/sets/<int:set_id>/order")
@instructors
def reorder(set_id: int):
    """The whole order at once (sets.js drag and drop, or a form listing ids)."""
    if request.is_json:
        ids = (request.get_json(silent=True) or {}).get("order")
    else:
        ids = OrderForm().question.data
    sets.reorder(get_session(), current_user, set_id, ids or [], now=clock.now())
    if request.is_json:
        return {"ok": True}
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)


def _facts_page(set_id: int, note_id: int | None, form, status: int = 200):
    session = get_session()
    qset = sets.get_set(session, current_user, set_id)
    choices = sets.fact_choices(session, note_id)
    if note_id is None and choices["decks"]:
        note_id = choices["decks"][0].id
        choices = sets.fact_choices(session, note_id)
    return render("sets/facts.html", status, qset=qset, decks=choices["decks"],
                  facts=choices["facts"], deck_id=note_id, kinds=KINDS, form=form)


@bp.get("/sets/<int:set_id>/facts")
@instructors
def facts(set_id: int):
    return _facts_page(set_id, request.args.get("deck", type=int), FactsForm(formdata=None))


@bp.post("/sets/<int:set_id>/facts")
@instructors
def add_facts(set_id: int):
    sets.get_set(get_session(), current_user, set_id)
    form = FactsForm()
    ok, result = saved(form, lambda: sets.add_from_facts(
        get_session(), current_user, set_id, form.fact.data, form.kind.data, now=clock.now()))
    if not ok:
        deck = form.deck.data or ""
        return _facts_page(set_id, int(deck) if deck.isdigit() else None, form, 400)
    added, failed = result
    if added:
        flash(ngettext("Added %(num)d question written from the notes: edit it as you like.",
                       "Added %(num)d questions written from the notes: edit them as you like.",
                       added), "success")
    if failed:
        flash(_("No question of the kind “%(kind)s” can be made from: %(facts)s",
                kind=KIND_LABELS.get(form.kind.data, ""), facts=", ".join(failed)), "error")
    return redirect(url_for("sets.edit", set_id=set_id) + "#questions", 303)
