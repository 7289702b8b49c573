"""Class pages for instructors: classes, join code and link, members, assignments with open
and close times, and each assignment's results (per learner, per question) with CSV
exports. Every id is checked against the instructor: another's class is a 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..services import classes, sets
from ..services.errors import ServiceError
from ..services.stats import section_mastery
from ..sets.analysis import FLAG_BELOW
from .responses import download, public_url
from .sets import instructors, parse_local, render

bp = Blueprint("classes", __name__)


@bp.get("/classes")
@instructors
def index():
    return render("classes/index.html", classes=classes.list_classes(get_session(),
                                                                     current_user))


@bp.post("/classes")
@instructors
def create():
    klass = classes.create_class(get_session(), current_user, request.form.get("name", ""),
                                 now=clock.now())
    flash(_("Class created. Learners join with the code %(code)s.", code=klass.join_code),
          "success")
    return redirect(url_for("classes.show", class_id=klass.id), 303)


@bp.get("/classes/<int:class_id>")
@instructors
def show(class_id: int):
    session = get_session()
    klass = classes.get_class(session, current_user, class_id)
    mine = [s for s in sets.list_sets(session, current_user) if s["status"] != "draft"]
    members = classes.members(session, klass)
    mastery = section_mastery(session, [m["id"] for m in members], clock.now())
    return render("classes/show.html", klass=klass, members=members, mastery=mastery,
                  assignments=classes.class_assignments(session, klass, clock.now()), sets=mine,
                  join_url=public_url("sets.join_page", code=klass.join_code))


@bp.post("/classes/<int:class_id>/rename")
@instructors
def rename(class_id: int):
    classes.rename_class(get_session(), current_user, class_id, request.form.get("name", ""))
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
    on = request.form.get("on") == "1"
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
    form = request.form
    try:
        set_id = int(form.get("set_id", ""))
    except ValueError:
        raise ServiceError("form.no_set", _("Choose a set to assign")) from None
    classes.assign(get_session(), current_user, class_id, set_id,
                   opens_at=parse_local(form.get("opens_at"), _("Opens")),
                   closes_at=parse_local(form.get("closes_at"), _("Closes")), now=clock.now())
    flash(_("Set assigned: the class's learners see it on their home page."), "success")
    return redirect(url_for("classes.show", class_id=class_id) + "#assignments", 303)


@bp.get("/assignments/<int:assignment_id>")
@instructors
def results(assignment_id: int):
    session = get_session()
    report = classes.report(session, current_user, assignment_id, clock.now())
    stats = classes.analysis(session, current_user, assignment_id, clock.now())
    return render("classes/results.html", r=report, stats=stats, flag_below=FLAG_BELOW)


@bp.post("/assignments/<int:assignment_id>")
@instructors
def update_assignment(assignment_id: int):
    form = request.form
    classes.update_assignment(get_session(), current_user, assignment_id,
                              opens_at=parse_local(form.get("opens_at"), _("Opens")),
                              closes_at=parse_local(form.get("closes_at"), _("Closes")),
                              now=clock.now())
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
