"""Class pages for instructors: classes, join code and link, members, assignments with open
and close times, and each assignment's results (per learner, per question) with CSV
exports. Every id is checked against the instructor: another's class is a 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..services import classes, sets
from ..services.stats import section_mastery
from ..sets.analysis import FLAG_BELOW, MIN_ATTEMPTS
from .responses import download, public_url
from .sets import instructors, parse_local, render
from .sets.common import local
from .sets.forms import AssignForm, ClassNameForm, JoiningForm, TimesForm, saved

bp = Blueprint("classes", __name__)


def _index_page(form=None, status: int = 200):
    return render("classes/index.html", status,
                  classes=classes.list_classes(get_session(), current_user),
                  form=form or ClassNameForm(formdata=None))


@bp.get("/classes")
@instructors
def index():
    return _index_page()


@bp.post("/classes")
@instructors
def create():
    form = ClassNameForm()
    ok, klass = saved(form, lambda: classes.create_class(get_session(), current_user,
                                                         form.name.data, now=clock.now()))
    if not ok:
        return _index_page(form, 400)
    flash(_("Class created. Learners join with the code %(code)s.", code=klass.join_code),
          "success")
    return redirect(url_for("classes.show", class_id=klass.id), 303)


def _assign_form(session, *, posted: bool) -> AssignForm:
    """The assign form (as posted, or blank), offering the instructor's published sets."""
    form = AssignForm(parse=parse_local) if posted else AssignForm(formdata=None,
                                                                     parse=parse_local)
    mine = [s for s in sets.list_sets(session, current_user) if s["status"] != "draft"]
    form.set_id.choices = [(str(s["id"]), f"{s['title']} (v{s['version']})") for s in mine]
    return form


def _class_page(class_id: int, status: int = 200, **forms):
    session = get_session()
    klass = classes.get_class(session, current_user, class_id)
    members = classes.members(session, klass)
    mastery = section_mastery(session, [m["id"] for m in members], clock.now())
    forms.setdefault("assign_form", _assign_form(session, posted=False))
    forms.setdefault("rename_form", ClassNameForm(formdata=None, data={"name": klass.name}))
    return render("classes/show.html", status, klass=klass, members=members, mastery=mastery,
                  assignments=classes.class_assignments(session, klass, clock.now()),
                  join_url=public_url("sets.join_page", code=klass.join_code),
                  **forms)


@bp.get("/classes/<int:class_id>")
@instructors
def show(class_id: int):
    return _class_page(class_id)


@bp.post("/classes/<int:class_id>/rename")
@instructors
def rename(class_id: int):
    classes.get_class(get_session(), current_user, class_id)
    form = ClassNameForm()
    ok, _klass = saved(form, lambda: classes.rename_class(get_session(), current_user,
                                                          class_id, form.name.data))
    if not ok:
        return _class_page(class_id, 400, rename_form=form)
    return redirect(url_for("classes.show", class_id=class_id), 303)


@bp.post("/classes/<int:class_id>/code")
@instructors
def new_code(class_id: int):
    klass = classes.new_code(get_session(), current_user, class_id)
    flash(_("New join code: %(code)s. The old code and link no longer work.",
            code=klass.join_code), "success")
    return redirect(url_for("classes.show", class_id=class_id), 303)


@bp.post("/classes/<int:class_id>/joining")
@instructors
def joining(class_id: int):
    classes.get_class(get_session(), current_user, class_id)
    form = JoiningForm()
    if not form.validate():
        abort(400)
    on = form.on.data == "1"
    classes.set_joining(get_session(), current_user, class_id, on)
    flash(_("Joining is open.") if on else _("Joining is closed: the code no longer works."),
          "success")
    return redirect(url_for("classes.show", class_id=class_id), 303)


@bp.post("/classes/<int:class_id>/archive")
@instructors
def archive(class_id: int):
    classes.archive_class(get_session(), current_user, class_id, now=clock.now())
    flash(_("Class archived."), "success")
    return redirect(url_for("classes.index"), 303)


@bp.post("/classes/<int:class_id>/members/<int:user_id>/remove")
@instructors
def remove_member(class_id: int, user_id: int):
    classes.remove_member(get_session(), current_user, class_id, user_id)
    flash(_("Removed from the class (their attempts and results are kept)."), "success")
    return redirect(url_for("classes.show", class_id=class_id) + "#members", 303)


@bp.post("/classes/<int:class_id>/assignments")
@instructors
def assign(class_id: int):
    session = get_session()
    classes.get_class(session, current_user, class_id)
    form = _assign_form(session, posted=True)
    ok, _a = saved(form, lambda: classes.assign(
        get_session(), current_user, class_id, int(form.set_id.data), opens_at=form.opens,
        closes_at=form.closes, now=clock.now()))
    if not ok:
        return _class_page(class_id, 400, assign_form=form)
    flash(_("Set assigned: the class's learners see it on their home page."), "success")
    return redirect(url_for("classes.show", class_id=class_id) + "#assignments", 303)


def _results_page(assignment_id: int, form=None, status: int = 200):
    session = get_session()
    report = classes.report(session, current_user, assignment_id, clock.now())
    stats = classes.analysis(session, current_user, assignment_id, clock.now())
    a = report["assignment"]
    form = form or TimesForm(formdata=None, data={
        "opens_at": local(a.opens_at, "%Y-%m-%dT%H:%M"),
        "closes_at": local(a.closes_at, "%Y-%m-%dT%H:%M")})
    return render("classes/results.html", status, r=report, stats=stats, form=form,
                  flag_below=FLAG_BELOW, min_attempts=MIN_ATTEMPTS)


@bp.get("/assignments/<int:assignment_id>")
@instructors
def results(assignment_id: int):
    return _results_page(assignment_id)


@bp.post("/assignments/<int:assignment_id>")
@instructors
def update_assignment(assignment_id: int):
    classes.get_assignment(get_session(), current_user, assignment_id)
    form = TimesForm(parse=parse_local)
    ok, _a = saved(form, lambda: classes.update_assignment(
        get_session(), current_user, assignment_id, opens_at=form.opens,
        closes_at=form.closes, now=clock.now()))
    if not ok:
        return _results_page(assignment_id, form, 400)
    flash(_("Times saved."), "success")
    return redirect(url_for("classes.results", assignment_id=assignment_id), 303)


@bp.post("/assignments/<int:assignment_id>/delete")
@instructors
def delete_assignment(assignment_id: int):
    a, klass, _ = classes.get_assignment(get_session(), current_user, assignment_id)
    class_id = klass.id
    classes.delete_assignment(get_session(), current_user, assignment_id)
    flash(_("Assignment removed."), "success")
    return redirect(url_for("classes.show", class_id=class_id) + "#assignments", 303)


@bp.get("/assignments/<int:assignment_id>/results.csv")
@instructors
def results_csv(assignment_id: int):
    return _assignment_csv(assignment_id, classes.report_csv, "results")


@bp.get("/assignments/<int:assignment_id>/questions.csv")
@instructors
def analysis_csv(assignment_id: int):
    return _assignment_csv(assignment_id, classes.analysis_csv, "questions")


def _assignment_csv(assignment_id: int, make_csv, what: str):
    """One of an assignment's tables as a spreadsheet-safe CSV download, named after it."""
    session = get_session()
    _a, klass, qset = classes.get_assignment(session, current_user, assignment_id)
    body = make_csv(session, current_user, assignment_id, clock.now())
    return download(body, f"{sets.slugify(klass.name)}-{qset.name}-{what}.csv",
                     "text/csv; charset=utf-8")
